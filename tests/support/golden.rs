//! The transcripts that pin the simulation's behaviour: every happening of the three
//! scenarios and of one seeded traffic run, then every message as JSON. Shared by the
//! native tier (`sim_golden.rs`) and the browser tier (`web_golden.rs`), so a refactor of the
//! engine that changes what it does fails both, however the two runs agree with each other.

use contrail::sim::{Scenario, Sim, SimConfig};

/// The runs pinned, by file name under `tests/golden/`.
pub const RUNS: [&str; 4] = [
    "book_fl123.txt",
    "check_johns_points.txt",
    "list_tiers.txt",
    "traffic_2_per_s_10_s.txt",
];

/// The transcript of one run, as `tests/golden/<name>` holds it.
pub fn transcript(name: &str) -> String {
    let mut sim = Sim::airline(SimConfig::default());
    let mut happenings = Vec::new();
    let scenario = match name {
        "book_fl123.txt" => Some(Scenario::BookFl123),
        "check_johns_points.txt" => Some(Scenario::CheckJohnsPoints),
        "list_tiers.txt" => Some(Scenario::ListTiers),
        _ => None,
    };
    match scenario {
        Some(scenario) => {
            sim.act(scenario.action())
                .expect("a scenario's action is valid");
            happenings.extend(sim.run_until_idle(100_000));
        }
        None => {
            sim.set_traffic(2.0).expect("a valid rate");
            happenings.extend(sim.advance_to(10_000));
        }
    }
    let mut out = String::new();
    for happening in &happenings {
        out.push_str(&format!("{happening:?}\n"));
    }
    out.push_str("--- messages\n");
    for message in sim.messages() {
        out.push_str(&message.to_json(sim.topology()).to_string());
        out.push('\n');
    }
    out
}
