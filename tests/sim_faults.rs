#![cfg(not(target_arch = "wasm32"))]
//! The what-if lab: per-service faults (down, slow, failing, duplicated, idempotent, retry
//! policies, query timeouts) on the airline, first as the stories the lab tells, then as
//! properties over random faults, actions and seeds (about 11,000 generated cases):
//!
//! * nothing is lost: the audit holds after every scheduler step, and once every service is
//!   up and healthy again every message has ended, in a way that agrees with its deliveries
//!   and happenings (dead letters count as an end);
//! * queues are first in, first out, but for retries (an immediate retry is pulled next);
//! * with every consumer idempotent, duplicates change no state. Not literally every byte:
//!   a skipped duplicate still takes its consumer's time, so later things happen later. What
//!   follows from the order each consumer handled its messages is compared exactly (see
//!   [`effects`]), and whole states but for their times when actions run one at a time;
//! * a query changes no state, alone under any faults, and slipped into a run;
//! * the same seed, actions and faults give the same run.

use std::collections::{BTreeMap, BTreeSet};

use contrail::sim::*;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

// ----- helpers -----

fn airline() -> Sim {
    Sim::airline(SimConfig::default())
}

fn idx(sim: &Sim, id: &str) -> ServiceIdx {
    sim.topology().index_of(id).unwrap()
}

/// Commands and events of this type, oldest first.
fn ids_of(sim: &Sim, type_name: &str) -> Vec<MessageId> {
    sim.messages()
        .filter(|m| m.type_name == type_name && m.kind != MessageKind::QueryResponse)
        .map(|m| m.message_id)
        .collect()
}

fn one_of(sim: &Sim, type_name: &str) -> MessageId {
    let ids = ids_of(sim, type_name);
    assert_eq!(ids.len(), 1, "one {type_name} expected, got {ids:?}");
    ids[0]
}

/// The message an action just sent (each action sends exactly one).
fn act(sim: &mut Sim, action: UserAction) -> MessageId {
    sim.act(action).unwrap();
    sim.messages().last().unwrap().message_id
}

fn book(customer: &str, flight: &str, passengers: &[&str]) -> UserAction {
    UserAction::BookFlight {
        customer_id: customer.into(),
        flight_number: flight.into(),
        passenger_ids: passengers.iter().map(|p| p.to_string()).collect(),
    }
}

fn points_of(sim: &Sim, customer: &str) -> u64 {
    sim.service_state("loyalty").unwrap()["accounts"][customer]["points"]
        .as_u64()
        .unwrap()
}

/// Message ids the broker handed to `consumer` (its pulls), in order, with attempt and
/// duplicate flag.
fn pulls(
    hs: &[Happening],
    broker: ServiceIdx,
    consumer: ServiceIdx,
) -> Vec<(MessageId, u32, bool)> {
    hs.iter()
        .filter_map(|h| match h {
            Happening::Hop(hop) if hop.from == broker && hop.to == consumer => {
                Some((hop.message, hop.attempt, hop.duplicate))
            }
            _ => None,
        })
        .collect()
}

fn enqueued(hs: &[Happening], consumer: ServiceIdx) -> Vec<(MessageId, SimTime)> {
    hs.iter()
        .filter_map(|h| match h {
            Happening::Enqueued {
                message,
                consumer: c,
                at,
                ..
            } if *c == consumer => Some((*message, *at)),
            _ => None,
        })
        .collect()
}

fn count(hs: &[Happening], f: impl Fn(&Happening) -> bool) -> usize {
    hs.iter().filter(|h| f(h)).count()
}

/// The body of a query response that was answered.
fn response_body(sim: &Sim, query: MessageId) -> Value {
    let r = sim.response_of(query).expect("a response");
    let payload = &sim.message(r).unwrap().payload;
    assert_eq!(payload["status"], 200, "{payload}");
    payload["body"].clone()
}

const JOHN_SEED_POINTS: u64 = 8_400;

// ----- Loyalty down -----

#[test]
fn loyalty_down_bookings_complete_events_wait_and_drain_in_order_when_it_is_back() {
    let mut sim = airline();
    let loyalty = idx(&sim, "loyalty");
    let flights = idx(&sim, "flights");
    let broker = sim.topology().broker().unwrap();
    sim.change_fault(FaultChange::Down(loyalty, true)).unwrap();
    assert!(sim.faults(loyalty).down);
    assert_eq!(sim.service_status(loyalty), ServiceStatus::Down);

    let bookings = [
        act(&mut sim, Scenario::BookFl123.action()),
        act(&mut sim, book("C23456", "FL200", &["P23456"])),
        act(&mut sim, book("C34567", "FL310", &["P34567"])),
    ];
    let mut hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();

    // The bookings complete without Loyalty.
    for b in bookings {
        assert_eq!(sim.outcome_of(b), Some(Outcome::Accepted));
    }
    let created = ids_of(&sim, "BookingCreated");
    assert_eq!(created.len(), 3);
    // Their events wait in Loyalty's queue (Flights took its copies) and are not lost.
    assert_eq!(sim.queue_depth(loyalty), 3);
    assert_eq!(sim.service_status(loyalty), ServiceStatus::Down);
    assert!(pulls(&hs, broker, loyalty).is_empty());
    for &e in &created {
        assert_eq!(sim.outcome_of(e), Some(Outcome::Pending));
        let ds = sim.deliveries_of(e);
        let at_loyalty: Vec<&Delivery> = ds.iter().filter(|d| d.consumer == loyalty).collect();
        assert_eq!(at_loyalty.len(), 1);
        assert!(at_loyalty[0].enqueued.is_some() && at_loyalty[0].pulled.is_none());
        assert!(at_loyalty[0].ended.is_none());
        let at_flights = ds.iter().find(|d| d.consumer == flights).unwrap();
        assert_eq!(
            at_flights.ended.as_ref().map(|(_, e)| e),
            Some(&DeliveryEnd::Handled)
        );
    }
    assert_eq!(points_of(&sim, "C12345"), JOHN_SEED_POINTS);
    assert!(ids_of(&sim, "LoyaltyPointsCredited").is_empty());

    // John's points: a query needs its server now, so it fails at once with a 503.
    let t0 = sim.now();
    let q = act(&mut sim, Scenario::CheckJohnsPoints.action());
    let hs_q = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    match sim.outcome_of(q) {
        Some(Outcome::Failed(error)) => assert!(error.contains("503"), "{error}"),
        other => panic!("the points query should fail, got {other:?}"),
    }
    let failed_at = hs_q
        .iter()
        .find_map(|h| match h {
            Happening::QueryFailed {
                request, error, at, ..
            } if *request == q => {
                assert!(error.contains("503"), "{error}");
                Some(*at)
            }
            _ => None,
        })
        .expect("a QueryFailed happening");
    // Two hops (at most 750 ms each with the default jitter), no waiting for the deadline.
    assert!(failed_at - t0 <= 1500, "took {} ms", failed_at - t0);
    assert!(failed_at - t0 < SimConfig::default().query_timeout_ms);
    assert_eq!(
        count(&hs_q, |h| matches!(
            h,
            Happening::TimedOut { .. } | Happening::Answered { .. }
        )),
        0
    );
    let r = sim.response_of(q).unwrap();
    assert_eq!(sim.message(r).unwrap().payload["status"], 503);
    assert!(matches!(sim.outcome_of(r), Some(Outcome::Failed(_))));
    // Loyalty did not pull anything because of the query.
    assert_eq!(sim.queue_depth(loyalty), 3);
    hs.extend(hs_q);

    // Back up: the queue drains, first in first out, and the points are credited.
    let up_at = sim.now();
    sim.change_fault(FaultChange::Down(loyalty, false)).unwrap();
    assert_ne!(sim.service_status(loyalty), ServiceStatus::Down);
    let hs_up = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    hs.extend(hs_up.iter().cloned());
    let order: Vec<MessageId> = enqueued(&hs, loyalty).iter().map(|&(m, _)| m).collect();
    assert_eq!(order, created, "enqueued in the order they were published");
    let pulled: Vec<MessageId> = pulls(&hs_up, broker, loyalty)
        .iter()
        .map(|&(m, _, _)| m)
        .collect();
    assert_eq!(pulled, order, "drained first in, first out");
    assert_eq!(sim.queue_depth(loyalty), 0);
    let handled: Vec<MessageId> = hs_up
        .iter()
        .filter_map(|h| match h {
            Happening::Handled { message, by, .. } if *by == loyalty => Some(*message),
            _ => None,
        })
        .collect();
    assert_eq!(handled, created);
    for &e in &created {
        assert_eq!(sim.outcome_of(e), Some(Outcome::Consumed));
        let d = sim
            .deliveries_of(e)
            .iter()
            .find(|d| d.consumer == loyalty)
            .unwrap();
        assert!(d.pulled.unwrap() >= up_at);
    }
    let credited = ids_of(&sim, "LoyaltyPointsCredited");
    assert_eq!(credited.len(), 3);
    let johns = sim
        .messages()
        .find(|m| m.type_name == "LoyaltyPointsCredited" && m.payload["customerId"] == "C12345")
        .unwrap();
    let p = johns.payload["pointsCredited"].as_u64().unwrap();
    assert!(p > 0);
    assert_eq!(points_of(&sim, "C12345"), JOHN_SEED_POINTS + p);

    // And now the query is answered with the credited balance.
    let q2 = act(&mut sim, Scenario::CheckJohnsPoints.action());
    sim.run_until_idle(100_000);
    assert_eq!(sim.outcome_of(q2), Some(Outcome::Answered));
    assert_eq!(response_body(&sim, q2)["points"], JOHN_SEED_POINTS + p);
}

// ----- Flights slow -----

#[test]
fn flights_twenty_times_slower_times_out_bookings_and_booking_queue_builds() {
    let mut sim = airline();
    let booking = idx(&sim, "booking");
    let flights = idx(&sim, "flights");
    sim.change_fault(FaultChange::Slowdown(flights, 20.0))
        .unwrap();
    assert_eq!(sim.faults(flights).slowdown, 20.0);

    let commands: Vec<MessageId> = (0..4)
        .map(|_| act(&mut sim, book("C34567", "FL310", &["P34567"])))
        .collect();
    // The first is pulled and blocks Booking on its availability query; the rest wait.
    let mut hs = sim.advance_to(2_500);
    assert_eq!(sim.queue_depth(booking), 3);
    assert_eq!(sim.service_status(booking), ServiceStatus::Waiting);
    hs.extend(sim.run_until_idle(100_000));
    sim.audit().unwrap();
    let deepest = hs
        .iter()
        .filter_map(|h| match h {
            Happening::Enqueued {
                consumer, depth, ..
            } if *consumer == booking => Some(*depth),
            _ => None,
        })
        .max();
    assert!(deepest >= Some(3), "Booking's queue peaked at {deepest:?}");

    let queries: Vec<MessageId> = sim
        .messages()
        .filter(|m| m.kind == MessageKind::Query)
        .map(|m| m.message_id)
        .collect();
    assert_eq!(queries.len(), 4, "one availability query per booking");
    let timeout = sim.faults(booking).query_timeout_ms;
    for &q in &queries {
        assert_eq!(sim.outcome_of(q), Some(Outcome::TimedOut));
        let sent_at = sim.message(q).unwrap().timestamp;
        let timed_out_at = hs
            .iter()
            .position(|h| matches!(h, Happening::TimedOut { request, .. } if *request == q))
            .expect("TimedOut");
        assert_eq!(hs[timed_out_at].at(), sent_at + timeout);
        // The answer still comes, later, and is thrown away.
        let late = hs
            .iter()
            .position(|h| matches!(h, Happening::LateResponse { request, .. } if *request == q))
            .expect("LateResponse");
        assert!(late > timed_out_at);
        assert!(hs[late].at() > hs[timed_out_at].at());
        let Happening::LateResponse { response, .. } = &hs[late] else {
            unreachable!()
        };
        assert_eq!(sim.outcome_of(*response), Some(Outcome::TimedOut));
        assert_eq!(sim.message(*response).unwrap().payload["status"], 200);
    }
    // Four answers at 150 ms × 20 each, over a 2 s deadline: every booking is rejected.
    for c in commands {
        match sim.outcome_of(c) {
            Some(Outcome::Rejected(reason)) => assert!(reason.contains("timed out"), "{reason}"),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
    assert!(ids_of(&sim, "BookingCreated").is_empty());
    assert_eq!(sim.queue_depth(booking), 0);
}

// ----- handler failures, retries and dead letters -----

/// A booking whose AdjustFlightPricing fails at Revenue every time, run to idle.
fn poisoned() -> (Sim, Vec<Happening>, MessageId, ServiceIdx) {
    let mut sim = airline();
    let revenue = idx(&sim, "revenue");
    sim.change_fault(FaultChange::FailurePercent(revenue, 100.0))
        .unwrap();
    sim.act(Scenario::BookFl123.action()).unwrap();
    let hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    let afp = one_of(&sim, "AdjustFlightPricing");
    (sim, hs, afp, revenue)
}

fn failures(hs: &[Happening], id: MessageId) -> Vec<(ServiceIdx, u32, Option<SimTime>, SimTime)> {
    hs.iter()
        .filter_map(|h| match h {
            Happening::Failed {
                message,
                by,
                attempt,
                retry_at,
                at,
                ..
            } if *message == id => Some((*by, *attempt, *retry_at, *at)),
            _ => None,
        })
        .collect()
}

/// The default policy: immediately, immediately, after 1 s, 2 s, 4 s, then dead letters.
const DEFAULT_WAITS: [Option<u64>; 6] =
    [Some(0), Some(0), Some(1000), Some(2000), Some(4000), None];

fn assert_default_round(hs: &[Happening], id: MessageId, c: ServiceIdx, first_attempt: u32) {
    let fs = failures(hs, id);
    assert_eq!(fs.len(), 6, "{fs:?}");
    for (i, &(by, attempt, retry_at, at)) in fs.iter().enumerate() {
        assert_eq!(by, c);
        assert_eq!(attempt, first_attempt + i as u32);
        assert_eq!(
            retry_at,
            DEFAULT_WAITS[i].map(|w| at + w),
            "attempt {attempt}"
        );
    }
    // Each retry really goes back to the queue when the Failed happening said it would (the
    // round's first enqueue is the first delivery, or the dead letter sent back).
    let requeued: Vec<SimTime> = enqueued(hs, c)
        .iter()
        .filter(|&&(m, _)| m == id)
        .map(|&(_, at)| at)
        .skip(1)
        .collect();
    let promised: Vec<SimTime> = fs.iter().filter_map(|f| f.2).collect();
    assert_eq!(requeued, promised);
    let broker = hs
        .iter()
        .find_map(|h| match h {
            Happening::Hop(hop) if hop.to == c && hop.message == id => Some(hop.from),
            _ => None,
        })
        .unwrap();
    let attempts: Vec<u32> = pulls(hs, broker, c)
        .iter()
        .filter(|p| p.0 == id)
        .map(|p| p.1)
        .collect();
    assert_eq!(
        attempts,
        (first_attempt..first_attempt + 6).collect::<Vec<_>>()
    );
    // Dead-lettered right after the last failure, at the same instant.
    let last = fs[5].3;
    let dead = hs
        .iter()
        .position(|h| matches!(h, Happening::DeadLettered { message, consumer, .. } if *message == id && *consumer == c))
        .expect("DeadLettered");
    assert_eq!(hs[dead].at(), last);
}

#[test]
fn a_failing_handler_retries_by_the_default_policy_then_dead_letters() {
    let (sim, hs, afp, revenue) = poisoned();
    assert_default_round(&hs, afp, revenue, 1);
    match sim.outcome_of(afp) {
        Some(Outcome::DeadLettered(error)) => assert!(error.contains("failure rate"), "{error}"),
        other => panic!("expected DeadLettered, got {other:?}"),
    }
    let dead: Vec<&DeadLetter> = sim.dead_letters().collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].message.message_id, afp);
    assert_eq!(dead[0].consumer, revenue);
    assert_eq!(dead[0].attempts, 6);
    assert_eq!(sim.dead_letter_count(revenue), 1);
    assert_eq!(sim.queue_depth(revenue), 0);
    let ds = sim.deliveries_of(afp);
    assert_eq!(ds.len(), 6);
    for (i, d) in ds.iter().enumerate() {
        assert_eq!(
            (d.consumer, d.attempt, d.duplicate),
            (revenue, i as u32 + 1, false)
        );
        assert!(d.enqueued.is_some() && d.pulled.is_some());
        let end = &d.ended.as_ref().unwrap().1;
        if i < 5 {
            assert!(matches!(end, DeliveryEnd::Failed(_)), "{end:?}");
        } else {
            assert!(matches!(end, DeliveryEnd::DeadLettered(_)), "{end:?}");
        }
    }
    // A failed attempt changed nothing: no fare was adjusted.
    assert!(ids_of(&sim, "FlightPriceAdjusted").is_empty());
    assert_eq!(sim.service_state("revenue").unwrap()["priceAdjustments"], 0);
    let broker = sim.service_state("broker").unwrap();
    assert_eq!(broker["deadLetters"]["revenue"], 1);
}

#[test]
fn a_dead_letter_retried_after_the_fix_is_handled_under_the_same_id() {
    let (mut sim, _, afp, revenue) = poisoned();
    sim.change_fault(FaultChange::FailurePercent(revenue, 0.0))
        .unwrap();
    sim.retry_dead_letter(afp, revenue).unwrap();
    assert_eq!(sim.dead_letter_count(revenue), 0);
    assert_eq!(sim.outcome_of(afp), Some(Outcome::Pending));
    sim.audit().unwrap();
    let hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    let broker = sim.topology().broker().unwrap();
    assert_eq!(pulls(&hs, broker, revenue), [(afp, 7, false)]);
    assert!(hs.iter().any(
        |h| matches!(h, Happening::Handled { message, by, .. } if *message == afp && *by == revenue)
    ));
    assert!(failures(&hs, afp).is_empty());
    let last = sim.deliveries_of(afp).last().unwrap().clone();
    assert_eq!((last.consumer, last.attempt), (revenue, 7));
    assert_eq!(last.ended.map(|(_, e)| e), Some(DeliveryEnd::Handled));
    assert_eq!(sim.outcome_of(afp), Some(Outcome::Accepted));
    // Its effect happened once: the fare changed, announced by one event it caused.
    let adjusted = one_of(&sim, "FlightPriceAdjusted");
    assert_eq!(sim.message(adjusted).unwrap().causation_id, Some(afp));
    assert_eq!(sim.service_state("revenue").unwrap()["priceAdjustments"], 1);
    // It is no longer a dead letter: neither retry nor discard can find it.
    assert!(sim.retry_dead_letter(afp, revenue).is_err());
    assert!(sim.discard_dead_letter(afp, revenue).is_err());
}

#[test]
fn a_dead_letter_retried_before_the_fix_gets_a_fresh_round_and_dead_letters_again() {
    let (mut sim, _, afp, revenue) = poisoned();
    sim.retry_dead_letter(afp, revenue).unwrap();
    let hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    assert_default_round(&hs, afp, revenue, 7);
    assert!(matches!(
        sim.outcome_of(afp),
        Some(Outcome::DeadLettered(_))
    ));
    let dead: Vec<&DeadLetter> = sim.dead_letters().collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 12);
    assert_eq!(sim.deliveries_of(afp).len(), 12);
}

#[test]
fn a_discarded_dead_letter_ends_discarded() {
    let (mut sim, _, afp, revenue) = poisoned();
    assert!(sim.discard_dead_letter(afp, idx(&sim, "booking")).is_err());
    sim.discard_dead_letter(afp, revenue).unwrap();
    let hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    assert_eq!(
        count(
            &hs,
            |h| matches!(h, Happening::Discarded { message, consumer, .. } if *message == afp && *consumer == revenue)
        ),
        1
    );
    assert_eq!(sim.outcome_of(afp), Some(Outcome::Discarded));
    assert_eq!(sim.dead_letters().count(), 0);
    let last = sim.deliveries_of(afp).last().unwrap();
    assert!(matches!(last.ended, Some((_, DeliveryEnd::Discarded(_)))));
    assert!(sim.retry_dead_letter(afp, revenue).is_err());
    assert!(sim.discard_dead_letter(afp, revenue).is_err());
    // Nothing is scheduled for it any more.
    assert_eq!(sim.next_due(), None);
}

#[test]
fn retry_all_sends_every_dead_letter_back() {
    let mut sim = airline();
    let revenue = idx(&sim, "revenue");
    sim.change_fault(FaultChange::Policy(
        revenue,
        RetryPolicy {
            immediate: 0,
            delayed: 0,
            backoff_ms: 1,
        },
    ))
    .unwrap();
    sim.change_fault(FaultChange::FailurePercent(revenue, 100.0))
        .unwrap();
    sim.act(Scenario::BookFl123.action()).unwrap();
    sim.act(book("C23456", "FL200", &["P23456"])).unwrap();
    let hs = sim.run_until_idle(100_000);
    let afps = ids_of(&sim, "AdjustFlightPricing");
    assert_eq!(afps.len(), 2);
    // No retries at all: the first failure dead-letters.
    for &a in &afps {
        let fs = failures(&hs, a);
        assert_eq!(fs.len(), 1);
        assert_eq!((fs[0].1, fs[0].2), (1, None));
        assert!(matches!(sim.outcome_of(a), Some(Outcome::DeadLettered(_))));
    }
    assert_eq!(sim.dead_letter_count(revenue), 2);
    sim.change_fault(FaultChange::FailurePercent(revenue, 0.0))
        .unwrap();
    sim.retry_all_dead_letters();
    assert_eq!(sim.dead_letters().count(), 0);
    sim.run_until_idle(100_000);
    sim.audit().unwrap();
    for &a in &afps {
        assert_eq!(sim.outcome_of(a), Some(Outcome::Accepted));
        assert_eq!(sim.deliveries_of(a).last().unwrap().attempt, 2);
    }
}

#[test]
fn fail_next_fails_exactly_one_attempt() {
    let mut sim = airline();
    let revenue = idx(&sim, "revenue");
    sim.change_fault(FaultChange::FailNext(revenue)).unwrap();
    assert!(sim.faults(revenue).fail_next);
    sim.act(Scenario::BookFl123.action()).unwrap();
    let hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    let afp = one_of(&sim, "AdjustFlightPricing");
    let fs = failures(&hs, afp);
    assert_eq!(fs.len(), 1, "{fs:?}");
    let (by, attempt, retry_at, at) = fs[0];
    assert_eq!((by, attempt, retry_at), (revenue, 1, Some(at)));
    assert_eq!(count(&hs, |h| matches!(h, Happening::Failed { .. })), 1);
    assert!(!sim.faults(revenue).fail_next);
    assert_eq!(sim.outcome_of(afp), Some(Outcome::Accepted));
    let ends: Vec<(u32, DeliveryEnd)> = sim
        .deliveries_of(afp)
        .iter()
        .map(|d| (d.attempt, d.ended.clone().unwrap().1))
        .collect();
    assert!(matches!(ends[0], (1, DeliveryEnd::Failed(_))));
    assert_eq!(ends[1], (2, DeliveryEnd::Handled));
    assert_eq!(ends.len(), 2);
    // The next message is not failed.
    sim.act(book("C23456", "FL200", &["P23456"])).unwrap();
    let hs = sim.run_until_idle(100_000);
    assert_eq!(count(&hs, |h| matches!(h, Happening::Failed { .. })), 0);
}

#[test]
fn a_custom_policy_sets_the_waits() {
    let mut sim = airline();
    let revenue = idx(&sim, "revenue");
    let policy = RetryPolicy {
        immediate: 1,
        delayed: 2,
        backoff_ms: 250,
    };
    sim.change_fault(FaultChange::Policy(revenue, policy))
        .unwrap();
    assert_eq!(sim.faults(revenue).policy, policy);
    sim.change_fault(FaultChange::FailurePercent(revenue, 100.0))
        .unwrap();
    sim.act(Scenario::BookFl123.action()).unwrap();
    let hs = sim.run_until_idle(100_000);
    let afp = one_of(&sim, "AdjustFlightPricing");
    let waits: Vec<Option<u64>> = failures(&hs, afp)
        .iter()
        .map(|&(_, _, retry_at, at)| retry_at.map(|r| r - at))
        .collect();
    assert_eq!(waits, [Some(0), Some(250), Some(500), None]);
    assert_eq!(sim.dead_letters().next().unwrap().attempts, 4);
}

// ----- duplicates -----

/// A booking by John with the broker delivering BookingCreated to Loyalty twice.
fn duplicated(idempotent: bool) -> (Sim, Vec<Happening>, MessageId, ServiceIdx) {
    let mut sim = airline();
    let loyalty = idx(&sim, "loyalty");
    if idempotent {
        sim.change_fault(FaultChange::Idempotent(loyalty, true))
            .unwrap();
    }
    sim.change_fault(FaultChange::DuplicateNext(loyalty))
        .unwrap();
    assert!(sim.faults(loyalty).duplicate_next);
    sim.act(Scenario::BookFl123.action()).unwrap();
    let hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    assert!(!sim.faults(loyalty).duplicate_next, "used up");
    let created = one_of(&sim, "BookingCreated");
    // Two deliveries to Loyalty, the second a duplicate; Flights gets one.
    let at_loyalty: Vec<&Delivery> = sim
        .deliveries_of(created)
        .iter()
        .filter(|d| d.consumer == loyalty)
        .collect();
    assert_eq!(at_loyalty.len(), 2);
    assert_eq!(
        at_loyalty.iter().map(|d| d.duplicate).collect::<Vec<_>>(),
        [false, true]
    );
    assert!(at_loyalty.iter().all(|d| d.attempt == 1));
    let flights = idx(&sim, "flights");
    assert_eq!(
        sim.deliveries_of(created)
            .iter()
            .filter(|d| d.consumer == flights)
            .count(),
        1
    );
    let broker = sim.topology().broker().unwrap();
    assert_eq!(
        pulls(&hs, broker, loyalty),
        [(created, 1, false), (created, 1, true)]
    );
    assert_eq!(sim.outcome_of(created), Some(Outcome::Consumed));
    (sim, hs, created, loyalty)
}

#[test]
fn a_duplicate_to_a_consumer_that_is_not_idempotent_credits_twice() {
    let (mut sim, hs, created, loyalty) = duplicated(false);
    let credits = ids_of(&sim, "LoyaltyPointsCredited");
    assert_eq!(credits.len(), 2, "one credit per copy");
    let p = sim.message(credits[0]).unwrap().payload["pointsCredited"]
        .as_u64()
        .unwrap();
    assert!(p > 0);
    assert_eq!(points_of(&sim, "C12345"), JOHN_SEED_POINTS + 2 * p);
    assert_eq!(
        count(&hs, |h| matches!(h, Happening::DuplicateIgnored { .. })),
        0
    );
    for d in sim
        .deliveries_of(created)
        .iter()
        .filter(|d| d.consumer == loyalty)
    {
        assert_eq!(d.ended.as_ref().unwrap().1, DeliveryEnd::Handled);
    }
    let q = act(&mut sim, Scenario::CheckJohnsPoints.action());
    sim.run_until_idle(100_000);
    assert_eq!(response_body(&sim, q)["points"], JOHN_SEED_POINTS + 2 * p);
}

#[test]
fn a_duplicate_to_an_idempotent_consumer_is_ignored_and_credits_once() {
    let (mut sim, hs, created, loyalty) = duplicated(true);
    assert_eq!(
        count(
            &hs,
            |h| matches!(h, Happening::DuplicateIgnored { message, by, .. } if *message == created && *by == loyalty)
        ),
        1
    );
    let credit = one_of(&sim, "LoyaltyPointsCredited");
    let p = sim.message(credit).unwrap().payload["pointsCredited"]
        .as_u64()
        .unwrap();
    assert_eq!(points_of(&sim, "C12345"), JOHN_SEED_POINTS + p);
    let ends: Vec<(bool, DeliveryEnd)> = sim
        .deliveries_of(created)
        .iter()
        .filter(|d| d.consumer == loyalty)
        .map(|d| (d.duplicate, d.ended.clone().unwrap().1))
        .collect();
    assert_eq!(
        ends,
        [
            (false, DeliveryEnd::Handled),
            (true, DeliveryEnd::DuplicateIgnored)
        ]
    );
    let q = act(&mut sim, Scenario::CheckJohnsPoints.action());
    sim.run_until_idle(100_000);
    assert_eq!(response_body(&sim, q)["points"], JOHN_SEED_POINTS + p);
}

#[test]
fn a_duplicate_percent_of_fifty_duplicates_some_deliveries_and_zero_none() {
    let mut sim = airline();
    sim.change_fault(FaultChange::DuplicatePercent(50.0))
        .unwrap();
    assert_eq!(sim.duplicate_percent(), 50.0);
    for _ in 0..8 {
        sim.act(book("C34567", "FL415", &["P34567"])).unwrap();
    }
    let hs = sim.run_until_idle(1_000_000);
    sim.audit().unwrap();
    let dups = count(&hs, |h| matches!(h, Happening::Hop(hop) if hop.duplicate));
    assert!(dups > 0, "no duplicate among dozens of deliveries at 50 %");
    let mut clean = airline();
    clean
        .change_fault(FaultChange::DuplicatePercent(0.0))
        .unwrap();
    for _ in 0..8 {
        clean.act(book("C34567", "FL415", &["P34567"])).unwrap();
    }
    let hs = clean.run_until_idle(1_000_000);
    assert_eq!(
        count(&hs, |h| matches!(h, Happening::Hop(hop) if hop.duplicate)),
        0
    );
}

// ----- bad input -----

#[test]
fn bad_fault_settings_are_refused_and_change_nothing() {
    let mut sim = airline();
    let flights = idx(&sim, "flights");
    let broker = sim.topology().broker().unwrap();
    // Non-default settings first, so "unchanged" cannot mean "reset to default".
    sim.change_fault(FaultChange::Slowdown(flights, 3.0))
        .unwrap();
    sim.change_fault(FaultChange::FailurePercent(flights, 25.0))
        .unwrap();
    sim.change_fault(FaultChange::QueryTimeout(flights, 1500))
        .unwrap();
    sim.change_fault(FaultChange::DuplicatePercent(10.0))
        .unwrap();
    let before: Vec<ServiceFaults> = (0..6).map(|s| sim.faults(s)).collect();
    let policy = |immediate, delayed, backoff_ms| {
        FaultChange::Policy(
            flights,
            RetryPolicy {
                immediate,
                delayed,
                backoff_ms,
            },
        )
    };
    let bad = [
        FaultChange::Slowdown(flights, 0.0),
        FaultChange::Slowdown(flights, 0.5),
        FaultChange::Slowdown(flights, 1e9),
        FaultChange::Slowdown(flights, f64::NAN),
        FaultChange::Slowdown(flights, f64::INFINITY),
        FaultChange::FailurePercent(flights, -1.0),
        FaultChange::FailurePercent(flights, 100.5),
        FaultChange::FailurePercent(flights, f64::NAN),
        FaultChange::DuplicatePercent(60.0),
        FaultChange::DuplicatePercent(-0.1),
        FaultChange::DuplicatePercent(f64::NAN),
        policy(10_000, 0, 1000),
        policy(0, 10_000, 1000),
        policy(MAX_RETRIES + 1, 0, 1000),
        policy(2, 3, 0),
        policy(2, 3, u64::MAX),
        FaultChange::QueryTimeout(flights, 0),
        FaultChange::QueryTimeout(flights, 99),
        FaultChange::QueryTimeout(flights, 60_001),
        // The broker has no handler faults; its only fault is the duplicate rate.
        FaultChange::Down(broker, true),
        FaultChange::Slowdown(broker, 2.0),
        FaultChange::FailurePercent(broker, 50.0),
        FaultChange::FailNext(broker),
        FaultChange::DuplicateNext(broker),
        FaultChange::Idempotent(broker, true),
        FaultChange::QueryTimeout(broker, 1000),
        // No such service.
        FaultChange::Down(6, true),
        FaultChange::Slowdown(usize::MAX, 2.0),
        FaultChange::FailNext(99),
        FaultChange::DuplicateNext(6),
    ];
    for change in bad {
        let err = sim.change_fault(change.clone());
        assert!(err.is_err(), "{change:?} was accepted");
        let after: Vec<ServiceFaults> = (0..6).map(|s| sim.faults(s)).collect();
        assert_eq!(after, before, "{change:?} changed a setting");
        assert_eq!(sim.duplicate_percent(), 10.0, "{change:?}");
    }
    assert!(matches!(
        sim.change_fault(FaultChange::Down(6, true)),
        Err(SimError::UnknownServiceIndex { index: 6 })
    ));
    // Reading or acting on an index outside the topology refuses or reads as empty; no panic.
    assert!(sim.retry_dead_letter(1, 99).is_err());
    assert!(sim.discard_dead_letter(1, usize::MAX).is_err());
    assert_eq!(sim.queue_depth(99), 0);
    assert_eq!(sim.dead_letter_count(99), 0);
    assert_ne!(sim.service_status(99), ServiceStatus::Down);
    // The edges of each range are taken.
    for good in [
        FaultChange::Slowdown(flights, 1.0),
        FaultChange::Slowdown(flights, MAX_SLOWDOWN),
        FaultChange::FailurePercent(flights, 0.0),
        FaultChange::FailurePercent(flights, 100.0),
        FaultChange::DuplicatePercent(0.0),
        FaultChange::DuplicatePercent(MAX_DUPLICATE_PERCENT),
        policy(MAX_RETRIES, MAX_RETRIES, 1),
        FaultChange::QueryTimeout(flights, 100),
        FaultChange::QueryTimeout(flights, 60_000),
    ] {
        sim.change_fault(good.clone())
            .unwrap_or_else(|e| panic!("{good:?} refused: {e}"));
    }
    sim.audit().unwrap();
}

#[test]
fn a_shorter_query_timeout_applies_to_the_caller() {
    let mut sim = airline();
    let booking = idx(&sim, "booking");
    sim.change_fault(FaultChange::QueryTimeout(booking, 100))
        .unwrap();
    let c = act(&mut sim, Scenario::BookFl123.action());
    let hs = sim.run_until_idle(100_000);
    let q = sim
        .messages()
        .find(|m| m.kind == MessageKind::Query)
        .unwrap()
        .message_id;
    let at = hs
        .iter()
        .find(|h| matches!(h, Happening::TimedOut { request, .. } if *request == q))
        .unwrap()
        .at();
    assert_eq!(at, sim.message(q).unwrap().timestamp + 100);
    assert!(matches!(sim.outcome_of(c), Some(Outcome::Rejected(_))));
    // The app's own queries keep the default.
    let q2 = act(&mut sim, Scenario::CheckJohnsPoints.action());
    sim.run_until_idle(100_000);
    assert_eq!(sim.outcome_of(q2), Some(Outcome::Answered));
}

#[test]
fn duplicate_then_rejection_at_an_idempotent_consumer_stays_rejected() {
    // Booking rejects the first copy (unknown customer); the second is skipped as a repeat.
    // The skip must not hide the rejection: the command was refused, not accepted.
    let mut sim = airline();
    let booking = idx(&sim, "booking");
    sim.change_fault(FaultChange::Idempotent(booking, true))
        .unwrap();
    sim.change_fault(FaultChange::DuplicateNext(booking))
        .unwrap();
    let c = act(&mut sim, book("C99999", "FL123", &["P12345"]));
    let hs = sim.run_until_idle(100_000);
    sim.audit().unwrap();
    assert_eq!(
        count(
            &hs,
            |h| matches!(h, Happening::DuplicateIgnored { message, .. } if *message == c)
        ),
        1
    );
    match sim.outcome_of(c) {
        Some(Outcome::Rejected(reason)) => assert!(reason.contains("unknown customer"), "{reason}"),
        other => panic!("expected Rejected, got {other:?}"),
    }
}

#[test]
fn a_copy_still_in_the_dead_letters_is_not_hidden_by_the_other_copy_being_handled() {
    // Revenue is not idempotent and gets AdjustFlightPricing twice; the first copy fails with
    // no retries left and is dead-lettered, the second is handled. The dead letter is still
    // there, so the message is dead-lettered (and the audit agrees).
    let mut sim = airline();
    let revenue = idx(&sim, "revenue");
    sim.change_fault(FaultChange::Policy(
        revenue,
        RetryPolicy {
            immediate: 0,
            delayed: 0,
            backoff_ms: 1000,
        },
    ))
    .unwrap();
    sim.change_fault(FaultChange::DuplicateNext(revenue))
        .unwrap();
    sim.change_fault(FaultChange::FailNext(revenue)).unwrap();
    sim.act(Scenario::BookFl123.action()).unwrap();
    sim.run_until_idle(100_000);
    let afp = one_of(&sim, "AdjustFlightPricing");
    let ends: Vec<(bool, DeliveryEnd)> = sim
        .deliveries_of(afp)
        .iter()
        .map(|d| (d.duplicate, d.ended.clone().unwrap().1))
        .collect();
    assert!(
        matches!(ends[0], (false, DeliveryEnd::DeadLettered(_))),
        "{ends:?}"
    );
    assert_eq!(ends[1], (true, DeliveryEnd::Handled));
    assert_eq!(sim.dead_letter_count(revenue), 1);
    assert!(matches!(
        sim.outcome_of(afp),
        Some(Outcome::DeadLettered(_))
    ));
    sim.audit().unwrap();
    // Retried (not idempotent, so handled again): now every copy went through.
    sim.retry_dead_letter(afp, revenue).unwrap();
    sim.run_until_idle(100_000);
    sim.audit().unwrap();
    assert_eq!(sim.outcome_of(afp), Some(Outcome::Accepted));
}

// ----- properties -----

/// The airline's services in topology order; the broker is last.
const SERVICES: [&str; 5] = ["mobile-app", "booking", "loyalty", "flights", "revenue"];
const BROKER: ServiceIdx = 5;

#[test]
fn the_property_tests_know_the_airline_topology() {
    let sim = airline();
    for (i, id) in SERVICES.iter().enumerate() {
        assert_eq!(sim.topology().index_of(id), Some(i));
    }
    assert_eq!(sim.topology().broker(), Some(BROKER));
    assert_eq!(sim.topology().services().len(), SERVICES.len() + 1);
}

fn flight() -> impl Strategy<Value = String> {
    select(vec![
        "FL123", "FL200", "FL310", "FL415", "FL777", "FL777", "FL999",
    ])
    .prop_map(String::from)
}

fn customer() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(vec!["C12345", "C23456", "C34567", "C45678", "C56789"]),
        1 => Just("C99999"),
    ]
    .prop_map(String::from)
}

/// A booking by a seeded customer for some of their own passengers (now and then a stranger,
/// whom Booking rejects).
fn booking() -> impl Strategy<Value = UserAction> {
    let customers = contrail::sim::airline::seed::CUSTOMERS;
    (
        0..customers.len() + 1,
        any::<usize>(),
        any::<usize>(),
        flight(),
    )
        .prop_map(
            move |(c, start, count, flight_number)| match customers.get(c) {
                Some(c) => {
                    let n = c.passengers.len();
                    UserAction::BookFlight {
                        customer_id: c.id.into(),
                        flight_number,
                        passenger_ids: (0..1 + count % n)
                            .map(|i| c.passengers[(start + i) % n].id.to_string())
                            .collect(),
                    }
                }
                None => book("C99999", &flight_number, &["P12345"]),
            },
        )
}

fn query() -> impl Strategy<Value = UserAction> {
    prop_oneof![
        3 => customer().prop_map(|customer_id| UserAction::CheckPoints { customer_id }),
        1 => customer().prop_map(|customer_id| UserAction::ListTransactions { customer_id }),
        1 => Just(UserAction::ListTiers),
        2 => flight().prop_map(|flight_number| UserAction::CheckAvailability { flight_number }),
    ]
}

fn action() -> impl Strategy<Value = UserAction> {
    prop_oneof![
        5 => booking(),
        3 => query(),
        // Booking ids are handed out from BK12345 on.
        1 => (12_345u32..12_352).prop_map(|n| UserAction::CancelBooking {
            booking_id: format!("BK{n}"),
        }),
    ]
}

fn service() -> impl Strategy<Value = ServiceIdx> {
    0..SERVICES.len()
}

fn policy() -> impl Strategy<Value = RetryPolicy> {
    // Often no retries at all, so a failure dead-letters at once.
    let retries = || select(vec![0u32, 0, 0, 1, 2]);
    (retries(), retries(), 1u64..1500).prop_map(|(immediate, delayed, backoff_ms)| RetryPolicy {
        immediate,
        delayed,
        backoff_ms,
    })
}

/// Any what-if change; now and then one the lab refuses (the broker), which must be harmless.
fn fault() -> impl Strategy<Value = FaultChange> {
    prop_oneof![
        4 => (service(), any::<bool>()).prop_map(|(s, down)| FaultChange::Down(s, down)),
        2 => (service(), 1.0f64..=20.0).prop_map(|(s, f)| FaultChange::Slowdown(s, f)),
        4 => (service(), select(vec![0.0, 0.0, 30.0, 60.0, 100.0, 100.0]))
            .prop_map(|(s, p)| FaultChange::FailurePercent(s, p)),
        2 => service().prop_map(FaultChange::FailNext),
        2 => service().prop_map(FaultChange::DuplicateNext),
        2 => (service(), prop::bool::weighted(0.75))
            .prop_map(|(s, on)| FaultChange::Idempotent(s, on)),
        3 => (service(), policy()).prop_map(|(s, p)| FaultChange::Policy(s, p)),
        2 => (service(), 100u64..4000).prop_map(|(s, ms)| FaultChange::QueryTimeout(s, ms)),
        2 => (0.0f64..=50.0).prop_map(FaultChange::DuplicatePercent),
        1 => Just(FaultChange::Down(BROKER, true)),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Act(UserAction),
    Advance(SimTime),
    Fault(FaultChange),
    RetryAll,
    /// Every message at this service fails at once and goes straight to its dead letters.
    Poison(ServiceIdx),
    /// Retry or discard the dead letter at this index (modulo their number), if any.
    Retry(usize),
    Discard(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => action().prop_map(Op::Act),
        4 => (0u64..6000).prop_map(Op::Advance),
        3 => fault().prop_map(Op::Fault),
        1 => service().prop_map(Op::Poison),
        1 => Just(Op::RetryAll),
        1 => any::<usize>().prop_map(Op::Retry),
        1 => any::<usize>().prop_map(Op::Discard),
    ]
}

/// A few faults set up front (so the actions meet them), then up to 20 ops (advancing stops
/// at [`HORIZON`]).
fn ops() -> impl Strategy<Value = Vec<Op>> {
    (
        proptest::collection::vec(
            prop_oneof![5 => fault().prop_map(Op::Fault), 1 => service().prop_map(Op::Poison)],
            0..6,
        ),
        proptest::collection::vec(op(), 1..20),
    )
        .prop_map(|(mut setup, ops)| {
            setup.extend(ops);
            setup
        })
}

/// Runs are short: advancing stops at one simulated minute (the final drain may go on).
const HORIZON: SimTime = 60_000;

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

/// A simulation under test with everything it reported.
struct Lab {
    sim: Sim,
    all: Vec<Happening>,
}

impl Lab {
    fn new(seed: u64, jitter_ms: u64) -> Lab {
        Lab::with_capacity(seed, jitter_ms, SimConfig::default().queue_capacity)
    }

    fn with_capacity(seed: u64, jitter_ms: u64, queue_capacity: usize) -> Lab {
        Lab {
            sim: Sim::airline(SimConfig {
                seed,
                jitter_ms,
                queue_capacity,
                ..SimConfig::default()
            }),
            all: Vec::new(),
        }
    }

    fn audit(&self) -> Result<(), TestCaseError> {
        self.sim
            .audit()
            .map_err(|e| fail(format!("audit at {} ms: {e}", self.sim.now())))
    }

    /// One scheduler step at a time, auditing after each, up to `target`.
    fn advance_to(&mut self, target: SimTime) -> Result<(), TestCaseError> {
        while self.sim.next_due().is_some_and(|t| t <= target) {
            self.all.extend(self.sim.step());
            self.audit()?;
        }
        self.all.extend(self.sim.advance_to(target));
        self.audit()
    }

    /// Steps until nothing is scheduled, auditing after each step.
    fn drain(&mut self) -> Result<(), TestCaseError> {
        let mut steps = 0;
        while self.sim.next_due().is_some() {
            self.all.extend(self.sim.step());
            self.audit()?;
            steps += 1;
            prop_assert!(steps < 100_000, "no end in sight");
        }
        self.all.extend(self.sim.advance_by(0));
        Ok(())
    }

    fn dead_letter_at(&self, i: usize) -> Option<(MessageId, ServiceIdx)> {
        let n = self.sim.dead_letters().len();
        (n > 0).then(|| {
            let d = self.sim.dead_letters().nth(i % n).unwrap();
            (d.message.message_id, d.consumer)
        })
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match op {
            Op::Act(a) => {
                self.sim.act(a.clone()).map_err(|e| fail(e.to_string()))?;
            }
            Op::Advance(dt) => self.advance_to((self.sim.now() + dt).min(HORIZON))?,
            Op::Fault(change) => {
                let before: Vec<ServiceFaults> = (0..=BROKER).map(|s| self.sim.faults(s)).collect();
                let dup = self.sim.duplicate_percent();
                if self.sim.change_fault(change.clone()).is_err() {
                    let after: Vec<ServiceFaults> =
                        (0..=BROKER).map(|s| self.sim.faults(s)).collect();
                    prop_assert_eq!(after, before, "a refused change changed something");
                    prop_assert_eq!(self.sim.duplicate_percent(), dup);
                    prop_assert!(
                        matches!(change, FaultChange::Down(BROKER, _)),
                        "{:?}",
                        change
                    );
                }
            }
            Op::Poison(s) => {
                let no_retries = RetryPolicy {
                    immediate: 0,
                    delayed: 0,
                    backoff_ms: 1000,
                };
                for change in [
                    FaultChange::Policy(*s, no_retries),
                    FaultChange::FailurePercent(*s, 100.0),
                ] {
                    self.sim
                        .change_fault(change)
                        .map_err(|e| fail(e.to_string()))?;
                }
            }
            Op::RetryAll => self.sim.retry_all_dead_letters(),
            Op::Retry(i) => {
                if let Some((m, c)) = self.dead_letter_at(*i) {
                    self.sim
                        .retry_dead_letter(m, c)
                        .map_err(|e| fail(e.to_string()))?;
                }
            }
            Op::Discard(i) => {
                if let Some((m, c)) = self.dead_letter_at(*i) {
                    self.sim
                        .discard_dead_letter(m, c)
                        .map_err(|e| fail(e.to_string()))?;
                }
            }
        }
        self.audit()
    }

    fn run(&mut self, ops: &[Op]) -> Result<(), TestCaseError> {
        for op in ops {
            self.apply(op)?;
        }
        Ok(())
    }

    /// Brings every service up and stops every failure and duplicate, then runs to idle.
    fn heal_and_drain(&mut self) -> Result<(), TestCaseError> {
        for s in 0..SERVICES.len() {
            self.sim
                .change_fault(FaultChange::Down(s, false))
                .map_err(|e| fail(e.to_string()))?;
            self.sim
                .change_fault(FaultChange::FailurePercent(s, 0.0))
                .map_err(|e| fail(e.to_string()))?;
        }
        self.sim
            .change_fault(FaultChange::DuplicatePercent(0.0))
            .map_err(|e| fail(e.to_string()))?;
        self.audit()?;
        self.drain()
    }
}

fn in_dead_letters(sim: &Sim, id: MessageId) -> bool {
    sim.dead_letters().any(|d| d.message.message_id == id)
}

/// Once healed and idle, every message has ended, in exactly one way, and the way it ended
/// agrees with what was reported along the way.
fn check_every_message_ended(lab: &Lab) -> Result<(), TestCaseError> {
    let (sim, all) = (&lab.sim, &lab.all);
    prop_assert!(
        all.windows(2).all(|w| w[0].at() <= w[1].at()),
        "time went backwards"
    );
    prop_assert_eq!(sim.next_due(), None);
    prop_assert_eq!(sim.in_flight(), 0);
    prop_assert!(sim
        .messages()
        .all(|m| sim.hops_in_flight(m.message_id) == 0));
    prop_assert!(
        sim.queue_depths().iter().all(|&d| d == 0),
        "{:?}",
        sim.queue_depths()
    );
    prop_assert_eq!(sim.messages().len() as u64, sim.total_messages());
    for d in sim.dead_letters() {
        prop_assert!(matches!(
            sim.outcome_of(d.message.message_id),
            Some(Outcome::DeadLettered(_))
        ));
    }
    for m in sim.messages() {
        let id = m.message_id;
        let outcome = sim.outcome_of(id).unwrap();
        prop_assert_ne!(&outcome, &Outcome::Pending, "#{} {}", id, m.type_name);
        let n = |f: &dyn Fn(&Happening) -> bool| all.iter().filter(|h| f(h)).count();
        match m.kind {
            MessageKind::Command | MessageKind::Event => {
                let ds = sim.deliveries_of(id);
                prop_assert!(ds.iter().all(|d| d.ended.is_some()), "#{}: {:?}", id, ds);
                // Each delivery's own story is in order: queued, taken, ended; only a copy
                // the broker refused is never queued nor taken.
                for d in ds {
                    let (ended, end) = d.ended.clone().unwrap();
                    if matches!(end, DeliveryEnd::Refused(_)) {
                        prop_assert!(
                            d.enqueued.is_none() && d.pulled.is_none(),
                            "#{}: {:?}",
                            id,
                            d
                        );
                    } else {
                        let (Some(enqueued), Some(pulled)) = (d.enqueued, d.pulled) else {
                            return Err(fail(format!(
                                "#{id} ended without being queued and taken: {d:?} in {ds:?}"
                            )));
                        };
                        prop_assert!(enqueued <= pulled && pulled <= ended, "#{}: {:?}", id, d);
                    }
                }
                prop_assert_eq!(
                    in_dead_letters(sim, id),
                    matches!(outcome, Outcome::DeadLettered(_)),
                    "#{} {:?}",
                    id,
                    outcome
                );
                let handled_by = |c: ServiceIdx| {
                    ds.iter().any(|d| {
                        d.consumer == c
                            && d.ended
                                .as_ref()
                                .is_some_and(|e| e.1 == DeliveryEnd::Handled)
                    })
                };
                match &outcome {
                    Outcome::Accepted | Outcome::Consumed => {
                        prop_assert_eq!(outcome == Outcome::Consumed, m.kind == MessageKind::Event);
                        for &c in &m.destination {
                            prop_assert!(handled_by(c), "#{} never handled by {}: {:?}", id, c, ds);
                        }
                        if m.destination.is_empty() {
                            prop_assert!(ds.is_empty());
                        }
                    }
                    Outcome::Rejected(_) => {
                        let by_handler = n(&|h| {
                            matches!(h,
                            Happening::Rejected { message, by, .. } if *message == id && *by != BROKER)
                        });
                        prop_assert!(by_handler >= 1);
                    }
                    Outcome::Refused(_) => {
                        let by_broker = n(&|h| {
                            matches!(h,
                            Happening::Rejected { message, by, .. } if *message == id && *by == BROKER)
                        });
                        prop_assert!(by_broker >= 1);
                    }
                    Outcome::DeadLettered(_) => {
                        let dead = n(&|h| {
                            matches!(h,
                            Happening::DeadLettered { message, .. } if *message == id)
                        });
                        prop_assert!(dead >= 1);
                    }
                    Outcome::Discarded => {
                        let discarded = n(&|h| {
                            matches!(h,
                            Happening::Discarded { message, .. } if *message == id)
                        });
                        prop_assert!(discarded >= 1);
                    }
                    other => prop_assert!(false, "#{} {:?} ended {:?}", id, m.kind, other),
                }
            }
            MessageKind::Query => {
                let answered =
                    n(&|h| matches!(h, Happening::Answered { request, .. } if *request == id));
                let timed_out =
                    n(&|h| matches!(h, Happening::TimedOut { request, .. } if *request == id));
                let failed =
                    n(&|h| matches!(h, Happening::QueryFailed { request, .. } if *request == id));
                prop_assert_eq!(answered + timed_out + failed, 1, "query #{}", id);
                let expected = match (answered, timed_out) {
                    (1, _) => outcome == Outcome::Answered,
                    (_, 1) => outcome == Outcome::TimedOut,
                    _ => matches!(outcome, Outcome::Failed(_)),
                };
                prop_assert!(expected, "query #{} ended {:?}", id, outcome);
                prop_assert!(
                    sim.response_of(id).is_some(),
                    "a query is always answered, in time or late"
                );
            }
            MessageKind::QueryResponse => {
                let answered =
                    n(&|h| matches!(h, Happening::Answered { response, .. } if *response == id));
                let late = n(
                    &|h| matches!(h, Happening::LateResponse { response, .. } if *response == id),
                );
                let failed =
                    n(&|h| matches!(h, Happening::QueryFailed { response, .. } if *response == id));
                prop_assert_eq!(answered + late + failed, 1, "response #{}", id);
                let expected = match (answered, late) {
                    (1, _) => outcome == Outcome::Answered,
                    (_, 1) => outcome == Outcome::TimedOut,
                    _ => matches!(outcome, Outcome::Failed(_)),
                };
                prop_assert!(expected, "response #{} ended {:?}", id, outcome);
            }
        }
    }
    Ok(())
}

/// Per consumer, first deliveries leave the queue in the order they entered it; only retries
/// break the line, and an immediate retry is the very next thing its consumer pulls.
fn check_queues_are_fifo(lab: &Lab) -> Result<(), TestCaseError> {
    let mut entered: BTreeMap<ServiceIdx, Vec<MessageId>> = BTreeMap::new();
    let mut seen: BTreeSet<(MessageId, ServiceIdx)> = BTreeSet::new();
    let mut left: BTreeMap<ServiceIdx, Vec<MessageId>> = BTreeMap::new();
    let mut next: BTreeMap<ServiceIdx, (MessageId, u32)> = BTreeMap::new();
    for h in &lab.all {
        match h {
            // The first time a message enters a consumer's queue is its first delivery there
            // (the broker queues the original before its duplicate; retries come later).
            Happening::Enqueued {
                message, consumer, ..
            } if seen.insert((*message, *consumer)) => {
                entered.entry(*consumer).or_default().push(*message);
            }
            Happening::Failed {
                message,
                by,
                attempt,
                retry_at: Some(r),
                at,
                ..
            } if r == at => {
                prop_assert!(next.insert(*by, (*message, attempt + 1)).is_none());
            }
            Happening::Hop(hop) if hop.from == BROKER => {
                if let Some(expected) = next.remove(&hop.to) {
                    prop_assert_eq!(
                        (hop.message, hop.attempt, hop.duplicate),
                        (expected.0, expected.1, false),
                        "an immediate retry at {} is pulled next",
                        hop.to
                    );
                }
                if hop.attempt == 1 && !hop.duplicate {
                    left.entry(hop.to).or_default().push(hop.message);
                }
            }
            _ => {}
        }
    }
    prop_assert!(
        next.is_empty(),
        "an immediate retry was never pulled: {:?}",
        next
    );
    prop_assert_eq!(left, entered);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn under_random_faults_nothing_is_lost_and_every_message_ends_once_healed(
        seed in any::<u64>(),
        ops in ops(),
        retry_at_end in any::<bool>(),
        // Tiny queues make the broker refuse messages and drop the oldest dead letters.
        capacity in select(vec![1usize, 2, 1000, 1000]),
    ) {
        let mut lab = Lab::with_capacity(seed, 150, capacity);
        lab.run(&ops)?;
        lab.heal_and_drain()?;
        check_every_message_ended(&lab)?;
        if retry_at_end {
            // Dead letters are terminal, but sent back to healthy consumers they end too.
            lab.sim.retry_all_dead_letters();
            lab.audit()?;
            lab.drain()?;
            check_every_message_ended(&lab)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2500))]

    #[test]
    fn under_random_faults_queues_are_fifo_but_for_retries(
        seed in any::<u64>(),
        jitter in select(vec![0u64, 150]),
        capacity in select(vec![1usize, 2, 1000, 1000]),
        ops in ops(),
    ) {
        let mut lab = Lab::with_capacity(seed, jitter, capacity);
        lab.run(&ops)?;
        lab.heal_and_drain()?;
        check_queues_are_fifo(&lab)?;
    }
}

// ----- idempotent consumers make duplicates harmless -----

#[derive(Clone, Debug)]
enum DupOp {
    Act(UserAction),
    Advance(SimTime),
    DuplicateNext(ServiceIdx),
    DuplicatePercent(f64),
}

#[derive(Clone, Debug)]
struct DupCase {
    seed: u64,
    /// Each action runs to idle before the next (with hop jitter); otherwise actions overlap
    /// (without jitter).
    sequential: bool,
    slowdown: Vec<f64>,
    /// Booking's and the Mobile App's query timeouts (overlapping runs only).
    timeouts: (u64, u64),
    duplicate_percent: f64,
    ops: Vec<DupOp>,
}

fn dup_case() -> impl Strategy<Value = DupCase> {
    let op = prop_oneof![
        5 => action().prop_map(DupOp::Act),
        3 => (0u64..4000).prop_map(DupOp::Advance),
        2 => service().prop_map(DupOp::DuplicateNext),
        1 => (0.0f64..=50.0).prop_map(DupOp::DuplicatePercent),
    ];
    (
        any::<u64>(),
        any::<bool>(),
        proptest::collection::vec(1.0f64..=3.0, SERVICES.len()),
        (100u64..5000, 100u64..5000),
        0.0f64..=50.0,
        proptest::collection::vec(op, 1..14),
    )
        .prop_map(
            |(seed, sequential, slowdown, timeouts, duplicate_percent, ops)| DupCase {
                seed,
                sequential,
                slowdown,
                timeouts,
                duplicate_percent,
                ops,
            },
        )
}

/// Runs a case with every consumer idempotent, with or without the broker's duplicates.
fn run_dup_case(case: &DupCase, duplicates: bool) -> Result<Lab, TestCaseError> {
    let mut lab = Lab::new(case.seed, if case.sequential { 150 } else { 0 });
    let sim = &mut lab.sim;
    let mut changes = Vec::new();
    for (s, &factor) in case.slowdown.iter().enumerate() {
        changes.push(FaultChange::Idempotent(s, true));
        changes.push(FaultChange::Slowdown(s, factor));
    }
    if !case.sequential {
        changes.push(FaultChange::QueryTimeout(1, case.timeouts.0));
        changes.push(FaultChange::QueryTimeout(0, case.timeouts.1));
    }
    if duplicates {
        changes.push(FaultChange::DuplicatePercent(case.duplicate_percent));
    }
    for change in changes {
        sim.change_fault(change).map_err(|e| fail(e.to_string()))?;
    }
    for op in &case.ops {
        match op {
            DupOp::Act(a) => {
                lab.sim.act(a.clone()).map_err(|e| fail(e.to_string()))?;
                if case.sequential {
                    lab.drain()?;
                }
            }
            DupOp::Advance(dt) => lab.advance_to((lab.sim.now() + dt).min(HORIZON))?,
            DupOp::DuplicateNext(s) if duplicates => {
                lab.sim
                    .change_fault(FaultChange::DuplicateNext(*s))
                    .map_err(|e| fail(e.to_string()))?;
            }
            DupOp::DuplicatePercent(p) if duplicates => {
                lab.sim
                    .change_fault(FaultChange::DuplicatePercent(*p))
                    .map_err(|e| fail(e.to_string()))?;
            }
            DupOp::DuplicateNext(_) | DupOp::DuplicatePercent(_) => {}
        }
    }
    lab.drain()?;
    Ok(lab)
}

/// Drops the keys that say when something happened.
fn timeless(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "at" | "timestamp" | "updatedAt"))
                .map(|(k, v)| (k.clone(), timeless(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(timeless).collect()),
        other => other.clone(),
    }
}

fn pick(v: &Value, keys: &[&str]) -> Value {
    Value::Object(
        keys.iter()
            .map(|k| (k.to_string(), v.get(*k).cloned().unwrap_or(Value::Null)))
            .collect(),
    )
}

fn pick_each(v: &Value, keys: &[&str]) -> Value {
    Value::Array(
        v.as_array()
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|x| pick(x, keys))
            .collect(),
    )
}

fn pick_values(v: &Value, keys: &[&str]) -> Value {
    Value::Object(
        v.as_object()
            .into_iter()
            .flatten()
            .map(|(k, x)| (k.clone(), pick(x, keys)))
            .collect(),
    )
}

/// What each service did, as far as it follows from the order in which each consumer handled
/// its messages, which duplicates do not change (every queue is FIFO, and without jitter
/// every hop takes as long). Left out, because a duplicate still takes its consumer's time
/// and so shifts later ones: when things happened, which query answer saw which state,
/// whether a fare update reached Booking before or after a booking (so what it paid), and
/// the demand trend, which counts bookings per simulated minute.
fn effects(sim: &Sim) -> Value {
    let state = |id: &str| sim.service_state(id).unwrap();
    let (app, booking, loyalty, flights, revenue) = (
        state("mobile-app"),
        state("booking"),
        state("loyalty"),
        state("flights"),
        state("revenue"),
    );
    serde_json::json!({
        "mobile-app": {
            "sentCommands": pick_each(&app["sentCommands"], &["type", "flightNumber"]),
            "timedOutRequests": app["timedOutRequests"],
        },
        "booking": {
            "counts": pick(&booking, &["seatsBooked", "bookingsCreated", "bookingsCancelled", "activeBookings"]),
            "recentBookings": pick_each(&booking["recentBookings"],
                &["bookingId", "customerId", "flightNumber", "passengers", "transactionId"]),
            "recentRejections": pick_each(&booking["recentRejections"],
                &["customerId", "flightNumber", "reason"]),
        },
        "loyalty": timeless(&loyalty),
        "flights": {
            "flights": pick_values(&flights["flights"], &["seatsBooked", "seatsRemaining", "occupancyRate"]),
            "pricingRequestsSent": flights["pricingRequestsSent"],
            "recentIgnored": flights["recentIgnored"],
        },
        "revenue": pick_each(&revenue["recentDecisions"], &["flightNumber"]),
    })
}

fn all_states(sim: &Sim) -> BTreeMap<String, Value> {
    sim.topology()
        .services()
        .iter()
        .map(|s| (s.id.clone(), sim.service_state(&s.id).unwrap()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn with_every_consumer_idempotent_duplicates_change_no_state(case in dup_case()) {
        let with = run_dup_case(&case, true)?;
        let without = run_dup_case(&case, false)?;
        prop_assert!(!without.all.iter().any(|h| matches!(h, Happening::Hop(hop) if hop.duplicate)));
        // Every duplicate was recognised and skipped; nothing was handled twice.
        for m in with.sim.messages() {
            for d in with.sim.deliveries_of(m.message_id) {
                prop_assert_eq!(d.duplicate, d.ended.as_ref().unwrap().1 == DeliveryEnd::DuplicateIgnored,
                    "#{} {}: {:?}", m.message_id, m.type_name, d);
            }
        }
        prop_assert_eq!(effects(&with.sim), effects(&without.sim));
        // Run one at a time, whole states agree too, but for the times, as long as every
        // booking's demand trend was taken within the first simulated minute in both runs.
        let window = contrail::sim::airline::DEMAND_WINDOW_MS;
        if case.sequential && with.sim.now() < window && without.sim.now() < window {
            let timeless_states = |lab: &Lab| -> BTreeMap<String, Value> {
                all_states(&lab.sim).iter().map(|(k, v)| (k.clone(), timeless(v))).collect()
            };
            prop_assert_eq!(timeless_states(&with), timeless_states(&without));
        }
    }
}

// ----- queries change nothing -----

/// Everything a query must leave alone: every service's state (for the Mobile App, which
/// asked, all but its record of requests and answers), the queues and the dead letters.
fn untouchable(sim: &Sim) -> Value {
    let mut states = all_states(sim);
    if let Some(Value::Object(app)) = states.get_mut("mobile-app") {
        for own in ["pendingRequests", "lastResults", "timedOutRequests"] {
            app.remove(own);
        }
    }
    let dead: Vec<(MessageId, ServiceIdx, u32)> = sim
        .dead_letters()
        .map(|d| (d.message.message_id, d.consumer, d.attempts))
        .collect();
    serde_json::json!({
        "states": states,
        "queues": sim.queue_depths(),
        "dead": dead,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn a_query_alone_changes_no_state_whatever_the_faults(
        seed in any::<u64>(),
        ops in ops(),
        more in proptest::collection::vec(fault(), 0..4),
        q in query(),
    ) {
        let mut lab = Lab::new(seed, 150);
        lab.run(&ops)?;
        for change in more {
            let _ = lab.sim.change_fault(change);
        }
        // Everything that can happen under these faults has happened; nothing is scheduled.
        lab.drain()?;
        let before = untouchable(&lab.sim);
        let faults: Vec<ServiceFaults> = (0..=BROKER).map(|s| lab.sim.faults(s)).collect();
        let sent = lab.sim.now();
        let id = act(&mut lab.sim, q);
        lab.all.clear();
        lab.drain()?;
        prop_assert_eq!(untouchable(&lab.sim), before);
        let server = lab.sim.message(id).unwrap().destination[0];
        let outcome = lab.sim.outcome_of(id).unwrap();
        match &outcome {
            Outcome::Answered => prop_assert!(!faults[server].down),
            Outcome::Failed(error) => {
                prop_assert!(faults[server].down);
                prop_assert!(error.contains("503"), "{}", error);
            }
            Outcome::TimedOut => {
                let at = lab.all.iter().find_map(|h| match h {
                    Happening::TimedOut { request, at } if *request == id => Some(*at),
                    _ => None,
                });
                prop_assert_eq!(at, Some(sent + faults[0].query_timeout_ms));
            }
            other => prop_assert!(false, "query ended {:?}", other),
        }
        if faults[server].down {
            prop_assert_ne!(outcome, Outcome::Answered);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Without jitter a query shifts no other timing, so a run with queries slipped in ends
    /// where the same run without them does, but for message ids (queries take some) and the
    /// Mobile App's record of its own requests.
    #[test]
    fn queries_slipped_into_a_run_under_faults_change_nothing_else(
        seed in any::<u64>(),
        ops in ops(),
        queries in proptest::collection::vec((any::<usize>(), query()), 1..5),
    ) {
        let without_ids = |v: &Value| -> Value {
            fn strip(v: &Value) -> Value {
                match v {
                    Value::Object(m) => Value::Object(
                        m.iter()
                            .filter(|(k, _)| k.as_str() != "messageId")
                            .map(|(k, v)| (k.clone(), strip(v)))
                            .collect(),
                    ),
                    Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
                    other => other.clone(),
                }
            }
            let mut v = strip(v);
            v["dead"] = Value::Null;
            v
        };
        let not_queries = |sim: &Sim| -> Vec<(String, Value, SimTime, Outcome, Vec<Delivery>)> {
            sim.messages()
                .filter(|m| matches!(m.kind, MessageKind::Command | MessageKind::Event))
                .map(|m| {
                    (
                        m.type_name.clone(),
                        m.payload.clone(),
                        m.timestamp,
                        sim.outcome_of(m.message_id).unwrap(),
                        sim.deliveries_of(m.message_id).to_vec(),
                    )
                })
                .collect()
        };
        let mut plain = Lab::new(seed, 0);
        plain.run(&ops)?;
        plain.heal_and_drain()?;
        let mut asked = Lab::new(seed, 0);
        let mut slots: BTreeMap<usize, Vec<UserAction>> = BTreeMap::new();
        for (at, q) in queries {
            slots.entry(at % (ops.len() + 1)).or_default().push(q);
        }
        for (i, op) in ops.iter().enumerate() {
            for q in slots.get(&i).into_iter().flatten() {
                asked.apply(&Op::Act(q.clone()))?;
            }
            asked.apply(op)?;
        }
        for q in slots.get(&ops.len()).into_iter().flatten() {
            asked.apply(&Op::Act(q.clone()))?;
        }
        asked.heal_and_drain()?;
        prop_assert!(asked.sim.total_messages() > plain.sim.total_messages());
        prop_assert_eq!(without_ids(&untouchable(&asked.sim)), without_ids(&untouchable(&plain.sim)));
        prop_assert_eq!(not_queries(&asked.sim), not_queries(&plain.sim));
        let dead = |sim: &Sim| -> Vec<(String, ServiceIdx, u32, SimTime)> {
            sim.dead_letters()
                .map(|d| (d.message.type_name.clone(), d.consumer, d.attempts, d.at))
                .collect()
        };
        prop_assert_eq!(dead(&asked.sim), dead(&plain.sim));
    }
}

// ----- determinism -----

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn same_seed_actions_and_faults_same_run(
        seed in any::<u64>(),
        jitter in select(vec![0u64, 150]),
        capacity in select(vec![2usize, 1000]),
        ops in ops(),
    ) {
        let run = || -> Result<Lab, TestCaseError> {
            let mut lab = Lab::with_capacity(seed, jitter, capacity);
            lab.run(&ops)?;
            lab.heal_and_drain()?;
            Ok(lab)
        };
        let (a, b) = (run()?, run()?);
        prop_assert_eq!(&a.all, &b.all);
        prop_assert_eq!(a.sim.now(), b.sim.now());
        prop_assert_eq!(all_states(&a.sim), all_states(&b.sim));
        let dead = |lab: &Lab| lab.sim.dead_letters().cloned().collect::<Vec<_>>();
        prop_assert_eq!(dead(&a), dead(&b));
        for m in a.sim.messages() {
            let id = m.message_id;
            prop_assert_eq!(Some(m), b.sim.message(id));
            prop_assert_eq!(a.sim.outcome_of(id), b.sim.outcome_of(id));
            prop_assert_eq!(a.sim.deliveries_of(id), b.sim.deliveries_of(id));
        }
    }
}

#[test]
fn an_event_refused_for_one_full_queue_is_pending_until_its_other_copy_ends() {
    // Loyalty is down with room for one message: the second booking's BookingCreated is
    // refused for Loyalty while its copy for Flights is still on its way.
    let mut sim = Sim::airline(SimConfig {
        queue_capacity: 1,
        ..SimConfig::default()
    });
    let loyalty = idx(&sim, "loyalty");
    let flights = idx(&sim, "flights");
    sim.change_fault(FaultChange::Down(loyalty, true)).unwrap();
    sim.act(book("C23456", "FL200", &["P23456"])).unwrap();
    sim.act(book("C34567", "FL310", &["P34567"])).unwrap();
    let mut refused = None;
    while sim.next_due().is_some() {
        for h in sim.step() {
            if let Happening::Rejected { message, by, .. } = h {
                if by == sim.topology().broker().unwrap() {
                    refused = Some(message);
                }
            }
        }
        sim.audit().unwrap();
        if let Some(id) = refused {
            let open = sim.deliveries_of(id).iter().any(|d| d.ended.is_none());
            if open {
                assert_eq!(sim.outcome_of(id), Some(Outcome::Pending));
            }
        }
    }
    let id = refused.expect("the broker refused a copy");
    let ds = sim.deliveries_of(id);
    assert!(matches!(
        ds.iter().find(|d| d.consumer == loyalty).unwrap().ended,
        Some((_, DeliveryEnd::Refused(_)))
    ));
    assert_eq!(
        ds.iter()
            .find(|d| d.consumer == flights)
            .unwrap()
            .ended
            .as_ref()
            .map(|e| &e.1),
        Some(&DeliveryEnd::Handled)
    );
    assert!(matches!(sim.outcome_of(id), Some(Outcome::Refused(_))));
}

#[test]
fn both_copies_dead_lettered_and_sent_back_keep_their_own_delivery_records() {
    // Both copies of one CreateBooking fail at once and are dead-lettered; sent back, each is
    // attempt 2 and neither is marked duplicate any more. Each record must still tell its own
    // story: taken, then ended, in that order.
    let mut sim = airline();
    let booking = idx(&sim, "booking");
    sim.change_fault(FaultChange::Policy(
        booking,
        RetryPolicy {
            immediate: 0,
            delayed: 0,
            backoff_ms: 1000,
        },
    ))
    .unwrap();
    sim.change_fault(FaultChange::FailurePercent(booking, 100.0))
        .unwrap();
    sim.change_fault(FaultChange::DuplicateNext(booking))
        .unwrap();
    let c = act(&mut sim, book("C34567", "FL310", &["P34567"]));
    sim.run_until_idle(100_000);
    assert_eq!(sim.dead_letter_count(booking), 2);
    sim.change_fault(FaultChange::FailurePercent(booking, 0.0))
        .unwrap();
    sim.retry_all_dead_letters();
    sim.audit().unwrap();
    sim.run_until_idle(100_000);
    sim.audit().unwrap();
    let ds = sim.deliveries_of(c);
    assert_eq!(
        ds.iter()
            .map(|d| (d.attempt, d.duplicate))
            .collect::<Vec<_>>(),
        [(1, false), (1, true), (2, false), (2, false)]
    );
    for d in ds {
        let (enqueued, pulled, (ended, _)) = (
            d.enqueued.unwrap(),
            d.pulled.expect("taken"),
            d.ended.clone().unwrap(),
        );
        assert!(enqueued <= pulled && pulled <= ended, "{d:?}");
    }
    assert_eq!(ds[2].ended.as_ref().unwrap().1, DeliveryEnd::Handled);
    assert_eq!(ds[3].ended.as_ref().unwrap().1, DeliveryEnd::Handled);
    assert!(ds[2].pulled < ds[3].pulled, "taken in queue order");
    assert_eq!(sim.outcome_of(c), Some(Outcome::Accepted));
    // Booking is not idempotent: the booking was made twice.
    assert_eq!(ids_of(&sim, "BookingCreated").len(), 2);
}
