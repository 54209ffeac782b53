//! Command, event or query: AsyncAPI has no field for it, so the kind is decided by rules,
//! strongest first, and the rule that decided is kept so the page can show it.

use crate::sim::model::KindRule;
use crate::sim::MessageKind;

/// What the documents say about one message, gathered across every document.
#[derive(Clone, Debug, Default)]
pub(super) struct Evidence {
    /// `x-eventcatalog-message-type`, already checked to be command, event or query.
    pub extension: Option<MessageKind>,
    /// An operation carrying it has a `reply`; with the `http` method if it has one.
    pub reply: Option<Option<String>>,
    /// Its tags' names.
    pub tags: Vec<String>,
    /// How many services receive it.
    pub receivers: usize,
    /// It travels on a point-to-point queue (AMQP `is: queue`).
    pub on_queue: bool,
    /// It travels through a fan-out or topic exchange.
    pub fans_out: bool,
}

/// The kind and the rule that decided it.
pub(super) fn decide(name: &str, e: &Evidence) -> (MessageKind, KindRule) {
    if let Some(kind) = e.extension {
        return (kind, KindRule::Extension);
    }
    if let Some(method) = &e.reply {
        // A reply over HTTP that changes something (POST, PUT…) is a command answered at once.
        let reads = method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case("GET") || m.eq_ignore_ascii_case("HEAD"));
        let kind = if reads {
            MessageKind::Query
        } else {
            MessageKind::Command
        };
        return (kind, KindRule::Reply);
    }
    for tag in &e.tags {
        let kind = match tag.to_ascii_lowercase().as_str() {
            "command" => Some(MessageKind::Command),
            "event" => Some(MessageKind::Event),
            "query" => Some(MessageKind::Query),
            _ => None,
        };
        if let Some(kind) = kind {
            return (kind, KindRule::Tag);
        }
    }
    if e.receivers > 1 || e.fans_out {
        return (MessageKind::Event, KindRule::Topology);
    }
    if e.receivers == 1 && e.on_queue {
        return (MessageKind::Command, KindRule::Topology);
    }
    let kind = match classify_name(name) {
        NameGuess::Command => MessageKind::Command,
        NameGuess::Event => MessageKind::Event,
        NameGuess::Query => MessageKind::Query,
    };
    (kind, KindRule::Name)
}

/// What a message's name alone suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameGuess {
    Command,
    Event,
    Query,
}

/// Splits `BookFlight`, `booking_created`, `order.shipped` or `GET-points` into lowercase
/// words.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

const QUERY_VERBS: [&str; 9] = [
    "get", "list", "find", "search", "fetch", "query", "lookup", "read", "check",
];
const IRREGULAR_PARTICIPLES: [&str; 16] = [
    "sent", "paid", "done", "made", "built", "taken", "given", "held", "sold", "bought", "won",
    "lost", "begun", "written", "chosen", "frozen",
];

/// The naming conventions: `Get…`/`List…`/`Find…` ask (a query), a past participle tells
/// (`BookingCreated`, an event), anything else is taken as verb-noun (`BookFlight`, a
/// command). The weakest rule: the page labels it "guessed".
pub fn classify_name(name: &str) -> NameGuess {
    let w = words(name);
    let (Some(first), Some(last)) = (w.first(), w.last()) else {
        return NameGuess::Event;
    };
    if QUERY_VERBS.contains(&first.as_str()) || last == "query" {
        return NameGuess::Query;
    }
    if last == "event"
        || (last.len() > 4 && last.ends_with("ed"))
        || IRREGULAR_PARTICIPLES.contains(&last.as_str())
    {
        return NameGuess::Event;
    }
    NameGuess::Command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_conventions() {
        for (name, guess) in [
            ("BookFlight", NameGuess::Command),
            ("AdjustFlightPricing", NameGuess::Command),
            ("BookingCreated", NameGuess::Event),
            ("order.shipped", NameGuess::Event),
            ("PaymentSent", NameGuess::Event),
            ("GetPointsBalance", NameGuess::Query),
            ("list_flights", NameGuess::Query),
            ("FindSeat", NameGuess::Query),
            ("Seed", NameGuess::Command),
        ] {
            assert_eq!(classify_name(name), guess, "{name}");
        }
    }

    #[test]
    fn stronger_rules_win_in_order() {
        let all = Evidence {
            extension: Some(MessageKind::Event),
            reply: Some(Some("GET".into())),
            tags: vec!["command".into()],
            receivers: 1,
            on_queue: true,
            fans_out: false,
        };
        assert_eq!(
            decide("GetX", &all),
            (MessageKind::Event, KindRule::Extension)
        );
        let no_ext = Evidence {
            extension: None,
            ..all.clone()
        };
        assert_eq!(decide("X", &no_ext), (MessageKind::Query, KindRule::Reply));
        let post = Evidence {
            reply: Some(Some("POST".into())),
            ..no_ext.clone()
        };
        assert_eq!(decide("X", &post), (MessageKind::Command, KindRule::Reply));
        let no_reply = Evidence {
            reply: None,
            ..no_ext.clone()
        };
        assert_eq!(
            decide("X", &no_reply),
            (MessageKind::Command, KindRule::Tag)
        );
        let no_tag = Evidence {
            tags: vec!["billing".into()],
            ..no_reply.clone()
        };
        assert_eq!(
            decide("X", &no_tag),
            (MessageKind::Command, KindRule::Topology)
        );
        let two = Evidence {
            receivers: 2,
            ..no_tag.clone()
        };
        assert_eq!(
            decide("DoIt", &two),
            (MessageKind::Event, KindRule::Topology)
        );
        let none = Evidence::default();
        assert_eq!(decide("GetX", &none), (MessageKind::Query, KindRule::Name));
        assert_eq!(
            decide("XHappened", &none),
            (MessageKind::Event, KindRule::Name)
        );
    }
}
