//! The what-if presets, natively: each one tells the story its caption promises.

use contrail::sim::{
    FaultChange, Happening, Outcome, Preset, ServiceStatus, Sim, SimConfig, UserAction,
};
use serde_json::Value;

fn played(preset: Preset, until: u64) -> (Sim, Vec<Happening>) {
    let mut sim = Sim::airline(SimConfig::default());
    sim.run_preset(preset)
        .expect("every preset fits the airline");
    let happenings = sim.advance_to(until);
    sim.audit().expect("nothing lost");
    (sim, happenings)
}

fn idx(sim: &Sim, id: &str) -> usize {
    sim.topology().index_of(id).unwrap()
}

fn outcomes_of(sim: &Sim, type_name: &str) -> Vec<Outcome> {
    sim.messages()
        .filter(|m| m.type_name == type_name)
        .map(|m| sim.outcome_of(m.message_id).unwrap())
        .collect()
}

fn johns_points(sim: &Sim) -> u64 {
    sim.service_state("loyalty").unwrap()["accounts"]["C12345"]["points"]
        .as_u64()
        .unwrap()
}

/// The points John's last answered points query reported.
fn last_points_answer(sim: &Sim) -> Option<u64> {
    sim.messages()
        .rev()
        .find(|m| {
            m.type_name.ends_with("C12345/points")
                && sim.outcome_of(m.message_id) == Some(Outcome::Answered)
                && m.kind == contrail::sim::MessageKind::QueryResponse
        })
        .and_then(|m| m.payload["body"]["points"].as_u64())
}

#[test]
fn every_preset_has_a_label_and_a_caption_of_two_or_three_sentences() {
    for preset in Preset::ALL {
        assert!(!preset.label().is_empty());
        let sentences = preset.caption().matches(". ").count() + 1;
        assert!(
            (2..=3).contains(&sentences),
            "{preset:?}: {}",
            preset.caption()
        );
    }
}

#[test]
fn loyalty_down_bookings_complete_events_wait_and_the_points_query_fails_at_once() {
    let (mut sim, happenings) = played(Preset::LoyaltyDown, 12_000);
    let loyalty = idx(&sim, "loyalty");
    assert_eq!(sim.service_status(loyalty), ServiceStatus::Down);
    assert_eq!(
        outcomes_of(&sim, "CreateBooking"),
        [Outcome::Accepted, Outcome::Accepted]
    );
    assert_eq!(
        sim.queue_depth(loyalty),
        2,
        "both BookingCreated wait for Loyalty"
    );
    let failed: Vec<_> = happenings
        .iter()
        .filter(|h| matches!(h, Happening::QueryFailed { .. }))
        .collect();
    assert_eq!(failed.len(), 1, "John's points query fails");
    let points_query = sim
        .messages()
        .find(|m| m.type_name.ends_with("/points"))
        .unwrap();
    assert!(
        matches!(sim.outcome_of(points_query.message_id), Some(Outcome::Failed(e)) if e.contains("503"))
    );
    // At once: well before the caller's 2 s deadline.
    assert!(failed[0].at() - points_query.timestamp < 2000);

    let before = johns_points(&sim);
    sim.change_fault(FaultChange::Down(loyalty, false)).unwrap();
    sim.run_until_idle(10_000);
    assert_eq!(sim.queue_depth(loyalty), 0, "the queue drained");
    assert!(
        johns_points(&sim) > before,
        "the waiting BookingCreated credited John"
    );
    assert!(outcomes_of(&sim, "BookingCreated")
        .iter()
        .all(|o| *o == Outcome::Consumed));
}

#[test]
fn flights_slow_makes_bookings_time_out_and_late_answers_arrive_and_are_thrown_away() {
    let (sim, happenings) = played(Preset::FlightsSlow, 4_000);
    let booking = idx(&sim, "booking");
    assert!(
        sim.queue_depth(booking) >= 2,
        "Booking's own queue builds while it waits"
    );
    let mut sim = sim;
    let rest = sim.run_until_idle(100_000);
    let all: Vec<_> = happenings.iter().chain(&rest).collect();
    let timed_out = all
        .iter()
        .filter(|h| matches!(h, Happening::TimedOut { .. }))
        .count();
    let late = all
        .iter()
        .filter(|h| matches!(h, Happening::LateResponse { .. }))
        .count();
    assert_eq!(timed_out, 4, "every availability query times out");
    assert_eq!(late, 4, "and each answer arrives late, visibly");
    for outcome in outcomes_of(&sim, "CreateBooking") {
        assert!(
            matches!(outcome, Outcome::Rejected(ref r) if r.contains("timed out")),
            "{outcome:?}"
        );
    }
}

#[test]
fn duplicate_delivery_credits_twice_then_an_idempotent_loyalty_credits_once() {
    let start = johns_points(&Sim::airline(SimConfig::default()));
    let (sim, happenings) = played(Preset::DuplicateDelivery, 10_500);
    let first_credit = sim.service_state("loyalty").unwrap()["accounts"]["C12345"]["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["type"] == "Credit"
                && t["bookingId"] != Value::Null
                && t["timestamp"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("2024"))
        })
        .count();
    let _ = first_credit;
    let credited_once = {
        let mut one = Sim::airline(SimConfig::default());
        one.act(UserAction::BookFlight {
            customer_id: "C12345".into(),
            flight_number: "FL123".into(),
            passenger_ids: vec!["P12345".into()],
        })
        .unwrap();
        one.run_until_idle(10_000);
        johns_points(&one) - start
    };
    assert_eq!(
        johns_points(&sim),
        start + 2 * credited_once,
        "credited twice"
    );
    assert_eq!(
        last_points_answer(&sim),
        Some(start + 2 * credited_once),
        "and the query says so"
    );
    assert!(!happenings
        .iter()
        .any(|h| matches!(h, Happening::DuplicateIgnored { .. })));

    let mut sim = sim;
    let rest = sim.advance_to(25_000);
    assert!(rest
        .iter()
        .any(|h| matches!(h, Happening::DuplicateIgnored { .. })));
    let second = johns_points(&sim) - start - 2 * credited_once;
    assert!(second > 0, "the second booking is credited");
    assert_eq!(last_points_answer(&sim), Some(johns_points(&sim)));
    let duplicates = sim
        .messages()
        .filter(|m| m.type_name == "BookingCreated")
        .map(|m| {
            sim.deliveries_of(m.message_id)
                .iter()
                .filter(|d| d.duplicate)
                .count()
        })
        .sum::<usize>();
    assert_eq!(duplicates, 2, "each phase delivered one duplicate");
}

#[test]
fn a_poison_message_is_retried_by_the_policy_then_dead_lettered_then_retried_and_handled() {
    let (mut sim, happenings) = played(Preset::PoisonMessage, 30_000);
    let revenue = idx(&sim, "revenue");
    let waits: Vec<u64> = happenings
        .iter()
        .filter_map(|h| match h {
            Happening::Failed { retry_at, at, .. } => Some(retry_at.map_or(u64::MAX, |r| r - at)),
            _ => None,
        })
        .collect();
    assert_eq!(waits, [0, 0, 1000, 2000, 4000, u64::MAX]);
    let dead: Vec<_> = sim.dead_letters().collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 6);
    assert_eq!(dead[0].message.type_name, "AdjustFlightPricing");
    let id = dead[0].message.message_id;
    assert!(matches!(sim.outcome_of(id), Some(Outcome::DeadLettered(_))));
    assert_eq!(sim.dead_letter_count(revenue), 1);

    sim.change_fault(FaultChange::FailurePercent(revenue, 0.0))
        .unwrap();
    sim.retry_dead_letter(id, revenue).unwrap();
    sim.run_until_idle(10_000);
    assert_eq!(sim.outcome_of(id), Some(Outcome::Accepted));
    assert_eq!(sim.dead_letter_count(revenue), 0);
    let last = sim.deliveries_of(id).last().unwrap();
    assert_eq!(last.attempt, 7, "the same message on a new attempt");
    sim.audit().unwrap();
}

#[test]
fn cancelling_a_booking_frees_its_seats_and_takes_back_its_points() {
    let mut sim = Sim::airline(SimConfig::default());
    let start = johns_points(&sim);
    let seats = |sim: &Sim| {
        sim.service_state("flights").unwrap()["flights"]["FL123"]["seatsBooked"]
            .as_u64()
            .unwrap()
    };
    let seats_before = seats(&sim);
    sim.act(contrail::sim::Scenario::BookFl123.action())
        .unwrap();
    sim.run_until_idle(10_000);
    assert_eq!(seats(&sim), seats_before + 2);
    assert!(johns_points(&sim) > start);
    let booking_id = sim.service_state("booking").unwrap()["recentBookings"][0]["bookingId"]
        .as_str()
        .unwrap()
        .to_string();
    sim.act(UserAction::CancelBooking {
        booking_id: booking_id.clone(),
    })
    .unwrap();
    sim.run_until_idle(10_000);
    assert_eq!(
        seats(&sim),
        seats_before,
        "Flight Management freed the seats"
    );
    assert_eq!(johns_points(&sim), start, "Loyalty reversed the points");
    assert_eq!(outcomes_of(&sim, "BookingCancelled"), [Outcome::Consumed]);
    // A second cancellation of the same booking is refused by Booking.
    sim.act(UserAction::CancelBooking { booking_id }).unwrap();
    sim.run_until_idle(10_000);
    assert!(
        matches!(outcomes_of(&sim, "CancelBooking")[1], Outcome::Rejected(ref r) if r.contains("no active booking"))
    );
}

#[test]
fn long_traffic_keeps_flying_because_the_generator_cancels_bookings() {
    // Half an hour at a rate Booking keeps up with: without cancellations the flights fill
    // and every later booking is refused for a full flight.
    let mut sim = Sim::airline(SimConfig::default());
    sim.set_traffic(0.5).unwrap();
    sim.advance_to(1_500_000);
    let created = |sim: &Sim| {
        sim.service_state("booking").unwrap()["bookingsCreated"]
            .as_u64()
            .unwrap()
    };
    let before = created(&sim);
    sim.advance_to(1_800_000);
    let state = sim.service_state("booking").unwrap();
    assert!(state["bookingsCancelled"].as_u64().unwrap() > 0, "{state}");
    assert!(
        created(&sim) > before,
        "bookings still succeed in the last five minutes"
    );
    let flights = sim.service_state("flights").unwrap();
    let full = flights["flights"]
        .as_object()
        .unwrap()
        .values()
        .filter(|f| f["seatsRemaining"] == 0)
        .count();
    assert!(full < 5, "not every flight filled: {flights}");
}
