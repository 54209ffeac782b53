//! Changes the person makes to a loaded model: another kind for a message, a reaction added
//! or removed. Each gives a new model that has passed every rule of the reader again, or
//! says in words why the change cannot be made; the model the person had is never touched.

use serde_json::{Map, Value};

use super::*;
use crate::sim::MessageKind;

impl Model {
    /// This model with `name` of `kind`, marked as the person's choice. Who sends it and who
    /// receives it stay; reactions that send it follow (`send` for a command, `publish` for
    /// an event).
    pub fn with_kind(&self, name: &str, kind: MessageKind) -> Result<Model, String> {
        let m = self
            .message(name)
            .ok_or_else(|| format!("no message is named {name}"))?;
        if m.kind.message_kind() == kind {
            return Ok(self.clone());
        }
        let (senders, receivers) = m.kind.parties();
        let one_receiver = |role: &str| match receivers.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(format!(
                "nobody receives {name}, and {} needs its one {role}",
                kind_article(kind)
            )),
            many => Err(format!(
                "{} all receive {name}; {} has exactly one {role}",
                many.join(" and "),
                kind_article(kind)
            )),
        };
        let spec = match kind {
            MessageKind::Command => MessageSpec::Command {
                senders,
                handler: one_receiver("handler")?,
            },
            MessageKind::Event => MessageSpec::Event {
                publishers: senders,
                subscribers: receivers.clone(),
            },
            _ => MessageSpec::Query {
                route: format!("GET /{name}"),
                server: one_receiver("server")?,
                callers: senders,
                response: Value::Object(Map::new()),
                answer: Vec::new(),
            },
        };
        let mut next = self.clone();
        for r in &mut next.reactions {
            if r.on == name && kind == MessageKind::Query {
                return Err(format!(
                    "{} reacts to {name}, and nobody reacts to a query; remove that reaction first",
                    r.service
                ));
            }
            if let Some(out) = &r.output {
                if out.message() == name {
                    r.output = Some(match kind {
                        MessageKind::Command => Output::Send(name.into()),
                        MessageKind::Event => Output::Publish(name.into()),
                        _ => {
                            return Err(format!(
                                "{} sends {name} when it reacts, and a query is asked, not sent; remove that reaction first",
                                r.service
                            ))
                        }
                    });
                }
            }
            if r.first.as_ref().is_some_and(|q| q.query == name) {
                return Err(format!(
                    "{} asks {name} first when it reacts, so it must stay a query; remove that reaction first",
                    r.service
                ));
            }
        }
        if let Some(def) = next.messages.iter_mut().find(|d| d.name == name) {
            def.kind = spec;
            def.kind_rule = Some(KindRule::Override);
        }
        next.checked()
    }

    /// This model with `reaction` added after the others.
    pub fn with_reaction(&self, reaction: Reaction) -> Result<Model, String> {
        let mut next = self.clone();
        next.reactions.push(reaction);
        next.checked()
    }

    /// This model without its reaction at `index`.
    pub fn without_reaction(&self, index: usize) -> Result<Model, String> {
        if index >= self.reactions.len() {
            return Err(format!("there is no reaction {}", index + 1));
        }
        let mut next = self.clone();
        next.reactions.remove(index);
        next.checked()
    }

    /// The model read back through every rule, as a model the person opened would be.
    fn checked(&self) -> Result<Model, String> {
        let model = Model::from_value(&self.to_json()).map_err(|e| e.to_string())?;
        model.to_topology().map_err(|e| e.to_string())?;
        Ok(model)
    }
}

fn kind_article(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Command => "a command",
        MessageKind::Event => "an event",
        _ => "a query",
    }
}

impl MessageSpec {
    /// The kind, as the simulation names it.
    pub fn message_kind(&self) -> MessageKind {
        match self {
            MessageSpec::Command { .. } => MessageKind::Command,
            MessageSpec::Event { .. } => MessageKind::Event,
            MessageSpec::Query { .. } => MessageKind::Query,
        }
    }

    /// Who sends it and who receives it, whatever its kind.
    pub fn parties(&self) -> (Vec<String>, Vec<String>) {
        match self {
            MessageSpec::Command { senders, handler } => (senders.clone(), vec![handler.clone()]),
            MessageSpec::Event {
                publishers,
                subscribers,
            } => (publishers.clone(), subscribers.clone()),
            MessageSpec::Query {
                server, callers, ..
            } => (callers.clone(), vec![server.clone()]),
        }
    }
}

/// A reaction in words: "When Booking handles BookFlight: publish BookingCreated".
pub fn describe_reaction(model: &Model, r: &Reaction) -> String {
    let who = model
        .service(&r.service)
        .map_or(r.service.as_str(), |s| s.name.as_str());
    let mut parts = Vec::new();
    if let Some(q) = &r.first {
        parts.push(format!("ask {}", q.query));
    }
    match &r.output {
        Some(Output::Send(m)) => parts.push(format!("send {m}")),
        Some(Output::Publish(m)) => parts.push(format!("publish {m}")),
        None => {}
    }
    if !r.set.is_empty() {
        parts.push(format!(
            "update {} state field{}",
            r.set.len(),
            if r.set.len() == 1 { "" } else { "s" }
        ));
    }
    if parts.is_empty() {
        parts.push("nothing more".into());
    }
    format!("When {who} handles {}: {}", r.on, parts.join(", then "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cqrs() -> Model {
        Model::parse(include_str!("../../../models/cqrs.json")).unwrap()
    }

    #[test]
    fn an_event_with_one_subscriber_can_become_a_command_and_back() {
        let m = cqrs();
        let as_command = m.with_kind("MoneyDeposited", MessageKind::Command).unwrap();
        let def = as_command.message("MoneyDeposited").unwrap();
        assert_eq!(
            def.kind,
            MessageSpec::Command {
                senders: vec!["accounts".into()],
                handler: "projection".into()
            }
        );
        assert_eq!(def.kind_rule, Some(KindRule::Override));
        // The reaction that published it now sends it.
        assert!(as_command
            .reactions
            .iter()
            .any(|r| r.output == Some(Output::Send("MoneyDeposited".into()))));
        let back = as_command
            .with_kind("MoneyDeposited", MessageKind::Event)
            .unwrap();
        assert_eq!(
            back.message("MoneyDeposited").unwrap().kind,
            m.message("MoneyDeposited").unwrap().kind
        );
        // The override survives the model's own format, so a saved model or a link keeps it.
        let reread = Model::from_value(&as_command.to_json()).unwrap();
        assert_eq!(reread, as_command);
    }

    #[test]
    fn impossible_kinds_are_refused_in_words() {
        let m = cqrs();
        let why = m
            .with_kind("MoneyDeposited", MessageKind::Query)
            .unwrap_err();
        assert_eq!(
            why,
            "accounts sends MoneyDeposited when it reacts, and a query is asked, not sent; remove that reaction first"
        );
        let why = m.with_kind("DepositMoney", MessageKind::Query).unwrap_err();
        assert!(why.contains("nobody reacts to a query"), "{why}");
        assert!(m
            .with_kind("Nope", MessageKind::Event)
            .unwrap_err()
            .contains("Nope"));
    }

    #[test]
    fn reactions_are_added_and_removed_through_the_rules() {
        let m = cqrs();
        let n = m.reactions.len();
        let fewer = m.without_reaction(0).unwrap();
        assert_eq!(fewer.reactions.len(), n - 1);
        assert_eq!(fewer.reactions[0], m.reactions[1]);
        let again = fewer.with_reaction(m.reactions[0].clone()).unwrap();
        assert_eq!(again.reactions.len(), n);
        // Booking cannot publish what it is not a publisher of.
        let wrong = Reaction {
            service: "projection".into(),
            on: "MoneyDeposited".into(),
            first: None,
            output: Some(Output::Publish("MoneyDeposited".into())),
            map: vec![],
            set: vec![],
        };
        assert!(m.with_reaction(wrong).is_err());
        assert!(m.without_reaction(99).is_err());
        assert_eq!(
            describe_reaction(&m, &m.reactions[0]),
            "When Account Service (write model) handles DepositMoney: publish MoneyDeposited"
        );
    }
}
