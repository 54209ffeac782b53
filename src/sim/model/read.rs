//! The reader: JSON text -> `Value` -> `Model`, by hand, so each refusal carries a JSON
//! Pointer to its place. Shape is checked first (types, fields, limits), then the rules that
//! relate one part of the model to another.

use crate::sim::sorted::{SortedMap, SortedSet};

use serde_json::{Map, Value};

use super::error::{type_name, ModelError, RULE_NO_CYCLE, RULE_ONE_HANDLER};
use super::pointer::{check_pointer, escape_token};
use super::*;
use crate::sim::topology::{Role, Topology};

const RULE_UNIQUE_SERVICE: &str = "service ids are unique";
const RULE_UNIQUE_MESSAGE: &str = "message names are unique";
const RULE_UNIQUE_SCENARIO: &str = "scenario names are unique";
const RULE_ONE_BROKER: &str =
    "a model has at most one broker, since every command and event goes through it";
const RULE_BROKER_RELAYS: &str =
    "the broker only relays: it never sends, handles, publishes, subscribes, calls or serves";
const RULE_DECLARED: &str = "every service and message a model names must be declared in it";
const RULE_ONE_SERVER: &str = "a route has exactly one server";
const RULE_REACT_RECEIVED: &str =
    "a service reacts only to a command it handles or an event it subscribes to";
const RULE_QUERY_NO_REACTION: &str = "queries have no side effects, so nothing reacts to them";
const RULE_DECLARED_SENDER: &str =
    "a service sends, publishes or calls only what the model declares it does";
const RULE_KIND: &str = "send takes a command, publish an event, and first a query";
const RULE_ONE_ASK: &str = "a reaction asks a given query at most once per message it handles";
const RULE_EXAMPLE_FIELD: &str = "a mapping reads a field its source's example has";

pub(super) fn parse(text: &str) -> Result<Model, ModelError> {
    // Before parsing: a huge paste must cost a length check, not a parse.
    if text.len() > MAX_MODEL_BYTES {
        return Err(ModelError::TooLarge {
            bytes: text.len(),
            limit: MAX_MODEL_BYTES,
        });
    }
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        ModelError::Syntax {
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
        }
    })?;
    from_value(&doc)
}

pub(super) fn from_value(doc: &Value) -> Result<Model, ModelError> {
    let root = as_object(doc, "")?;
    version(root)?;
    let top = Fields::new(doc, String::new(), TOP_LEVEL_FIELDS, &[])?;
    let name = top.display_name("name")?;
    let description = top.opt_string("description")?;
    let timing = match top.get("timing") {
        Some(v) => timing(v, top.path("timing"))?,
        None => Timing::default(),
    };
    let service_items = top.list("services", "services", MAX_SERVICES, true)?;
    if service_items.is_empty() {
        return Err(ModelError::Empty);
    }
    let mut r = Reader::default();
    for (at, v) in service_items {
        r.service(v, at)?;
    }
    for (at, v) in top.list("messages", "message types", MAX_MESSAGES, false)? {
        r.message(v, at)?;
    }
    let mut reactions = Vec::new();
    for (at, v) in top.list("reactions", "reactions", MAX_REACTIONS, false)? {
        reactions.push((r.reaction(v, at.clone())?, at));
    }
    check_asks(&reactions)?;
    check_cycles(&reactions)?;
    for (at, v) in top.list("scenarios", "scenarios", MAX_SCENARIOS, false)? {
        r.scenario(v, at)?;
    }
    Ok(Model {
        name,
        description,
        timing,
        services: r.services,
        messages: r.messages,
        reactions: reactions.into_iter().map(|(x, _)| x).collect(),
        scenarios: r.scenarios,
    })
}

fn version(root: &Map<String, Value>) -> Result<(), ModelError> {
    let found = root.get("contrail").ok_or_else(|| ModelError::Format {
        pointer: String::new(),
        message: format!(
            "missing field \"contrail\" (the format version; write \"contrail\": {FORMAT_VERSION})"
        ),
    })?;
    match found.as_u64() {
        Some(v) if v > FORMAT_VERSION => Err(ModelError::Version {
            found: v,
            supported: FORMAT_VERSION,
        }),
        Some(FORMAT_VERSION) => Ok(()),
        _ => Err(expected("/contrail", &format!("{FORMAT_VERSION}"), found)),
    }
}

fn expected(pointer: &str, what: &str, found: &Value) -> ModelError {
    ModelError::Format {
        pointer: pointer.to_string(),
        message: format!("expected {what}, found {}", type_name(found)),
    }
}

fn rule(pointer: &str, message: String, rule: &'static str) -> ModelError {
    ModelError::Rule {
        pointer: pointer.to_string(),
        message,
        rule,
    }
}

fn as_object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, ModelError> {
    v.as_object().ok_or_else(|| expected(at, "an object", v))
}

/// An object being read: its fields, where it is, and which keys it may have.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    at: String,
}

impl<'a> Fields<'a> {
    /// Checks the value is an object whose keys are all in `allowed`; a key in `elsewhere`
    /// gets a hint that it belongs to another kind of object.
    fn new(
        v: &'a Value,
        at: String,
        allowed: &[&str],
        elsewhere: &[(&[&str], &str)],
    ) -> Result<Self, ModelError> {
        let map = as_object(v, &at)?;
        for key in map.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let pointer = format!("{at}/{}", escape_token(key));
            let hint = elsewhere
                .iter()
                .find(|(fields, _)| fields.contains(&key.as_str()))
                .map(|(_, hint)| hint.to_string());
            let message = hint.unwrap_or_else(|| {
                format!("unknown field; expected one of {}", allowed.join(", "))
            });
            return Err(ModelError::Format { pointer, message });
        }
        Ok(Fields { map, at })
    }

    fn path(&self, key: &str) -> String {
        format!("{}/{}", self.at, escape_token(key))
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    fn required(&self, key: &str) -> Result<&'a Value, ModelError> {
        self.get(key).ok_or_else(|| ModelError::Format {
            pointer: self.at.clone(),
            message: format!("missing field \"{key}\""),
        })
    }

    fn string(&self, key: &str) -> Result<String, ModelError> {
        let v = self.required(key)?;
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| expected(&self.path(key), "a string", v))
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>, ModelError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| expected(&self.path(key), "a string", v)),
        }
    }

    /// A name shown to people: non-empty, at most [`MAX_NAME_CHARS`] characters.
    fn display_name(&self, key: &str) -> Result<String, ModelError> {
        let s = self.string(key)?;
        let chars = s.chars().count();
        if s.trim().is_empty() || chars > MAX_NAME_CHARS {
            return Err(ModelError::Format {
                pointer: self.path(key),
                message: format!(
                    "expected a name of 1 to {MAX_NAME_CHARS} characters, found {chars}"
                ),
            });
        }
        Ok(s)
    }

    /// An id or message name: it ends up in URLs, logs and labels, so plain tokens only.
    fn id(&self, key: &str) -> Result<String, ModelError> {
        let v = self.required(key)?;
        id_value(v, &self.path(key))
    }

    fn opt_ms(&self, key: &str) -> Result<Option<u64>, ModelError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        match v.as_u64() {
            Some(ms) if ms <= MAX_TIME_MS => Ok(Some(ms)),
            _ => Err(expected(
                &self.path(key),
                &format!("whole milliseconds from 0 to {MAX_TIME_MS}"),
                v,
            )),
        }
    }

    /// An optional array (required if `required`), refused over `limit` before any element
    /// is read; each element comes with its pointer.
    fn list(
        &self,
        key: &str,
        what: &'static str,
        limit: usize,
        required: bool,
    ) -> Result<Vec<(String, &'a Value)>, ModelError> {
        let v = match self.get(key) {
            Some(v) => v,
            None if required => return Err(self.required(key).err().unwrap_or(ModelError::Empty)),
            None => return Ok(Vec::new()),
        };
        let at = self.path(key);
        let items = v.as_array().ok_or_else(|| expected(&at, "an array", v))?;
        if items.len() > limit {
            return Err(ModelError::TooMany {
                pointer: at,
                what,
                count: items.len(),
                limit,
            });
        }
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{at}/{i}"), item))
            .collect())
    }

    /// An optional list of ids, each appearing once.
    fn id_list(&self, key: &str) -> Result<Vec<(String, String)>, ModelError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (at, v) in self.list(key, "entries", MAX_SERVICES, false)? {
            let id = id_value(v, &at)?;
            if out.iter().any(|(_, x)| *x == id) {
                return Err(ModelError::Format {
                    pointer: at,
                    message: format!("\"{id}\" is listed twice"),
                });
            }
            out.push((at, id));
        }
        Ok(out)
    }

    fn mappings(&self, key: &str, sources: &[&str]) -> Result<Vec<Mapping>, ModelError> {
        self.list(key, "mappings", MAX_MESSAGES, false)?
            .into_iter()
            .map(|(at, v)| mapping(v, at, sources))
            .collect()
    }
}

fn id_value(v: &Value, at: &str) -> Result<String, ModelError> {
    let what = format!("an id of 1 to {MAX_ID_LEN} letters, digits, '-', '_' or '.' (no spaces)");
    let s = v.as_str().ok_or_else(|| expected(at, &what, v))?;
    let ok = !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(expected(at, &what, v))
    }
}

fn timing(v: &Value, at: String) -> Result<Timing, ModelError> {
    let f = Fields::new(v, at, TIMING_FIELDS, &[])?;
    Ok(Timing {
        hop_latency_ms: f.opt_ms("hopLatencyMs")?,
        jitter_ms: f.opt_ms("jitterMs")?,
        processing_ms: f.opt_ms("processingMs")?,
        query_processing_ms: f.opt_ms("queryProcessingMs")?,
        query_timeout_ms: f.opt_ms("queryTimeoutMs")?,
    })
}

const SOURCES: [(&str, &str); 4] = [
    ("from", "the handled message's payload"),
    ("fromAnswer", "the answer to the reaction's first query"),
    ("fromState", "the service's state"),
    ("value", "a literal"),
];

fn mapping(v: &Value, at: String, allowed: &[&str]) -> Result<Mapping, ModelError> {
    let f = Fields::new(v, at, MAPPING_FIELDS, &[])?;
    let to = f.string("to")?;
    check_pointer(&to).map_err(|message| ModelError::Format {
        pointer: f.path("to"),
        message,
    })?;
    let present: Vec<&str> = SOURCES
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| f.get(k).is_some())
        .collect();
    let [key] = present[..] else {
        return Err(ModelError::Format {
            pointer: f.at.clone(),
            message: format!(
                "a mapping has exactly one source (one of {}), found {}",
                allowed.join(", "),
                if present.is_empty() {
                    "none".to_string()
                } else {
                    present.join(" and ")
                }
            ),
        });
    };
    if !allowed.contains(&key) {
        let meaning = SOURCES.iter().find(|(k, _)| *k == key).map_or("", |s| s.1);
        return Err(ModelError::Format {
            pointer: f.path(key),
            message: format!(
                "{key} reads {meaning}, which is not available here; use one of {}",
                allowed.join(", ")
            ),
        });
    }
    let source = if key == "value" {
        Source::Value(f.required("value")?.clone())
    } else {
        let p = f.string(key)?;
        check_pointer(&p).map_err(|message| ModelError::Format {
            pointer: f.path(key),
            message,
        })?;
        match key {
            "from" => Source::Message(p),
            "fromAnswer" => Source::Answer(p),
            _ => Source::State(p),
        }
    };
    Ok(Mapping { source, to })
}

/// The route's `{param}` names, in order.
fn route_params(route: &str) -> Vec<String> {
    route
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

/// Two routes with the same shape are the same route, whatever their parameters are called.
fn route_shape(route: &str) -> String {
    route
        .split('/')
        .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Checks that a query payload (or example) gives every route parameter as a plain token.
fn check_params(route: &str, params: &Value, at: &str) -> Result<(), ModelError> {
    let map = as_object(params, at)?;
    for p in route_params(route) {
        match map.get(&p) {
            Some(v) => {
                id_value(v, &format!("{at}/{}", escape_token(&p)))?;
            }
            None => {
                return Err(ModelError::Format {
                    pointer: at.to_string(),
                    message: format!("missing route parameter \"{p}\" of {route}"),
                })
            }
        }
    }
    Ok(())
}

/// What has been read so far, for resolving references with pointers.
#[derive(Default)]
struct Reader {
    services: Vec<ServiceDef>,
    service_at: SortedMap<String, String>,
    messages: Vec<MessageDef>,
    message_at: SortedMap<String, (usize, String)>,
    route_shapes: SortedMap<String, String>,
    scenarios: Vec<ScenarioDef>,
}

impl Reader {
    fn service(&mut self, v: &Value, at: String) -> Result<(), ModelError> {
        let f = Fields::new(v, at, SERVICE_FIELDS, &[])?;
        let id = f.id("id")?;
        let name = f.display_name("name")?;
        let role_v = f.required("role")?;
        let role = match role_v.as_str() {
            Some("client") => Role::Client,
            Some("service") => Role::Service,
            Some("broker") => Role::Broker,
            _ => {
                return Err(expected(
                    &f.path("role"),
                    "one of client, service, broker",
                    role_v,
                ))
            }
        };
        let processing_ms = f.opt_ms("processingMs")?;
        if let Some(first) = self.service_at.get(&id) {
            return Err(rule(
                &f.path("id"),
                format!("service id \"{id}\" is used twice, at {first} and {}", f.at),
                RULE_UNIQUE_SERVICE,
            ));
        }
        if role == Role::Broker {
            if let Some(b) = self.services.iter().find(|s| s.role == Role::Broker) {
                return Err(rule(
                    &f.path("role"),
                    format!("\"{}\" and \"{id}\" are both brokers", b.id),
                    RULE_ONE_BROKER,
                ));
            }
        }
        self.service_at.insert(id.clone(), f.at.clone());
        self.services.push(ServiceDef {
            id,
            name,
            role,
            processing_ms,
        });
        Ok(())
    }

    /// A declared service that may take part in messages (anything but the broker).
    fn participant(&self, id: &str, at: &str, doing: &str) -> Result<(), ModelError> {
        match self.services.iter().find(|s| s.id == id) {
            None => Err(rule(
                at,
                format!("no service has id \"{id}\""),
                RULE_DECLARED,
            )),
            Some(s) if s.role == Role::Broker => Err(rule(
                at,
                format!("the broker \"{id}\" cannot {doing}"),
                RULE_BROKER_RELAYS,
            )),
            Some(_) => Ok(()),
        }
    }

    fn participants(
        &self,
        list: Vec<(String, String)>,
        doing: &str,
    ) -> Result<Vec<String>, ModelError> {
        list.into_iter()
            .map(|(at, id)| self.participant(&id, &at, doing).map(|()| id))
            .collect()
    }

    fn message(&mut self, v: &Value, at: String) -> Result<(), ModelError> {
        let kind_v = v
            .get("kind")
            .ok_or_else(|| ModelError::Format {
                pointer: at.clone(),
                message: "missing field \"kind\"".into(),
            })
            .and_then(|k| as_object(v, &at).map(|_| k));
        let kind = match kind_v?.as_str() {
            Some(k @ ("command" | "event" | "query")) => k,
            _ => {
                let k = v.get("kind").unwrap_or(&Value::Null);
                return Err(expected(
                    &format!("{at}/kind"),
                    "one of command, event, query",
                    k,
                ));
            }
        };
        let own: &[&str] = match kind {
            "command" => COMMAND_FIELDS,
            "event" => EVENT_FIELDS,
            _ => QUERY_FIELDS,
        };
        let allowed: Vec<&str> = MESSAGE_COMMON_FIELDS.iter().chain(own).copied().collect();
        let a = |k: &str| if k == "event" { "an" } else { "a" };
        let elsewhere: Vec<(&[&str], String)> = [
            (COMMAND_FIELDS, "command"),
            (EVENT_FIELDS, "event"),
            (QUERY_FIELDS, "query"),
        ]
        .into_iter()
        .filter(|(_, k)| *k != kind)
        .map(|(fields, k)| {
            (
                fields,
                format!(
                    "this field belongs to {} {k}; {} {kind} has {}",
                    a(k),
                    a(kind),
                    own.join(", ")
                ),
            )
        })
        .collect();
        let elsewhere: Vec<(&[&str], &str)> =
            elsewhere.iter().map(|(f, h)| (*f, h.as_str())).collect();
        let f = Fields::new(v, at, &allowed, &elsewhere)?;
        let name = f.id("name")?;
        let example = match f.get("example") {
            Some(e) => {
                as_object(e, &f.path("example"))?;
                e.clone()
            }
            None => Value::Object(Map::new()),
        };
        let spec = match kind {
            "command" => {
                let handler_v = f.required("handler")?;
                if let Some(list) = handler_v.as_array() {
                    let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                    if names.len() >= 2 {
                        return Err(rule(
                            &f.path("handler"),
                            format!(
                                "command {name} names {} handlers: {}",
                                names.len(),
                                names.join(" and ")
                            ),
                            RULE_ONE_HANDLER,
                        ));
                    }
                }
                let handler = id_value(handler_v, &f.path("handler"))?;
                self.participant(&handler, &f.path("handler"), &format!("handle {name}"))?;
                let senders = self.participants(f.id_list("senders")?, &format!("send {name}"))?;
                MessageSpec::Command { senders, handler }
            }
            "event" => MessageSpec::Event {
                publishers: self
                    .participants(f.id_list("publishers")?, &format!("publish {name}"))?,
                subscribers: self
                    .participants(f.id_list("subscribers")?, &format!("subscribe to {name}"))?,
            },
            _ => {
                let route = f.string("route")?;
                let mut scratch = Topology::new();
                let checked = scratch
                    .add_service("scratch", "scratch", Role::Service)
                    .and_then(|s| scratch.add_route(s, &route));
                if let Err(e) = checked {
                    return Err(ModelError::Format {
                        pointer: f.path("route"),
                        message: e.to_string(),
                    });
                }
                let server = f.id("server")?;
                self.participant(&server, &f.path("server"), &format!("serve {name}"))?;
                let callers = self.participants(f.id_list("callers")?, &format!("call {name}"))?;
                if f.get("example").is_some() || !route_params(&route).is_empty() {
                    check_params(&route, &example, &f.path("example"))?;
                }
                let params = route_params(&route);
                let answer = f.mappings("answer", &["from", "fromState", "value"])?;
                for (i, m) in answer.iter().enumerate() {
                    if let Source::Message(p) = &m.source {
                        let ok = p
                            .strip_prefix('/')
                            .is_some_and(|name| params.iter().any(|x| x == name));
                        if !ok {
                            return Err(rule(
                                &format!("{}/{i}/from", f.path("answer")),
                                format!(
                                    "\"{p}\" is not a parameter of {route} (it has {})",
                                    if params.is_empty() {
                                        "none".to_string()
                                    } else {
                                        params
                                            .iter()
                                            .map(|p| format!("/{p}"))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    }
                                ),
                                RULE_EXAMPLE_FIELD,
                            ));
                        }
                    }
                }
                let shape = route_shape(&route);
                if let Some(other) = self.route_shapes.get(&shape) {
                    return Err(rule(
                        &f.path("route"),
                        format!("queries {other} and {name} both use route {route}"),
                        RULE_ONE_SERVER,
                    ));
                }
                self.route_shapes.insert(shape, name.clone());
                MessageSpec::Query {
                    route,
                    server,
                    callers,
                    response: f
                        .get("response")
                        .cloned()
                        .unwrap_or(Value::Object(Map::new())),
                    answer,
                }
            }
        };
        if let Some((i, first_at)) = self.message_at.get(&name) {
            let first = &self.messages[*i];
            if let (
                MessageSpec::Command { handler: a, .. },
                MessageSpec::Command { handler: b, .. },
            ) = (&first.kind, &spec)
            {
                if a != b {
                    return Err(rule(
                        &f.path("handler"),
                        format!(
                            "command {name} has two handlers, {a} (at {first_at}) and {b} (at {})",
                            f.at
                        ),
                        RULE_ONE_HANDLER,
                    ));
                }
            }
            return Err(rule(
                &f.path("name"),
                format!(
                    "message {name} is declared twice, at {first_at} and {}",
                    f.at
                ),
                RULE_UNIQUE_MESSAGE,
            ));
        }
        self.message_at
            .insert(name.clone(), (self.messages.len(), f.at.clone()));
        let kind_rule = match f.get("kindRule") {
            None => None,
            Some(v) => Some(v.as_str().and_then(KindRule::parse).ok_or_else(|| {
                let names: Vec<&str> = KindRule::ALL.iter().map(|r| r.as_str()).collect();
                expected(
                    &f.path("kindRule"),
                    &format!("one of {}", names.join(", ")),
                    v,
                )
            })?),
        };
        self.messages.push(MessageDef {
            name,
            kind: spec,
            example,
            kind_rule,
        });
        Ok(())
    }

    fn lookup(&self, name: &str, at: &str) -> Result<&MessageDef, ModelError> {
        self.message_at
            .get(name)
            .map(|(i, _)| &self.messages[*i])
            .ok_or_else(|| rule(at, format!("no message is named \"{name}\""), RULE_DECLARED))
    }

    fn reaction(&self, v: &Value, at: String) -> Result<Reaction, ModelError> {
        let f = Fields::new(v, at, REACTION_FIELDS, &[])?;
        let service = f.id("service")?;
        self.participant(&service, &f.path("service"), "react to messages")?;
        let on = f.id("on")?;
        let on_def = self.lookup(&on, &f.path("on"))?;
        let receives = match &on_def.kind {
            MessageSpec::Command { handler, .. } => *handler == service,
            MessageSpec::Event { subscribers, .. } => subscribers.contains(&service),
            MessageSpec::Query { .. } => {
                return Err(rule(
                    &f.path("on"),
                    format!("{on} is a query"),
                    RULE_QUERY_NO_REACTION,
                ))
            }
        };
        if !receives {
            let how = match &on_def.kind {
                MessageSpec::Command { handler, .. } => format!("its handler is {handler}"),
                _ => format!("{service} does not subscribe to it"),
            };
            return Err(rule(
                &f.path("on"),
                format!("{service} does not receive {on} ({how}), so it cannot react to it"),
                RULE_REACT_RECEIVED,
            ));
        }
        let first = match f.get("first") {
            None => None,
            Some(fv) => {
                let ff = Fields::new(fv, f.path("first"), FIRST_FIELDS, &[])?;
                let query = ff.id("query")?;
                let def = self.lookup(&query, &ff.path("query"))?;
                let MessageSpec::Query { callers, route, .. } = &def.kind else {
                    return Err(rule(
                        &ff.path("query"),
                        format!("{query} is {}, not a query", def.kind.kind_with_article()),
                        RULE_KIND,
                    ));
                };
                if !callers.contains(&service) {
                    return Err(rule(
                        &ff.path("query"),
                        format!("{service} is not among the callers of {query} ({route})"),
                        RULE_DECLARED_SENDER,
                    ));
                }
                let map = ff.mappings("map", &["from", "fromState", "value"])?;
                self.check_reads(&map, &on_def.example, None, &ff.path("map"), &on)?;
                Some(FirstQuery { query, map })
            }
        };
        let output =
            match (f.get("send"), f.get("publish")) {
                (Some(_), Some(_)) => return Err(ModelError::Format {
                    pointer: f.at.clone(),
                    message:
                        "a reaction sends or publishes one message, not both; write two reactions"
                            .into(),
                }),
                (Some(_), None) => Some(Output::Send(f.id("send")?)),
                (None, Some(_)) => Some(Output::Publish(f.id("publish")?)),
                (None, None) => None,
            };
        let sources: &[&str] = if first.is_some() {
            &["from", "fromAnswer", "fromState", "value"]
        } else {
            &["from", "fromState", "value"]
        };
        let answer_example = match &first {
            Some(q) => match &self.lookup(&q.query, "")?.kind {
                MessageSpec::Query { response, .. } => Some(response),
                _ => None,
            },
            None => None,
        };
        if let Some(out) = &output {
            let (key, name) = match out {
                Output::Send(m) => ("send", m),
                Output::Publish(m) => ("publish", m),
            };
            let def = self.lookup(name, &f.path(key))?;
            let (right_kind, allowed) = match (&def.kind, key) {
                (MessageSpec::Command { senders, .. }, "send") => (true, senders),
                (MessageSpec::Event { publishers, .. }, "publish") => (true, publishers),
                (MessageSpec::Command { senders, .. }, _) => (false, senders),
                (MessageSpec::Event { publishers, .. }, _) => (false, publishers),
                (MessageSpec::Query { callers, .. }, _) => (false, callers),
            };
            if !right_kind {
                return Err(rule(
                    &f.path(key),
                    format!(
                        "{key} names {name}, which is {}",
                        def.kind.kind_with_article()
                    ),
                    RULE_KIND,
                ));
            }
            if !allowed.contains(&service) {
                let list = if key == "send" {
                    "senders"
                } else {
                    "publishers"
                };
                return Err(rule(
                    &f.path(key),
                    format!("{service} is not among the {list} of {name}"),
                    RULE_DECLARED_SENDER,
                ));
            }
        } else if f.get("map").is_some() {
            return Err(ModelError::Format {
                pointer: f.path("map"),
                message: "map builds the payload of send or publish, and this reaction has neither"
                    .into(),
            });
        }
        let map = f.mappings("map", sources)?;
        self.check_reads(&map, &on_def.example, answer_example, &f.path("map"), &on)?;
        let set = f.mappings("set", sources)?;
        self.check_reads(&set, &on_def.example, answer_example, &f.path("set"), &on)?;
        for (i, m) in set.iter().enumerate() {
            let head = m.to.split('/').nth(1);
            if m.to.is_empty() || head.is_some_and(|h| declarative::KEPT_STATE.contains(&h)) {
                return Err(ModelError::Format {
                    pointer: format!("{}/{i}/to", f.path("set")),
                    message: format!(
                        "set cannot write \"{}\": the state's {} are kept by the simulation",
                        m.to,
                        declarative::KEPT_STATE.join(", ")
                    ),
                });
            }
        }
        if output.is_none() && first.is_none() && set.is_empty() {
            return Err(ModelError::Format {
                pointer: f.at.clone(),
                message: "a reaction does nothing: give it send, publish, first or set".into(),
            });
        }
        Ok(Reaction {
            service,
            on,
            first,
            output,
            map,
            set,
        })
    }

    /// A mapping that reads a field its source's example lacks is almost always a typo.
    fn check_reads(
        &self,
        map: &[Mapping],
        message_example: &Value,
        answer_example: Option<&Value>,
        at: &str,
        on: &str,
    ) -> Result<(), ModelError> {
        for (i, m) in map.iter().enumerate() {
            let (key, pointer, example, whose) = match &m.source {
                Source::Message(p) => ("from", p, message_example, format!("{on}'s example")),
                Source::Answer(p) => match answer_example {
                    Some(e) => (
                        "fromAnswer",
                        p,
                        e,
                        "the query's example response".to_string(),
                    ),
                    None => continue,
                },
                _ => continue,
            };
            if example.pointer(pointer).is_none() {
                return Err(rule(
                    &format!("{at}/{i}/{key}"),
                    format!("{pointer} is not in {whose}"),
                    RULE_EXAMPLE_FIELD,
                ));
            }
        }
        Ok(())
    }

    fn scenario(&mut self, v: &Value, at: String) -> Result<(), ModelError> {
        let f = Fields::new(v, at, SCENARIO_FIELDS, &[])?;
        let name = f.display_name("name")?;
        if self.scenarios.iter().any(|s| s.name == name) {
            return Err(rule(
                &f.path("name"),
                format!("scenario \"{name}\" is declared twice"),
                RULE_UNIQUE_SCENARIO,
            ));
        }
        let items = f.list("steps", "steps", MAX_STEPS, true)?;
        if items.is_empty() {
            return Err(ModelError::Format {
                pointer: f.path("steps"),
                message: "a scenario needs at least one step".into(),
            });
        }
        let mut steps = Vec::new();
        for (at, sv) in items {
            let s = Fields::new(sv, at, STEP_FIELDS, &[])?;
            let from = s.id("from")?;
            let message = s.id("message")?;
            self.participant(&from, &s.path("from"), &format!("send {message}"))?;
            let def = self.lookup(&message, &s.path("message"))?;
            let (allowed, list) = match &def.kind {
                MessageSpec::Command { senders, .. } => (senders, "senders"),
                MessageSpec::Event { publishers, .. } => (publishers, "publishers"),
                MessageSpec::Query { callers, .. } => (callers, "callers"),
            };
            if !allowed.contains(&from) {
                return Err(rule(
                    &s.path("from"),
                    format!("{from} is not among the {list} of {message}"),
                    RULE_DECLARED_SENDER,
                ));
            }
            let payload = match s.get("payload") {
                None => None,
                Some(p) => {
                    as_object(p, &s.path("payload"))?;
                    if let MessageSpec::Query { route, .. } = &def.kind {
                        check_params(route, p, &s.path("payload"))?;
                    }
                    Some(p.clone())
                }
            };
            steps.push(Step {
                from,
                message,
                payload,
                at_ms: s.opt_ms("atMs")?,
            });
        }
        self.scenarios.push(ScenarioDef { name, steps });
        Ok(())
    }
}

/// Two reactions of one service to one message asking the same query could not tell their
/// answers apart.
fn check_asks(reactions: &[(Reaction, String)]) -> Result<(), ModelError> {
    let mut seen: SortedMap<(&str, &str, &str), &str> = SortedMap::new();
    for (r, at) in reactions {
        if let Some(q) = &r.first {
            let key = (r.service.as_str(), r.on.as_str(), q.query.as_str());
            if let Some(other) = seen.insert(key, at) {
                return Err(rule(
                    &format!("{at}/first/query"),
                    format!(
                        "{} asks {} twice when it handles {} (also at {other})",
                        r.service, q.query, r.on
                    ),
                    RULE_ONE_ASK,
                ));
            }
        }
    }
    Ok(())
}

/// Reactions are unconditional, so any cycle among "handling X causes Y" repeats forever.
fn check_cycles(reactions: &[(Reaction, String)]) -> Result<(), ModelError> {
    let mut next: SortedMap<&str, Vec<(&str, &str)>> = SortedMap::new();
    for (r, at) in reactions {
        if let Some(out) = &r.output {
            next.get_or_insert_with(r.on.as_str(), Vec::new)
                .push((out.message(), at.as_str()));
        }
    }
    // Iterative depth-first search with colours; the path on the stack names the cycle.
    let mut done: SortedSet<&str> = SortedSet::new();
    for &start in next.keys() {
        if done.contains(start) {
            continue;
        }
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        let mut via: Vec<&str> = Vec::new();
        while let Some(&mut (node, ref mut i)) = path.last_mut() {
            let edges = next.get(node).map_or(&[][..], Vec::as_slice);
            if *i == edges.len() {
                done.insert(node);
                path.pop();
                via.pop();
                continue;
            }
            let (to, at) = edges[*i];
            *i += 1;
            if let Some(pos) = path.iter().position(|(n, _)| *n == to) {
                let mut names: Vec<&str> = path[pos..].iter().map(|(n, _)| *n).collect();
                names.push(to);
                let first_at = via.get(pos).copied().unwrap_or(at);
                return Err(rule(
                    first_at,
                    format!("these reactions form a cycle: {}", names.join(" -> ")),
                    RULE_NO_CYCLE,
                ));
            }
            if !done.contains(to) {
                via.push(at);
                path.push((to, 0));
            }
        }
    }
    Ok(())
}
