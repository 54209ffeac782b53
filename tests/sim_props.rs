#![cfg(not(target_arch = "wasm32"))]
//! Random sequences of user actions (including bad ids) interleaved with random clock
//! advances, checked against the engine's conservation and causality invariants.

use std::collections::{BTreeMap, BTreeSet};

use contrail::sim::*;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

#[derive(Clone, Debug)]
enum Op {
    Act(UserAction),
    Advance(u64),
    /// Quiesce, then run one query alone and compare every other service's state around it.
    LoneQuery(UserAction),
}

fn customer() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec!["C12345", "C23456", "C34567", "C45678", "C56789"]).prop_map(String::from),
        1 => select(vec!["C99999", "", "bad id", "C1/2"]).prop_map(String::from),
    ]
}

fn flight() -> impl Strategy<Value = String> {
    select(vec![
        "FL123", "FL200", "FL310", "FL415", "FL777", "FL777", "FL999", "x/y",
    ])
    .prop_map(String::from)
}

fn passengers() -> impl Strategy<Value = Vec<String>> {
    let ids = vec![
        "P12345", "P12346", "P23456", "P23457", "P34567", "P45678", "P45679", "P56789", "P00000",
    ];
    proptest::collection::vec(select(ids).prop_map(String::from), 0..4)
}

fn query_action() -> impl Strategy<Value = UserAction> {
    prop_oneof![
        customer().prop_map(|customer_id| UserAction::CheckPoints { customer_id }),
        customer().prop_map(|customer_id| UserAction::ListTransactions { customer_id }),
        Just(UserAction::ListTiers),
        flight().prop_map(|flight_number| UserAction::CheckAvailability { flight_number }),
    ]
}

/// A booking a real customer could make: their own passengers on a real flight.
fn plausible_booking() -> impl Strategy<Value = UserAction> {
    let customers = contrail::sim::airline::seed::CUSTOMERS;
    (0..customers.len(), any::<usize>(), any::<usize>(), flight()).prop_map(
        move |(c, start, count, flight_number)| {
            let c = &customers[c];
            let n = c.passengers.len();
            let passenger_ids = (0..1 + count % n)
                .map(|i| c.passengers[(start + i) % n].id.to_string())
                .collect();
            UserAction::BookFlight {
                customer_id: c.id.into(),
                flight_number,
                passenger_ids,
            }
        },
    )
}

fn action() -> impl Strategy<Value = UserAction> {
    prop_oneof![
        3 => plausible_booking(),
        1 => (customer(), flight(), passengers()).prop_map(|(customer_id, flight_number, passenger_ids)| {
            UserAction::BookFlight { customer_id, flight_number, passenger_ids }
        }),
        2 => query_action(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => action().prop_map(Op::Act),
        4 => (0u64..5000).prop_map(Op::Advance),
        1 => query_action().prop_map(Op::LoneQuery),
    ]
}

fn states_except_app(sim: &Sim) -> Vec<(String, Value)> {
    sim.topology()
        .services()
        .iter()
        .filter(|s| s.id != "mobile-app")
        .map(|s| (s.id.clone(), sim.service_state(&s.id).unwrap()))
        .collect()
}

type Key = (MessageId, ServiceIdx);

#[derive(Default)]
struct Tally {
    sent: BTreeMap<MessageId, usize>,
    hops: BTreeMap<Key, Vec<(ServiceIdx, SimTime)>>,
    enqueued: BTreeMap<Key, Vec<SimTime>>,
    delivered: BTreeMap<Key, Vec<SimTime>>,
    handled: BTreeMap<Key, Vec<SimTime>>,
    rejected: BTreeMap<MessageId, usize>,
    rejected_by: BTreeMap<Key, Vec<SimTime>>,
    answered: BTreeMap<MessageId, usize>,
    answered_by_response: BTreeMap<MessageId, usize>,
    timed_out: BTreeMap<MessageId, usize>,
}

impl Tally {
    fn of(hs: &[Happening]) -> Tally {
        let mut t = Tally::default();
        for h in hs {
            match h {
                Happening::Sent { message, .. } => *t.sent.entry(*message).or_default() += 1,
                Happening::Hop(hop) => t
                    .hops
                    .entry((hop.message, hop.to))
                    .or_default()
                    .push((hop.from, hop.arrive)),
                Happening::Enqueued {
                    message,
                    consumer,
                    at,
                    ..
                } => t
                    .enqueued
                    .entry((*message, *consumer))
                    .or_default()
                    .push(*at),
                Happening::Delivered { message, to, at } => {
                    t.delivered.entry((*message, *to)).or_default().push(*at)
                }
                Happening::Handled { message, by, at } => {
                    t.handled.entry((*message, *by)).or_default().push(*at)
                }
                Happening::Rejected {
                    message, by, at, ..
                } => {
                    *t.rejected.entry(*message).or_default() += 1;
                    t.rejected_by.entry((*message, *by)).or_default().push(*at);
                }
                Happening::Answered {
                    request, response, ..
                } => {
                    *t.answered.entry(*request).or_default() += 1;
                    *t.answered_by_response.entry(*response).or_default() += 1;
                }
                Happening::TimedOut { request, .. } => {
                    *t.timed_out.entry(*request).or_default() += 1
                }
                Happening::LateResponse { .. } => {}
                other => panic!("no fault was set, yet the run reported {other:?}"),
            }
        }
        t
    }

    fn len<K: Ord, V>(m: &BTreeMap<K, Vec<V>>, k: &K) -> usize {
        m.get(k).map_or(0, Vec::len)
    }

    fn n(m: &BTreeMap<MessageId, usize>, k: MessageId) -> usize {
        m.get(&k).copied().unwrap_or(0)
    }
}

/// The core's own count of each message's hops on the wire (what the log's "in flight"
/// filter reads) against the hops its trace says have left and not yet arrived.
fn hops_on_the_wire_match(sim: &Sim, all: &[Happening]) -> Result<(), TestCaseError> {
    let mut on_wire: BTreeMap<MessageId, u32> = BTreeMap::new();
    for h in all {
        if let Happening::Hop(hop) = h {
            if hop.arrive > sim.now() {
                *on_wire.entry(hop.message).or_default() += 1;
            }
        }
    }
    for m in sim.messages() {
        let expected = on_wire.get(&m.message_id).copied().unwrap_or(0);
        prop_assert_eq!(
            sim.hops_in_flight(m.message_id),
            expected,
            "message #{}",
            m.message_id
        );
    }
    // Hops of messages the history has dropped still count in the total.
    prop_assert_eq!(on_wire.values().sum::<u32>() as usize, sim.in_flight());
    Ok(())
}

/// With a history of a few messages, most hops land after their message has been dropped
/// from it: the per-message counts of the messages still kept must stay right.
fn check_pruned_run(seed: u64, history_limit: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut sim = Sim::airline(SimConfig {
        seed,
        history_limit,
        ..SimConfig::default()
    });
    let mut all = Vec::new();
    for op in ops {
        match op {
            Op::Act(a) | Op::LoneQuery(a) => {
                let _ = sim.act(a);
            }
            Op::Advance(dt) => {
                all.extend(sim.advance_by(dt));
                prop_assert!(sim.messages().len() <= history_limit);
                hops_on_the_wire_match(&sim, &all)?;
            }
        }
    }
    all.extend(sim.run_until_idle(1_000_000));
    prop_assert_eq!(sim.in_flight(), 0);
    hops_on_the_wire_match(&sim, &all)
}

fn check_run(
    seed: u64,
    jitter: u64,
    timeout: u64,
    capacity: usize,
    ops: Vec<Op>,
) -> Result<(), TestCaseError> {
    let mut sim = Sim::airline(SimConfig {
        seed,
        jitter_ms: jitter,
        query_timeout_ms: timeout,
        queue_capacity: capacity,
        ..SimConfig::default()
    });
    let mut all = Vec::new();
    let mut roots = BTreeSet::new();
    for op in ops {
        match op {
            Op::Act(a) => {
                if let Ok(c) = sim.act(a) {
                    roots.insert(c);
                }
            }
            Op::Advance(dt) => {
                all.extend(sim.advance_by(dt));
                hops_on_the_wire_match(&sim, &all)?;
            }
            Op::LoneQuery(a) => {
                all.extend(sim.run_until_idle(1_000_000));
                let before = states_except_app(&sim);
                if let Ok(c) = sim.act(a) {
                    roots.insert(c);
                }
                all.extend(sim.run_until_idle(1_000_000));
                prop_assert_eq!(states_except_app(&sim), before);
            }
        }
    }
    all.extend(sim.run_until_idle(1_000_000));
    prop_assert_eq!(sim.next_due(), None);
    prop_assert_eq!(sim.in_flight(), 0);
    hops_on_the_wire_match(&sim, &all)?;
    prop_assert!(
        all.windows(2).all(|w| w[0].at() <= w[1].at()),
        "time went backwards"
    );

    let t = Tally::of(&all);
    let topo = sim.topology();
    let broker = topo.broker().unwrap();
    prop_assert_eq!(t.sent.len() as u64, sim.total_messages());
    prop_assert_eq!(sim.messages().count() as u64, sim.total_messages());

    for m in sim.messages() {
        let id = m.message_id;
        prop_assert_eq!(Tally::n(&t.sent, id), 1, "sent once");
        // Every hop arrives exactly once, where and when it said it would.
        let hops_of: Vec<(&Key, &Vec<(ServiceIdx, SimTime)>)> =
            t.hops.range((id, 0)..=(id, usize::MAX)).collect();
        // Copies the broker refused because their queue was full: they end there.
        let refused_at_broker = t
            .rejected_by
            .get(&(id, broker))
            .map_or(&[][..], Vec::as_slice);
        for (&(_, to), legs) in &hops_of {
            prop_assert_eq!(legs.len(), 1, "one hop per (message, destination)");
            let arrive = legs[0].1;
            let arrived = if to == broker {
                t.enqueued
                    .range((id, 0)..=(id, usize::MAX))
                    .any(|(_, v)| v.contains(&arrive))
                    || t.handled
                        .get(&(id, broker))
                        .is_some_and(|v| v == &vec![arrive])
                    || (!refused_at_broker.is_empty()
                        && refused_at_broker.iter().all(|&at| at == arrive))
            } else {
                t.delivered.get(&(id, to)) == Some(&vec![arrive])
            };
            prop_assert!(arrived, "hop of #{} to {} never arrived", id, to);
        }
        match m.kind {
            MessageKind::Command if !refused_at_broker.is_empty() => {
                let h = m.destination[0];
                prop_assert_eq!(refused_at_broker.len(), 1);
                prop_assert_eq!(hops_of.len(), 1, "a refused command goes no further");
                prop_assert_eq!(Tally::len(&t.enqueued, &(id, h)), 0);
                prop_assert_eq!(Tally::len(&t.delivered, &(id, h)), 0);
                prop_assert_eq!(Tally::len(&t.handled, &(id, h)), 0);
                prop_assert_eq!(Tally::n(&t.rejected, id), 1);
                prop_assert!(matches!(sim.outcome_of(id), Some(Outcome::Refused(_))));
            }
            MessageKind::Command => {
                let h = m.destination[0];
                prop_assert_eq!(hops_of.len(), 2);
                prop_assert_eq!(Tally::len(&t.enqueued, &(id, h)), 1);
                prop_assert_eq!(Tally::len(&t.delivered, &(id, h)), 1);
                let verdicts = Tally::len(&t.handled, &(id, h)) + Tally::n(&t.rejected, id);
                prop_assert_eq!(verdicts, 1, "command handled or rejected exactly once");
                prop_assert!(matches!(
                    sim.outcome_of(id),
                    Some(Outcome::Accepted | Outcome::Rejected(_))
                ));
            }
            MessageKind::Event => {
                // Each subscriber's copy is either queued, delivered and handled once, or
                // refused at the broker; nothing in between, nothing twice.
                let mut taken = 0;
                for &d in &m.destination {
                    let queued = Tally::len(&t.enqueued, &(id, d));
                    prop_assert!(queued <= 1);
                    prop_assert_eq!(Tally::len(&t.delivered, &(id, d)), queued);
                    prop_assert_eq!(Tally::len(&t.handled, &(id, d)), queued);
                    taken += queued;
                }
                prop_assert_eq!(taken + refused_at_broker.len(), m.destination.len());
                prop_assert_eq!(hops_of.len(), 1 + taken);
                let at_broker = Tally::len(&t.handled, &(id, broker));
                prop_assert_eq!(at_broker, usize::from(m.destination.is_empty()));
                if refused_at_broker.is_empty() {
                    prop_assert_eq!(sim.outcome_of(id), Some(Outcome::Consumed));
                } else {
                    prop_assert!(matches!(sim.outcome_of(id), Some(Outcome::Refused(_))));
                }
            }
            MessageKind::Query => {
                let server = m.destination[0];
                prop_assert_eq!(hops_of.len(), 1);
                prop_assert_eq!(Tally::len(&t.delivered, &(id, server)), 1);
                prop_assert_eq!(Tally::len(&t.handled, &(id, server)), 1);
                prop_assert_eq!(Tally::n(&t.answered, id) + Tally::n(&t.timed_out, id), 1);
                prop_assert!(sim.response_of(id).is_some());
            }
            MessageKind::QueryResponse => {
                prop_assert_eq!(hops_of.len(), 1);
                prop_assert_eq!(Tally::len(&t.delivered, &(id, m.destination[0])), 1);
                prop_assert!(Tally::n(&t.answered_by_response, id) <= 1);
                prop_assert_eq!(sim.request_of(id), m.causation_id);
            }
        }
        prop_assert_ne!(sim.outcome_of(id), Some(Outcome::Pending));

        // Causation leads back to a root of the same correlation that a user action made.
        let mut cur = m;
        while let Some(parent) = cur.causation_id {
            prop_assert!(parent < cur.message_id);
            let p = sim.message(parent).expect("parent retained");
            prop_assert_eq!(p.correlation_id, m.correlation_id);
            cur = p;
        }
        prop_assert!(roots.contains(&cur.correlation_id));
    }

    // Booking's seat counts never exceed capacity.
    let seats = sim.service_state("booking").unwrap()["seatsBooked"].clone();
    for f in contrail::sim::airline::seed::FLIGHTS {
        prop_assert!(seats[f.number].as_u64().unwrap() <= u64::from(f.capacity));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_actions_keep_the_invariants(
        seed in any::<u64>(),
        jitter in 0u64..300,
        timeout in select(vec![400u64, 1500, 5000]),
        // Tiny queues make the broker refuse messages; the default never fills in 80 ops.
        capacity in select(vec![1usize, 2, 1000]),
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        check_run(seed, jitter, timeout, capacity, ops)?;
    }

    #[test]
    fn hops_in_flight_survive_a_pruned_history(
        seed in any::<u64>(),
        history_limit in 1usize..12,
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        check_pruned_run(seed, history_limit, ops)?;
    }
}
