//! The writer: `Model` -> JSON in the format the reader reads, optional fields left out when
//! unset so a saved model stays as small as the one the user wrote.

use serde_json::{Map, Value};

use super::*;
use crate::sim::topology::Role;

fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().map(|s| Value::from(s.as_str())).collect())
}

fn put_ms(map: &mut Map<String, Value>, key: &str, ms: Option<u64>) {
    if let Some(ms) = ms {
        map.insert(key.into(), Value::from(ms));
    }
}

fn mapping(m: &Mapping) -> Value {
    let mut map = Map::new();
    let (key, value) = match &m.source {
        Source::Message(p) => ("from", Value::from(p.as_str())),
        Source::Answer(p) => ("fromAnswer", Value::from(p.as_str())),
        Source::State(p) => ("fromState", Value::from(p.as_str())),
        Source::Value(v) => ("value", v.clone()),
    };
    map.insert(key.into(), value);
    map.insert("to".into(), Value::from(m.to.as_str()));
    Value::Object(map)
}

fn mappings(list: &[Mapping]) -> Value {
    Value::Array(list.iter().map(mapping).collect())
}

pub(super) fn to_json(model: &Model) -> Value {
    let mut top = Map::new();
    top.insert("contrail".into(), Value::from(FORMAT_VERSION));
    top.insert("name".into(), Value::from(model.name.as_str()));
    if let Some(d) = &model.description {
        top.insert("description".into(), Value::from(d.as_str()));
    }
    let t = &model.timing;
    let mut timing = Map::new();
    put_ms(&mut timing, "hopLatencyMs", t.hop_latency_ms);
    put_ms(&mut timing, "jitterMs", t.jitter_ms);
    put_ms(&mut timing, "processingMs", t.processing_ms);
    put_ms(&mut timing, "queryProcessingMs", t.query_processing_ms);
    put_ms(&mut timing, "queryTimeoutMs", t.query_timeout_ms);
    if !timing.is_empty() {
        top.insert("timing".into(), Value::Object(timing));
    }
    let services = model
        .services
        .iter()
        .map(|s| {
            let mut map = Map::new();
            map.insert("id".into(), Value::from(s.id.as_str()));
            map.insert("name".into(), Value::from(s.name.as_str()));
            let role = match s.role {
                Role::Client => "client",
                Role::Service => "service",
                Role::Broker => "broker",
            };
            map.insert("role".into(), Value::from(role));
            put_ms(&mut map, "processingMs", s.processing_ms);
            Value::Object(map)
        })
        .collect();
    top.insert("services".into(), Value::Array(services));
    let messages = model.messages.iter().map(message).collect();
    top.insert("messages".into(), Value::Array(messages));
    let reactions = model.reactions.iter().map(reaction).collect();
    top.insert("reactions".into(), Value::Array(reactions));
    let scenarios = model.scenarios.iter().map(scenario).collect();
    top.insert("scenarios".into(), Value::Array(scenarios));
    Value::Object(top)
}

fn message(m: &MessageDef) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), Value::from(m.name.as_str()));
    map.insert("kind".into(), Value::from(m.kind.kind_name()));
    match &m.kind {
        MessageSpec::Command { senders, handler } => {
            map.insert("senders".into(), strings(senders));
            map.insert("handler".into(), Value::from(handler.as_str()));
        }
        MessageSpec::Event {
            publishers,
            subscribers,
        } => {
            map.insert("publishers".into(), strings(publishers));
            map.insert("subscribers".into(), strings(subscribers));
        }
        MessageSpec::Query {
            route,
            server,
            callers,
            ..
        } => {
            map.insert("route".into(), Value::from(route.as_str()));
            map.insert("server".into(), Value::from(server.as_str()));
            map.insert("callers".into(), strings(callers));
        }
    }
    map.insert("example".into(), m.example.clone());
    if let Some(rule) = m.kind_rule {
        map.insert("kindRule".into(), Value::from(rule.as_str()));
    }
    if let MessageSpec::Query {
        response, answer, ..
    } = &m.kind
    {
        map.insert("response".into(), response.clone());
        if !answer.is_empty() {
            map.insert("answer".into(), mappings(answer));
        }
    }
    Value::Object(map)
}

fn reaction(r: &Reaction) -> Value {
    let mut map = Map::new();
    map.insert("service".into(), Value::from(r.service.as_str()));
    map.insert("on".into(), Value::from(r.on.as_str()));
    if let Some(q) = &r.first {
        let mut first = Map::new();
        first.insert("query".into(), Value::from(q.query.as_str()));
        if !q.map.is_empty() {
            first.insert("map".into(), mappings(&q.map));
        }
        map.insert("first".into(), Value::Object(first));
    }
    match &r.output {
        Some(Output::Send(m)) => {
            map.insert("send".into(), Value::from(m.as_str()));
        }
        Some(Output::Publish(m)) => {
            map.insert("publish".into(), Value::from(m.as_str()));
        }
        None => {}
    }
    if !r.map.is_empty() {
        map.insert("map".into(), mappings(&r.map));
    }
    if !r.set.is_empty() {
        map.insert("set".into(), mappings(&r.set));
    }
    Value::Object(map)
}

fn scenario(s: &ScenarioDef) -> Value {
    let steps = s
        .steps
        .iter()
        .map(|step| {
            let mut map = Map::new();
            map.insert("from".into(), Value::from(step.from.as_str()));
            map.insert("message".into(), Value::from(step.message.as_str()));
            if let Some(p) = &step.payload {
                map.insert("payload".into(), p.clone());
            }
            put_ms(&mut map, "atMs", step.at_ms);
            Value::Object(map)
        })
        .collect();
    let mut map = Map::new();
    map.insert("name".into(), Value::from(s.name.as_str()));
    map.insert("steps".into(), Value::Array(steps));
    Value::Object(map)
}
