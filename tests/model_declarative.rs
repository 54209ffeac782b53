#![cfg(not(target_arch = "wasm32"))]
//! Declarative services: a gallery model runs on the engine with no Rust behaviour of its
//! own. Each test plays a scenario until idle and checks that the reactions' messages went
//! out with their fields mapped from what caused them (payload overrides differ from the
//! examples, so a field can only be right if it was copied), and what the state shows.

use std::sync::Arc;

use contrail::sim::model::declarative::fill_route;
use contrail::sim::model::Model;
use contrail::sim::{Envelope, MessageKind, Outcome, Sim, SimConfig};
use serde_json::{json, Value};

const AIRLINE: &str = include_str!("../models/airline.json");
const SAGA: &str = include_str!("../models/saga.json");
const CQRS: &str = include_str!("../models/cqrs.json");

fn sim_of(text: &str) -> (Arc<Model>, Sim) {
    let model = Arc::new(Model::parse(text).unwrap());
    let sim = model.sim(SimConfig::default()).unwrap();
    (model, sim)
}

fn play(model: &Model, sim: &mut Sim, scenario: &str) {
    model.play(sim, scenario).unwrap();
    sim.run_until_idle(100_000);
    assert!(sim.next_due().is_none(), "{scenario} never went idle");
    sim.audit().unwrap();
}

fn of_type<'a>(sim: &'a Sim, type_name: &str) -> Vec<&'a Envelope> {
    sim.messages()
        .filter(|m| m.type_name == type_name)
        .collect()
}

fn one<'a>(sim: &'a Sim, type_name: &str) -> &'a Envelope {
    let all = of_type(sim, type_name);
    assert_eq!(all.len(), 1, "{type_name}: {all:?}");
    all[0]
}

/// The response to the only query whose request line is `line`.
fn answer(sim: &Sim, line: &str) -> Value {
    let q = sim
        .messages()
        .find(|m| m.kind == MessageKind::Query && m.type_name == line)
        .unwrap_or_else(|| panic!("no query {line}"));
    let r = sim.response_of(q.message_id).expect("no response");
    sim.message(r).unwrap().payload.clone()
}

#[test]
fn saga_runs_its_happy_path_with_mapped_fields() {
    let (model, mut sim) = sim_of(SAGA);
    play(&model, &mut sim, "Order a book");
    let order = one(&sim, "PlaceOrder");
    // Each reaction's message, caused by the one before, in one correlation.
    let chain = [
        "OrderCreated",
        "ChargePayment",
        "PaymentCharged",
        "ShipOrder",
        "OrderShipped",
        "ApproveOrder",
    ];
    let mut cause = order.message_id;
    for t in chain {
        let m = one(&sim, t);
        assert_eq!(m.causation_id, Some(cause), "{t}");
        assert_eq!(m.correlation_id, order.correlation_id, "{t}");
        assert_eq!(m.payload["orderId"], "O-1001", "{t}");
        cause = m.message_id;
    }
    // "total" on the order became "amount" on the charge.
    assert_eq!(one(&sim, "ChargePayment").payload["amount"], 35.0);
    assert!(of_type(&sim, "CancelOrder").is_empty());
    let state = sim.service_state("order").unwrap();
    assert_eq!(state["status"], "Approved");
    assert_eq!(state["handled"]["PlaceOrder"], 1);
    assert_eq!(state["handled"]["ApproveOrder"], 1);
    assert_eq!(state["last"]["PlaceOrder"]["customerId"], "C-42");
    assert_eq!(sim.service_state("saga").unwrap()["step"], "Completed");
    let approve = one(&sim, "ApproveOrder").message_id;
    assert_eq!(sim.outcome_of(approve), Some(Outcome::Accepted));
}

#[test]
fn saga_compensates_a_failed_payment() {
    let (model, mut sim) = sim_of(SAGA);
    play(&model, &mut sim, "Payment declined");
    let failed = one(&sim, "PaymentFailed");
    let cancel = one(&sim, "CancelOrder");
    assert_eq!(cancel.causation_id, Some(failed.message_id));
    // Copied from the failure, not the example ("O-1001", "PaymentFailed").
    assert_eq!(cancel.payload["orderId"], "O-1002");
    assert_eq!(cancel.payload["reason"], "CardDeclined");
    assert_eq!(cancel.payload["commandType"], "CancelOrder");
    let cancelled = one(&sim, "OrderCancelled");
    assert_eq!(cancelled.payload["orderId"], "O-1002");
    assert_eq!(cancelled.causation_id, Some(cancel.message_id));
    assert_eq!(sim.service_state("order").unwrap()["status"], "Cancelled");
    assert_eq!(sim.service_state("saga").unwrap()["step"], "Compensating");
    // Compensation only: nothing of the happy path ran.
    assert!(of_type(&sim, "ShipOrder").is_empty());
    assert!(of_type(&sim, "ApproveOrder").is_empty());
}

#[test]
fn cqrs_shows_a_stale_read_then_a_caught_up_one() {
    let (model, mut sim) = sim_of(CQRS);
    play(
        &model,
        &mut sim,
        "Deposit, then read the view at once (stale)",
    );
    // The write side had recorded the deposit when asked...
    let account = answer(&sim, "GET /api/accounts/A-100");
    assert_eq!(account["status"], 200);
    assert_eq!(account["body"]["depositsRecorded"], 1);
    assert_eq!(account["body"]["lastDeposit"], 50.0);
    assert_eq!(account["body"]["accountId"], "A-100");
    // ...but the projection had not applied it yet: the example's values, a stale read.
    let view = answer(&sim, "GET /api/accounts/A-100/balance-view");
    assert_eq!(view["body"]["depositsApplied"], 0);
    assert_eq!(view["body"]["lastDeposit"], Value::Null);
    // It has now, and the app remembers what it was told.
    let projection = sim.service_state("projection").unwrap();
    assert_eq!(projection["handled"]["MoneyDeposited"], 1);
    assert_eq!(projection["lastDeposit"], 50.0);
    let app = sim.service_state("app").unwrap();
    assert_eq!(
        app["answers"]["GetBalanceView"]["body"]["depositsApplied"],
        0
    );

    let (model, mut sim) = sim_of(CQRS);
    play(
        &model,
        &mut sim,
        "Deposit, then read the view later (caught up)",
    );
    let view = answer(&sim, "GET /api/accounts/A-100/balance-view");
    assert_eq!(view["body"]["depositsApplied"], 1);
    assert_eq!(view["body"]["lastDeposit"], 50.0);
}

#[test]
fn airline_model_runs_its_booking_chain_declaratively() {
    let (model, mut sim) = sim_of(AIRLINE);
    // A booking on another flight than the examples', so every flight number below must
    // have been copied along the chain: command -> query parameter -> answer -> event ->
    // command -> event -> state.
    let mut booking = model.message("CreateBooking").unwrap().example.clone();
    booking["flightNumber"] = json!("FL200");
    booking["customerId"] = json!("C23456");
    sim.send_command("mobile-app", "CreateBooking", booking)
        .unwrap();
    sim.run_until_idle(100_000);
    sim.audit().unwrap();
    let availability = answer(&sim, "GET /api/flights/FL200/availability");
    assert_eq!(availability["body"]["flightNumber"], "FL200");
    let created = one(&sim, "BookingCreated");
    let details = &created.payload["bookingDetails"];
    assert_eq!(details["flightDetails"]["flightNumber"], "FL200");
    assert_eq!(details["customerId"], "C23456");
    // From the answer's example, since this model's flights service has no schedule.
    assert_eq!(details["flightDetails"]["departureAirport"], "JFK");
    let pricing = one(&sim, "AdjustFlightPricing");
    assert_eq!(pricing.payload["flightDetails"]["flightNumber"], "FL200");
    assert_eq!(pricing.payload["action"], "ReassessPricing");
    let adjusted = one(&sim, "FlightPriceAdjusted");
    assert_eq!(adjusted.payload["flightNumber"], "FL200");
    assert_eq!(adjusted.causation_id, Some(pricing.message_id));
    let points = one(&sim, "LoyaltyPointsCredited");
    assert_eq!(points.payload["customerId"], "C23456");
    assert_eq!(points.causation_id, Some(created.message_id));
    let app = sim.service_state("mobile-app").unwrap();
    assert_eq!(app["lastFare"]["flightNumber"], "FL200");
    assert_eq!(
        sim.service_state("booking").unwrap()["lastBookedFlight"],
        "FL200"
    );
    let command = one(&sim, "CreateBooking").message_id;
    assert_eq!(sim.outcome_of(command), Some(Outcome::Accepted));
}

#[test]
fn scenario_query_is_answered_from_its_parameters() {
    let (model, mut sim) = sim_of(AIRLINE);
    play(&model, &mut sim, "Check John's points");
    let points = answer(&sim, "GET /api/loyalty/customers/C12345/points");
    assert_eq!(points["body"]["customerId"], "C12345");
    assert_eq!(points["body"]["tier"], "Silver");
    // A query leaves the server's state alone.
    let loyalty = sim.service_state("loyalty").unwrap();
    assert_eq!(loyalty["handled"], json!({}));
}

#[test]
fn a_failed_first_query_rejects_the_command_and_sends_nothing() {
    let (model, mut sim) = sim_of(AIRLINE);
    let flights = sim.topology().index_of("flights").unwrap();
    // Flight Management down: the availability query fails, so the booking is refused.
    sim.change_fault(contrail::sim::FaultChange::Down(flights, true))
        .unwrap();
    let booking = model.message("CreateBooking").unwrap().example.clone();
    let id = sim
        .send_command("mobile-app", "CreateBooking", booking)
        .unwrap();
    sim.run_until_idle(100_000);
    match sim.outcome_of(id) {
        Some(Outcome::Rejected(reason)) => {
            assert!(reason.contains("GetFlightAvailability"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(of_type(&sim, "BookingCreated").is_empty());
}

#[test]
fn same_seed_same_run() {
    let run = || {
        let (model, mut sim) = sim_of(SAGA);
        play(&model, &mut sim, "Payment declined");
        play(&model, &mut sim, "Order a book");
        sim.messages()
            .map(|m| {
                (
                    m.message_id,
                    m.type_name.clone(),
                    m.timestamp,
                    m.payload.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn fill_route_refuses_what_cannot_be_a_path() {
    let route = "GET /api/things/{id}/parts";
    assert_eq!(
        fill_route(route, &json!({"id": "T-1"})).unwrap(),
        "GET /api/things/T-1/parts"
    );
    assert_eq!(
        fill_route(route, &json!({"id": 7})).unwrap(),
        "GET /api/things/7/parts"
    );
    assert!(fill_route(route, &json!({}))
        .unwrap_err()
        .contains("missing"));
    assert!(fill_route(route, &json!({"id": "a/b"}))
        .unwrap_err()
        .contains("not a plain token"));
}
