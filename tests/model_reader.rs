#![cfg(not(target_arch = "wasm32"))]
//! The model reader: each kind of bad input gets its own clear refusal (line and column, a
//! JSON Pointer, the names involved, the rule, the limit); the airline's model file builds
//! exactly the topology the airline code builds; the gallery models build; the JSON Schema
//! declares exactly the fields the reader reads; and any valid model survives a round trip.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use contrail::sim::airline::{self, airline_topology};
use contrail::sim::model::*;
use contrail::sim::{Role, SimError, Topology};
use proptest::prelude::*;
use serde_json::{json, Value};

const AIRLINE: &str = include_str!("../models/airline.json");
const SAGA: &str = include_str!("../models/saga.json");
const CQRS: &str = include_str!("../models/cqrs.json");
const SCHEMA: &str = include_str!("../schema/contrail-model.schema.json");

/// A small valid model that each bad-input test breaks in one place.
fn base() -> Value {
    json!({
        "contrail": 1,
        "name": "Tiny",
        "services": [
            {"id": "app", "name": "App", "role": "client"},
            {"id": "a", "name": "Service A", "role": "service"},
            {"id": "b", "name": "Service B", "role": "service"},
            {"id": "mq", "name": "Broker", "role": "broker"}
        ],
        "messages": [
            {"name": "Ping", "kind": "command", "senders": ["app", "a"], "handler": "b",
             "example": {"id": "1", "nested": {"x": 1}}},
            {"name": "Pong", "kind": "event", "publishers": ["b"], "subscribers": ["a"],
             "example": {"id": "1"}},
            {"name": "Look", "kind": "query", "route": "GET /api/things/{thingId}",
             "server": "a", "callers": ["app", "b"], "example": {"thingId": "T1"},
             "response": {"thingId": "T1", "seen": 0}}
        ],
        "reactions": [
            {"service": "b", "on": "Ping", "publish": "Pong",
             "map": [{"from": "/id", "to": "/id"}]}
        ],
        "scenarios": [
            {"name": "Ping once", "steps": [{"from": "app", "message": "Ping"}]}
        ]
    })
}

fn refuse(doc: &Value) -> ModelError {
    let text = serde_json::to_string(doc).unwrap();
    match Model::parse(&text) {
        Ok(_) => panic!("accepted a bad model: {text}"),
        Err(e) => e,
    }
}

fn refuse_msg(doc: &Value) -> String {
    refuse(doc).to_string()
}

#[test]
fn base_model_is_valid_and_builds() {
    let m = Model::parse(&base().to_string()).unwrap();
    let t = m.to_topology().unwrap();
    assert_eq!(t.services().len(), 4);
    assert_eq!(t.handler_of("Ping"), t.index_of("b"));
}

// ----- bad input, one test per kind -----

#[test]
fn malformed_json_gives_line_and_column() {
    let text = "{\n  \"contrail\": 1,\n  \"name\": \"x\"\n  \"services\": []\n}";
    let e = Model::parse(text).unwrap_err();
    assert!(
        matches!(
            e,
            ModelError::Syntax {
                line: 4,
                column: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("not valid JSON"), "{msg}");
    assert!(msg.contains("line 4, column 3"), "{msg}");
    // serde_json's own position suffix is not repeated.
    assert!(!msg.contains("at line"), "{msg}");
}

#[test]
fn truncated_json_gives_where_it_ended() {
    let text = "{\"contrail\": 1,\n\"services\": [";
    let e = Model::parse(text).unwrap_err();
    assert!(matches!(e, ModelError::Syntax { line: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("EOF"), "{e}");
}

#[test]
fn schema_violation_points_at_the_place() {
    let mut doc = base();
    doc["services"][3]["role"] = json!("db");
    assert_eq!(
        refuse_msg(&doc),
        "/services/3/role: expected one of client, service, broker, found \"db\""
    );

    let mut doc = base();
    doc["services"][1].as_object_mut().unwrap().remove("name");
    assert_eq!(refuse_msg(&doc), "/services/1: missing field \"name\"");

    let mut doc = base();
    doc["services"][0]["procesingMs"] = json!(5);
    let msg = refuse_msg(&doc);
    assert!(
        msg.starts_with(
            "/services/0/procesingMs: unknown field; expected one of id, name, role, processingMs"
        ),
        "{msg}"
    );

    let mut doc = base();
    doc["messages"][2]["callers"] = json!("app");
    assert_eq!(
        refuse_msg(&doc),
        "/messages/2/callers: expected an array, found \"app\""
    );

    // A field of another kind says which kind it belongs to.
    let mut doc = base();
    doc["messages"][1]["handler"] = json!("a");
    let msg = refuse_msg(&doc);
    assert!(
        msg.starts_with("/messages/1/handler: this field belongs to a command; an event has"),
        "{msg}"
    );

    let mut doc = base();
    doc["reactions"][0]["map"][0] = json!({"from": "/id", "value": 1, "to": "/id"});
    let msg = refuse_msg(&doc);
    assert!(
        msg.starts_with("/reactions/0/map/0: a mapping has exactly one source")
            && msg.contains("found from and value"),
        "{msg}"
    );

    let mut doc = base();
    doc["reactions"][0]["map"][0]["to"] = json!("id");
    let msg = refuse_msg(&doc);
    assert!(
        msg.starts_with("/reactions/0/map/0/to: \"id\" is not a JSON Pointer"),
        "{msg}"
    );

    let mut doc = base();
    doc["services"][1]["id"] = json!("has space");
    let msg = refuse_msg(&doc);
    assert!(msg.starts_with("/services/1/id: expected an id"), "{msg}");

    let mut doc = base();
    doc["messages"][2]["route"] = json!("get /things");
    let msg = refuse_msg(&doc);
    assert!(
        msg.starts_with("/messages/2/route: invalid route pattern \"get /things\""),
        "{msg}"
    );

    let doc = json!([1, 2]);
    assert_eq!(
        refuse_msg(&doc),
        "(document): expected an object, found an array"
    );
}

#[test]
fn command_with_two_handlers_names_both_and_the_rule() {
    let mut doc = base();
    doc["messages"][0]["handler"] = json!(["a", "b"]);
    let e = refuse(&doc);
    assert!(matches!(e, ModelError::Rule { rule, .. } if rule == RULE_ONE_HANDLER));
    assert_eq!(
        e.to_string(),
        "/messages/0/handler: command Ping names 2 handlers: a and b \
         (rule: a command has exactly one handler)"
    );

    // The same command declared twice with different handlers.
    let mut doc = base();
    let second = json!({"name": "Ping", "kind": "command", "senders": ["app"], "handler": "a"});
    doc["messages"].as_array_mut().unwrap().push(second);
    let msg = refuse_msg(&doc);
    assert_eq!(
        msg,
        "/messages/3/handler: command Ping has two handlers, b (at /messages/0) and a \
         (at /messages/3) (rule: a command has exactly one handler)"
    );
}

#[test]
fn duplicate_service_ids_are_refused() {
    let mut doc = base();
    doc["services"][2]["id"] = json!("a");
    assert_eq!(
        refuse_msg(&doc),
        "/services/2/id: service id \"a\" is used twice, at /services/1 and /services/2 \
         (rule: service ids are unique)"
    );
}

#[test]
fn unknown_services_and_messages_are_refused_wherever_they_are_named() {
    let mut doc = base();
    doc["messages"][1]["subscribers"] = json!(["a", "lyalty"]);
    assert_eq!(
        refuse_msg(&doc),
        "/messages/1/subscribers/1: no service has id \"lyalty\" \
         (rule: every service and message a model names must be declared in it)"
    );

    let mut doc = base();
    doc["reactions"][0]["publish"] = json!("Pongg");
    assert_eq!(
        refuse_msg(&doc),
        "/reactions/0/publish: no message is named \"Pongg\" \
         (rule: every service and message a model names must be declared in it)"
    );

    let mut doc = base();
    doc["reactions"][0]["on"] = json!("Pingg");
    assert!(refuse_msg(&doc).starts_with("/reactions/0/on: no message is named \"Pingg\""));

    let mut doc = base();
    doc["reactions"][0]["service"] = json!("c");
    assert!(refuse_msg(&doc).starts_with("/reactions/0/service: no service has id \"c\""));

    let mut doc = base();
    doc["reactions"][0]["first"] = json!({"query": "Lookk"});
    assert!(refuse_msg(&doc).starts_with("/reactions/0/first/query: no message is named \"Lookk\""));

    let mut doc = base();
    doc["scenarios"][0]["steps"][0]["message"] = json!("Nope");
    assert!(
        refuse_msg(&doc).starts_with("/scenarios/0/steps/0/message: no message is named \"Nope\"")
    );
}

#[test]
fn reaction_cycle_is_named() {
    let mut doc = base();
    doc["messages"][0]["senders"] = json!(["app", "a"]);
    doc["reactions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"service": "a", "on": "Pong", "send": "Ping"}));
    let e = refuse(&doc);
    assert!(matches!(&e, ModelError::Rule { rule, .. } if *rule == RULE_NO_CYCLE));
    let msg = e.to_string();
    assert!(
        msg.starts_with("/reactions/0: these reactions form a cycle: Ping -> Pong -> Ping"),
        "{msg}"
    );
    assert!(msg.contains("flood the broker"), "{msg}");

    // A message that causes itself.
    let mut doc = base();
    doc["messages"][0]["senders"] = json!(["app", "b"]);
    doc["reactions"] = json!([{"service": "b", "on": "Ping", "send": "Ping"}]);
    assert!(
        refuse_msg(&doc).starts_with("/reactions/0: these reactions form a cycle: Ping -> Ping")
    );

    // A longer chain with no way back is fine.
    let doc = base();
    assert!(Model::parse(&doc.to_string()).is_ok());
}

#[test]
fn empty_model_is_refused() {
    let mut doc = base();
    doc["services"] = json!([]);
    let e = refuse(&doc);
    assert_eq!(e, ModelError::Empty);
    assert!(e.to_string().contains("no services"), "{e}");

    let mut doc = base();
    doc.as_object_mut().unwrap().remove("services");
    assert_eq!(refuse_msg(&doc), "(document): missing field \"services\"");
}

#[test]
fn five_megabytes_are_refused_before_parsing_with_the_limit_stated() {
    // Not even JSON: a parse would say "not valid JSON", so this proves the length came first.
    let text = "x".repeat(5 * 1024 * 1024);
    let start = Instant::now();
    let e = Model::parse(&text).unwrap_err();
    let took = start.elapsed();
    assert_eq!(
        e,
        ModelError::TooLarge {
            bytes: 5 * 1024 * 1024,
            limit: MAX_MODEL_BYTES
        }
    );
    assert_eq!(
        e.to_string(),
        "the model is 5.0 MB (5242880 bytes), over the limit of 1.0 MB (1048576 bytes)"
    );
    assert!(took < Duration::from_millis(100), "took {took:?}");
    // Just under the limit is read (and here refused for what it says, not its size).
    let text = format!("{{\"contrail\": 1, \"pad\": \"{}\"}}", "x".repeat(1000));
    assert!(matches!(
        Model::parse(&text),
        Err(ModelError::Format { .. })
    ));
}

#[test]
fn five_hundred_services_are_refused_with_the_limit() {
    let mut doc = base();
    // Invalid elements: the count is checked before any of them is read.
    doc["services"] = Value::Array(vec![json!({}); 500]);
    let e = refuse(&doc);
    assert_eq!(
        e.to_string(),
        format!("/services: the model has 500 services, over the limit of {MAX_SERVICES}")
    );
    assert_eq!(MAX_SERVICES, 30);
    // Exactly the limit is fine.
    let mut doc = base();
    let services: Vec<Value> = (0..MAX_SERVICES)
        .map(|i| json!({"id": format!("s{i}"), "name": format!("S {i}"), "role": "service"}))
        .collect();
    doc["services"] = Value::Array(services);
    doc["messages"] = json!([]);
    doc["reactions"] = json!([]);
    doc["scenarios"] = json!([]);
    assert!(Model::parse(&doc.to_string()).is_ok());
}

#[test]
fn newer_format_version_says_so() {
    let mut doc = base();
    doc["contrail"] = json!(2);
    // A newer version may have fields this reader does not know: the version is checked first.
    doc["futureField"] = json!(true);
    let e = refuse(&doc);
    assert_eq!(
        e,
        ModelError::Version {
            found: 2,
            supported: 1
        }
    );
    let msg = e.to_string();
    assert!(
        msg.contains("format version 2, newer than this Contrail understands (version 1)"),
        "{msg}"
    );

    let mut doc = base();
    doc["contrail"] = json!("1");
    assert_eq!(refuse_msg(&doc), "/contrail: expected 1, found \"1\"");
    let mut doc = base();
    doc.as_object_mut().unwrap().remove("contrail");
    assert!(refuse_msg(&doc).starts_with("(document): missing field \"contrail\""));
}

#[test]
fn other_rules_are_refused_with_their_rule() {
    type Break = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Break, &str)> = vec![
        (
            Box::new(|d| d["reactions"][0]["service"] = json!("a")),
            "/reactions/0/on: a does not receive Ping (its handler is b), so it cannot react to it",
        ),
        (
            Box::new(|d| {
                d["reactions"][0].as_object_mut().unwrap().remove("publish");
                d["reactions"][0]["send"] = json!("Pong");
            }),
            "/reactions/0/send: send names Pong, which is an event",
        ),
        (
            Box::new(|d| d["messages"][1]["publishers"] = json!(["a"])),
            "/reactions/0/publish: b is not among the publishers of Pong",
        ),
        (
            Box::new(|d| d["messages"][0]["handler"] = json!("mq")),
            "/messages/0/handler: the broker \"mq\" cannot handle Ping",
        ),
        (
            Box::new(|d| d["reactions"][0]["map"][0]["from"] = json!("/ID")),
            "/reactions/0/map/0/from: /ID is not in Ping's example",
        ),
        (
            Box::new(|d| d["reactions"][0]["map"][0] = json!({"fromAnswer": "/x", "to": "/id"})),
            "/reactions/0/map/0/fromAnswer: fromAnswer reads the answer to the reaction's first query",
        ),
        (
            Box::new(|d| d["scenarios"][0]["steps"][0]["from"] = json!("b")),
            "/scenarios/0/steps/0/from: b is not among the senders of Ping",
        ),
        (
            Box::new(|d| {
                let q = json!({"name": "Look2", "kind": "query", "route": "GET /api/things/{id}",
                               "server": "b", "example": {"id": "x"}});
                d["messages"].as_array_mut().unwrap().push(q);
            }),
            "/messages/3/route: queries Look and Look2 both use route GET /api/things/{id}",
        ),
        (
            Box::new(|d| d["reactions"][0]["on"] = json!("Look")),
            "/reactions/0/on: Look is a query (rule: queries have no side effects",
        ),
        (
            Box::new(|d| d["messages"][2]["example"] = json!({})),
            "/messages/2/example: missing route parameter \"thingId\"",
        ),
        (
            Box::new(|d| d["reactions"][0]["set"] = json!([{"value": 1, "to": "/handled/x"}])),
            "/reactions/0/set/0/to: set cannot write \"/handled/x\"",
        ),
        (
            Box::new(|d| {
                d["services"][0]["role"] = json!("broker");
            }),
            "/services/3/role: \"app\" and \"mq\" are both brokers",
        ),
        (
            Box::new(|d| d["reactions"][0]["first"] = json!({"query": "Look", "map": [{"from": "/id", "to": "/thingId"}]})),
            "/reactions/0/first/query: b is not among the callers",
        ),
    ];
    for (i, (break_it, want)) in cases.iter().enumerate() {
        let mut doc = base();
        if i == 12 {
            // b must be a caller for the rule under test to be the only thing wrong.
            doc["messages"][2]["callers"] = json!(["app"]);
        }
        break_it(&mut doc);
        let msg = refuse_msg(&doc);
        assert!(
            msg.starts_with(want),
            "case {i}:\n got: {msg}\nwant: {want}"
        );
    }
}

// ----- the airline as a model file -----

/// The article's airline, declared by hand as the code did before the model file: the
/// file must build exactly this.
fn articles_topology() -> Result<Topology, SimError> {
    let mut t = Topology::new();
    let app = t.add_service(airline::MOBILE_APP, "Mobile App", Role::Client)?;
    let booking = t.add_service(airline::BOOKING, "Booking Service", Role::Service)?;
    let loyalty = t.add_service(airline::LOYALTY, "Loyalty Points Service", Role::Service)?;
    let flights = t.add_service(airline::FLIGHTS, "Flight Management Service", Role::Service)?;
    let revenue = t.add_service(airline::REVENUE, "Revenue Management System", Role::Service)?;
    t.add_service(airline::BROKER, "Message Broker", Role::Broker)?;

    t.add_sender(app, "CreateBooking")?;
    t.add_sender(app, "CancelBooking")?;
    t.add_caller(app, airline::ROUTE_POINTS)?;
    t.add_caller(app, airline::ROUTE_TRANSACTIONS)?;
    t.add_caller(app, airline::ROUTE_TIERS)?;
    t.add_caller(app, airline::ROUTE_AVAILABILITY)?;
    t.add_subscriber(app, "FlightPriceAdjusted")?;

    t.add_handler(booking, "CreateBooking")?;
    t.add_handler(booking, "CancelBooking")?;
    t.add_caller(booking, airline::ROUTE_AVAILABILITY)?;
    t.add_publisher(booking, "BookingCreated")?;
    t.add_publisher(booking, "BookingCancelled")?;
    t.add_subscriber(booking, "FlightPriceAdjusted")?;

    t.add_subscriber(loyalty, "BookingCreated")?;
    t.add_subscriber(loyalty, "BookingCancelled")?;
    t.add_publisher(loyalty, "LoyaltyPointsCredited")?;
    t.add_route(loyalty, airline::ROUTE_POINTS)?;
    t.add_route(loyalty, airline::ROUTE_TRANSACTIONS)?;
    t.add_route(loyalty, airline::ROUTE_TIERS)?;

    t.add_subscriber(flights, "BookingCreated")?;
    t.add_subscriber(flights, "BookingCancelled")?;
    t.add_sender(flights, "AdjustFlightPricing")?;
    t.add_route(flights, airline::ROUTE_AVAILABILITY)?;

    t.add_handler(revenue, "AdjustFlightPricing")?;
    t.add_publisher(revenue, "FlightPriceAdjusted")?;
    Ok(t)
}

#[test]
fn airline_model_builds_the_airline_topology() {
    let model = Model::parse(AIRLINE).unwrap();
    let ours: Topology = model.to_topology().unwrap();
    let theirs = articles_topology().unwrap();
    assert_eq!(
        airline_topology().unwrap().services(),
        ours.services(),
        "the airline reads its file"
    );
    // Services with ids, names, roles and every declaration, in the same order.
    assert_eq!(ours.services(), theirs.services());
    assert_eq!(ours.edges(), theirs.edges());
    assert_eq!(ours.broker(), theirs.broker());
    assert_eq!(ours.unsubscribed_events(), theirs.unsubscribed_events());
    let mut commands = BTreeSet::new();
    let mut events = BTreeSet::new();
    for s in theirs.services() {
        commands.extend(s.handles.iter().chain(&s.sends).cloned());
        events.extend(s.publishes.iter().chain(&s.subscribes).cloned());
    }
    assert_eq!(commands.len(), 3);
    assert_eq!(events.len(), 4);
    for c in &commands {
        assert_eq!(ours.handler_of(c), theirs.handler_of(c), "{c}");
    }
    for e in &events {
        assert_eq!(ours.subscribers_of(e), theirs.subscribers_of(e), "{e}");
        assert!(ours.knows_event(e));
    }
    for line in [
        "GET /api/loyalty/customers/C12345/points",
        "GET /api/loyalty/customers/C12345/transactions",
        "GET /api/loyalty/tiers",
        "GET /api/flights/FL123/availability",
        "GET /api/flights/FL123/nothing",
    ] {
        assert_eq!(ours.server_of(line), theirs.server_of(line), "{line}");
    }
    // Every message type of the code is in the model, and no other.
    let names: BTreeSet<String> = model
        .messages
        .iter()
        .filter(|m| !matches!(m.kind, MessageSpec::Query { .. }))
        .map(|m| m.name.clone())
        .collect();
    assert_eq!(names, commands.union(&events).cloned().collect());
}

#[test]
fn airline_model_examples_are_the_articles_payloads() {
    let model = Model::parse(AIRLINE).unwrap();
    let booking = &model.message("BookingCreated").unwrap().example;
    let details = &booking["bookingDetails"];
    assert_eq!(booking["eventType"], "BookingCreated");
    assert_eq!(details["flightDetails"]["departureAirport"], "JFK");
    assert_eq!(
        details["passengerDetails"][1]["passportNumber"],
        "P87654321"
    );
    assert_eq!(details["paymentDetails"]["amountPaid"], 800.0);
    let pricing = &model.message("AdjustFlightPricing").unwrap().example;
    assert_eq!(
        pricing["pricingDetails"]["historicalData"]["samePeriodLastYearOccupancy"],
        65
    );
    assert_eq!(pricing["action"], "ReassessPricing");
    assert!(model.message("CancelBooking").is_some());
    assert!(model.message("BookingCancelled").is_some());
    let names: Vec<&str> = model.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Book FL123", "Check John's points", "List tiers"]);
}

// ----- the gallery -----

#[test]
fn saga_model_parses_and_builds_with_its_compensation() {
    let model = Model::parse(SAGA).unwrap();
    let t = model.to_topology().unwrap();
    assert_eq!(t.handler_of("CancelOrder"), t.index_of("order"));
    assert_eq!(
        t.subscribers_of("PaymentFailed"),
        vec![t.index_of("saga").unwrap()]
    );
    let compensation = model
        .reactions
        .iter()
        .find(|r| r.on == "PaymentFailed")
        .unwrap();
    assert_eq!(
        compensation.output,
        Some(Output::Send("CancelOrder".into()))
    );
    assert!(model.scenario("Payment declined").is_some());
}

#[test]
fn cqrs_model_parses_and_builds_with_a_projection_answering_queries() {
    let model = Model::parse(CQRS).unwrap();
    let t = model.to_topology().unwrap();
    let projection = t.index_of("projection").unwrap();
    assert_eq!(t.subscribers_of("MoneyDeposited"), vec![projection]);
    let (server, _) = t.server_of("GET /api/accounts/A-100/balance-view").unwrap();
    assert_eq!(server, projection);
    // The projection is slower than the write side, so its view lags.
    let config = model.sim_config(contrail::sim::SimConfig::default());
    assert!(config
        .processing_overrides
        .contains(&("projection".to_string(), 2000)));
    assert_eq!(config.processing_ms, 200);
}

#[test]
fn gallery_models_round_trip() {
    for text in [AIRLINE, SAGA, CQRS] {
        let model = Model::parse(text).unwrap();
        assert_eq!(Model::parse(&model.to_json_string()).unwrap(), model);
        assert_eq!(Model::from_value(&model.to_json()).unwrap(), model);
    }
}

#[test]
fn to_topology_refuses_what_the_topology_refuses() {
    // A model built in code skips the reader's rules; the topology's own checks still hold.
    let mut model = Model::parse(&base().to_string()).unwrap();
    if let MessageSpec::Command { handler, .. } = &mut model.messages[0].kind {
        *handler = "mq".into();
    }
    assert!(matches!(
        model.to_topology(),
        Err(SimError::InvalidInput { .. })
    ));
    model.services[1].role = Role::Broker;
    assert!(matches!(
        model.to_topology(),
        Err(SimError::DuplicateBroker { .. })
    ));
}

// ----- the JSON Schema -----

fn keys(schema: &Value, pointer: &str) -> BTreeSet<String> {
    schema
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("schema has no object at {pointer}"))
        .keys()
        .cloned()
        .collect()
}

fn set(lists: &[&[&str]]) -> BTreeSet<String> {
    lists
        .iter()
        .flat_map(|l| l.iter())
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn schema_declares_exactly_the_fields_the_reader_reads() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let pairs: [(&str, BTreeSet<String>); 9] = [
        ("/properties", set(&[TOP_LEVEL_FIELDS])),
        ("/$defs/timing/properties", set(&[TIMING_FIELDS])),
        ("/$defs/service/properties", set(&[SERVICE_FIELDS])),
        (
            "/$defs/message/properties",
            set(&[
                MESSAGE_COMMON_FIELDS,
                COMMAND_FIELDS,
                EVENT_FIELDS,
                QUERY_FIELDS,
            ]),
        ),
        ("/$defs/reaction/properties", set(&[REACTION_FIELDS])),
        ("/$defs/first/properties", set(&[FIRST_FIELDS])),
        ("/$defs/mapping/properties", set(&[MAPPING_FIELDS])),
        ("/$defs/scenario/properties", set(&[SCENARIO_FIELDS])),
        ("/$defs/step/properties", set(&[STEP_FIELDS])),
    ];
    for (pointer, want) in pairs {
        assert_eq!(keys(&schema, pointer), want, "at {pointer}");
        // Every declared field says what it is for.
        if let Some(object) = pointer.strip_suffix("/properties") {
            for k in &want {
                let d = schema.pointer(&format!("{pointer}/{k}/description"));
                assert!(
                    d.and_then(Value::as_str).is_some_and(|d| !d.is_empty()),
                    "{pointer}/{k}"
                );
            }
            // Closed objects, as the reader is.
            let closed = schema.pointer(&format!("{object}/additionalProperties"));
            assert_eq!(closed, Some(&json!(false)), "{object} is not closed");
        }
    }
    assert_eq!(
        schema["$defs"]["service"]["properties"]["role"]["enum"],
        json!(["client", "service", "broker"])
    );
    assert_eq!(
        schema["$defs"]["message"]["properties"]["kind"]["enum"],
        json!(["command", "event", "query"])
    );
    assert_eq!(
        schema["properties"]["contrail"]["const"],
        json!(FORMAT_VERSION)
    );
    assert_eq!(
        schema["properties"]["services"]["maxItems"],
        json!(MAX_SERVICES)
    );
    assert_eq!(schema["properties"]["services"]["minItems"], json!(1));
}

#[test]
fn reader_refuses_any_field_outside_its_lists() {
    // The lists the schema is compared with are the ones the reader enforces.
    let places: [(&str, &[&str]); 7] = [
        ("", TOP_LEVEL_FIELDS),
        ("/services/0", SERVICE_FIELDS),
        ("/messages/0", &[]),
        ("/reactions/0", REACTION_FIELDS),
        ("/reactions/0/map/0", MAPPING_FIELDS),
        ("/scenarios/0", SCENARIO_FIELDS),
        ("/scenarios/0/steps/0", STEP_FIELDS),
    ];
    for (at, _) in places {
        let mut doc = base();
        doc.pointer_mut(at).unwrap()["zzz"] = json!(1);
        let msg = refuse_msg(&doc);
        assert!(
            msg.starts_with(&format!("{at}/zzz: unknown field")),
            "{at}: {msg}"
        );
    }
    let mut doc = base();
    doc["timing"] = json!({"zzz": 1});
    assert!(refuse_msg(&doc).starts_with("/timing/zzz: unknown field"));
}

// ----- round trip of generated models -----

const IDS: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];

fn example() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 _./~-]{0,12}".prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z/~]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    proptest::collection::btree_map("[a-zA-Z/~]{1,8}", value, 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

fn subset(n: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n)
}

#[derive(Clone, Debug)]
struct Plan {
    roles: Vec<u8>,
    processing: Vec<Option<u64>>,
    kinds: Vec<u8>,
    lists: Vec<(usize, Vec<usize>, Vec<usize>)>,
    examples: Vec<Value>,
    reactions: Vec<(usize, usize, bool, Vec<u8>)>,
    steps: Vec<(usize, Option<u64>, bool)>,
    timing: (Option<u64>, Option<u64>),
    description: Option<String>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (2usize..=6, 1usize..=6).prop_flat_map(|(n, m)| {
        (
            proptest::collection::vec(0u8..2, n),
            proptest::collection::vec(proptest::option::of(0u64..5000), n),
            proptest::collection::vec(0u8..3, m),
            proptest::collection::vec((0..n - 1, subset(n - 1), subset(n - 1)), m),
            proptest::collection::vec(example(), m),
            proptest::collection::vec(
                (
                    0..m,
                    0..m,
                    any::<bool>(),
                    proptest::collection::vec(0u8..4, 0..3),
                ),
                0..10,
            ),
            proptest::collection::vec(
                (0..m, proptest::option::of(0u64..10_000), any::<bool>()),
                0..4,
            ),
            (
                proptest::option::of(0u64..1000),
                proptest::option::of(0u64..1000),
            ),
            proptest::option::of("[ -~]{0,30}"),
        )
            .prop_map(
                |(
                    roles,
                    processing,
                    kinds,
                    lists,
                    examples,
                    reactions,
                    steps,
                    timing,
                    description,
                )| Plan {
                    roles,
                    processing,
                    kinds,
                    lists,
                    examples,
                    reactions,
                    steps,
                    timing,
                    description,
                },
            )
    })
}

/// A valid model from a plan: the last service is the broker, message i's participants come
/// from the plan, and a reaction from message x to y is kept only when x < y (so no cycle)
/// and its service receives x, with that service added to y's senders or publishers.
fn model_of(p: &Plan) -> Model {
    let n = p.roles.len();
    let parts = n - 1;
    let mut services: Vec<ServiceDef> = (0..parts)
        .map(|i| ServiceDef {
            id: IDS[i].into(),
            name: format!("Service <{i}> & co"),
            role: if p.roles[i] == 0 {
                Role::Client
            } else {
                Role::Service
            },
            processing_ms: p.processing[i],
        })
        .collect();
    services.push(ServiceDef {
        id: "mq".into(),
        name: "Broker".into(),
        role: Role::Broker,
        processing_ms: p.processing[n - 1],
    });
    let ids = |l: &Vec<usize>| l.iter().map(|&i| IDS[i].to_string()).collect::<Vec<_>>();
    let mut messages: Vec<MessageDef> = p
        .kinds
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let (one, a, b) = &p.lists[i];
            let kind = match k {
                0 => MessageSpec::Command {
                    senders: ids(a),
                    handler: IDS[*one].into(),
                },
                1 => MessageSpec::Event {
                    publishers: ids(a),
                    subscribers: ids(b),
                },
                _ => MessageSpec::Query {
                    route: format!("GET /api/m{i}/{{key}}"),
                    server: IDS[*one].into(),
                    callers: ids(a),
                    response: p.examples[i].clone(),
                    answer: vec![Mapping {
                        source: Source::Message("/key".into()),
                        to: "/key".into(),
                    }],
                },
            };
            let example = if k == 2 {
                json!({"key": format!("k{i}")})
            } else {
                p.examples[i].clone()
            };
            MessageDef {
                name: format!("M{i}"),
                kind,
                example,
                // Every rule and none travel through the writer and the reader.
                kind_rule: KindRule::ALL.get(i % (KindRule::ALL.len() + 1)).copied(),
            }
        })
        .collect();
    let receivers = |m: &MessageDef| -> Vec<String> {
        match &m.kind {
            MessageSpec::Command { handler, .. } => vec![handler.clone()],
            MessageSpec::Event { subscribers, .. } => subscribers.clone(),
            MessageSpec::Query { .. } => Vec::new(),
        }
    };
    let mut reactions: Vec<Reaction> = Vec::new();
    for (x, y, pick_last, sources) in &p.reactions {
        let (x, y) = (*x, *y);
        let recv = receivers(&messages[x]);
        if x >= y || recv.is_empty() || matches!(messages[y].kind, MessageSpec::Query { .. }) {
            continue;
        }
        let service = if *pick_last {
            recv[recv.len() - 1].clone()
        } else {
            recv[0].clone()
        };
        if reactions.iter().any(|r| {
            r.service == service
                && r.on == messages[x].name
                && r.output.as_ref().map(Output::message) == Some(&messages[y].name)
        }) {
            continue;
        }
        let output = match &mut messages[y].kind {
            MessageSpec::Command { senders, .. } => {
                if !senders.contains(&service) {
                    senders.push(service.clone());
                }
                Output::Send(format!("M{y}"))
            }
            MessageSpec::Event { publishers, .. } => {
                if !publishers.contains(&service) {
                    publishers.push(service.clone());
                }
                Output::Publish(format!("M{y}"))
            }
            MessageSpec::Query { .. } => unreachable!(),
        };
        let from_key = messages[x]
            .example
            .as_object()
            .and_then(|o| o.keys().next().cloned());
        let map = sources
            .iter()
            .enumerate()
            .map(|(j, s)| Mapping {
                source: match (s, &from_key) {
                    (0, Some(k)) => Source::Message(format!("/{}", escape_token(k))),
                    (1, _) => Source::State(format!("/f{j}")),
                    (2, _) => Source::Value(json!({"n": j})),
                    _ => Source::Message(String::new()),
                },
                to: format!("/out{j}"),
            })
            .collect();
        let set = vec![Mapping {
            source: Source::Value(json!(x)),
            to: "/count/last".into(),
        }];
        reactions.push(Reaction {
            service,
            on: format!("M{x}"),
            first: None,
            output: Some(output),
            map,
            set,
        });
    }
    let steps: Vec<Step> = p
        .steps
        .iter()
        .filter_map(|(i, at, with_payload)| {
            let m = &messages[*i];
            let from = match &m.kind {
                MessageSpec::Command { senders, .. } => senders.first(),
                MessageSpec::Event { publishers, .. } => publishers.first(),
                MessageSpec::Query { callers, .. } => callers.first(),
            }?;
            Some(Step {
                from: from.clone(),
                message: m.name.clone(),
                payload: with_payload.then(|| m.example.clone()),
                at_ms: *at,
            })
        })
        .collect();
    let scenarios = if steps.is_empty() {
        Vec::new()
    } else {
        vec![ScenarioDef {
            name: "Generated".into(),
            steps,
        }]
    };
    Model {
        name: "Generated \"model\"".into(),
        description: p.description.clone(),
        timing: Timing {
            hop_latency_ms: p.timing.0,
            query_timeout_ms: p.timing.1,
            ..Timing::default()
        },
        services,
        messages,
        reactions,
        scenarios,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn valid_models_round_trip_through_json(p in plan()) {
        let model = model_of(&p);
        let text = model.to_json_string();
        let back = Model::parse(&text);
        prop_assert!(back.is_ok(), "refused {}:\n{}", back.unwrap_err(), text);
        let back = back.unwrap();
        prop_assert_eq!(&back, &model);
        // And the written form is stable: writing the read model gives the same document.
        prop_assert_eq!(back.to_json(), model.to_json());
        let t = back.to_topology();
        prop_assert!(t.is_ok(), "{:?}", t.err());
        let t = t.unwrap();
        prop_assert_eq!(t.services().len(), model.services.len());
        for m in &model.messages {
            if let MessageSpec::Command { handler, .. } = &m.kind {
                prop_assert_eq!(t.handler_of(&m.name), t.index_of(handler));
            }
        }
    }
}

/// Runs every scenario of `model` (each after the last went quiet) and then one query of
/// each route with its example parameters; the transcript is every message and its outcome.
fn run_model(
    model: &std::sync::Arc<Model>,
    seed: u64,
) -> Result<(contrail::sim::Sim, Vec<Value>), String> {
    use contrail::sim::{Input, Journal, SimConfig};
    let config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    let mut sim = model.sim(config).map_err(|e| e.to_string())?;
    let mut journal = Journal::default();
    for s in &model.scenarios {
        let script = model.scenario_script(&s.name).map_err(|e| e.to_string())?;
        journal
            .apply(&mut sim, Input::Script(script))
            .map_err(|e| e.to_string())?;
        sim.run_until_idle(200_000);
        sim.audit()?;
    }
    let transcript = sim
        .messages()
        .map(|m| {
            json!([
                m.to_json(sim.topology()),
                format!("{:?}", sim.outcome_of(m.message_id))
            ])
        })
        .collect();
    Ok((sim, transcript))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any valid model, run: nothing is lost, every message ends in a terminal outcome, a
    /// query changes no state at its server, and the same seed gives the same run.
    #[test]
    fn generated_models_keep_the_core_s_invariants_when_run(p in plan(), seed in 0u64..1000) {
        use contrail::sim::{MessageKind, Outcome, UserMessage};
        use contrail::sim::model::declarative::fill_route;
        let model = std::sync::Arc::new(model_of(&p));
        let (mut sim, transcript) = run_model(&model, seed).map_err(TestCaseError::fail)?;
        for m in sim.messages() {
            let outcome = sim.outcome_of(m.message_id);
            prop_assert!(
                outcome.is_some() && outcome != Some(Outcome::Pending),
                "{} ended {:?}", m.type_name, outcome
            );
        }
        // Exactly one handler per command: every command went to one destination.
        for m in sim.messages().filter(|m| m.kind == MessageKind::Command) {
            prop_assert_eq!(m.destination.len(), 1);
        }
        // A query changes no state at its server, whatever its answer.
        for def in &model.messages {
            if let MessageSpec::Query { route, server, callers, .. } = &def.kind {
                // The caller keeps the answer in its own state; the server must not change.
                let Some(caller) = callers.iter().find(|c| *c != server) else {
                    continue;
                };
                let Ok(line) = fill_route(route, &def.example) else { continue };
                let before = sim.service_state(server).unwrap();
                let query = UserMessage {
                    from: caller.clone(),
                    kind: MessageKind::Query,
                    name: line,
                    payload: Value::Null,
                };
                sim.send(&query).map_err(|e| TestCaseError::fail(e.to_string()))?;
                sim.run_until_idle(10_000);
                prop_assert_eq!(sim.service_state(server).unwrap(), before, "{} changed {}", def.name, server);
            }
        }
        // The same seed, the same run.
        let (_, again) = run_model(&model, seed).map_err(TestCaseError::fail)?;
        prop_assert_eq!(again, transcript);
    }
}
