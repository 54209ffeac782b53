#![cfg(not(target_arch = "wasm32"))]
//! A shared link's run: every kind of input survives the trip through the link's JSON, a
//! replayed link is the same run at the same moment, and a damaged link says what is wrong.

use contrail::share::{LinkError, SharedRun, AIRLINE, LINK_VERSION, MAX_LINK_INPUTS};
use contrail::sim::*;
use proptest::prelude::*;
use serde_json::{json, Value};

#[path = "support/fingerprint.rs"]
mod fingerprint;
use fingerprint::fingerprint;

fn fresh() -> Sim {
    Sim::airline(SimConfig::default())
}

fn topology() -> Topology {
    fresh().topology().clone()
}

fn send(scenario: Scenario) -> Input {
    Input::Send(scenario.action().to_send(&topology()).unwrap())
}

fn idx(id: &str) -> ServiceIdx {
    topology().index_of(id).unwrap()
}

/// A run that uses every kind of input the page can feed.
fn every_kind() -> Vec<Input> {
    vec![
        send(Scenario::BookFl123),
        Input::AdvanceTo(400),
        Input::Step,
        Input::Fault(FaultChange::Down(idx("loyalty"), true)),
        Input::Fault(FaultChange::Slowdown(idx("flights"), 2.5)),
        Input::Fault(FaultChange::FailurePercent(idx("revenue"), 100.0)),
        Input::Fault(FaultChange::Policy(
            idx("revenue"),
            RetryPolicy {
                immediate: 0,
                delayed: 1,
                backoff_ms: 250,
            },
        )),
        Input::Fault(FaultChange::Idempotent(idx("loyalty"), true)),
        Input::Fault(FaultChange::QueryTimeout(idx("booking"), 900)),
        Input::Fault(FaultChange::DuplicatePercent(10.0)),
        Input::Fault(FaultChange::DuplicateNext(idx("loyalty"))),
        Input::Fault(FaultChange::FailNext(idx("booking"))),
        send(Scenario::CheckJohnsPoints),
        Input::Traffic(3.0),
        Input::AdvanceTo(6_000),
        Input::Traffic(0.0),
        Input::Fault(FaultChange::Down(idx("loyalty"), false)),
        Input::AdvanceTo(20_000),
        Input::DeadLetter(DeadLetterOp::RetryAll),
        Input::AdvanceTo(30_000),
    ]
}

fn link_of(inputs: Vec<Input>) -> SharedRun {
    SharedRun {
        model: AIRLINE.into(),
        seed: SimConfig::default().seed,
        inputs,
    }
}

#[test]
fn every_kind_of_input_survives_the_link() {
    let run = link_of(every_kind());
    let text = run.to_json(&topology());
    assert_eq!(SharedRun::from_json(&text, &topology()), Ok(run));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["contrailLink"], LINK_VERSION);
    assert_eq!(doc["model"], "airline");
    assert_eq!(
        doc["inputs"][3],
        json!({"fault": {"service": "loyalty", "down": true}})
    );
}

#[test]
fn a_replayed_link_is_the_same_run_at_the_same_moment() {
    let mut sim = fresh();
    let mut journal = Journal::default();
    for input in every_kind() {
        // Inputs the run refuses are not journalled, exactly as on the page.
        let _ = journal.apply(&mut sim, input);
    }
    assert!(sim.messages().count() > 20, "the run did something");
    let text = link_of(journal.inputs().to_vec()).to_json(sim.topology());
    let opened = SharedRun::from_json(&text, &topology()).unwrap();
    let mut observed = 0;
    let replayed = Journal::replay(fresh(), opened.inputs, |_, did| observed += did.len()).unwrap();
    assert!(observed > 0);
    assert_eq!(fingerprint(&replayed.sim), fingerprint(&sim));
    assert_eq!(replayed.sim.now(), 30_000);
    assert_eq!(replayed.journal.inputs(), journal.inputs());
}

#[test]
fn a_replay_stops_at_the_first_input_the_run_refuses_and_names_it() {
    let inputs = vec![
        send(Scenario::ListTiers),
        Input::AdvanceTo(100),
        Input::Fault(FaultChange::Slowdown(idx("flights"), 1e9)),
    ];
    match Journal::replay(fresh(), inputs, |_, _| {}) {
        Err((at, error)) => {
            assert_eq!(at, 2);
            assert!(error.to_string().contains("1000000000"), "{error}");
        }
        Ok(_) => panic!("an absurd slowdown was replayed"),
    }
}

fn error_of(text: &str) -> String {
    match SharedRun::from_json(text, &topology()) {
        Err(LinkError(message)) => message,
        Ok(run) => panic!("read a bad link: {run:?}"),
    }
}

#[test]
fn a_damaged_link_says_what_is_wrong() {
    let good = link_of(every_kind()).to_json(&topology());
    let cut = &good[..good.len() / 2];
    assert!(error_of(cut).contains("cut short"), "{}", error_of(cut));
    let newer = good.replacen("\"contrailLink\":1", "\"contrailLink\":2", 1);
    assert!(
        error_of(&newer).contains("newer Contrail"),
        "{}",
        error_of(&newer)
    );
    let stranger = good.replacen("\"loyalty\"", "\"payroll\"", 1);
    let message = error_of(&stranger);
    assert!(
        message.contains("/inputs/3/fault/service") && message.contains("payroll"),
        "{message}"
    );
    let odd = good.replacen("\"kind\":\"command\"", "\"kind\":\"rumour\"", 1);
    let message = error_of(&odd);
    assert!(
        message.contains("/inputs/0/send/kind") && message.contains("rumour"),
        "{message}"
    );
    assert!(error_of("{}").contains("contrailLink"));
    assert!(
        error_of(r#"{"contrailLink":1,"model":"airline","seed":1,"inputs":[{"jump":1}]}"#)
            .contains("/inputs/0")
    );
    let forever = r#"{"contrailLink":1,"model":"airline","seed":1,"inputs":[{"traffic":"50"},{"at":18446744073709551615}]}"#;
    let message = error_of(forever);
    assert!(
        message.contains("/inputs/1/at") && message.contains("one hour"),
        "{message}"
    );
    let huge = "x".repeat(5 * 1024 * 1024);
    assert!(error_of(&huge).contains("more than"), "{}", error_of(&huge));
    let many = format!(
        r#"{{"contrailLink":1,"model":"airline","seed":1,"inputs":[{}]}}"#,
        vec!["\"step\""; MAX_LINK_INPUTS + 1].join(",")
    );
    assert!(
        error_of(&many).contains("inputs, more than"),
        "{}",
        error_of(&many)
    );
}

fn any_service() -> impl Strategy<Value = ServiceIdx> {
    0..topology().services().len()
}

fn any_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        prop_oneof![
            Just(Scenario::BookFl123),
            Just(Scenario::CheckJohnsPoints),
            Just(Scenario::ListTiers)
        ]
        .prop_map(send),
        (0u64..1_000_000).prop_map(Input::AdvanceTo),
        Just(Input::Step),
        (0.0..50.0f64).prop_map(Input::Traffic),
        (any_service(), any::<bool>()).prop_map(|(s, b)| Input::Fault(FaultChange::Down(s, b))),
        (any_service(), 1.0..20.0f64).prop_map(|(s, x)| Input::Fault(FaultChange::Slowdown(s, x))),
        (any_service(), 0u32..5, 0u32..5, 1u64..5000).prop_map(|(s, i, d, b)| Input::Fault(
            FaultChange::Policy(
                s,
                RetryPolicy {
                    immediate: i,
                    delayed: d,
                    backoff_ms: b
                }
            )
        )),
        (0.0..50.0f64).prop_map(|p| Input::Fault(FaultChange::DuplicatePercent(p))),
        (0u64..10_000, any_service())
            .prop_map(|(m, c)| Input::DeadLetter(DeadLetterOp::Discard(m, c))),
        Just(Input::DeadLetter(DeadLetterOp::RetryAll)),
        prop::sample::select(Preset::ALL.to_vec()).prop_map(Input::Preset),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn any_run_reads_back_as_written(inputs in prop::collection::vec(any_input(), 0..40), seed: u64) {
        let run = SharedRun { model: AIRLINE.into(), seed, inputs };
        let text = run.to_json(&topology());
        prop_assert_eq!(SharedRun::from_json(&text, &topology()), Ok(run));
    }
}
