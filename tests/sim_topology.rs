#![cfg(not(target_arch = "wasm32"))]
//! Topology declarations, routing tables and derived edges.

use contrail::sim::airline::airline_topology;
use contrail::sim::*;

#[test]
fn second_command_handler_is_refused() {
    let mut t = Topology::new();
    let a = t.add_service("a", "A", Role::Service).unwrap();
    let b = t.add_service("b", "B", Role::Service).unwrap();
    t.add_handler(a, "DoIt").unwrap();
    // Idempotent for the same service...
    t.add_handler(a, "DoIt").unwrap();
    // ...but a second handler is refused and the first stays in charge.
    let err = t.add_handler(b, "DoIt").unwrap_err();
    assert_eq!(
        err,
        SimError::DuplicateHandler {
            command: "DoIt".into(),
            existing: "a".into(),
            attempted: "b".into()
        }
    );
    assert_eq!(t.handler_of("DoIt"), Some(a));
    assert!(t.services()[b].handles.is_empty());
    assert!(!err.to_string().is_empty());
}

#[test]
fn airline_refuses_a_second_create_booking_handler() {
    let mut t = airline_topology().unwrap();
    let loyalty = t.index_of("loyalty").unwrap();
    assert!(matches!(
        t.add_handler(loyalty, "CreateBooking"),
        Err(SimError::DuplicateHandler { .. })
    ));
}

#[test]
fn duplicate_service_broker_and_route_are_refused() {
    let mut t = Topology::new();
    let a = t.add_service("a", "A", Role::Service).unwrap();
    let b = t.add_service("b", "B", Role::Service).unwrap();
    t.add_service("broker", "Broker", Role::Broker).unwrap();
    assert_eq!(
        t.add_service("a", "again", Role::Service),
        Err(SimError::DuplicateService { id: "a".into() })
    );
    assert!(matches!(
        t.add_service("broker2", "Broker 2", Role::Broker),
        Err(SimError::DuplicateBroker { .. })
    ));
    t.add_route(a, "GET /api/things/{id}").unwrap();
    // Same shape with a different parameter name is the same route.
    assert!(matches!(
        t.add_route(b, "GET /api/things/{thingId}"),
        Err(SimError::DuplicateRoute { .. })
    ));
    // The broker relays; it cannot be declared as a participant.
    let broker = t.broker().unwrap();
    assert!(matches!(
        t.add_subscriber(broker, "X"),
        Err(SimError::InvalidInput { .. })
    ));
    assert!(matches!(
        t.add_handler(99, "X"),
        Err(SimError::UnknownServiceIndex { index: 99 })
    ));
}

#[test]
fn malformed_route_patterns_are_typed_errors() {
    let mut t = Topology::new();
    let a = t.add_service("a", "A", Role::Service).unwrap();
    for bad in [
        "",
        "GET",
        "get /x",
        "GET x",
        "GET /a/{}",
        "GET /a/{b",
        "GET /a b",
    ] {
        assert!(
            matches!(t.add_route(a, bad), Err(SimError::InvalidRoute { .. })),
            "{bad:?}"
        );
    }
    assert!(t.services()[a].serves.is_empty());
}

#[test]
fn request_lines_match_patterns_with_params() {
    let t = airline_topology().unwrap();
    let loyalty = t.index_of("loyalty").unwrap();
    let flights = t.index_of("flights").unwrap();
    assert_eq!(
        t.server_of("GET /api/loyalty/customers/C12345/points"),
        Some((
            loyalty,
            "GET /api/loyalty/customers/{customerId}/points".to_string()
        ))
    );
    assert_eq!(
        t.server_of("GET /api/flights/FL123/availability")
            .map(|s| s.0),
        Some(flights)
    );
    assert_eq!(
        t.server_of("GET /api/loyalty/tiers").map(|s| s.0),
        Some(loyalty)
    );
    assert_eq!(t.server_of("POST /api/loyalty/tiers"), None);
    assert_eq!(t.server_of("GET /api/loyalty/customers//points"), None);
    assert_eq!(t.server_of("nonsense"), None);
    let (_, route) = t
        .match_route("GET /api/loyalty/customers/C999/transactions")
        .unwrap();
    assert_eq!(route.param("customerId"), Some("C999"));
    assert!(matches!(
        t.match_route("GET nowhere"),
        Err(SimError::InvalidRequestLine { .. })
    ));
}

#[test]
fn literal_segments_beat_parameters() {
    let mut t = Topology::new();
    let a = t.add_service("a", "A", Role::Service).unwrap();
    let b = t.add_service("b", "B", Role::Service).unwrap();
    t.add_route(a, "GET /x/{id}").unwrap();
    t.add_route(b, "GET /x/special").unwrap();
    assert_eq!(t.server_of("GET /x/special").map(|s| s.0), Some(b));
    assert_eq!(t.server_of("GET /x/other").map(|s| s.0), Some(a));
}

#[test]
fn airline_edges_are_derived_from_declarations() {
    let t = airline_topology().unwrap();
    let edges: Vec<(String, String, String, Vec<String>)> = t
        .edges()
        .into_iter()
        .map(|e| {
            (
                e.kind.as_str().to_string(),
                t.id(e.from).to_string(),
                t.id(e.to).to_string(),
                e.types,
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    // Kind order first, then by from/to index.
    let commands: Vec<_> = edges.iter().filter(|e| e.0 == "command").cloned().collect();
    assert_eq!(
        commands,
        vec![
            (
                s("command"),
                s("mobile-app"),
                s("broker"),
                vec![s("CancelBooking"), s("CreateBooking")]
            ),
            (
                s("command"),
                s("flights"),
                s("broker"),
                vec![s("AdjustFlightPricing")]
            ),
            (
                s("command"),
                s("broker"),
                s("booking"),
                vec![s("CancelBooking"), s("CreateBooking")]
            ),
            (
                s("command"),
                s("broker"),
                s("revenue"),
                vec![s("AdjustFlightPricing")]
            ),
        ]
    );

    let events: Vec<_> = edges.iter().filter(|e| e.0 == "event").cloned().collect();
    assert_eq!(
        events,
        vec![
            (
                s("event"),
                s("booking"),
                s("broker"),
                vec![s("BookingCancelled"), s("BookingCreated")]
            ),
            (
                s("event"),
                s("loyalty"),
                s("broker"),
                vec![s("LoyaltyPointsCredited")]
            ),
            (
                s("event"),
                s("revenue"),
                s("broker"),
                vec![s("FlightPriceAdjusted")]
            ),
            (
                s("event"),
                s("broker"),
                s("mobile-app"),
                vec![s("FlightPriceAdjusted")]
            ),
            (
                s("event"),
                s("broker"),
                s("booking"),
                vec![s("FlightPriceAdjusted")]
            ),
            (
                s("event"),
                s("broker"),
                s("loyalty"),
                vec![s("BookingCancelled"), s("BookingCreated")]
            ),
            (
                s("event"),
                s("broker"),
                s("flights"),
                vec![s("BookingCancelled"), s("BookingCreated")]
            ),
        ]
    );
    let queries: Vec<_> = edges.iter().filter(|e| e.0 == "query").cloned().collect();
    assert_eq!(
        queries,
        vec![
            (
                s("query"),
                s("mobile-app"),
                s("loyalty"),
                vec![
                    s("GET /api/loyalty/customers/{customerId}/points"),
                    s("GET /api/loyalty/customers/{customerId}/transactions"),
                    s("GET /api/loyalty/tiers"),
                ]
            ),
            (
                s("query"),
                s("mobile-app"),
                s("flights"),
                vec![s("GET /api/flights/{flightNumber}/availability")]
            ),
            (
                s("query"),
                s("booking"),
                s("flights"),
                vec![s("GET /api/flights/{flightNumber}/availability")]
            ),
        ]
    );
    assert_eq!(edges.len(), commands.len() + events.len() + queries.len());
}

#[test]
fn airline_has_one_dead_end_event() {
    let t = airline_topology().unwrap();
    assert_eq!(
        t.unsubscribed_events(),
        vec!["LoyaltyPointsCredited".to_string()]
    );
    assert!(t.subscribers_of("LoyaltyPointsCredited").is_empty());
    let ids: Vec<&str> = t
        .subscribers_of("FlightPriceAdjusted")
        .into_iter()
        .map(|s| t.id(s))
        .collect();
    assert_eq!(ids, ["mobile-app", "booking"]);
    assert_eq!(t.id(999), "");
}

#[test]
fn brokerless_edges_go_direct() {
    let mut t = Topology::new();
    let a = t.add_service("a", "A", Role::Service).unwrap();
    let b = t.add_service("b", "B", Role::Service).unwrap();
    t.add_sender(a, "Cmd").unwrap();
    t.add_handler(b, "Cmd").unwrap();
    t.add_publisher(b, "Evt").unwrap();
    t.add_subscriber(a, "Evt").unwrap();
    let e: Vec<(EdgeKind, usize, usize)> =
        t.edges().iter().map(|e| (e.kind, e.from, e.to)).collect();
    assert_eq!(e, vec![(EdgeKind::Command, a, b), (EdgeKind::Event, b, a)]);
}
