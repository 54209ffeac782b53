//! The join: AsyncAPI documents, one per service, become one Contrail model.

use std::collections::BTreeMap;

use crate::json;

use serde_json::{Map, Value};

use super::classify::{decide, Evidence};
use super::instance::instance_of;
use super::refs::Resolver;
use super::source::Document;
use super::ImportError;
use crate::sim::model::{escape_token, Model, MAX_ID_LEN, MAX_NAME_CHARS};
use crate::sim::MessageKind;

/// A model made from AsyncAPI documents, and what the person should know about how.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The model, in Contrail's own format, already checked by its reader.
    pub model: Value,
    /// What was left out or decided for the person (remote `$ref`s, dead ends…).
    pub notes: Vec<String>,
}

const WEB_PROTOCOLS: [&str; 4] = ["http", "https", "ws", "wss"];

struct Service {
    id: String,
    name: String,
    file: String,
    role: Option<String>,
    processing_ms: Option<Value>,
    sends: usize,
    receives: usize,
}

/// One message type, joined across documents.
#[derive(Default)]
struct Group {
    name: String,
    address: String,
    senders: Vec<usize>,
    receivers: Vec<usize>,
    evidence: Evidence,
    /// The first full definition seen (with traits applied), for examples and schemas.
    definition: Option<Value>,
    reply: Option<Value>,
    parameters: Option<Value>,
    answer: Option<Value>,
    /// Where it was first seen, for messages about it.
    file: String,
    at: String,
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    out.truncate(MAX_ID_LEN);
    out
}

/// A service's id: its `x-contrail-service` id, the last part of its document `id`
/// (`urn:contrail:example:booking` → `booking`), its title, or its file name.
fn service_id(doc: &Document) -> String {
    let root = &doc.value;
    if let Some(id) = root
        .pointer("/x-contrail-service/id")
        .and_then(Value::as_str)
    {
        return id.to_string();
    }
    let from_id = root
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| id.rsplit([':', '/']).find(|s| !s.is_empty()))
        .map(slug)
        .filter(|s| !s.is_empty());
    let from_title = || {
        root.pointer("/info/title")
            .and_then(Value::as_str)
            .map(slug)
            .filter(|s| !s.is_empty())
    };
    let from_file = || {
        let base = doc.file.rsplit('/').next().unwrap_or(&doc.file);
        slug(base.split('.').next().unwrap_or(base))
    };
    from_id.or_else(from_title).unwrap_or_else(from_file)
}

/// The last segment of a `$ref`, which names the thing referred to.
fn ref_key(v: &Value) -> Option<String> {
    v.get("$ref")?
        .as_str()?
        .rsplit('/')
        .next()
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// Channel addresses with their parameters named alike, so `{id}` and `{customerId}`
/// still join.
fn address_key(address: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in address.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Reads the documents (already checked to be AsyncAPI 3) into one model.
pub fn import(docs: &[Document]) -> Result<Imported, ImportError> {
    let r = Resolver::new(docs);
    let mut notes: Vec<String> = Vec::new();
    let mut services: Vec<Service> = Vec::new();
    let mut system: Option<&Value> = None;
    let mut broker_title: Option<String> = None;
    let mut groups: Vec<Group> = Vec::new();
    let mut group_at: BTreeMap<(String, String), usize> = BTreeMap::new();
    // With the place an export gave each (`order`), so a round trip keeps their order.
    let mut reactions: Vec<(u64, Value)> = Vec::new();

    for (d, doc) in docs.iter().enumerate() {
        let root = &doc.value;
        let id = service_id(doc);
        if let Some(other) = services.iter().find(|s| s.id == id) {
            return Err(ImportError::new(
                &doc.file,
                "",
                format!(
                    "{} and {} both describe the service \"{id}\"; give each service one document",
                    other.file, doc.file
                ),
            ));
        }
        let ext = root.get("x-contrail-service");
        services.push(Service {
            name: truncate_chars(
                root.pointer("/info/title")
                    .and_then(Value::as_str)
                    .unwrap_or(&id),
                MAX_NAME_CHARS,
            ),
            id,
            file: doc.file.clone(),
            role: ext
                .and_then(|e| e.get("role"))
                .and_then(Value::as_str)
                .map(str::to_string),
            processing_ms: ext.and_then(|e| e.get("processingMs")).cloned(),
            sends: 0,
            receives: 0,
        });
        if system.is_none() {
            system = root.get("x-contrail-system");
        }
        for server in root
            .get("servers")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
        {
            let Some((_, server)) = r.deref(d, server, "/servers")? else {
                continue;
            };
            let protocol = server.get("protocol").and_then(Value::as_str).unwrap_or("");
            if broker_title.is_none()
                && !WEB_PROTOCOLS.contains(&protocol.to_ascii_lowercase().as_str())
            {
                broker_title = Some(match server.get("title").and_then(Value::as_str) {
                    Some(t) => t.to_string(),
                    // The host (rabbitmq.internal:5672) would not fit in the node's box.
                    None => format!("{} broker", protocol.to_ascii_uppercase()),
                });
            }
        }
        let Some(operations) = root.get("operations") else {
            continue;
        };
        let Some(operations) = operations.as_object() else {
            return Err(ImportError::at(
                &doc.file,
                "/operations",
                "\"operations\" must be an object",
            ));
        };
        for (op_id, op) in operations {
            let at = format!("/operations/{}", escape_token(op_id));
            let Some((od, op)) = r.deref(d, op, &at)? else {
                continue;
            };
            let action = match op.get("action").and_then(Value::as_str) {
                Some(a @ ("send" | "receive")) => a,
                other => {
                    return Err(ImportError::at(
                        &doc.file,
                        &format!("{at}/action"),
                        format!(
                            "\"action\" is {}; it must be send or receive",
                            other.map_or("missing".to_string(), |o| format!("\"{o}\""))
                        ),
                    ))
                }
            };
            let Some(channel_ref) = op.get("channel") else {
                return Err(ImportError::at(
                    &doc.file,
                    &at,
                    "the operation has no \"channel\"",
                ));
            };
            let Some((cd, channel)) = r.deref(od, channel_ref, &format!("{at}/channel"))? else {
                continue;
            };
            let channel_key = ref_key(channel_ref).unwrap_or_else(|| op_id.clone());
            let address = match channel.get("address") {
                Some(Value::String(a)) => a.clone(),
                _ => channel_key.clone(),
            };
            let amqp = channel.pointer("/bindings/amqp");
            let on_queue = amqp.and_then(|a| a.get("is")).and_then(Value::as_str) == Some("queue");
            let fans_out = !on_queue
                && matches!(
                    amqp.and_then(|a| a.pointer("/exchange/type"))
                        .and_then(Value::as_str),
                    Some("fanout" | "topic")
                );
            let method = op
                .pointer("/bindings/http/method")
                .and_then(Value::as_str)
                .map(str::to_string);
            // The reply's messages are the answer, not message types of their own.
            let mut reply: Option<Value> = None;
            let mut reply_keys: Vec<String> = Vec::new();
            if let Some(reply_ref) = op.get("reply") {
                if let Some((rd, reply_obj)) = r.deref(od, reply_ref, &format!("{at}/reply"))? {
                    for m in reply_obj
                        .get("messages")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        reply_keys.extend(ref_key(m));
                        if reply.is_none() {
                            if let Some((md, mv)) =
                                r.deref(rd, m, &format!("{at}/reply/messages"))?
                            {
                                reply = Some(r.message(md, mv, &format!("{at}/reply/messages"))?);
                            }
                        }
                    }
                }
            }
            let listed: Vec<(String, &Value, usize)> =
                match op.get("messages").and_then(Value::as_array) {
                    Some(list) => list
                        .iter()
                        .map(|m| (ref_key(m).unwrap_or_default(), m, od))
                        .collect(),
                    None => channel
                        .get("messages")
                        .and_then(Value::as_object)
                        .map(|m| m.iter().map(|(k, v)| (k.clone(), v, cd)).collect())
                        .unwrap_or_default(),
                };
            let mut names_here = Vec::new();
            for (i, (key, m, md)) in listed.into_iter().enumerate() {
                if reply_keys.contains(&key) {
                    continue;
                }
                let mat = format!("{at}/messages/{i}");
                let Some((md, mv)) = r.deref(md, m, &mat)? else {
                    continue;
                };
                let message = r.message(md, mv, &mat)?;
                let name = message
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or(key);
                if name.is_empty() {
                    return Err(ImportError::at(
                        &doc.file,
                        &mat,
                        "this message has no name or key",
                    ));
                }
                let extension = match message.get("x-eventcatalog-message-type") {
                    None => None,
                    Some(v) => Some(match v.as_str() {
                        Some("command") => MessageKind::Command,
                        Some("event") => MessageKind::Event,
                        Some("query") => MessageKind::Query,
                        _ => {
                            return Err(ImportError::at(
                                &docs[md].file,
                                &format!("{mat}/x-eventcatalog-message-type"),
                                format!("x-eventcatalog-message-type is {v}; it must be command, event or query"),
                            ))
                        }
                    }),
                };
                let key = (address_key(&address), name.clone());
                let g = *group_at.entry(key).or_insert_with(|| {
                    groups.push(Group {
                        name: name.clone(),
                        address: address.clone(),
                        file: doc.file.clone(),
                        at: mat.clone(),
                        ..Group::default()
                    });
                    groups.len() - 1
                });
                let group = &mut groups[g];
                let list = if action == "send" {
                    &mut group.senders
                } else {
                    &mut group.receivers
                };
                if !list.contains(&d) {
                    list.push(d);
                }
                let e = &mut group.evidence;
                e.extension = e.extension.or(extension);
                if op.get("reply").is_some() {
                    e.reply = Some(e.reply.clone().flatten().or(method.clone()));
                }
                for tag in message
                    .get("tags")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(t) = tag.get("name").and_then(Value::as_str) {
                        e.tags.push(t.to_string());
                    }
                }
                e.on_queue |= on_queue;
                e.fans_out |= fans_out;
                let richer = |m: &Value| m.get("examples").is_some() || m.get("payload").is_some();
                if group
                    .definition
                    .as_ref()
                    .is_none_or(|old| !richer(old) && richer(&message))
                {
                    group.definition = Some(message);
                }
                if group.reply.is_none() {
                    group.reply = reply.clone();
                }
                if group.parameters.is_none() {
                    group.parameters = channel
                        .get("parameters")
                        .map(|p| r.inline(cd, p, &at))
                        .transpose()?;
                }
                if action == "receive" {
                    if let Some(a) = op.get("x-contrail-answer") {
                        group.answer = Some(a.clone());
                    }
                }
                names_here.push(name);
            }
            let service = &mut services[d];
            if action == "send" {
                service.sends += 1;
            } else {
                service.receives += 1;
            }
            if action == "receive" {
                for (i, reaction) in op
                    .get("x-contrail-reactions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let rat = format!("{at}/x-contrail-reactions/{i}");
                    let Some(fields) = reaction.as_object() else {
                        return Err(ImportError::at(&doc.file, &rat, "a reaction is an object"));
                    };
                    let on = match (fields.get("on"), names_here.as_slice()) {
                        (Some(on), _) => on.clone(),
                        (None, [only]) => Value::from(only.as_str()),
                        (None, _) => {
                            return Err(ImportError::at(
                                &doc.file,
                                &rat,
                                "this operation receives several messages; say which one the reaction is for with \"on\"",
                            ))
                        }
                    };
                    let mut out = Map::new();
                    out.insert("service".into(), Value::from(services[d].id.as_str()));
                    out.insert("on".into(), on);
                    for (k, v) in fields {
                        if !matches!(k.as_str(), "on" | "service" | "order") {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                    let order = fields
                        .get("order")
                        .and_then(Value::as_u64)
                        .unwrap_or(u64::MAX);
                    reactions.push((order, Value::Object(out)));
                }
            }
        }
    }

    // Groups that carry the same message name on different channels are one message type.
    let mut merged: Vec<Group> = Vec::new();
    for g in groups {
        match merged.iter_mut().find(|m| m.name == g.name) {
            Some(m) => {
                for s in g.senders {
                    if !m.senders.contains(&s) {
                        m.senders.push(s);
                    }
                }
                for s in g.receivers {
                    if !m.receivers.contains(&s) {
                        m.receivers.push(s);
                    }
                }
            }
            None => merged.push(g),
        }
    }

    let needs_broker = broker_title.is_some();
    let mut broker_id = system
        .and_then(|s| s.pointer("/broker/id"))
        .and_then(Value::as_str)
        .unwrap_or("broker")
        .to_string();
    while services.iter().any(|s| s.id == broker_id) {
        broker_id.push_str("-broker");
    }
    let broker_name = system
        .and_then(|s| s.pointer("/broker/name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(broker_title)
        .unwrap_or_else(|| "Message Broker".into());

    let mut messages: Vec<Value> = Vec::new();
    for g in &merged {
        let mut evidence = g.evidence.clone();
        evidence.receivers = g.receivers.len();
        let (mut kind, rule) = decide(&g.name, &evidence);
        let ids = |list: &[usize]| -> Vec<Value> {
            list.iter()
                .map(|&i| Value::from(services[i].id.as_str()))
                .collect()
        };
        let whose = |list: &[usize]| -> String {
            list.iter()
                .map(|&i| services[i].name.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        };
        if kind != MessageKind::Event && g.receivers.is_empty() {
            notes.push(format!(
                "Nobody receives {} (sent on {}): it is drawn as an event with no subscribers, a dead end.",
                g.name, g.address
            ));
            kind = MessageKind::Event;
        }
        if kind != MessageKind::Event && g.receivers.len() > 1 {
            return Err(ImportError::at(
                &g.file,
                &g.at,
                format!(
                    "{} is {} ({}), but {} all receive it; {} has exactly one {}",
                    g.name,
                    if kind == MessageKind::Query {
                        "a query"
                    } else {
                        "a command"
                    },
                    rule.reason(),
                    whose(&g.receivers),
                    if kind == MessageKind::Query {
                        "a query"
                    } else {
                        "a command"
                    },
                    if kind == MessageKind::Query {
                        "server"
                    } else {
                        "handler"
                    },
                ),
            ));
        }
        let definition = g.definition.clone().unwrap_or(Value::Null);
        let mut m = Map::new();
        m.insert("name".into(), Value::from(g.name.as_str()));
        m.insert("kind".into(), Value::from(kind.as_str()));
        match kind {
            MessageKind::Command => {
                m.insert("senders".into(), Value::Array(ids(&g.senders)));
                m.insert("handler".into(), ids(&g.receivers).remove(0));
                m.insert("example".into(), example(&definition, &g.name, &mut notes));
            }
            MessageKind::Query => {
                let method = g
                    .evidence
                    .reply
                    .clone()
                    .flatten()
                    .unwrap_or_else(|| "GET".into());
                let path = if g.address.starts_with('/') {
                    g.address.clone()
                } else {
                    format!("/{}", g.address)
                };
                m.insert(
                    "route".into(),
                    Value::from(format!("{} {path}", method.to_ascii_uppercase())),
                );
                m.insert("server".into(), ids(&g.receivers).remove(0));
                m.insert("callers".into(), Value::Array(ids(&g.senders)));
                let own = first_example(&definition).filter(Value::is_object);
                let params = own.unwrap_or_else(|| route_params(&path, g.parameters.as_ref()));
                m.insert("example".into(), params);
                let response = g.reply.as_ref().map_or(Value::Object(Map::new()), |reply| {
                    first_example(reply).unwrap_or_else(|| schema_instance(reply))
                });
                m.insert("response".into(), response);
                if let Some(answer) = &g.answer {
                    m.insert("answer".into(), answer.clone());
                }
            }
            _ => {
                m.insert("publishers".into(), Value::Array(ids(&g.senders)));
                m.insert("subscribers".into(), Value::Array(ids(&g.receivers)));
                m.insert("example".into(), example(&definition, &g.name, &mut notes));
            }
        }
        m.insert("kindRule".into(), Value::from(rule.as_str()));
        messages.push(Value::Object(m));
    }

    let mut service_values: Vec<(String, Value)> = services
        .iter()
        .map(|s| {
            let role = s.role.clone().unwrap_or_else(|| {
                if s.receives == 0 && s.sends > 0 {
                    "client"
                } else {
                    "service"
                }
                .into()
            });
            let mut v = json!({"id": s.id, "name": s.name, "role": role});
            if let Some(ms) = &s.processing_ms {
                v["processingMs"] = ms.clone();
            }
            (s.id.clone(), v)
        })
        .collect();
    if needs_broker {
        service_values.push((
            broker_id.clone(),
            json!({"id": broker_id, "name": truncate_chars(&broker_name, MAX_NAME_CHARS), "role": "broker"}),
        ));
    }
    let mut model = Map::new();
    model.insert(
        "contrail".into(),
        Value::from(crate::sim::model::FORMAT_VERSION),
    );
    match system {
        Some(sys) => {
            order_by(&mut service_values, sys.pointer("/order/services"));
            let mut named: Vec<(String, Value)> = messages
                .into_iter()
                .map(|m| (m["name"].as_str().unwrap_or_default().to_string(), m))
                .collect();
            order_by(&mut named, sys.pointer("/order/messages"));
            messages = named.into_iter().map(|(_, m)| m).collect();
            for key in ["name", "description", "timing", "scenarios"] {
                if let Some(v) = sys.get(key) {
                    model.insert(key.into(), v.clone());
                }
            }
        }
        None => {
            let titles: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            model.insert(
                "name".into(),
                Value::from(truncate_chars(
                    &format!("From AsyncAPI: {}", titles.join(", ")),
                    MAX_NAME_CHARS,
                )),
            );
            let files: Vec<&str> = docs.iter().map(|d| d.file.as_str()).collect();
            model.insert(
                "description".into(),
                Value::from(format!(
                    "Imported from AsyncAPI documents: {}.",
                    files.join(", ")
                )),
            );
        }
    }
    model.entry("name").or_insert(Value::from("From AsyncAPI"));
    model.insert(
        "services".into(),
        Value::Array(service_values.into_iter().map(|(_, v)| v).collect()),
    );
    model.insert("messages".into(), Value::Array(messages));
    reactions.sort_by_key(|(order, _)| *order);
    model.insert(
        "reactions".into(),
        Value::Array(reactions.into_iter().map(|(_, r)| r).collect()),
    );
    let model = Value::Object(model);
    let checked = Model::from_value(&model).map_err(|e| {
        ImportError::new(
            "",
            "",
            format!("the documents make a model Contrail cannot run: {e}"),
        )
    })?;
    checked.to_topology().map_err(|e| {
        ImportError::new(
            "",
            "",
            format!("the documents make a model Contrail cannot run: {e}"),
        )
    })?;
    notes.extend(r.notes.into_inner());
    Ok(Imported {
        model: checked.to_json(),
        notes,
    })
}

/// Sorts `items` by their key's place in `order`; keys it does not list keep their order
/// after the listed ones.
fn order_by(items: &mut [(String, Value)], order: Option<&Value>) {
    let Some(order) = order.and_then(Value::as_array) else {
        return;
    };
    let rank = |id: &str| {
        order
            .iter()
            .position(|o| o.as_str() == Some(id))
            .unwrap_or(order.len())
    };
    items.sort_by_key(|(id, _)| rank(id));
}

fn first_example(message: &Value) -> Option<Value> {
    message
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .and_then(|e| e.get("payload"))
        .cloned()
}

fn schema_instance(message: &Value) -> Value {
    match message.get("payload") {
        // A Multi Format Schema Object wraps its schema.
        Some(p) if p.get("schemaFormat").is_some() => {
            p.get("schema").map(instance_of).unwrap_or(Value::Null)
        }
        Some(p) => instance_of(p),
        None => Value::Object(Map::new()),
    }
}

/// A message's starting payload: its first example, or a minimal instance of its schema.
fn example(message: &Value, name: &str, notes: &mut Vec<String>) -> Value {
    let value = first_example(message).unwrap_or_else(|| schema_instance(message));
    match value {
        Value::Object(_) => value,
        Value::Null => Value::Object(Map::new()),
        other => {
            notes.push(format!(
                "{name}'s payload is not a JSON object; Contrail shows it as {{\"value\": …}}."
            ));
            json!({ "value": other })
        }
    }
}

/// A query's example: each `{param}` of its route, from the channel's parameter examples,
/// default or enum, else a made-up token.
fn route_params(path: &str, parameters: Option<&Value>) -> Value {
    let mut out = Map::new();
    for part in path.split('/') {
        let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
            continue;
        };
        let p = parameters.and_then(|ps| ps.get(name));
        let given = p.and_then(|p| {
            p.get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .or_else(|| p.get("default"))
                .or_else(|| {
                    p.get("enum")
                        .and_then(Value::as_array)
                        .and_then(|e| e.first())
                })
                .and_then(Value::as_str)
                .filter(|v| {
                    !v.is_empty()
                        && v.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                })
                .map(str::to_string)
        });
        out.insert(
            name.to_string(),
            Value::from(given.unwrap_or_else(|| format!("{name}-1"))),
        );
    }
    Value::Object(out)
}
