//! What the simulation did, in words: one sentence per happening worth telling, and a
//! one-line caption for a step. Pure functions of the simulation, so the step caption
//! today and spoken narration later say the same thing, and both are tested natively.

use crate::listing::seconds;
use crate::sim::{Happening, MessageKind, Role, ServiceIdx, Sim};

/// At most this many sentences in a caption; the rest are counted.
const CAPTION_SENTENCES: usize = 2;

/// One sentence about `happening`, or `None` for the ones that only repeat another: a hop
/// into the broker is told by its `Sent`, a response's arrival by `Answered`.
pub fn describe(sim: &Sim, happening: &Happening) -> Option<String> {
    sentence(sim, happening).map(|s| capitalised(&s))
}

fn capitalised(text: &str) -> String {
    // ASCII only: the sentences start with a service's name or "the broker", and
    // `char::to_uppercase` would bring Unicode's case tables into the wasm.
    let mut text = text.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

fn sentence(sim: &Sim, happening: &Happening) -> Option<String> {
    let name = |s: ServiceIdx| service_name(sim, s);
    let type_of = |id: crate::sim::MessageId| {
        sim.message(id)
            .map_or_else(|| format!("message #{id}"), |m| m.type_name.clone())
    };
    Some(match happening {
        Happening::Sent { message, .. } => {
            let m = sim.message(*message)?;
            let to = names(sim, &m.destination);
            match m.kind {
                MessageKind::Command => {
                    format!(
                        "{} sent the command {} to the broker, for {to}",
                        name(m.source),
                        m.type_name
                    )
                }
                MessageKind::Event if m.destination.is_empty() => format!(
                    "{} published {}; nobody subscribes to it",
                    name(m.source),
                    m.type_name
                ),
                MessageKind::Event => {
                    format!("{} published {} to {to}", name(m.source), m.type_name)
                }
                MessageKind::Query => format!(
                    "{} asked {to} {} and waits for the answer",
                    name(m.source),
                    m.type_name
                ),
                MessageKind::QueryResponse => {
                    format!("{} answered {to}'s {}", name(m.source), m.type_name)
                }
            }
        }
        Happening::Hop(hop) if is_broker(sim, hop.from) => {
            let copy = if hop.duplicate { " a second time" } else { "" };
            let attempt = if hop.attempt > 1 {
                format!(" (attempt {})", hop.attempt)
            } else {
                String::new()
            };
            format!(
                "The broker delivered {} to {}{copy}{attempt}",
                type_of(hop.message),
                name(hop.to)
            )
        }
        Happening::Hop(_) => return None,
        Happening::Enqueued {
            message,
            consumer,
            depth,
            ..
        } => format!(
            "{} waits at the broker in {}'s queue ({depth} queued)",
            type_of(*message),
            name(*consumer)
        ),
        Happening::Delivered { message, to, .. } => {
            let m = sim.message(*message)?;
            match m.kind {
                MessageKind::QueryResponse => return None,
                MessageKind::Query => {
                    format!("{} received {} and looks it up", name(*to), m.type_name)
                }
                _ => format!("{} received {} and handles it", name(*to), m.type_name),
            }
        }
        Happening::Handled { message, by, .. } if is_broker(sim, *by) => format!(
            "{} ends at the broker: no service subscribes to it",
            type_of(*message)
        ),
        Happening::Handled { message, .. }
            if sim
                .message(*message)
                .is_some_and(|m| m.kind == MessageKind::Query) =>
        {
            return None; // its answer says it
        }
        Happening::Handled { message, by, .. } => {
            format!("{} finished handling {}", name(*by), type_of(*message))
        }
        Happening::Rejected {
            message,
            by,
            reason,
            ..
        } => format!("{} refused {}: {reason}", name(*by), type_of(*message)),
        Happening::Answered { request, .. } => {
            let m = sim.message(*request)?;
            format!(
                "{} got the answer to {} and goes on",
                name(m.source),
                m.type_name
            )
        }
        Happening::TimedOut { request, .. } => {
            let m = sim.message(*request)?;
            format!("{} gave up waiting for {}", name(m.source), m.type_name)
        }
        Happening::Failed {
            message,
            by,
            attempt,
            retry_at,
            at,
            ..
        } => {
            let then = match retry_at {
                Some(t) if t == at => "it is retried at once".to_string(),
                Some(t) => format!("the next attempt is in {}", seconds(t - at)),
                None => "no attempt is left".to_string(),
            };
            format!(
                "{} failed on {} (attempt {attempt}); {then}",
                name(*by),
                type_of(*message)
            )
        }
        Happening::DeadLettered {
            message, consumer, ..
        } => format!(
            "{} went to {}'s dead letters",
            type_of(*message),
            name(*consumer)
        ),
        Happening::DuplicateIgnored { message, by, .. } => format!(
            "{} had already processed {}: duplicate ignored",
            name(*by),
            type_of(*message)
        ),
        Happening::QueryFailed { request, error, .. } => {
            let m = sim.message(*request)?;
            format!("{}'s {} failed: {error}", name(m.source), m.type_name)
        }
        Happening::LateResponse { request, .. } => {
            let m = sim.message(*request)?;
            format!(
                "The answer to {} came too late; {} threw it away",
                m.type_name,
                name(m.source)
            )
        }
        Happening::Discarded {
            message, consumer, ..
        } => format!(
            "{} was discarded from {}'s dead letters",
            type_of(*message),
            name(*consumer)
        ),
    })
}

/// The sentences for one step, joined into one line: the first few, then how many more.
pub fn caption(sim: &Sim, happenings: &[Happening]) -> String {
    // A message that waits in a queue and leaves it in the same instant did not wait.
    let passed_on = |message: u64, consumer: ServiceIdx| {
        happenings.iter().any(
            |h| matches!(h, Happening::Hop(hop) if hop.message == message && hop.to == consumer),
        )
    };
    let told = |h: &&Happening| !matches!(h, Happening::Enqueued { message, consumer, .. } if passed_on(*message, *consumer));
    // What was started or refused matters more than what merely moved along. Gathered
    // rank by rank rather than sorted: a sort would bring its own code into the wasm.
    let mut sentences: Vec<String> = Vec::new();
    for rank in 0..=3 {
        for happening in happenings.iter().filter(told) {
            if importance(happening) == rank {
                sentences.extend(describe(sim, happening));
            }
        }
    }
    if sentences.is_empty() {
        return "Nothing anyone could see happened: a timer ran out unnoticed.".into();
    }
    let shown = sentences.len().min(CAPTION_SENTENCES);
    let mut line = sentences[..shown].join(". ");
    line.push('.');
    match sentences.len() - shown {
        0 => {}
        1 => line.push_str(" And 1 more thing."),
        more => line.push_str(&format!(" And {more} more things.")),
    }
    line
}

fn importance(happening: &Happening) -> u8 {
    match happening {
        Happening::Sent { .. }
        | Happening::Rejected { .. }
        | Happening::TimedOut { .. }
        | Happening::Failed { .. }
        | Happening::DeadLettered { .. }
        | Happening::QueryFailed { .. }
        | Happening::LateResponse { .. }
        | Happening::DuplicateIgnored { .. }
        | Happening::Discarded { .. } => 0,
        Happening::Hop(_) | Happening::Answered { .. } => 1,
        Happening::Handled { .. } | Happening::Delivered { .. } => 2,
        Happening::Enqueued { .. } => 3,
    }
}

fn is_broker(sim: &Sim, s: ServiceIdx) -> bool {
    sim.topology().role(s) == Some(Role::Broker)
}

fn service_name(sim: &Sim, s: ServiceIdx) -> String {
    match sim.topology().services().get(s) {
        Some(spec) if spec.role == Role::Broker => "the broker".into(),
        Some(spec) => spec.name.clone(),
        None => format!("service {s}"),
    }
}

/// "Loyalty Points Service and Flight Management Service".
fn names(sim: &Sim, services: &[ServiceIdx]) -> String {
    let names: Vec<String> = services.iter().map(|&s| service_name(sim, s)).collect();
    match names.as_slice() {
        [] => "nobody".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scenario, SimConfig};

    /// Every step of one booking, captioned.
    fn booking_captions() -> Vec<String> {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(Scenario::BookFl123.action()).unwrap();
        let mut captions = Vec::new();
        loop {
            let happenings = sim.step();
            if happenings.is_empty() {
                return captions;
            }
            captions.push(caption(&sim, &happenings));
        }
    }

    #[test]
    fn every_step_of_a_booking_says_what_happened_in_words() {
        let captions = booking_captions();
        assert!(captions.len() > 10, "a booking takes many steps");
        let said = |needle: &str| captions.iter().any(|c| c.contains(needle));
        assert!(said(
            "Mobile App sent the command CreateBooking to the broker, for Booking Service"
        ));
        assert!(said(
            "The broker delivered BookingCreated to Loyalty Points Service"
        ));
        assert!(said(
            "Booking Service published BookingCreated to Loyalty Points Service and Flight Management Service"
        ));
        assert!(said(
            "Booking Service asked Flight Management Service GET /api/flights/FL123/availability"
        ));
        assert!(said(
            "got the answer to GET /api/flights/FL123/availability"
        ));
        assert!(said(
            "LoyaltyPointsCredited ends at the broker: no service subscribes to it"
        ));
        for caption in &captions {
            assert!(caption.ends_with('.'), "{caption}");
            assert!(!caption.contains('\n'), "one line: {caption}");
        }
    }

    #[test]
    fn a_crowded_step_names_two_things_and_counts_the_rest() {
        let mut sim = Sim::airline(SimConfig::default());
        for _ in 0..4 {
            sim.act(Scenario::ListTiers.action()).unwrap();
        }
        let happenings = sim.step();
        let line = caption(&sim, &happenings);
        assert_eq!(line.matches("asked").count(), 2, "{line}");
        assert!(line.ends_with("And 2 more things."), "{line}");
    }

    #[test]
    fn a_refusal_gives_its_reason() {
        let mut sim = Sim::airline(SimConfig {
            queue_capacity: 1,
            ..SimConfig::default()
        });
        for _ in 0..3 {
            sim.act(Scenario::BookFl123.action()).unwrap();
        }
        let all = sim.run_until_idle(10_000);
        let refusals: Vec<String> = all
            .iter()
            .filter(|h| matches!(h, Happening::Rejected { .. }))
            .filter_map(|h| describe(&sim, h))
            .collect();
        assert!(
            refusals
                .iter()
                .any(|r| r.starts_with("The broker refused CreateBooking: booking's queue is full")),
            "{refusals:?}"
        );
    }
}
