#![cfg(not(target_arch = "wasm32"))]
//! Step back by replay: the journal returns a run to exactly where it was one step
//! earlier, with every kind of input the host feeds mixed in, and refuses at the first step.

use contrail::sim::*;
use serde_json::{json, Value};

#[path = "support/fingerprint.rs"]
mod fingerprint;
use fingerprint::fingerprint;

fn fresh() -> Sim {
    Sim::airline(SimConfig::default())
}

/// Step back as the page takes it: the inputs before the last step, replayed onto a fresh
/// start, become the run and its journal. Answers the step the run now stands at and what
/// that step did; `None`, and nothing changes, at the first step.
fn step_back(
    journal: &mut Journal,
    observe: impl FnMut(&Sim, &[Happening]),
) -> Option<(Sim, usize, Vec<Happening>)> {
    let inputs = journal.before_last_step()?;
    let replayed = Journal::replay(fresh(), inputs, observe).expect("every input was taken once");
    *journal = replayed.journal;
    Some((replayed.sim, journal.steps(), replayed.last_step))
}

/// A scenario button's input, as the page feeds it.
fn send(scenario: Scenario) -> Input {
    Input::Send(scenario.action().to_send(fresh().topology()).unwrap())
}

#[test]
fn a_step_back_is_the_run_one_step_earlier_whatever_came_between() {
    let mut sim = fresh();
    let mut journal = Journal::default();
    let inputs = [
        send(Scenario::BookFl123),
        Input::AdvanceTo(700),
        Input::AdvanceTo(900), // one with the advance before it
        Input::Step,
        Input::Traffic(3.0),
        Input::Step,
        send(Scenario::CheckJohnsPoints),
        Input::AdvanceTo(4_000),
        Input::Step,
        Input::Step,
    ];
    // The run after each input, and what each step did.
    let mut after: Vec<Value> = Vec::new();
    let mut step_did: Vec<Vec<Happening>> = Vec::new();
    for input in inputs.iter().cloned() {
        let is_step = input == Input::Step;
        let happenings = journal.apply(&mut sim, input).unwrap();
        after.push(fingerprint(&sim));
        if is_step {
            step_did.push(happenings);
        }
    }
    assert_eq!(journal.steps(), 4);

    // Back from step 4 to step 3, 3 to 2, 2 to 1: each time the run stands where it stood
    // after the input just before the step taken back.
    let step_positions: Vec<usize> = (0..inputs.len())
        .filter(|&i| inputs[i] == Input::Step)
        .collect();
    for step in (1..4).rev() {
        let (back, landed_at, landed) =
            step_back(&mut journal, |_, _| {}).expect("an earlier step");
        sim = back;
        assert_eq!(landed_at, step);
        assert_eq!(landed, step_did[step - 1], "what step {step} did");
        let taken_back = step_positions[step];
        assert_eq!(
            fingerprint(&sim),
            after[taken_back - 1],
            "back to step {step}"
        );
    }
    // At the first step there is nothing before it: nothing changes.
    assert!(step_back(&mut journal, |_, _| {}).is_none());
    assert_eq!(journal.steps(), 1);
}

#[test]
fn stepping_forward_after_a_step_back_repeats_the_same_steps() {
    let mut sim = fresh();
    let mut journal = Journal::default();
    journal.apply(&mut sim, send(Scenario::BookFl123)).unwrap();
    let mut firsts = Vec::new();
    for _ in 0..12 {
        let did = journal.apply(&mut sim, Input::Step).unwrap();
        firsts.push((did, fingerprint(&sim)));
    }
    let (back, landed_at, _) = step_back(&mut journal, |_, _| {}).unwrap();
    sim = back;
    assert_eq!(landed_at, 11);
    assert_eq!(
        fingerprint(&sim),
        firsts[10].1,
        "exactly the run after step 11"
    );
    let again = journal.apply(&mut sim, Input::Step).unwrap();
    assert_eq!(again, firsts[11].0, "step 12 does the same again");
    assert_eq!(fingerprint(&sim), firsts[11].1);
}

#[test]
fn refused_inputs_are_not_recorded() {
    let mut sim = fresh();
    let mut journal = Journal::default();
    assert!(journal.apply(&mut sim, Input::Traffic(f64::NAN)).is_err());
    journal.apply(&mut sim, send(Scenario::ListTiers)).unwrap();
    journal.apply(&mut sim, Input::Step).unwrap();
    journal.apply(&mut sim, Input::Step).unwrap();
    let mut seen = 0;
    let (replayed, _, _) = step_back(&mut journal, |_, did| seen += did.len()).unwrap();
    assert!(seen > 0, "the replay is observed");
    assert_eq!(replayed.traffic(), 0.0);
    // A step with nothing due changes nothing and is not a step.
    let mut idle = fresh();
    let mut empty = Journal::default();
    assert!(empty.apply(&mut idle, Input::Step).unwrap().is_empty());
    assert_eq!(empty.steps(), 0);
    journal.clear();
    assert_eq!(journal.steps(), 0);
}

#[test]
fn a_scenario_sent_as_data_is_the_same_run_as_the_airline_action() {
    let actions = [
        Scenario::BookFl123.action(),
        Scenario::CheckJohnsPoints.action(),
        Scenario::ListTiers.action(),
        UserAction::CancelBooking {
            booking_id: "B-unknown".into(),
        },
    ];
    for action in actions {
        let mut acted = fresh();
        acted.act(action.clone()).unwrap();
        acted.run_until_idle(100_000);
        let mut sent = fresh();
        let send = action.clone().to_send(sent.topology()).unwrap();
        assert_eq!(send.from, "mobile-app");
        sent.send(&send).unwrap();
        sent.run_until_idle(100_000);
        assert_eq!(fingerprint(&acted), fingerprint(&sent), "{action:?}");
    }
}

#[test]
fn a_send_the_model_forbids_is_refused_and_changes_nothing() {
    let mut sim = fresh();
    let before = fingerprint(&sim);
    let send = |from: &str, kind, name: &str| UserMessage {
        from: from.into(),
        kind,
        name: name.into(),
        payload: json!({}),
    };
    let refused = [
        send("nobody", MessageKind::Command, "CreateBooking"),
        send("broker", MessageKind::Command, "CreateBooking"),
        send("mobile-app", MessageKind::Command, "FlyToTheMoon"),
        send("mobile-app", MessageKind::Event, "NothingHappened"),
        send("mobile-app", MessageKind::Query, "GET /api/nowhere"),
        send(
            "loyalty",
            MessageKind::QueryResponse,
            "GET /api/loyalty/tiers",
        ),
        // Routed by the model, but not declared for this sender.
        send("revenue", MessageKind::Command, "CreateBooking"),
        send("loyalty", MessageKind::Event, "BookingCreated"),
        send("booking", MessageKind::Query, "GET /api/loyalty/tiers"),
    ];
    for bad in refused {
        let error = sim.send(&bad).unwrap_err().to_string();
        assert!(!error.is_empty(), "{bad:?}");
        assert_eq!(fingerprint(&sim), before, "{bad:?} changed the run");
    }
    let error = sim
        .send(&send("mobile-app", MessageKind::Command, "FlyToTheMoon"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("FlyToTheMoon"), "{error}");
    let error = sim
        .send(&send("revenue", MessageKind::Command, "CreateBooking"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("does not let revenue send the command CreateBooking"),
        "{error}"
    );
}

#[test]
fn a_sent_payload_unlike_its_example_goes_out_and_its_handler_says_what_came_of_it() {
    let payload = json!({"commandType": "CreateBooking", "customerId": "C12345"});
    let mut strict = fresh();
    assert!(matches!(
        strict.send_command("mobile-app", "CreateBooking", payload.clone()),
        Err(SimError::MalformedPayload { .. })
    ));
    let mut sim = fresh();
    let id = sim
        .send(&UserMessage {
            from: "mobile-app".into(),
            kind: MessageKind::Command,
            name: "CreateBooking".into(),
            payload,
        })
        .unwrap();
    sim.run_until_idle(10_000);
    let outcome = format!("{:?}", sim.outcome_of(id));
    // Booking's own reading of what it was sent: contact details must be the article's.
    let mut partial = Scenario::BookFl123
        .action()
        .to_send(sim.topology())
        .unwrap();
    partial.payload["contactDetails"] = json!({});
    let partial_id = sim.send(&partial).unwrap();
    sim.run_until_idle(10_000);
    let rejected = format!("{:?}", sim.outcome_of(partial_id));
    assert!(
        rejected.contains("malformed CreateBooking: /contactDetails/email is not text"),
        "{rejected}"
    );
    assert!(
        outcome.contains("Rejected")
            && outcome.contains("malformed CreateBooking: /passengers is not a list"),
        "{outcome}"
    );
}

#[test]
fn a_run_at_rest_keeps_time_and_becomes_the_models_run_as_if_it_had_been_all_along() {
    // The page's first load: the airline at rest, its clock running, no engine.
    let topology = contrail::sim::airline::airline_topology().unwrap();
    let mut rest = Sim::at_rest(topology, SimConfig::default());
    let mut journal = Journal::default();
    assert!(journal.rest_to(&mut rest, 1_500));
    assert!(journal.rest_to(&mut rest, 2_000));
    assert!(
        journal.rest_to(&mut rest, 1_000),
        "an earlier time leaves the clock"
    );
    assert_eq!(rest.now(), 2_000);
    assert_eq!(journal.inputs(), &[Input::AdvanceTo(2_000)], "one advance");
    assert!(rest.step().is_empty() && rest.next_due().is_none());
    assert_eq!(rest.topology().services(), fresh().topology().services());

    // The engine arrives: the model's own run, moved to the same moment, takes over, and a
    // booking then is the run the journal replays.
    let mut run = fresh();
    assert!(run.rest_to(rest.now()));
    journal.apply(&mut run, send(Scenario::BookFl123)).unwrap();
    journal.apply(&mut run, Input::AdvanceTo(9_000)).unwrap();
    let replayed = Journal::replay(fresh(), journal.inputs().to_vec(), |_, _| {}).unwrap();
    assert_eq!(fingerprint(&replayed.sim), fingerprint(&run));
    assert!(run.total_messages() > 3, "the booking ran");

    // With something due, resting is refused and changes nothing.
    journal.apply(&mut run, Input::Traffic(1.0)).unwrap();
    let inputs = journal.inputs().len();
    assert!(!journal.rest_to(&mut run, 60_000));
    assert_eq!(run.now(), 9_000);
    assert_eq!(journal.inputs().len(), inputs);
}
