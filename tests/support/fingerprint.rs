//! Everything observable about a run at one moment, for tests that compare two runs that
//! must be the same (a step back against the original, a replayed link against its run).

use contrail::sim::Sim;
use serde_json::{json, Value};

/// Everything observable about a run at one moment.
pub fn fingerprint(sim: &Sim) -> Value {
    let messages: Vec<Value> = sim
        .messages()
        .map(|m| {
            json!([
                m.to_json(sim.topology()),
                format!("{:?}", sim.outcome_of(m.message_id)),
                sim.hops_in_flight(m.message_id)
            ])
        })
        .collect();
    let states: Vec<Value> = sim
        .topology()
        .services()
        .iter()
        .map(|s| sim.service_state(&s.id).unwrap())
        .collect();
    json!({
        "now": sim.now(),
        "next": sim.next_due(),
        "messages": messages,
        "states": states,
        "queues": sim.queue_depths(),
        "inFlight": sim.in_flight(),
        "traffic": sim.traffic(),
    })
}
