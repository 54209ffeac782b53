//! The composer's logic, pure: what a sender may send, where it will go, reading the typed
//! payload (broken JSON is placed by line and column), warning where it differs from its
//! example, and turning it into the [`UserMessage`] the run is fed.

use serde_json::Value;

use crate::sim::model::declarative::fill_route;
use crate::sim::model::same_shape;
use crate::sim::{MessageKind, Role, ServiceIdx, Topology, UserMessage};

/// One thing a sender may send: a command type, an event type, or a query route pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub kind: MessageKind,
    /// The type, or for a query its route pattern (`GET /api/flights/{flightNumber}/...`).
    pub name: String,
}

impl Choice {
    /// What the message select shows: the kind in words, then the name.
    pub fn label(&self) -> String {
        format!("{}: {}", kind_word(self.kind), self.name)
    }
}

fn kind_word(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Command => "Command",
        MessageKind::Event => "Event",
        MessageKind::Query | MessageKind::QueryResponse => "Query",
    }
}

/// The services that may send something, in the model's order: every one but the broker
/// that declares a command, an event or a query it sends.
pub fn senders(topology: &Topology) -> Vec<ServiceIdx> {
    (0..topology.services().len())
        .filter(|&s| !choices(topology, s).is_empty())
        .collect()
}

/// What `sender` may send, as the model declares it: commands it sends, events it
/// publishes, routes it calls. Nothing for the broker, which only relays.
pub fn choices(topology: &Topology, sender: ServiceIdx) -> Vec<Choice> {
    let Some(spec) = topology.services().get(sender) else {
        return Vec::new();
    };
    if spec.role == Role::Broker {
        return Vec::new();
    }
    let of = |kind, names: &[String]| {
        names
            .iter()
            .map(move |name| Choice {
                kind,
                name: name.clone(),
            })
            .collect::<Vec<_>>()
    };
    [
        of(MessageKind::Command, &spec.sends),
        of(MessageKind::Event, &spec.publishes),
        of(MessageKind::Query, &spec.calls),
    ]
    .concat()
}

/// Where the message will go, in words, from the model's routing.
pub fn destination(topology: &Topology, sender: ServiceIdx, choice: &Choice) -> String {
    let name = |s: ServiceIdx| {
        topology
            .services()
            .get(s)
            .map_or_else(String::new, |spec| spec.name.clone())
    };
    let via = if topology.broker().is_some() {
        "through the broker, "
    } else {
        ""
    };
    match choice.kind {
        MessageKind::Command => match topology.handler_of(&choice.name) {
            Some(h) => format!("A command: {via}to its one handler, {}.", name(h)),
            None => format!("Nobody handles {}: it cannot be sent.", choice.name),
        },
        MessageKind::Event => {
            let subscribers: Vec<String> = topology
                .subscribers_of(&choice.name)
                .into_iter()
                .map(name)
                .collect();
            if subscribers.is_empty() {
                format!("An event nobody subscribes to: it ends {via}at the broker.")
            } else {
                format!(
                    "An event: {via}to every subscriber: {}.",
                    subscribers.join(", ")
                )
            }
        }
        MessageKind::Query | MessageKind::QueryResponse => {
            let server = topology
                .services()
                .iter()
                .position(|s| s.serves.contains(&choice.name));
            match server {
                Some(s) => format!(
                    "A query, straight to {}, which answers; {} waits for the answer.",
                    name(s),
                    name(sender)
                ),
                None => format!("Nobody serves {}: it cannot be sent.", choice.name),
            }
        }
    }
}

/// The payload text as JSON, or where and why it is not.
pub fn read_payload(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        let what = e.to_string();
        // serde_json ends its message with " at line L column C"; say it first instead.
        let what = what.split(" at line ").next().unwrap_or(&what).to_string();
        format!("line {}, column {}: {what}", e.line(), e.column())
    })
}

/// A warning when the payload lacks something its example has (it may still be sent, and
/// the receiver's reaction shows what comes of it).
pub fn shape_warning(example: Option<&Value>, payload: &Value) -> Option<String> {
    let example = example?;
    same_shape(example, payload, "").err()
}

/// The message the run is fed. A query's payload holds its route's parameters
/// (`{"customerId": "C12345"}`), which fill the route's `{param}` segments.
pub fn to_message(
    topology: &Topology,
    sender: ServiceIdx,
    choice: &Choice,
    payload: Value,
) -> Result<UserMessage, String> {
    let from = topology
        .services()
        .get(sender)
        .ok_or("no such sender")?
        .id
        .clone();
    let name = match choice.kind {
        MessageKind::Query => fill_route(&choice.name, &payload)?,
        _ => choice.name.clone(),
    };
    Ok(UserMessage {
        from,
        kind: choice.kind,
        name,
        payload: match choice.kind {
            MessageKind::Query => Value::Null,
            _ => payload,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::sim::{Sim, SimConfig};

    fn airline() -> Topology {
        Sim::airline(SimConfig::default()).topology().clone()
    }

    fn idx(t: &Topology, id: &str) -> ServiceIdx {
        t.index_of(id).unwrap()
    }

    #[test]
    fn a_sender_is_offered_what_the_model_lets_it_send_and_the_broker_nothing() {
        let t = airline();
        let app = choices(&t, idx(&t, "mobile-app"));
        let names: Vec<&str> = app.iter().map(|c| c.name.as_str()).collect();
        assert!(names.contains(&"CreateBooking") && names.contains(&"CancelBooking"));
        assert!(names.contains(&"GET /api/loyalty/customers/{customerId}/points"));
        assert!(
            !names.contains(&"BookingCreated"),
            "the app publishes no event"
        );
        let booking = choices(&t, idx(&t, "booking"));
        assert!(booking
            .iter()
            .any(|c| c.kind == MessageKind::Event && c.name == "BookingCreated"));
        assert!(choices(&t, idx(&t, "broker")).is_empty());
        assert!(!senders(&t).contains(&idx(&t, "broker")));
        assert!(senders(&t).contains(&idx(&t, "mobile-app")));
    }

    #[test]
    fn the_destination_follows_the_kind() {
        let t = airline();
        let app = idx(&t, "mobile-app");
        let command = Choice {
            kind: MessageKind::Command,
            name: "CreateBooking".into(),
        };
        assert_eq!(
            destination(&t, app, &command),
            "A command: through the broker, to its one handler, Booking Service."
        );
        let event = Choice {
            kind: MessageKind::Event,
            name: "BookingCreated".into(),
        };
        let words = destination(&t, idx(&t, "booking"), &event);
        assert!(
            words.contains("Loyalty Points Service") && words.contains("Flight Management"),
            "{words}"
        );
        let nobody = Choice {
            kind: MessageKind::Event,
            name: "LoyaltyPointsCredited".into(),
        };
        assert!(destination(&t, idx(&t, "loyalty"), &nobody).contains("nobody subscribes"));
        let query = Choice {
            kind: MessageKind::Query,
            name: "GET /api/loyalty/tiers".into(),
        };
        assert_eq!(
            destination(&t, app, &query),
            "A query, straight to Loyalty Points Service, which answers; Mobile App waits for the answer."
        );
    }

    #[test]
    fn broken_json_is_placed_by_line_and_column() {
        let error = read_payload("{\n  \"a\": 1,\n  \"b\": }").unwrap_err();
        assert!(error.starts_with("line 3, column 8: "), "{error}");
        assert_eq!(read_payload(" {\"a\": [1]} "), Ok(json!({"a": [1]})));
    }

    #[test]
    fn a_missing_field_is_a_warning_naming_it() {
        let example = json!({"bookingId": "BK1", "reason": "CustomerRequest"});
        assert_eq!(
            shape_warning(Some(&example), &json!({"bookingId": "BK1"})),
            Some("/reason is missing".into())
        );
        assert_eq!(shape_warning(Some(&example), &example), None);
        assert_eq!(shape_warning(None, &json!(1)), None);
    }

    #[test]
    fn a_query_payload_fills_its_route() {
        let t = airline();
        let app = idx(&t, "mobile-app");
        let points = Choice {
            kind: MessageKind::Query,
            name: "GET /api/loyalty/customers/{customerId}/points".into(),
        };
        let sent = to_message(&t, app, &points, json!({"customerId": "C23456"})).unwrap();
        assert_eq!(sent.name, "GET /api/loyalty/customers/C23456/points");
        assert_eq!(
            (sent.from.as_str(), sent.kind),
            ("mobile-app", MessageKind::Query)
        );
        let missing = to_message(&t, app, &points, json!({})).unwrap_err();
        assert!(missing.contains("customerId"), "{missing}");
        let sneaky = to_message(&t, app, &points, json!({"customerId": "C1/../x"})).unwrap_err();
        assert!(sneaky.contains("not a plain token"), "{sneaky}");
        let command = Choice {
            kind: MessageKind::Command,
            name: "CancelBooking".into(),
        };
        let sent = to_message(&t, app, &command, json!({"bookingId": "BK1"})).unwrap();
        assert_eq!(sent.payload, json!({"bookingId": "BK1"}));
    }
}
