//! A service whose behaviour is its model's reactions: what any model's service does when no
//! Rust behaviour is attached to it.
//!
//! Its visible state is one JSON object: `handled` (how many of each type it handled),
//! `last` (the last payload of each type), `answers` (the last answer to each query it asked)
//! and, beside them, every field its reactions `set`.

use crate::sim::sorted::SortedMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::pointer::set_pointer;
use super::{Mapping, MessageSpec, Model, Output, Reaction, Source};
use crate::sim::behaviour::{Ctx, Passive, QueryResult, Rejection, ServiceBehaviour};
use crate::sim::engine::{Sim, SimConfig, UserMessage};
use crate::sim::error::SimError;
use crate::sim::maps::object_of;
use crate::sim::message::{Envelope, MessageKind};
use crate::sim::time::SimTime;
use crate::sim::topology::{Role, Route, Topology};

/// The keys of a declarative service's state that the simulation keeps; `set` may not write
/// them.
pub const KEPT_STATE: [&str; 3] = ["handled", "last", "answers"];

/// Where mapped values come from while one reaction runs.
struct Sources<'a> {
    message: &'a Value,
    answer: Option<&'a Value>,
    state: &'a Value,
}

impl Sources<'_> {
    fn read(&self, source: &Source) -> Option<Value> {
        match source {
            Source::Message(p) => self.message.pointer(p).cloned(),
            Source::Answer(p) => self.answer.and_then(|a| a.pointer(p)).cloned(),
            Source::State(p) => self.state.pointer(p).cloned(),
            Source::Value(v) => Some(v.clone()),
        }
    }
}

/// Applies mappings over `base`. A source that is missing leaves `base`'s value, so a payload
/// without a field the example has still goes out, shaped like the example.
fn apply(base: &Value, map: &[Mapping], sources: &Sources<'_>) -> Result<Value, String> {
    let mut out = base.clone();
    for m in map {
        if let Some(v) = sources.read(&m.source) {
            set_pointer(&mut out, &m.to, v)?;
        }
    }
    Ok(out)
}

/// Fills a route pattern's `{param}` segments from a parameters object; each value must be a
/// plain token, since it becomes part of a URL path.
pub fn fill_route(route: &str, params: &Value) -> Result<String, String> {
    let mut line = String::new();
    for (i, seg) in route.split('/').enumerate() {
        if i > 0 {
            line.push('/');
        }
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let v = params.get(name);
                let text = match v {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => return Err(format!("route parameter \"{name}\" is missing")),
                };
                let token = !text.is_empty()
                    && text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if !token {
                    return Err(format!(
                        "route parameter \"{name}\" is \"{text}\", not a plain token"
                    ));
                }
                line.push_str(&text);
            }
            None => line.push_str(seg),
        }
    }
    Ok(line)
}

/// One service of a model, driven by the model's reactions.
#[derive(Debug)]
pub struct Declarative {
    model: Arc<Model>,
    me: String,
    handled: SortedMap<String, u64>,
    last: SortedMap<String, Value>,
    answers: SortedMap<String, Value>,
    fields: Map<String, Value>,
}

impl Declarative {
    /// The behaviour of service `id` of `model`.
    pub fn new(model: Arc<Model>, id: &str) -> Self {
        Declarative {
            model,
            me: id.to_string(),
            handled: SortedMap::new(),
            last: SortedMap::new(),
            answers: SortedMap::new(),
            fields: Map::new(),
        }
    }

    fn reactions_to<'a>(&'a self, on: &'a str) -> impl Iterator<Item = &'a Reaction> + 'a {
        self.model
            .reactions
            .iter()
            .filter(move |r| r.service == self.me && r.on == on)
    }

    fn state_with(&self, fields: &Map<String, Value>) -> Value {
        let mut state = fields.clone();
        let counts = object_of(
            self.handled
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(*v))),
        );
        state.insert("handled".into(), Value::Object(counts));
        state.insert("last".into(), Value::Object(to_object(&self.last)));
        state.insert("answers".into(), Value::Object(to_object(&self.answers)));
        Value::Object(state)
    }

    /// The query a request line asks, by the route it matched.
    fn query_of(&self, topology: &Topology, request_line: &str) -> Option<String> {
        let (_, route) = topology.match_route(request_line).ok()?;
        self.model
            .messages
            .iter()
            .find(|m| matches!(&m.kind, MessageSpec::Query { route: r, .. } if *r == route.pattern))
            .map(|m| m.name.clone())
    }

    /// Runs a reaction's output and `set` into `fields` (a working copy: a rejection must
    /// leave the state as it was).
    fn finish(
        &self,
        ctx: &mut Ctx<'_>,
        reaction: &Reaction,
        sources: &Sources<'_>,
        fields: &mut Map<String, Value>,
    ) -> Result<(), String> {
        if let Some(output) = &reaction.output {
            let target = self
                .model
                .message(output.message())
                .ok_or_else(|| format!("no message {}", output.message()))?;
            let payload = apply(&target.example, &reaction.map, sources)?;
            let sent = match output {
                Output::Send(c) => ctx.send(c, payload),
                Output::Publish(e) => ctx.publish(e, payload),
            };
            sent.map_err(|e| e.to_string())?;
        }
        let mut state = Value::Object(std::mem::take(fields));
        for m in &reaction.set {
            if let Some(v) = sources.read(&m.source) {
                set_pointer(&mut state, &m.to, v)?;
            }
        }
        if let Value::Object(map) = state {
            *fields = map;
        }
        Ok(())
    }

    fn ask(
        &self,
        ctx: &mut Ctx<'_>,
        reaction: &Reaction,
        sources: &Sources<'_>,
    ) -> Result<(), String> {
        let Some(first) = &reaction.first else {
            return Ok(());
        };
        let def = self
            .model
            .message(&first.query)
            .ok_or_else(|| format!("no query {}", first.query))?;
        let MessageSpec::Query { route, .. } = &def.kind else {
            return Err(format!("{} is not a query", first.query));
        };
        let params = apply(&def.example, &first.map, sources)?;
        let line = fill_route(route, &params)?;
        ctx.query(&line).map_err(|e| e.to_string())
    }
}

fn to_object(map: &SortedMap<String, Value>) -> Map<String, Value> {
    object_of(map.iter().map(|(k, v)| (k.clone(), v.clone())))
}

impl ServiceBehaviour for Declarative {
    fn on_message(&mut self, ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection> {
        let mut fields = self.fields.clone();
        for reaction in self.reactions_to(&msg.type_name) {
            let state = self.state_with(&fields);
            let sources = Sources {
                message: &msg.payload,
                answer: None,
                state: &state,
            };
            let done = if reaction.first.is_some() {
                // The rest of this reaction waits for the answer: see on_response.
                self.ask(ctx, reaction, &sources)
            } else {
                self.finish(ctx, reaction, &sources, &mut fields)
            };
            done.map_err(|e| Rejection::new(format!("{}: {e}", msg.type_name)))?;
        }
        self.fields = fields;
        *self.handled.get_or_insert_with(msg.type_name.clone(), || 0) += 1;
        self.last.insert(msg.type_name.clone(), msg.payload.clone());
        Ok(())
    }

    fn on_query(&self, route: &Route) -> QueryResult {
        let served = self.model.messages.iter().find(|m| {
            matches!(&m.kind, MessageSpec::Query { route: r, server, .. }
                if *r == route.pattern && *server == self.me)
        });
        let Some(MessageSpec::Query {
            response, answer, ..
        }) = served.map(|m| &m.kind)
        else {
            return QueryResult::NotFound(format!("{} is not served here", route.request_line));
        };
        let params = Value::Object(object_of(
            route
                .params
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str()))),
        ));
        let state = self.state_with(&self.fields);
        let sources = Sources {
            message: &params,
            answer: None,
            state: &state,
        };
        match apply(response, answer, &sources) {
            Ok(body) => QueryResult::Ok(body),
            Err(e) => QueryResult::NotFound(e),
        }
    }

    fn on_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        origin: Option<&Envelope>,
        request: &Envelope,
        response: Option<&Envelope>,
    ) -> Result<(), Rejection> {
        let query = self
            .query_of(ctx.topology(), &request.type_name)
            .unwrap_or_else(|| request.type_name.clone());
        let answer = response.map(|r| r.payload.clone());
        self.answers
            .insert(query.clone(), answer.clone().unwrap_or(Value::Null));
        let Some(origin) = origin else {
            return Ok(());
        };
        let ok = answer
            .as_ref()
            .filter(|a| a.get("status").and_then(Value::as_u64) == Some(200));
        let Some(ok) = ok else {
            let why = match &answer {
                None => "timed out".to_string(),
                Some(a) => format!(
                    "was answered {}: {}",
                    a.get("status").cloned().unwrap_or(Value::Null),
                    a.get("error").and_then(Value::as_str).unwrap_or("")
                ),
            };
            return Err(Rejection::new(format!(
                "{}: {query} {why}",
                origin.type_name
            )));
        };
        let body = ok.get("body").cloned().unwrap_or(Value::Null);
        let mut fields = self.fields.clone();
        let reactions: Vec<&Reaction> = self
            .reactions_to(&origin.type_name)
            .filter(|r| r.first.as_ref().is_some_and(|f| f.query == query))
            .collect();
        for reaction in reactions {
            let state = self.state_with(&fields);
            let sources = Sources {
                message: &origin.payload,
                answer: Some(&body),
                state: &state,
            };
            self.finish(ctx, reaction, &sources, &mut fields)
                .map_err(|e| Rejection::new(format!("{}: {e}", origin.type_name)))?;
        }
        self.fields = fields;
        Ok(())
    }

    fn state_json(&self) -> Value {
        self.state_with(&self.fields)
    }
}

impl Model {
    /// One behaviour per service, in model order: [`Declarative`] for every participant,
    /// [`Passive`] for the broker (the engine never calls it).
    pub fn behaviours(self: &Arc<Self>) -> Vec<Box<dyn ServiceBehaviour>> {
        self.services
            .iter()
            .map(|s| -> Box<dyn ServiceBehaviour> {
                if s.role == Role::Broker {
                    Box::new(Passive)
                } else {
                    Box::new(Declarative::new(Arc::clone(self), &s.id))
                }
            })
            .collect()
    }

    /// A simulation of this model with declarative services, its times applied over `base`.
    pub fn sim(self: &Arc<Self>, base: SimConfig) -> Result<Sim, SimError> {
        Sim::custom(
            self.to_topology()?,
            self.behaviours(),
            self.sim_config(base),
        )
    }

    /// A scenario as data: each step's message and its delay from the scenario's start. A
    /// step's payload replaces the message's example; a query's fills its route.
    pub fn scenario_script(&self, scenario: &str) -> Result<Vec<(SimTime, UserMessage)>, SimError> {
        let s = self
            .scenario(scenario)
            .ok_or_else(|| SimError::InvalidInput {
                reason: format!("the model has no scenario \"{scenario}\""),
            })?;
        s.steps
            .iter()
            .map(|step| {
                let def = self
                    .message(&step.message)
                    .ok_or_else(|| SimError::InvalidInput {
                        reason: format!("the model has no message {}", step.message),
                    })?;
                let payload = step.payload.clone().unwrap_or_else(|| def.example.clone());
                let (kind, name) = match &def.kind {
                    MessageSpec::Command { .. } => (MessageKind::Command, def.name.clone()),
                    MessageSpec::Event { .. } => (MessageKind::Event, def.name.clone()),
                    MessageSpec::Query { route, .. } => (
                        MessageKind::Query,
                        fill_route(route, &payload)
                            .map_err(|reason| SimError::InvalidInput { reason })?,
                    ),
                };
                let message = UserMessage {
                    from: step.from.clone(),
                    kind,
                    name,
                    payload,
                };
                Ok((step.at_ms.unwrap_or(0), message))
            })
            .collect()
    }

    /// Plays a scenario on `sim`: each step at now + its `atMs`, each a new user action.
    /// Every step is checked before any is sent.
    pub fn play(&self, sim: &mut Sim, scenario: &str) -> Result<(), SimError> {
        sim.send_script(&self.scenario_script(scenario)?)
    }
}
