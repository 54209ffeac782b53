//! A message a user sends into the system, as data: who sends it, its kind, its type (or a
//! query's request line) and its payload. Scenario buttons, a composer and a shared link
//! all arrive as one of these, so a run is replayable from data alone, whatever the model.

use serde_json::Value;

use super::{ScriptStep, Sim};
use crate::sim::error::SimError;
use crate::sim::message::{MessageId, MessageKind};
use crate::sim::time::SimTime;

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
        self.check_send(message)?;
        let s = self.origin_service(&message.from)?;
        let payload = message.payload.clone();
        let out = match message.kind {
            MessageKind::Command => self.command_out(&message.name, payload)?,
            MessageKind::Event => self.event_out(&message.name, payload)?,
            MessageKind::Query => return self.send_query(&message.from, &message.name),
            MessageKind::QueryResponse => return Err(response_refused()),
        };
        Ok(self.originate(s, out).0)
    }

    /// Sends each message after its delay (0 = now), as a scenario of a model plays: all of
    /// them are checked first, so a script the model forbids sends nothing at all.
    pub fn send_script(&mut self, script: &[(SimTime, UserMessage)]) -> Result<(), SimError> {
        for (_, message) in script {
            self.check_send(message)?;
        }
        let mut later = Vec::new();
        for (delay, message) in script {
            if *delay == 0 {
                self.send(message)?;
            } else {
                later.push((*delay, ScriptStep::Send(message.clone())));
            }
        }
        self.script(later);
        Ok(())
    }

    /// Whether [`Sim::send`] would take `message`, without sending it: the model must
    /// route it, and declare that its sender sends it (a command among the sender's
    /// `sends`, an event among its `publishes`, a query's route among its `calls`).
    fn check_send(&self, message: &UserMessage) -> Result<(), SimError> {
        let s = self.origin_service(&message.from)?;
        let spec = &self.topology.services()[s];
        let (declared, what) = match message.kind {
            MessageKind::Command => {
                self.command_out(&message.name, Value::Null)?;
                (spec.sends.contains(&message.name), "send the command")
            }
            MessageKind::Event => {
                self.event_out(&message.name, Value::Null)?;
                (spec.publishes.contains(&message.name), "publish the event")
            }
            MessageKind::Query => {
                let (_, route) = self.topology.match_route(&message.name)?;
                (spec.calls.contains(&route.pattern), "call the route of")
            }
            MessageKind::QueryResponse => return Err(response_refused()),
        };
        if declared {
            Ok(())
        } else {
            Err(SimError::InvalidInput {
                reason: format!(
                    "the model does not let {} {what} {}",
                    message.from, message.name
                ),
            })
        }
    }
}

fn response_refused() -> SimError {
    SimError::InvalidInput {
        reason: "a query response is sent by the query's server, not by a user".into(),
    }
}
