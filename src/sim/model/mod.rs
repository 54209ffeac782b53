//! A Contrail model: a message-driven system described as data (one JSON document), read by
//! hand over `serde_json::Value` so every refusal points at the exact place in the document.
//!
//! # The format (version 1)
//! ```json
//! {
//!   "contrail": 1,
//!   "name": "Airline",
//!   "description": "optional",
//!   "timing": {"hopLatencyMs": 600, "jitterMs": 150, "processingMs": 400,
//!              "queryProcessingMs": 150, "queryTimeoutMs": 2000},
//!   "services": [
//!     {"id": "booking", "name": "Booking Service", "role": "service", "processingMs": 400}
//!   ],
//!   "messages": [
//!     {"name": "CreateBooking", "kind": "command", "senders": ["mobile-app"],
//!      "handler": "booking", "example": {"customerId": "C12345"}},
//!     {"name": "BookingCreated", "kind": "event", "publishers": ["booking"],
//!      "subscribers": ["loyalty"], "example": {}},
//!     {"name": "GetPoints", "kind": "query",
//!      "route": "GET /api/loyalty/customers/{customerId}/points", "server": "loyalty",
//!      "callers": ["mobile-app"], "example": {"customerId": "C12345"},
//!      "response": {"points": 8400}, "answer": [{"fromState": "/points", "to": "/points"}]}
//!   ],
//!   "reactions": [
//!     {"service": "booking", "on": "CreateBooking",
//!      "first": {"query": "GetAvailability", "map": [{"from": "/flightNumber", "to": "/flightNumber"}]},
//!      "publish": "BookingCreated",
//!      "map": [{"from": "/customerId", "to": "/bookingDetails/customerId"},
//!              {"fromAnswer": "/arrivalAirport", "to": "/bookingDetails/flightDetails/arrivalAirport"}],
//!      "set": [{"value": "booked", "to": "/lastStatus"}]}
//!   ],
//!   "scenarios": [
//!     {"name": "Book FL123", "steps": [{"from": "mobile-app", "message": "CreateBooking"}]}
//!   ]
//! }
//! ```
//!
//! * `role` is `client`, `service` or `broker` (at most one broker: every command and event
//!   goes through it).
//! * A message's `kind` is `command` (its `senders` and exactly one `handler`), `event` (its
//!   `publishers` and `subscribers`) or `query` (its `route`, the one `server` that serves it,
//!   its `callers`). `example` is the payload a message is built from; for a query it is the
//!   route's parameters (`{"customerId": "C12345"}`), and `response` is the example answer.
//! * A reaction says "when `service` handles `on`, optionally ask the query `first`, then
//!   `send` a command or `publish` an event". The new payload is the target's example with the
//!   `map` applied; `set` writes into the service's visible state, beside the `handled`
//!   counts, `last` payloads and query `answers` the simulation keeps there (see
//!   [`declarative`]). Reactions are unconditional, so a cycle among them is refused.
//! * A mapping writes one value at the JSON Pointer `to`, taken from the handled message's
//!   payload (`from`), the answer to the reaction's `first` query (`fromAnswer`), the service's
//!   state (`fromState`) or a literal (`value`). A query's `answer` mappings build its response
//!   from the example response, reading the route's parameters (`from`) or the server's state
//!   (`fromState`).
//! * A scenario is a named list of steps: a sender, a message, an optional payload that
//!   replaces the example, and an optional offset `atMs` from the scenario's start.
//!
//! Unknown fields are refused (a typo should not silently do nothing). The JSON Schema in
//! `schema/contrail-model.schema.json` describes the same format; a test keeps the two in step.

mod build;
pub mod declarative;
mod edit;
mod error;
mod pointer;
mod read;
mod shape;
mod write;

use serde_json::Value;

use super::topology::Role;
pub use crate::sim::kind_rule::KindRule;

pub use edit::describe_reaction;
pub use error::{ModelError, RULE_NO_CYCLE, RULE_ONE_HANDLER};
pub use pointer::{escape_token, set_pointer};
pub use shape::same_shape;

/// The format version this reader understands; a document with a newer one is refused.
pub const FORMAT_VERSION: u64 = 1;
/// Largest model text accepted, checked before parsing so a huge paste costs nothing.
pub const MAX_MODEL_BYTES: usize = 1024 * 1024;
/// Most services a model may have: the diagram lays out at most this many legibly.
pub const MAX_SERVICES: usize = 30;
/// Most message types a model may declare.
pub const MAX_MESSAGES: usize = 200;
/// Most reactions a model may declare.
pub const MAX_REACTIONS: usize = 400;
/// Most scenarios a model may declare.
pub const MAX_SCENARIOS: usize = 50;
/// Most steps in one scenario.
pub const MAX_STEPS: usize = 100;
/// Longest id or message name, in bytes: they end up in URLs, logs and labels.
pub const MAX_ID_LEN: usize = 64;
/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Largest time a model may state (processing, latency, timeouts, step offsets), in ms.
pub const MAX_TIME_MS: u64 = 3_600_000;

/// Fields the reader accepts at the top level. The reader checks keys against these lists,
/// so they are its single source of truth, and a test compares them with the JSON Schema.
pub const TOP_LEVEL_FIELDS: &[&str] = &[
    "contrail",
    "name",
    "description",
    "timing",
    "services",
    "messages",
    "reactions",
    "scenarios",
];
/// Fields of `timing`.
pub const TIMING_FIELDS: &[&str] = &[
    "hopLatencyMs",
    "jitterMs",
    "processingMs",
    "queryProcessingMs",
    "queryTimeoutMs",
];
/// Fields of a service.
pub const SERVICE_FIELDS: &[&str] = &["id", "name", "role", "processingMs"];
/// Fields a message of any kind may have.
pub const MESSAGE_COMMON_FIELDS: &[&str] = &["name", "kind", "example", "kindRule"];
/// Fields only a command may have.
pub const COMMAND_FIELDS: &[&str] = &["senders", "handler"];
/// Fields only an event may have.
pub const EVENT_FIELDS: &[&str] = &["publishers", "subscribers"];
/// Fields only a query may have.
pub const QUERY_FIELDS: &[&str] = &["route", "server", "callers", "response", "answer"];
/// Fields of a reaction.
pub const REACTION_FIELDS: &[&str] = &["service", "on", "first", "send", "publish", "map", "set"];
/// Fields of a reaction's `first` query.
pub const FIRST_FIELDS: &[&str] = &["query", "map"];
/// Fields of a mapping: `to` and exactly one source.
pub const MAPPING_FIELDS: &[&str] = &["to", "from", "fromAnswer", "fromState", "value"];
/// Fields of a scenario.
pub const SCENARIO_FIELDS: &[&str] = &["name", "steps"];
/// Fields of a scenario step.
pub const STEP_FIELDS: &[&str] = &["from", "message", "payload", "atMs"];

/// A whole model. Build one with [`Model::parse`]; a parsed model has passed every rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub name: String,
    pub description: Option<String>,
    pub timing: Timing,
    pub services: Vec<ServiceDef>,
    pub messages: Vec<MessageDef>,
    pub reactions: Vec<Reaction>,
    pub scenarios: Vec<ScenarioDef>,
}

/// Times the model states; `None` leaves the simulation's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    pub hop_latency_ms: Option<u64>,
    pub jitter_ms: Option<u64>,
    pub processing_ms: Option<u64>,
    pub query_processing_ms: Option<u64>,
    pub query_timeout_ms: Option<u64>,
}

/// One participant.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceDef {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Busy time per command or event; `None` uses the model's (or simulation's) default.
    pub processing_ms: Option<u64>,
}

/// One message type.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageDef {
    pub name: String,
    pub kind: MessageSpec,
    /// The payload new messages of this type start from; for a query, its route parameters.
    pub example: Value,
    /// How the kind was decided when the model came from elsewhere (an AsyncAPI import), or
    /// that the person chose it; `None` for a model written as Contrail's own.
    pub kind_rule: Option<KindRule>,
}

/// What routes a message type, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum MessageSpec {
    Command {
        senders: Vec<String>,
        handler: String,
    },
    Event {
        publishers: Vec<String>,
        subscribers: Vec<String>,
    },
    Query {
        route: String,
        server: String,
        callers: Vec<String>,
        /// The example answer body.
        response: Value,
        /// Applied to `response` to build each answer.
        answer: Vec<Mapping>,
    },
}

impl MessageSpec {
    /// `command`, `event` or `query`, as written in the model.
    pub fn kind_name(&self) -> &'static str {
        match self {
            MessageSpec::Command { .. } => "command",
            MessageSpec::Event { .. } => "event",
            MessageSpec::Query { .. } => "query",
        }
    }

    /// The kind with its article, for messages: "a command", "an event", "a query".
    pub fn kind_with_article(&self) -> &'static str {
        match self {
            MessageSpec::Command { .. } => "a command",
            MessageSpec::Event { .. } => "an event",
            MessageSpec::Query { .. } => "a query",
        }
    }
}

/// Where a mapping takes its value.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// JSON Pointer into the handled message's payload (a query's: its route parameters).
    Message(String),
    /// JSON Pointer into the answer body of the reaction's `first` query.
    Answer(String),
    /// JSON Pointer into the service's state fields.
    State(String),
    /// A literal.
    Value(Value),
}

/// Writes one value at the JSON Pointer `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    pub source: Source,
    pub to: String,
}

/// A query a reaction asks before it sends anything; `map` fills the route's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstQuery {
    pub query: String,
    pub map: Vec<Mapping>,
}

/// What a reaction sends once its query (if any) is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Send(String),
    Publish(String),
}

impl Output {
    /// The message type sent.
    pub fn message(&self) -> &str {
        match self {
            Output::Send(m) | Output::Publish(m) => m,
        }
    }
}

/// "When `service` handles `on`: ask `first`, then send or publish `output`, and `set` state."
#[derive(Clone, Debug, PartialEq)]
pub struct Reaction {
    pub service: String,
    pub on: String,
    pub first: Option<FirstQuery>,
    pub output: Option<Output>,
    pub map: Vec<Mapping>,
    pub set: Vec<Mapping>,
}

/// A named list of inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioDef {
    pub name: String,
    pub steps: Vec<Step>,
}

/// One input: `from` sends `message`, with `payload` instead of the example if given.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub from: String,
    pub message: String,
    pub payload: Option<Value>,
    /// Offset from the scenario's start; `None` is 0.
    pub at_ms: Option<u64>,
}

impl Model {
    /// Reads and validates a model. Refuses text over [`MAX_MODEL_BYTES`] before parsing it.
    pub fn parse(text: &str) -> Result<Model, ModelError> {
        read::parse(text)
    }

    /// Reads and validates a model that is already JSON.
    pub fn from_value(doc: &Value) -> Result<Model, ModelError> {
        read::from_value(doc)
    }

    /// The model as a JSON document that [`Model::parse`] reads back into an equal model.
    pub fn to_json(&self) -> Value {
        write::to_json(self)
    }

    /// [`Model::to_json`], pretty-printed.
    pub fn to_json_string(&self) -> String {
        // A `Value` always serialises; the fallback keeps this total without a panic.
        serde_json::to_string_pretty(&self.to_json()).unwrap_or_default()
    }

    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&ServiceDef> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The message type with this name.
    pub fn message(&self, name: &str) -> Option<&MessageDef> {
        self.messages.iter().find(|m| m.name == name)
    }

    /// The scenario with this name.
    pub fn scenario(&self, name: &str) -> Option<&ScenarioDef> {
        self.scenarios.iter().find(|s| s.name == name)
    }
}
