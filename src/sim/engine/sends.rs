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
    /// Sends `send` now, with the same rules as [`Sim::send_command`],
    /// [`Sim::publish_event`] and [`Sim::send_query`]: a command needs its one handler,
    /// an event must be known to the model, a query a route somebody serves.
    pub fn send(&mut self, send: &UserMessage) -> Result<MessageId, SimError> {
        Ok(match send.kind {
            MessageKind::Command => {
                self.send_command(&send.from, &send.name, send.payload.clone())?
            }
            MessageKind::Event => {
                self.publish_event(&send.from, &send.name, send.payload.clone())?
            }
            MessageKind::Query => self.send_query(&send.from, &send.name)?,
            MessageKind::QueryResponse => {
                return Err(SimError::InvalidInput {
                    reason: "a query response is sent by the query's server, not by a user".into(),
                })
            }
        })
    }
}
