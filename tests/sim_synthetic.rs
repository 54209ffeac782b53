#![cfg(not(target_arch = "wasm32"))]
//! The generated benchmark topology.

use std::collections::BTreeSet;

use contrail::sim::*;

#[test]
fn synthetic_topology_has_exactly_the_requested_edges() {
    for (services, edges) in [(2, 2), (2, 6), (5, 5), (10, 37), (50, 100)] {
        let sim = Sim::synthetic(services, edges, 0, SimConfig::default()).unwrap();
        let t = sim.topology();
        assert_eq!(t.services().len(), services);
        assert_eq!(t.broker(), None);
        assert_eq!(t.id(0), "svc-00");
        let e = t.edges();
        assert_eq!(e.len(), edges, "{services}/{edges}");
        let kinds: BTreeSet<EdgeKind> = e.iter().map(|e| e.kind).collect();
        assert_eq!(kinds.len(), 3.min(edges));
        let with_out: BTreeSet<ServiceIdx> = e.iter().map(|e| e.from).collect();
        assert_eq!(
            with_out.len(),
            services,
            "every service has an outgoing edge"
        );
        assert!(e.iter().all(|e| e.from != e.to && e.types.len() == 1));
        assert!(t.unsubscribed_events().is_empty());
    }
}

#[test]
fn synthetic_rejects_impossible_shapes() {
    for (s, e, k) in [
        (1, 1, 1),
        (3, 2, 1),
        (3, 19, 1),
        (0, 0, 0),
        (3, 3, 2_000_000),
    ] {
        assert!(
            matches!(
                Sim::synthetic(s, e, k, SimConfig::default()),
                Err(SimError::InvalidTopology { .. })
            ),
            "{s} {e} {k}"
        );
    }
    assert_eq!(bench::run_synthetic(1, 1, 1, 1000, 1), 0);
    let instant = SimConfig {
        hop_latency_ms: 100,
        jitter_ms: 100,
        ..SimConfig::default()
    };
    assert!(matches!(
        Sim::synthetic(3, 3, 1, instant),
        Err(SimError::InvalidTopology { .. })
    ));
}

#[test]
fn synthetic_tokens_stay_in_flight_forever() {
    let mut sim = Sim::synthetic(20, 60, 100, SimConfig::default()).unwrap();
    let mut hops = 0;
    for _ in 0..300 {
        let hs = sim.advance_by(16);
        hops += hs.iter().filter(|h| matches!(h, Happening::Hop(_))).count();
        assert_eq!(sim.in_flight(), 100);
    }
    assert!(hops > 500, "{hops}");
    let kinds: BTreeSet<MessageKind> = sim.messages().map(|m| m.kind).collect();
    assert_eq!(kinds.len(), 4, "all four message kinds travel");
    assert!(sim.messages().count() <= SimConfig::default().history_limit);
}

#[test]
fn synthetic_is_deterministic() {
    let run = |seed| {
        let config = SimConfig {
            seed,
            ..SimConfig::default()
        };
        let mut sim = Sim::synthetic(8, 20, 10, config).unwrap();
        sim.advance_to(5_000)
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
    assert_eq!(
        bench::run_synthetic(8, 20, 10, 2_000, 1),
        bench::run_synthetic(8, 20, 10, 2_000, 1)
    );
}

#[test]
fn bench_bookings_run_to_quiescence() {
    let n = bench::run_bookings(20, 42);
    assert!(n > 20 * 20, "{n}");
    assert_eq!(n, bench::run_bookings(20, 42));
}
