#![cfg(not(target_arch = "wasm32"))]
//! Engine semantics on custom and airline topologies: fan-out, determinism, read-only
//! queries, timeouts, blocking, typed errors, bounded history, traffic.

use contrail::sim::*;
use serde_json::{json, Value};

/// Counts what it consumed; serves `GET /count`.
#[derive(Default)]
struct Counter {
    seen: Vec<String>,
}

impl ServiceBehaviour for Counter {
    fn on_message(&mut self, _ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection> {
        self.seen.push(msg.type_name.clone());
        Ok(())
    }
    fn on_query(&self, _route: &Route) -> QueryResult {
        QueryResult::Ok(json!({"seen": self.seen.len()}))
    }
    fn state_json(&self) -> Value {
        json!({ "seen": self.seen })
    }
}

/// pub publishes None/One/Many to 0/1/3 of a, b, c (b and c also get Many).
fn fan_out_sim(config: SimConfig) -> Sim {
    let mut t = Topology::new();
    let p = t.add_service("pub", "Publisher", Role::Service).unwrap();
    let a = t.add_service("a", "A", Role::Service).unwrap();
    let b = t.add_service("b", "B", Role::Service).unwrap();
    let c = t.add_service("c", "C", Role::Service).unwrap();
    t.add_service("broker", "Broker", Role::Broker).unwrap();
    for e in ["None", "One", "Many"] {
        t.add_publisher(p, e).unwrap();
    }
    t.add_subscriber(a, "One").unwrap();
    for s in [c, b, a] {
        t.add_subscriber(s, "Many").unwrap();
    }
    t.add_handler(a, "Cmd").unwrap();
    t.add_route(c, "GET /count").unwrap();
    let behaviours: Vec<Box<dyn ServiceBehaviour>> = vec![
        Box::new(Counter::default()),
        Box::new(Counter::default()),
        Box::new(Counter::default()),
        Box::new(Counter::default()),
        Box::new(Passive),
    ];
    Sim::custom(t, behaviours, config).unwrap()
}

fn count(hs: &[Happening], f: impl Fn(&Happening) -> bool) -> usize {
    hs.iter().filter(|h| f(h)).count()
}

#[test]
fn events_reach_zero_one_and_many_subscribers_exactly_once() {
    let mut sim = fan_out_sim(SimConfig::default());
    let none = sim.publish_event("pub", "None", json!({})).unwrap();
    let one = sim.publish_event("pub", "One", json!({})).unwrap();
    let many = sim.publish_event("pub", "Many", json!({})).unwrap();
    let hs = sim.run_until_idle(10_000);
    let broker = sim.topology().broker().unwrap();
    let [a, b, c] = ["a", "b", "c"].map(|id| sim.topology().index_of(id).unwrap());

    // Zero subscribers: one hop to the broker, nothing enqueued, ends there, consumed.
    assert_eq!(sim.message(none).unwrap().destination, Vec::<usize>::new());
    assert_eq!(
        count(&hs, |h| matches!(h, Happening::Hop(x) if x.message == none)),
        1
    );
    assert_eq!(
        count(
            &hs,
            |h| matches!(h, Happening::Enqueued { message, .. } if *message == none)
        ),
        0
    );
    assert_eq!(
        count(
            &hs,
            |h| matches!(h, Happening::Delivered { message, .. } if *message == none)
        ),
        0
    );
    assert!(hs.iter().any(
        |h| matches!(h, Happening::Handled { message, by, .. } if *message == none && *by == broker)
    ));
    assert_eq!(sim.outcome_of(none), Some(Outcome::Consumed));

    // One subscriber.
    assert_eq!(sim.message(one).unwrap().destination, vec![a]);
    assert_eq!(
        count(
            &hs,
            |h| matches!(h, Happening::Delivered { message, to, .. } if *message == one && *to == a)
        ),
        1
    );
    assert_eq!(sim.outcome_of(one), Some(Outcome::Consumed));

    // Many: destination in topology order whatever the subscription order, one copy each.
    assert_eq!(sim.message(many).unwrap().destination, vec![a, b, c]);
    for s in [a, b, c] {
        assert_eq!(
            count(
                &hs,
                |h| matches!(h, Happening::Enqueued { message, consumer, .. } if *message == many && *consumer == s)
            ),
            1
        );
        assert_eq!(
            count(
                &hs,
                |h| matches!(h, Happening::Delivered { message, to, .. } if *message == many && *to == s)
            ),
            1
        );
        assert_eq!(
            count(
                &hs,
                |h| matches!(h, Happening::Handled { message, by, .. } if *message == many && *by == s)
            ),
            1
        );
    }
    assert_eq!(sim.outcome_of(many), Some(Outcome::Consumed));
    // Jitter may reorder independent messages; each still arrives exactly once.
    let mut seen: Vec<String> =
        serde_json::from_value(sim.service_state("a").unwrap()["seen"].clone()).unwrap();
    seen.sort();
    assert_eq!(seen, ["Many", "One"]);
    assert_eq!(sim.service_state("pub").unwrap(), json!({"seen": []}));
}

#[test]
fn subscribers_are_fixed_at_publish_time() {
    let mut sim = fan_out_sim(SimConfig::default());
    let id = sim.publish_event("pub", "Many", json!({})).unwrap();
    // Topology is immutable inside a Sim; destination is what the envelope says, forever.
    sim.run_until_idle(10_000);
    assert_eq!(sim.message(id).unwrap().destination.len(), 3);
}

#[test]
fn a_consumer_processes_one_message_at_a_time_in_fifo_order() {
    let mut sim = fan_out_sim(SimConfig {
        jitter_ms: 0,
        ..SimConfig::default()
    });
    let ids: Vec<MessageId> = (0..3)
        .map(|_| sim.send_command("pub", "Cmd", json!({})).unwrap())
        .collect();
    let a = sim.topology().index_of("a").unwrap();
    let hs = sim.advance_to(600);
    // All three arrive at the broker together; only the first is pulled.
    assert_eq!(count(&hs, |h| matches!(h, Happening::Enqueued { .. })), 3);
    assert_eq!(sim.queue_depth(a), 2);
    let hs = sim.run_until_idle(10_000);
    let handled: Vec<MessageId> = hs
        .iter()
        .filter_map(|h| match h {
            Happening::Handled { message, .. } => Some(*message),
            _ => None,
        })
        .collect();
    assert_eq!(handled, ids);
    // Each one: fetch hop 600 + processing 400 after the previous finished.
    let times: Vec<SimTime> = hs
        .iter()
        .filter(|h| matches!(h, Happening::Handled { .. }))
        .map(Happening::at)
        .collect();
    assert_eq!(times, [1600, 2600, 3600]);
    assert_eq!(sim.queue_depth(a), 0);
}

fn trace(seed: u64) -> Vec<Happening> {
    let mut sim = Sim::airline(SimConfig {
        seed,
        ..SimConfig::default()
    });
    sim.act(Scenario::BookFl123.action()).unwrap();
    sim.act(Scenario::CheckJohnsPoints.action()).unwrap();
    sim.set_traffic(3.0).unwrap();
    let mut all = sim.advance_to(20_000);
    sim.set_traffic(0.0).unwrap();
    all.extend(sim.run_until_idle(100_000));
    all
}

#[test]
fn same_seed_same_trace_different_seed_different_timings() {
    let a = trace(7);
    let b = trace(7);
    assert!(a.len() > 100);
    assert_eq!(a, b);
    let c = trace(8);
    let arrivals = |t: &[Happening]| -> Vec<SimTime> {
        t.iter()
            .filter_map(|h| match h {
                Happening::Hop(hop) => Some(hop.arrive),
                _ => None,
            })
            .take(5)
            .collect()
    };
    assert_ne!(arrivals(&a), arrivals(&c));
}

fn all_states(sim: &Sim) -> Vec<(String, Value)> {
    sim.topology()
        .services()
        .iter()
        .map(|s| (s.id.clone(), sim.service_state(&s.id).unwrap()))
        .collect()
}

#[test]
fn a_query_cannot_mutate_state() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.act(Scenario::BookFl123.action()).unwrap();
    sim.run_until_idle(10_000);

    // A caller that keeps no record of answers: every service's state is unchanged.
    let before = all_states(&sim);
    sim.send_query("revenue", "GET /api/loyalty/customers/C12345/points")
        .unwrap();
    sim.send_query("revenue", "GET /api/flights/FL123/availability")
        .unwrap();
    let hs = sim.run_until_idle(10_000);
    assert_eq!(count(&hs, |h| matches!(h, Happening::Answered { .. })), 2);
    assert_eq!(all_states(&sim), before);

    // The Mobile App records answers in its own state, but nobody else changes.
    let before = all_states(&sim);
    for s in Scenario::ALL.iter().skip(1) {
        sim.act(s.action()).unwrap();
    }
    sim.run_until_idle(10_000);
    let after = all_states(&sim);
    for (b, a) in before.iter().zip(&after) {
        if b.0 != "mobile-app" {
            assert_eq!(b, a);
        }
    }
}

/// Compile-time half of the guarantee: `on_query` is callable through a shared reference, so
/// no implementation can mutate its service's state (short of interior mutability).
#[test]
fn query_handlers_take_shared_self() {
    fn answer(b: &dyn ServiceBehaviour, r: &Route) -> QueryResult {
        b.on_query(r)
    }
    let t = contrail::sim::airline::airline_topology().unwrap();
    let (_, route) = t.match_route("GET /api/loyalty/tiers").unwrap();
    let loyalty = contrail::sim::airline::LoyaltyService::default();
    assert!(matches!(answer(&loyalty, &route), QueryResult::Ok(_)));
}

#[test]
fn sim_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Sim>();
}

#[test]
fn query_timeout_fires_when_timeout_is_below_latency() {
    let mut sim = Sim::airline(SimConfig {
        hop_latency_ms: 600,
        jitter_ms: 0,
        query_timeout_ms: 500,
        ..SimConfig::default()
    });
    sim.act(Scenario::ListTiers.action()).unwrap();
    let hs = sim.run_until_idle(10_000);
    let timed_out: Vec<&Happening> = hs
        .iter()
        .filter(|h| matches!(h, Happening::TimedOut { .. }))
        .collect();
    assert_eq!(
        timed_out,
        [&Happening::TimedOut {
            request: 1,
            at: 500
        }]
    );
    // The late response is still recorded and delivered, but answers nothing.
    assert_eq!(count(&hs, |h| matches!(h, Happening::Answered { .. })), 0);
    assert_eq!(sim.response_of(1), Some(2));
    assert_eq!(sim.outcome_of(1), Some(Outcome::TimedOut));
    assert_eq!(sim.outcome_of(2), Some(Outcome::TimedOut));
    assert!(hs.contains(&Happening::Delivered {
        message: 2,
        to: 0,
        at: 600 + 150 + 600
    }));
    let state = sim.service_state("mobile-app").unwrap();
    assert_eq!(state["timedOutRequests"], 1);
}

#[test]
fn booking_times_out_on_availability_and_rejects() {
    let mut sim = Sim::airline(SimConfig {
        jitter_ms: 0,
        query_timeout_ms: 500,
        ..SimConfig::default()
    });
    sim.act(Scenario::BookFl123.action()).unwrap();
    sim.run_until_idle(10_000);
    match sim.outcome_of(1) {
        Some(Outcome::Rejected(r)) => assert!(r.contains("timed out"), "{r}"),
        other => panic!("{other:?}"),
    }
    assert!(sim.messages().all(|m| m.type_name != "BookingCreated"));
}

#[test]
fn a_waiting_service_pulls_nothing() {
    let mut sim = Sim::airline(SimConfig {
        jitter_ms: 0,
        ..SimConfig::default()
    });
    let booking = sim.topology().index_of("booking").unwrap();
    sim.act(Scenario::BookFl123.action()).unwrap();
    sim.act(Scenario::BookFl123.action()).unwrap();
    // Both arrive at 600; the first is fetched (1200), processed (1600), then the query.
    sim.advance_to(1700);
    assert_eq!(sim.service_status(booking), ServiceStatus::Waiting);
    assert_eq!(sim.queue_depth(booking), 1);
    // Query 600 + 150 + 600 later it is answered and only then pulls the next.
    let hs = sim.advance_to(1600 + 1350);
    assert!(hs.iter().any(|h| matches!(h, Happening::Answered { .. })));
    assert_eq!(sim.queue_depth(booking), 0);
    sim.advance_by(1);
    assert_eq!(sim.service_status(booking), ServiceStatus::Idle);
    sim.advance_by(700);
    assert_eq!(sim.service_status(booking), ServiceStatus::Busy);
}

#[test]
fn bad_input_gives_typed_errors_not_panics() {
    let mut sim = Sim::airline(SimConfig::default());
    assert!(matches!(
        sim.send_command("nobody", "CreateBooking", json!({})),
        Err(SimError::UnknownService { .. })
    ));
    assert!(matches!(
        sim.send_command("mobile-app", "LaunchRocket", json!({})),
        Err(SimError::NoHandler { .. })
    ));
    assert!(matches!(
        sim.send_command("mobile-app", "CreateBooking", json!({"customerId": 5})),
        Err(SimError::MalformedPayload { .. })
    ));
    assert!(matches!(
        sim.send_command("mobile-app", "CreateBooking", json!("not an object")),
        Err(SimError::MalformedPayload { .. })
    ));
    assert!(matches!(
        sim.send_command("broker", "CreateBooking", json!({})),
        Err(SimError::InvalidInput { .. })
    ));
    assert!(matches!(
        sim.publish_event("booking", "Nonexistent", json!({})),
        Err(SimError::UnknownEvent { .. })
    ));
    assert!(matches!(
        sim.publish_event(
            "booking",
            "BookingCreated",
            json!({"eventType": "BookingCreated"})
        ),
        Err(SimError::MalformedPayload { .. })
    ));
    assert!(matches!(
        sim.send_query("mobile-app", "GET /api/nowhere"),
        Err(SimError::NoSuchRoute { .. })
    ));
    assert!(matches!(
        sim.send_query("mobile-app", "what"),
        Err(SimError::InvalidRequestLine { .. })
    ));
    let empty = UserAction::BookFlight {
        customer_id: "C12345".into(),
        flight_number: "FL123".into(),
        passenger_ids: vec![],
    };
    assert!(matches!(sim.act(empty), Err(SimError::InvalidInput { .. })));
    for bad in ["", "a/b", "C 1", "x?y"] {
        assert!(matches!(
            sim.act(UserAction::CheckPoints {
                customer_id: bad.into()
            }),
            Err(SimError::InvalidInput { .. })
        ));
    }
    for rate in [f64::NAN, f64::INFINITY, 10_001.0] {
        assert!(matches!(
            sim.set_traffic(rate),
            Err(SimError::InvalidTraffic { .. })
        ));
    }
    assert!(matches!(
        sim.service_state("nobody"),
        Err(SimError::UnknownService { .. })
    ));
    // Nothing was sent by any refused call.
    assert_eq!(sim.total_messages(), 0);
    assert!(sim.step().is_empty());
    // Out-of-range lookups answer quietly.
    assert_eq!(sim.queue_depth(99), 0);
    assert_eq!(sim.service_status(99), ServiceStatus::Idle);
    assert_eq!(sim.message(0), None);
    assert_eq!(sim.outcome_of(12345), None);
    assert!(sim.children_of(u64::MAX).is_empty());
    // Errors display.
    let e: Box<dyn std::error::Error> = Box::new(SimError::NoHandler {
        command: "X".into(),
    });
    assert_eq!(e.to_string(), "no service handles command X");
}

#[test]
fn a_valid_lower_level_command_runs() {
    let mut sim = Sim::airline(SimConfig::default());
    let payload = json!({
        "commandType": "AdjustFlightPricing",
        "flightDetails": {"flightNumber": "FL415", "departureAirport": "SFO", "arrivalAirport": "SEA",
                          "departureDate": "2024-02-16", "departureTime": "17:05:00"},
        "pricingDetails": {"currentOccupancyRate": 95, "averageTicketPrice": 170.0, "seatsRemaining": 8,
                           "demandTrend": "Stable",
                           "historicalData": {"samePeriodLastYearPrice": 175.0, "samePeriodLastYearOccupancy": 58}},
        "action": "ReassessPricing"
    });
    let id = sim
        .send_command("flights", "AdjustFlightPricing", payload.clone())
        .unwrap();
    let mut unknown = payload;
    unknown["flightDetails"]["flightNumber"] = json!("FL000");
    let bad = sim
        .send_command("flights", "AdjustFlightPricing", unknown)
        .unwrap();
    sim.run_until_idle(10_000);
    assert_eq!(sim.outcome_of(id), Some(Outcome::Accepted));
    assert!(matches!(sim.outcome_of(bad), Some(Outcome::Rejected(_))));
    let adjusted: Vec<&Envelope> = sim
        .messages()
        .filter(|m| m.type_name == "FlightPriceAdjusted")
        .collect();
    assert_eq!(adjusted.len(), 1);
    // 180 × (1 + 0.37) = 246.60
    assert_eq!(adjusted[0].payload["newFare"].as_f64(), Some(246.6));
    assert_eq!(adjusted[0].causation_id, Some(id));
}

#[test]
fn history_is_bounded_with_its_side_tables() {
    let mut sim = Sim::airline(SimConfig {
        history_limit: 20,
        ..SimConfig::default()
    });
    sim.set_traffic(20.0).unwrap();
    for _ in 0..60 {
        sim.advance_by(1000);
        assert!(sim.messages().count() <= 20);
    }
    assert!(sim.total_messages() > 200);
    assert_eq!(sim.message(1), None);
    assert_eq!(sim.outcome_of(1), None);
    assert_eq!(sim.response_of(2), None);
    let first = sim.messages().next().unwrap().message_id;
    assert_eq!(first, sim.total_messages() - 19);
    let ids: Vec<MessageId> = sim.messages().map(|m| m.message_id).collect();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1));
}

#[test]
fn traffic_generates_bookings_at_the_requested_rate() {
    let mut sim = Sim::airline(SimConfig::default());
    assert_eq!(sim.traffic(), 0.0);
    sim.set_traffic(4.0).unwrap();
    assert_eq!(sim.traffic(), 4.0);
    sim.advance_to(30_000);
    sim.set_traffic(-1.0).unwrap();
    assert_eq!(sim.traffic(), 0.0);
    sim.run_until_idle(1_000_000);
    assert_eq!(sim.next_due(), None);
    // Actions are bookings and, once bookings exist, some cancellations of them.
    let roots: Vec<&Envelope> = sim
        .messages()
        .filter(|m| m.type_name == "CreateBooking" || m.type_name == "CancelBooking")
        .collect();
    assert!((100..=140).contains(&roots.len()), "{}", roots.len());
    assert!(roots.iter().all(|m| m.causation_id.is_none()));
    // Capacity is never exceeded, however busy it gets.
    let flights = sim.service_state("booking").unwrap()["seatsBooked"].clone();
    let caps = [
        ("FL123", 200),
        ("FL200", 180),
        ("FL310", 160),
        ("FL415", 150),
        ("FL777", 4),
    ];
    for (f, cap) in caps {
        assert!(flights[f].as_u64().unwrap() <= cap, "{f}");
    }
}

#[test]
fn custom_sim_needs_one_behaviour_per_service() {
    let mut t = Topology::new();
    t.add_service("a", "A", Role::Service).unwrap();
    assert!(matches!(
        Sim::custom(t, vec![], SimConfig::default()),
        Err(SimError::InvalidTopology { .. })
    ));
    let mut sim = fan_out_sim(SimConfig::default());
    assert!(matches!(
        sim.set_traffic(1.0),
        Err(SimError::InvalidTopology { .. })
    ));
    assert!(matches!(
        sim.act(UserAction::ListTiers),
        Err(SimError::UnknownService { .. })
    ));
}

#[test]
fn happenings_of_act_come_with_the_next_advance_and_time_only_moves_forward() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.advance_to(1000);
    sim.act(Scenario::ListTiers.action()).unwrap();
    let hs = sim.advance_to(500);
    assert_eq!(sim.now(), 1000);
    assert!(matches!(
        hs[0],
        Happening::Sent {
            message: 1,
            at: 1000
        }
    ));
    assert!(matches!(hs[1], Happening::Hop(Hop { depart: 1000, .. })));
    assert_eq!(sim.in_flight(), 1);
    // A stepper sees the departure instant on its own, then each later instant.
    sim.act(Scenario::ListTiers.action()).unwrap();
    let hs = sim.step();
    assert_eq!(sim.now(), 1000);
    assert_eq!(hs.len(), 2);
    assert!(hs.iter().all(|h| h.at() == 1000));
    let due = sim.next_due().unwrap();
    let hs = sim.step();
    assert_eq!(sim.now(), due);
    assert!(hs.iter().all(|h| h.at() == due));
    assert!(sim.advance_to(u64::MAX).len() > 1);
    assert_eq!(sim.now(), u64::MAX);
    // Even at the end of time nothing overflows.
    sim.act(Scenario::ListTiers.action()).unwrap();
    sim.run_until_idle(1000);
}

#[test]
fn a_full_queue_refuses_at_the_broker_and_only_that_queue() {
    let mut sim = fan_out_sim(SimConfig {
        jitter_ms: 0,
        queue_capacity: 2,
        ..SimConfig::default()
    });
    let (a, b, c) = (
        sim.topology().index_of("a").unwrap(),
        sim.topology().index_of("b").unwrap(),
        sim.topology().index_of("c").unwrap(),
    );
    let broker = sim.topology().broker().unwrap();
    // Five commands reach the broker together: the first is pulled at once, two wait, and
    // the queue (capacity 2) refuses the last two.
    let cmds: Vec<MessageId> = (0..5)
        .map(|_| sim.send_command("pub", "Cmd", json!({})).unwrap())
        .collect();
    // And one "Many" event, whose copy for `a` finds the queue full while b and c take it.
    let many = sim.publish_event("pub", "Many", json!({})).unwrap();
    let hs = sim.advance_to(600);
    assert_eq!(sim.queue_depth(a), 2);
    let refused: Vec<(MessageId, String)> = hs
        .iter()
        .filter_map(|h| match h {
            Happening::Rejected {
                message,
                by,
                reason,
                ..
            } if *by == broker => Some((*message, reason.clone())),
            _ => None,
        })
        .collect();
    let refused_ids: Vec<MessageId> = refused.iter().map(|(m, _)| *m).collect();
    assert_eq!(refused_ids, [cmds[3], cmds[4], many]);
    assert!(
        refused[0].1.contains("a's queue is full (2 messages"),
        "{}",
        refused[0].1
    );
    for &id in &cmds[3..] {
        assert!(matches!(sim.outcome_of(id), Some(Outcome::Refused(_))));
    }
    assert_eq!(sim.service_state("broker").unwrap()["queueCapacity"], 2);

    let hs = sim.run_until_idle(10_000);
    let handled = |m: MessageId| {
        hs.iter()
            .filter_map(|h| match h {
                Happening::Handled { message, by, .. } if *message == m => Some(*by),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    for &id in &cmds[..3] {
        assert_eq!(handled(id), [a], "command {id}");
    }
    for &id in &cmds[3..] {
        assert!(handled(id).is_empty(), "a refused command must not run");
    }
    let mut got = handled(many);
    got.sort();
    assert_eq!(got, [b, c], "the other subscribers still get the event");
    assert!(matches!(sim.outcome_of(many), Some(Outcome::Refused(_))));
}

#[test]
fn traffic_far_beyond_capacity_keeps_queues_bounded() {
    let mut sim = Sim::airline(SimConfig {
        queue_capacity: 50,
        ..SimConfig::default()
    });
    let booking = sim.topology().index_of("booking").unwrap();
    sim.set_traffic(200.0).unwrap();
    let mut refused = 0;
    for _ in 0..30 {
        let hs = sim.advance_by(1000);
        refused += count(
            &hs,
            |h| matches!(h, Happening::Rejected { reason, .. } if reason.contains("queue is full")),
        );
        assert!(sim.queue_depths().iter().all(|&d| d <= 50));
    }
    assert_eq!(sim.queue_depth(booking), 50);
    assert!(refused > 5_000, "{refused}");
}

/// README states Booking's throughput under saturation; this is where that figure comes from.
#[test]
fn booking_handles_about_one_booking_every_two_and_a_half_seconds_when_saturated() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.set_traffic(5.0).unwrap();
    sim.advance_to(60_000);
    let booking = sim.topology().index_of("booking").unwrap();
    let mut verdicts = 0;
    for _ in 0..300 {
        let hs = sim.advance_by(1000);
        verdicts += count(&hs, |h| match h {
            Happening::Handled { by, message, .. } | Happening::Rejected { by, message, .. } => {
                *by == booking
                    && sim
                        .message(*message)
                        .is_some_and(|m| m.kind == MessageKind::Command)
            }
            _ => false,
        });
    }
    let per_sec = verdicts as f64 / 300.0;
    assert!((0.38..=0.47).contains(&per_sec), "{per_sec} bookings/s");
}
