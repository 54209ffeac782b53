//! Any model as AsyncAPI 3.0 documents, one per service (the broker becomes each
//! document's messaging server). The documents carry `x-eventcatalog-message-type`, the
//! behaviour in `x-contrail-reactions`, and the rest of the model in `x-contrail-service`
//! and `x-contrail-system`, so importing them gives the same model back.

use crate::json;

use serde_json::{Map, Value};

use super::yaml_out::to_yaml;
use super::zip::write_zip;
use crate::sim::model::{MessageDef, MessageSpec, Model};
use crate::sim::Role;

/// One exported document.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedFile {
    /// `booking.asyncapi.yaml`.
    pub name: String,
    pub document: Value,
}

const HTTP_METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
];

/// A key AsyncAPI accepts for channels, operations and servers (`^[A-Za-z0-9_\-]+$`).
fn key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn reference(path: &str) -> Value {
    json!({ "$ref": path })
}

/// A schema that `example` satisfies: its types, with every field it has required.
fn schema_of(example: &Value) -> Value {
    match example {
        Value::Object(map) => {
            let props: Map<String, Value> =
                map.iter().map(|(k, v)| (k.clone(), schema_of(v))).collect();
            let required: Vec<Value> = map.keys().map(|k| Value::from(k.as_str())).collect();
            let mut s = json!({ "type": "object", "properties": props });
            if !required.is_empty() {
                s["required"] = Value::Array(required);
            }
            s
        }
        Value::Array(list) => match list.first() {
            Some(first) => json!({ "type": "array", "items": schema_of(first) }),
            None => json!({ "type": "array" }),
        },
        Value::String(_) => json!({ "type": "string" }),
        Value::Number(n) if n.is_f64() => json!({ "type": "number" }),
        Value::Number(_) => json!({ "type": "integer" }),
        Value::Bool(_) => json!({ "type": "boolean" }),
        Value::Null => json!({ "type": "null" }),
    }
}

fn message_component(name: &str, kind: &str, example: &Value) -> Value {
    json!({
        "name": name,
        "x-eventcatalog-message-type": kind,
        "payload": schema_of(example),
        "examples": [{ "payload": example }],
    })
}

/// The model as AsyncAPI 3.0 documents, one per service other than the broker, in the
/// model's order.
pub fn export(model: &Model) -> Vec<ExportedFile> {
    let whole = model.to_json();
    let broker = model.services.iter().find(|s| s.role == Role::Broker);
    let mut system = Map::new();
    system.insert("name".into(), Value::from(model.name.as_str()));
    for k in ["description", "timing", "scenarios"] {
        if let Some(v) = whole.get(k) {
            system.insert(k.into(), v.clone());
        }
    }
    if let Some(b) = broker {
        system.insert("broker".into(), json!({ "id": b.id, "name": b.name }));
    }
    let ids: Vec<&str> = model.services.iter().map(|s| s.id.as_str()).collect();
    let names: Vec<&str> = model.messages.iter().map(|m| m.name.as_str()).collect();
    system.insert(
        "order".into(),
        json!({ "services": ids, "messages": names }),
    );
    let reactions = whole
        .get("reactions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();

    let mut files = Vec::new();
    for service in model.services.iter().filter(|s| s.role != Role::Broker) {
        let id = service.id.as_str();
        let mut servers = Map::new();
        let mut channels = Map::new();
        let mut operations = Map::new();
        let mut components = Map::new();
        for m in &model.messages {
            let (sends, receives) = roles(m, id);
            if !sends && !receives {
                continue;
            }
            let channel = key(&m.name);
            let mut ch = Map::new();
            let mut ch_messages = Map::new();
            ch_messages.insert(
                m.name.clone(),
                reference(&format!("#/components/messages/{}", m.name)),
            );
            let mut op_extra = Map::new();
            match &m.kind {
                MessageSpec::Query {
                    route,
                    server,
                    response,
                    answer,
                    ..
                } => {
                    let (method, path) = route.split_once(' ').unwrap_or(("GET", route));
                    let api = key(&format!("{server}-api"));
                    servers.insert(
                        api.clone(),
                        json!({ "host": format!("{server}.internal"), "protocol": "http" }),
                    );
                    ch.insert("address".into(), Value::from(path));
                    ch.insert(
                        "servers".into(),
                        json!([reference(&format!("#/servers/{api}"))]),
                    );
                    let params: Map<String, Value> = path
                        .split('/')
                        .filter_map(|p| p.strip_prefix('{')?.strip_suffix('}'))
                        .map(|p| {
                            let mut param = Map::new();
                            if let Some(v) = m.example.get(p).and_then(Value::as_str) {
                                param.insert("examples".into(), json!([v]));
                            }
                            (p.to_string(), Value::Object(param))
                        })
                        .collect();
                    if !params.is_empty() {
                        ch.insert("parameters".into(), Value::Object(params));
                    }
                    let reply_name = format!("{}Reply", m.name);
                    ch_messages.insert(
                        reply_name.clone(),
                        reference(&format!("#/components/messages/{reply_name}")),
                    );
                    components.insert(
                        reply_name.clone(),
                        message_component(&reply_name, "query", response),
                    );
                    if HTTP_METHODS.contains(&method) {
                        op_extra.insert("bindings".into(), json!({ "http": { "method": method } }));
                    }
                    op_extra.insert(
                        "reply".into(),
                        json!({
                            "channel": reference(&format!("#/channels/{channel}")),
                            "messages": [reference(&format!("#/channels/{channel}/messages/{reply_name}"))],
                        }),
                    );
                    if receives && !answer.is_empty() {
                        if let Some(a) = whole
                            .get("messages")
                            .and_then(Value::as_array)
                            .and_then(|ms| ms.iter().find(|x| x["name"] == m.name.as_str()))
                            .and_then(|x| x.get("answer"))
                        {
                            op_extra.insert("x-contrail-answer".into(), a.clone());
                        }
                    }
                }
                spec => {
                    ch.insert("address".into(), Value::from(m.name.as_str()));
                    if let Some(b) = broker {
                        let b_key = key(&b.id);
                        servers.insert(
                            b_key.clone(),
                            json!({ "host": b.id, "protocol": "amqp", "title": b.name }),
                        );
                        ch.insert(
                            "servers".into(),
                            json!([reference(&format!("#/servers/{b_key}"))]),
                        );
                        let binding = if matches!(spec, MessageSpec::Command { .. }) {
                            json!({ "is": "queue", "queue": { "name": m.name } })
                        } else {
                            json!({ "is": "routingKey", "exchange": { "name": format!("{}.events", b.id), "type": "topic" } })
                        };
                        ch.insert("bindings".into(), json!({ "amqp": binding }));
                    }
                }
            }
            ch.insert("messages".into(), Value::Object(ch_messages));
            channels.insert(channel.clone(), Value::Object(ch));
            components.insert(
                m.name.clone(),
                message_component(&m.name, m.kind.kind_name(), &m.example),
            );
            let op = |action: &str| {
                let mut op = Map::new();
                op.insert("action".into(), Value::from(action));
                op.insert(
                    "channel".into(),
                    reference(&format!("#/channels/{channel}")),
                );
                op.insert(
                    "messages".into(),
                    json!([reference(&format!(
                        "#/channels/{channel}/messages/{}",
                        m.name
                    ))]),
                );
                op
            };
            if sends {
                let mut send = op("send");
                send.extend(
                    op_extra
                        .iter()
                        .filter(|(k, _)| *k != "x-contrail-answer")
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
                operations.insert(format!("send{channel}"), Value::Object(send));
            }
            if receives {
                let mut receive = op("receive");
                receive.extend(op_extra.clone());
                let mine: Vec<Value> = reactions
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r["service"] == id && r["on"] == m.name.as_str())
                    .map(|(i, r)| {
                        let mut r = r.as_object().cloned().unwrap_or_default();
                        r.remove("service");
                        r.remove("on");
                        r.insert("order".into(), Value::from(i));
                        Value::Object(r)
                    })
                    .collect();
                if !mine.is_empty() {
                    receive.insert("x-contrail-reactions".into(), Value::Array(mine));
                }
                operations.insert(format!("receive{channel}"), Value::Object(receive));
            }
        }
        let role = match service.role {
            Role::Client => "client",
            Role::Service => "service",
            Role::Broker => "broker",
        };
        let mut doc = Map::new();
        doc.insert("asyncapi".into(), Value::from("3.0.0"));
        doc.insert(
            "id".into(),
            Value::from(format!("urn:contrail:service:{id}")),
        );
        let mut info = json!({ "title": service.name, "version": "1.0.0" });
        if let Some(d) = &model.description {
            info["description"] = Value::from(format!("A service of {}. {d}", model.name));
        }
        doc.insert("info".into(), info);
        doc.insert("defaultContentType".into(), Value::from("application/json"));
        let mut ext = json!({ "id": id, "role": role });
        if let Some(ms) = service.processing_ms {
            ext["processingMs"] = Value::from(ms);
        }
        doc.insert("x-contrail-service".into(), ext);
        if files.is_empty() {
            doc.insert("x-contrail-system".into(), Value::Object(system.clone()));
        }
        if !servers.is_empty() {
            doc.insert("servers".into(), Value::Object(servers));
        }
        if !channels.is_empty() {
            doc.insert("channels".into(), Value::Object(channels));
        }
        if !operations.is_empty() {
            doc.insert("operations".into(), Value::Object(operations));
        }
        if !components.is_empty() {
            doc.insert("components".into(), json!({ "messages": components }));
        }
        files.push(ExportedFile {
            name: format!("{}.asyncapi.yaml", key(id)),
            document: Value::Object(doc),
        });
    }
    files
}

/// Whether service `id` sends and whether it receives message `m`.
fn roles(m: &MessageDef, id: &str) -> (bool, bool) {
    let (senders, receivers) = m.kind.parties();
    (
        senders.iter().any(|s| s == id),
        receivers.iter().any(|s| s == id),
    )
}

/// The export as one zip of YAML documents.
pub fn export_zip(model: &Model) -> Vec<u8> {
    let files: Vec<(String, Vec<u8>)> = export(model)
        .into_iter()
        .map(|f| (f.name, to_yaml(&f.document).into_bytes()))
        .collect();
    write_zip(&files)
}
