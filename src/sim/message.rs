use crate::json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::time::{iso_time, SimTime};
use super::topology::{ServiceIdx, Topology};

/// Sequential id of a message, starting at 1.
pub type MessageId = u64;
/// One per user action (or lower-level `send_*` call), starting at 1; every message caused by
/// that action carries it.
pub type CorrelationId = u64;

/// The three interaction mechanisms, plus the answer a query gets back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MessageKind {
    /// "Do this": exactly one handler, delivered through the broker, sender does not wait.
    Command,
    /// "This happened": every subscriber gets a copy through the broker, publisher does not wait.
    Event,
    /// "Tell me": direct request to one server, caller waits for the answer.
    Query,
    /// The server's answer to a query, travelling back directly to the caller.
    QueryResponse,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Command => "command",
            MessageKind::Event => "event",
            MessageKind::Query => "query",
            MessageKind::QueryResponse => "queryResponse",
        }
    }
}

/// A message plus the metadata every mechanism shares. Stored once by the engine; everything
/// else (hops, queues, happenings) refers to it by id.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    pub message_id: MessageId,
    pub kind: MessageKind,
    /// Command/event type (`CreateBooking`, `BookingCreated`) or, for a query and its response,
    /// the concrete request line (`GET /api/loyalty/customers/C12345/points`).
    pub type_name: String,
    pub source: ServiceIdx,
    /// Command: `[handler]`; event: subscribers at publish time (may be empty);
    /// query: `[server]`; response: `[caller]`.
    pub destination: Vec<ServiceIdx>,
    pub correlation_id: CorrelationId,
    /// The message whose handling produced this one; `None` only for the first message of a
    /// user action.
    pub causation_id: Option<MessageId>,
    pub timestamp: SimTime,
    pub payload: Value,
}

impl Envelope {
    /// camelCase JSON as shown in the UI: service indices become ids, time becomes ISO.
    pub fn to_json(&self, topology: &Topology) -> Value {
        let destination: Vec<Value> = self
            .destination
            .iter()
            .map(|&d| Value::from(topology.id(d)))
            .collect();
        json!({
            "messageId": self.message_id,
            "kind": self.kind.as_str(),
            "type": self.type_name,
            "source": topology.id(self.source),
            "destination": destination,
            "correlationId": self.correlation_id,
            "causationId": self.causation_id,
            "timestamp": iso_time(self.timestamp),
            "payload": self.payload,
        })
    }
}
