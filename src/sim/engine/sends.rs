//! A message a user sends into the system, as data: who sends it, its kind, its type (or a
//! query's request line) and its payload. Scenario buttons, a composer and a shared link
//! all arrive as one of these, so a run is replayable from data alone, whatever the model.

use serde_json::Value;

use super::Sim;
use crate::sim::error::SimError;
use crate::sim::message::{MessageId, MessageKind};

/// One user-level send: the root of a new correlation.
#[derive(Clone, Debug, PartialEq)]
pub struct UserMessage {
    /// The sending service's id (never the broker).
    pub from: String,
    /// Command, event or query; a query response is the server's, never a user's.
    pub kind: MessageKind,
    /// The command's or event's type, or the query's request line (`GET /api/...`).
    pub name: String,
    /// The JSON payload; ignored for a query, whose payload is its method and path.
    pub payload: Value,
}

impl Sim {
    /// Sends `message` now, as the model routes it: a command needs its one handler, an
    /// event must be known to the model, a query needs a route somebody serves, and the
    /// broker sends nothing. Unlike [`Sim::send_command`], a payload that differs from its
    /// type's example is sent as it is: the composer warns about it, and the receiver's
    /// reaction (a rejection, a skipped event) shows what comes of it.
    pub fn send(&mut self, message: &UserMessage) -> Result<MessageId, SimError> {
        let s = self.origin_service(&message.from)?;
        let payload = message.payload.clone();
        let out = match message.kind {
            MessageKind::Command => self.command_out(&message.name, payload)?,
            MessageKind::Event => self.event_out(&message.name, payload)?,
            MessageKind::Query => return self.send_query(&message.from, &message.name),
            MessageKind::QueryResponse => {
                return Err(SimError::InvalidInput {
                    reason: "a query response is sent by the query's server, not by a user".into(),
                })
            }
        };
        Ok(self.originate(s, out).0)
    }
}
