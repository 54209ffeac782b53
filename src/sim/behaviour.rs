//! What a service's behaviour may see and do. The engine owns transport, timing and queues;
//! a behaviour only decides what a message means for its own state and what to send next.

use crate::json;

use serde_json::Value;

use super::error::SimError;
use super::message::Envelope;
use super::rng::SplitMix64;
use super::time::SimTime;
use super::topology::{Route, ServiceIdx, Topology};

/// Why a handler refused a command. Rejection is atomic: whatever the handler asked to send in
/// that call is discarded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
}

impl Rejection {
    pub fn new(reason: impl Into<String>) -> Self {
        Rejection {
            reason: reason.into(),
        }
    }
}

/// A query handler's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryResult {
    Ok(Value),
    NotFound(String),
}

impl QueryResult {
    /// `{"status": 200, "body": ...}` or `{"status": 404, "error": "..."}`.
    pub fn to_payload(&self) -> Value {
        match self {
            QueryResult::Ok(body) => json!({"status": 200, "body": body}),
            QueryResult::NotFound(error) => json!({"status": 404, "error": error}),
        }
    }
}

/// A service's behaviour. The engine owns transport, timing and queues; a behaviour only
/// decides what a message means for its own state and what to send next.
///
/// `on_query` takes `&self`: queries are side-effect free by construction, not by discipline.
/// `Any` lets a model's own traffic generator read its own services' state.
pub trait ServiceBehaviour: std::any::Any + Send + Sync {
    /// A command or event this service pulled from its queue, after its processing time.
    /// Messages sent through `ctx` leave when this returns `Ok`. If the handler issued queries,
    /// the message's verdict (Handled/Rejected) waits for `on_response`.
    fn on_message(&mut self, ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection>;

    /// Answers a query. Read-only.
    fn on_query(&self, route: &Route) -> QueryResult {
        QueryResult::NotFound(format!("{} is not served here", route.request_line))
    }

    /// A query this service issued was answered (`response` is `Some`) or timed out (`None`).
    /// `origin` is the message whose handling issued the query, if any; for it, the return
    /// value becomes the verdict once no query of it is outstanding.
    fn on_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        origin: Option<&Envelope>,
        request: &Envelope,
        response: Option<&Envelope>,
    ) -> Result<(), Rejection> {
        let _ = (ctx, origin, request, response);
        Ok(())
    }

    /// Any message this service originated was created (lets a client track its requests).
    fn on_sent(&mut self, msg: &Envelope) {
        let _ = msg;
    }

    /// The service's current state, for the UI's inspector.
    fn state_json(&self) -> Value;
}

/// A behaviour that accepts everything and keeps no state (e.g. for a custom topology's broker).
#[derive(Clone, Copy, Debug, Default)]
pub struct Passive;

impl ServiceBehaviour for Passive {
    fn on_message(&mut self, _ctx: &mut Ctx<'_>, _msg: &Envelope) -> Result<(), Rejection> {
        Ok(())
    }

    fn state_json(&self) -> Value {
        json!({})
    }
}

/// A message a behaviour asked to send, already routed.
#[derive(Clone, Debug)]
pub(crate) enum Outgoing {
    Command {
        type_name: String,
        handler: ServiceIdx,
        payload: Value,
    },
    Event {
        type_name: String,
        subscribers: Vec<ServiceIdx>,
        payload: Value,
    },
    Query {
        line: String,
        server: ServiceIdx,
    },
}

/// What a handler may do: read the clock, draw randomness, and ask for messages to be sent.
pub struct Ctx<'a> {
    now: SimTime,
    me: ServiceIdx,
    topology: &'a Topology,
    rng: &'a mut SplitMix64,
    out: Vec<Outgoing>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        now: SimTime,
        me: ServiceIdx,
        topology: &'a Topology,
        rng: &'a mut SplitMix64,
    ) -> Self {
        Ctx {
            now,
            me,
            topology,
            rng,
            out: Vec::new(),
        }
    }

    /// The messages the handler asked for, in order.
    pub(crate) fn into_outputs(self) -> Vec<Outgoing> {
        self.out
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn me(&self) -> ServiceIdx {
        self.me
    }

    pub fn topology(&self) -> &Topology {
        self.topology
    }

    /// Uniform in `0..n` from the simulation's seeded behaviour stream.
    pub fn random_below(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }

    pub fn send(&mut self, command: &str, payload: Value) -> Result<(), SimError> {
        let handler = self
            .topology
            .handler_of(command)
            .ok_or_else(|| SimError::NoHandler {
                command: command.to_string(),
            })?;
        self.out.push(Outgoing::Command {
            type_name: command.to_string(),
            handler,
            payload,
        });
        Ok(())
    }

    pub fn publish(&mut self, event: &str, payload: Value) -> Result<(), SimError> {
        if !self.topology.knows_event(event) {
            return Err(SimError::UnknownEvent {
                event: event.to_string(),
            });
        }
        self.out.push(Outgoing::Event {
            type_name: event.to_string(),
            subscribers: self.topology.subscribers_of(event),
            payload,
        });
        Ok(())
    }

    pub fn query(&mut self, request_line: &str) -> Result<(), SimError> {
        let (server, _) = self.topology.match_route(request_line)?;
        self.out.push(Outgoing::Query {
            line: request_line.to_string(),
            server,
        });
        Ok(())
    }
}
