#![cfg(not(target_arch = "wasm32"))]
//! The article's airline: payload shapes, points, pricing, capacity, queries.

use contrail::sim::airline::{new_fare, DemandTrend};
use contrail::sim::*;
use serde_json::{json, Value};

fn run(sim: &mut Sim) -> Vec<Happening> {
    sim.run_until_idle(100_000)
}

fn find<'a>(sim: &'a Sim, type_name: &str) -> Vec<&'a Envelope> {
    sim.messages()
        .filter(|m| m.type_name == type_name)
        .collect()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn book(sim: &mut Sim, customer: &str, flight: &str, passengers: &[&str]) -> CorrelationId {
    sim.act(UserAction::BookFlight {
        customer_id: customer.into(),
        flight_number: flight.into(),
        passenger_ids: passengers.iter().map(|p| p.to_string()).collect(),
    })
    .unwrap()
}

#[test]
fn book_fl123_booking_created_matches_the_article() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.act(Scenario::BookFl123.action()).unwrap();
    run(&mut sim);
    let events = find(&sim, "BookingCreated");
    assert_eq!(events.len(), 1);
    let e = events[0];
    assert_eq!(e.kind, MessageKind::Event);
    let p = &e.payload;
    assert_eq!(keys(p), ["bookingDetails", "eventType", "timestamp"]);
    assert_eq!(p["eventType"], "BookingCreated");
    assert_eq!(p["timestamp"], json!(iso_time(e.timestamp)));
    let d = &p["bookingDetails"];
    assert_eq!(
        keys(d),
        [
            "bookingId",
            "contactDetails",
            "customerId",
            "flightDetails",
            "passengerDetails",
            "paymentDetails"
        ]
    );
    assert_eq!(d["bookingId"], "BK12345");
    assert_eq!(d["customerId"], "C12345");
    assert_eq!(
        d["flightDetails"],
        json!({
            "flightNumber": "FL123",
            "departureAirport": "JFK",
            "arrivalAirport": "LAX",
            "departureTime": "2024-02-15T08:00:00Z",
            "arrivalTime": "2024-02-15T11:00:00Z"
        })
    );
    assert_eq!(
        d["passengerDetails"],
        json!([
            {"passengerId": "P12345", "firstName": "John", "lastName": "Doe",
             "dateOfBirth": "1990-05-15", "passportNumber": "P12345678"},
            {"passengerId": "P12346", "firstName": "Jane", "lastName": "Doe",
             "dateOfBirth": "1992-08-20", "passportNumber": "P87654321"}
        ])
    );
    assert_eq!(
        d["contactDetails"],
        json!({"email": "johndoe@example.com", "phone": "+1234567890"})
    );
    let pay = &d["paymentDetails"];
    assert_eq!(
        keys(pay),
        [
            "amountPaid",
            "currency",
            "paymentMethod",
            "paymentStatus",
            "transactionId"
        ]
    );
    assert_eq!(pay["paymentStatus"], "Confirmed");
    assert_eq!(pay["amountPaid"].as_f64(), Some(800.0));
    assert!(pay["amountPaid"].is_f64());
    assert_eq!(pay["currency"], "USD");
    assert_eq!(pay["paymentMethod"], "CreditCard");
    assert_eq!(pay["transactionId"], "TX123456789");
    // Subscribers at publish time, in topology order.
    let t = sim.topology();
    let dest: Vec<&str> = e.destination.iter().map(|&s| t.id(s)).collect();
    assert_eq!(dest, ["loyalty", "flights"]);
}

#[test]
fn book_fl123_adjust_flight_pricing_matches_the_article() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.act(Scenario::BookFl123.action()).unwrap();
    run(&mut sim);
    let cmds = find(&sim, "AdjustFlightPricing");
    assert_eq!(cmds.len(), 1);
    let c = cmds[0];
    assert_eq!(c.kind, MessageKind::Command);
    assert_eq!(sim.topology().id(c.source), "flights");
    assert_eq!(sim.topology().id(c.destination[0]), "revenue");
    let p = &c.payload;
    assert_eq!(
        keys(p),
        ["action", "commandType", "flightDetails", "pricingDetails"]
    );
    assert_eq!(p["commandType"], "AdjustFlightPricing");
    assert_eq!(p["action"], "ReassessPricing");
    assert_eq!(
        p["flightDetails"],
        json!({
            "flightNumber": "FL123",
            "departureAirport": "JFK",
            "arrivalAirport": "LAX",
            "departureDate": "2024-02-15",
            "departureTime": "08:00:00"
        })
    );
    let pd = &p["pricingDetails"];
    assert_eq!(
        keys(pd),
        [
            "averageTicketPrice",
            "currentOccupancyRate",
            "demandTrend",
            "historicalData",
            "seatsRemaining"
        ]
    );
    assert_eq!(pd["currentOccupancyRate"].as_f64(), Some(75.0));
    assert_eq!(pd["seatsRemaining"].as_u64(), Some(50));
    assert_eq!(pd["demandTrend"], "Increasing");
    // 148 seeded seats at an average of 300.00 plus two at 400.00.
    assert_eq!(pd["averageTicketPrice"].as_f64(), Some(301.33));
    assert_eq!(
        pd["historicalData"],
        json!({"samePeriodLastYearPrice": 280.0, "samePeriodLastYearOccupancy": 65.0})
    );
}

#[test]
fn book_fl123_runs_the_whole_chain() {
    let mut sim = Sim::airline(SimConfig::default());
    let corr = sim.act(Scenario::BookFl123.action()).unwrap();
    let hs = run(&mut sim);
    let types: Vec<(&str, &str)> = sim
        .messages()
        .map(|m| (m.kind.as_str(), m.type_name.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("command", "CreateBooking"),
            ("query", "GET /api/flights/FL123/availability"),
            ("queryResponse", "GET /api/flights/FL123/availability"),
            ("event", "BookingCreated"),
            ("command", "AdjustFlightPricing"),
            ("event", "LoyaltyPointsCredited"),
            ("event", "FlightPriceAdjusted"),
        ]
    );
    assert!(sim.messages().all(|m| m.correlation_id == corr));
    let causes: Vec<Option<MessageId>> = sim.messages().map(|m| m.causation_id).collect();
    assert_eq!(
        causes,
        [None, Some(1), Some(2), Some(1), Some(4), Some(4), Some(5)]
    );
    assert_eq!(sim.response_of(2), Some(3));
    assert_eq!(sim.request_of(3), Some(2));
    assert_eq!(sim.children_of(1), vec![2, 4]);
    assert_eq!(sim.children_of(4), vec![5, 6]);
    assert_eq!(sim.outcome_of(1), Some(Outcome::Accepted));
    assert_eq!(sim.outcome_of(2), Some(Outcome::Answered));
    assert_eq!(sim.outcome_of(4), Some(Outcome::Consumed));
    assert_eq!(sim.outcome_of(5), Some(Outcome::Accepted));
    assert_eq!(sim.outcome_of(6), Some(Outcome::Consumed));
    // The dead-end event ends at the broker.
    let broker = sim.topology().broker().unwrap();
    let ends: Vec<&Happening> = hs
        .iter()
        .filter(|h| matches!(h, Happening::Handled { message: 6, .. }))
        .collect();
    assert!(matches!(ends[..], [Happening::Handled { by, .. }] if *by == broker));
    let price = &find(&sim, "FlightPriceAdjusted")[0].payload;
    assert_eq!(price["previousFare"].as_f64(), Some(400.0));
    assert_eq!(price["newFare"].as_f64(), Some(462.0));
    let fares = sim.service_state("booking").unwrap()["fares"].clone();
    assert_eq!(fares["FL123"].as_f64(), Some(462.0));
    let board = sim.service_state("mobile-app").unwrap();
    assert_eq!(board["fareBoard"]["FL123"]["fare"].as_f64(), Some(462.0));
    assert_eq!(sim.in_flight(), 0);
    assert_eq!(sim.queue_depths(), vec![0; 6]);
}

#[test]
fn loyalty_credits_points_for_jfk_lax() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.act(Scenario::BookFl123.action()).unwrap();
    run(&mut sim);
    let credited = &find(&sim, "LoyaltyPointsCredited")[0];
    assert!(credited.destination.is_empty());
    let p = &credited.payload;
    assert_eq!(
        keys(p),
        [
            "bookingId",
            "customerId",
            "eventType",
            "miles",
            "newBalance",
            "pointsCredited",
            "tier"
        ]
    );
    let miles = p["miles"].as_u64().unwrap();
    // Haversine on a 3958.8 mi sphere: 2469.57 mi (the quoted 2,475 is ellipsoidal).
    assert!((2469..=2475).contains(&miles), "{miles}");
    let exact = geo::miles_between("JFK", "LAX").unwrap();
    // C12345 is Silver (x1.25), two passengers.
    let expected = (exact * 2.0 * 1.25).round() as u64;
    assert_eq!(expected, 6174);
    assert_eq!(p["pointsCredited"].as_u64(), Some(expected));
    assert_eq!(p["newBalance"].as_u64(), Some(8_400 + expected));
    assert_eq!(p["tier"], "Silver");
    assert_eq!(p["customerId"], "C12345");
    assert_eq!(p["bookingId"], "BK12345");
    let state = sim.service_state("loyalty").unwrap();
    assert_eq!(
        state["accounts"]["C12345"]["points"].as_u64(),
        Some(8_400 + expected)
    );
}

#[test]
fn customer_without_loyalty_account_is_skipped() {
    let mut sim = Sim::airline(SimConfig::default());
    book(&mut sim, "C45678", "FL200", &["P45678"]);
    run(&mut sim);
    assert_eq!(find(&sim, "BookingCreated").len(), 1);
    assert!(find(&sim, "LoyaltyPointsCredited").is_empty());
    let state = sim.service_state("loyalty").unwrap();
    assert_eq!(state["recentSkipped"][0]["customerId"], "C45678");
    assert_eq!(state["recentSkipped"][0]["reason"], "no loyalty account");
    // Consumed all the same.
    assert_eq!(
        sim.outcome_of(find(&sim, "BookingCreated")[0].message_id),
        Some(Outcome::Consumed)
    );
}

#[test]
fn fare_rule_is_monotonic_in_occupancy() {
    for trend in [
        DemandTrend::Increasing,
        DemandTrend::Stable,
        DemandTrend::Decreasing,
    ] {
        let mut last = 0.0;
        for occ in 0..=100 {
            let fare = new_fare(400.0, f64::from(occ), 65.0, trend);
            assert!(fare >= last, "{trend:?} {occ}: {fare} < {last}");
            last = fare;
        }
        assert!(new_fare(400.0, 100.0, 65.0, trend) > new_fare(400.0, 30.0, 65.0, trend));
    }
}

#[test]
fn fare_rises_as_bookings_fill_the_flight() {
    let mut sim = Sim::airline(SimConfig::default());
    let mut fares = Vec::new();
    for _ in 0..3 {
        sim.act(Scenario::BookFl123.action()).unwrap();
        run(&mut sim);
    }
    for m in find(&sim, "FlightPriceAdjusted") {
        fares.push(m.payload["newFare"].as_f64().unwrap());
    }
    // Booking checks seats, not whether the same passengers already hold a booking, so the
    // same two passengers can fill two more seats each time.
    assert_eq!(fares.len(), 3, "{fares:?}");
    assert!(fares.windows(2).all(|w| w[1] > w[0]), "{fares:?}");
    let occ: Vec<f64> = find(&sim, "AdjustFlightPricing")
        .iter()
        .map(|m| {
            m.payload["pricingDetails"]["currentOccupancyRate"]
                .as_f64()
                .unwrap()
        })
        .collect();
    assert_eq!(occ, [75.0, 76.0, 77.0]);
}

#[test]
fn booking_a_full_flight_is_rejected() {
    let mut sim = Sim::airline(SimConfig::default());
    // FL777: 4 seats, 2 already sold.
    let first = book(&mut sim, "C23456", "FL777", &["P23456", "P23457"]);
    run(&mut sim);
    let second = book(&mut sim, "C34567", "FL777", &["P34567"]);
    let hs = run(&mut sim);
    let create = sim
        .messages()
        .find(|m| m.correlation_id == second && m.type_name == "CreateBooking")
        .unwrap()
        .message_id;
    let booking = sim.topology().index_of("booking").unwrap();
    let rejected: Vec<&Happening> = hs
        .iter()
        .filter(|h| matches!(h, Happening::Rejected { message, by, .. } if *message == create && *by == booking))
        .collect();
    assert_eq!(rejected.len(), 1);
    if let Happening::Rejected { reason, .. } = rejected[0] {
        assert!(reason.contains("full"), "{reason}");
    }
    assert!(!hs
        .iter()
        .any(|h| matches!(h, Happening::Handled { message, .. } if *message == create)));
    assert!(matches!(sim.outcome_of(create), Some(Outcome::Rejected(_))));
    let created: Vec<CorrelationId> = find(&sim, "BookingCreated")
        .iter()
        .map(|m| m.correlation_id)
        .collect();
    assert_eq!(created, vec![first]);
    let state = sim.service_state("booking").unwrap();
    assert_eq!(state["seatsBooked"]["FL777"].as_u64(), Some(4));
    assert_eq!(state["recentRejections"][0]["flightNumber"], "FL777");
}

#[test]
fn unknown_flight_customer_and_passenger_are_rejected_not_errors() {
    let mut sim = Sim::airline(SimConfig::default());
    let a = book(&mut sim, "C12345", "FL999", &["P12345"]);
    let b = book(&mut sim, "C99999", "FL123", &["P12345"]);
    let c = book(&mut sim, "C12345", "FL123", &["P23456"]);
    let d = book(&mut sim, "C12345", "FL123", &["P12345", "P12345"]);
    run(&mut sim);
    for corr in [a, b, c, d] {
        let cmd = sim
            .messages()
            .find(|m| m.correlation_id == corr && m.type_name == "CreateBooking")
            .unwrap();
        assert!(
            matches!(sim.outcome_of(cmd.message_id), Some(Outcome::Rejected(_))),
            "{corr}"
        );
    }
    assert!(find(&sim, "BookingCreated").is_empty());
    // Only the unknown flight needed to ask Flight Management (and got a 404).
    let queries = find(&sim, "GET /api/flights/FL999/availability");
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[1].payload["status"], 404);
}

#[test]
fn queries_answer_with_status_and_body() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.act(Scenario::CheckJohnsPoints.action()).unwrap();
    sim.act(Scenario::ListTiers.action()).unwrap();
    sim.act(UserAction::CheckPoints {
        customer_id: "C45678".into(),
    })
    .unwrap();
    sim.act(UserAction::ListTransactions {
        customer_id: "C12345".into(),
    })
    .unwrap();
    sim.act(UserAction::CheckAvailability {
        flight_number: "FL777".into(),
    })
    .unwrap();
    let app = sim.topology().index_of("mobile-app").unwrap();
    sim.advance_by(100);
    assert_eq!(sim.service_status(app), ServiceStatus::Waiting);
    run(&mut sim);
    assert_eq!(sim.service_status(app), ServiceStatus::Idle);
    let responses: Vec<&Envelope> = sim
        .messages()
        .filter(|m| m.kind == MessageKind::QueryResponse)
        .collect();
    assert_eq!(responses.len(), 5);
    let by_line = |line: &str| {
        responses
            .iter()
            .find(|r| r.type_name == line)
            .map(|r| r.payload.clone())
            .unwrap()
    };
    assert_eq!(
        by_line("GET /api/loyalty/customers/C12345/points"),
        json!({"status": 200, "body": {"customerId": "C12345", "points": 8400, "tier": "Silver", "lifetimePoints": 31250}})
    );
    let tiers = by_line("GET /api/loyalty/tiers");
    assert_eq!(tiers["status"], 200);
    assert_eq!(tiers["body"]["tiers"].as_array().unwrap().len(), 4);
    let missing = by_line("GET /api/loyalty/customers/C45678/points");
    assert_eq!(missing["status"], 404);
    assert!(missing["error"].is_string());
    assert_eq!(
        by_line("GET /api/loyalty/customers/C12345/transactions")["body"]["transactions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let avail = by_line("GET /api/flights/FL777/availability");
    assert_eq!(avail["body"]["seatsRemaining"], 2);
    let state = sim.service_state("mobile-app").unwrap();
    assert_eq!(state["lastResults"].as_array().unwrap().len(), 5);
    assert!(state["pendingRequests"].as_array().unwrap().is_empty());
}

#[test]
fn scenarios_have_labels_and_actions() {
    let labels: Vec<&str> = Scenario::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["Book FL123", "Check John's points", "List tiers"]);
    assert_eq!(Scenario::ListTiers.action(), UserAction::ListTiers);
    for s in Scenario::ALL {
        let mut sim = Sim::airline(SimConfig::default());
        assert_eq!(sim.act(s.action()), Ok(1));
        let hs = run(&mut sim);
        assert!(!hs.is_empty());
    }
}

#[test]
fn payload_keys_keep_the_articles_order() {
    let mut sim = Sim::airline(SimConfig::default());
    sim.act(Scenario::BookFl123.action()).unwrap();
    sim.run_until_idle(10_000);
    let created = sim
        .messages()
        .find(|m| m.type_name == "BookingCreated")
        .unwrap();
    let keys: Vec<&str> = created
        .payload
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["eventType", "timestamp", "bookingDetails"]);
    let envelope = created.to_json(sim.topology());
    let first: Vec<&str> = envelope
        .as_object()
        .unwrap()
        .keys()
        .take(3)
        .map(String::as_str)
        .collect();
    assert_eq!(first, ["messageId", "kind", "type"]);
}
