//! What the simulation did, in words: one sentence per happening worth telling, and a
//! one-line caption for a step. Pure functions of the simulation, so the step caption
//! today and spoken narration later say the same thing, and both are tested natively.

use crate::listing::{list, seconds};
use crate::sim::{Happening, MessageKind, Role, ServiceIdx, Sim, SimTime};

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
                    "{} is waiting for {to} to answer {}",
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
    told(sim, happenings, CAPTION_SENTENCES)
}

/// What narration says for one step: every sentence, up to a number a listener can take in.
pub fn narrate_step(sim: &Sim, happenings: &[Happening]) -> String {
    told(sim, happenings, NARRATED_SENTENCES)
}

/// At most this many sentences are spoken for one step.
const NARRATED_SENTENCES: usize = 6;

fn told(sim: &Sim, happenings: &[Happening], limit: usize) -> String {
    let sentences = ranked_sentences(sim, happenings, usize::MAX);
    if sentences.is_empty() {
        return "Nothing anyone could see happened: a timer ran out unnoticed.".into();
    }
    joined(&sentences, limit, sentences.len())
}

/// The first `limit` of `sentences` as one line, then how many more of `total` there were.
fn joined(sentences: &[String], limit: usize, total: usize) -> String {
    let shown = sentences.len().min(limit);
    let mut line = sentences[..shown].join(". ");
    line.push('.');
    match total.saturating_sub(shown) {
        0 => {}
        1 => line.push_str(" And 1 more thing."),
        more => line.push_str(&format!(" And {more} more things.")),
    }
    line
}

/// The sentences worth telling for `happenings`, most important first, at most `limit`.
fn ranked_sentences(sim: &Sim, happenings: &[Happening], limit: usize) -> Vec<String> {
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
            if sentences.len() >= limit {
                return sentences;
            }
            if importance(happening) == rank {
                sentences.extend(describe(sim, happening));
            }
        }
    }
    sentences
}

/// While the clock runs, narration speaks at most once every few seconds: what happened
/// since it last spoke, gathered frame by frame. A quiet stretch (a few messages sent) is
/// told sentence by sentence; a busy one is summed up in counts.
#[derive(Clone, Debug, Default)]
pub struct Digest {
    /// The first few sentences, in the order things happened.
    sentences: Vec<String>,
    /// Happenings worth a sentence while the stretch was quiet, told or not.
    worth_telling: usize,
    /// Flows started (messages no other message caused), by type, in first-seen order.
    started: Vec<(String, usize)>,
    sent: [usize; 3],
    refused: usize,
    failed: usize,
    dead_lettered: usize,
    from: Option<SimTime>,
    to: SimTime,
}

/// A quiet stretch sends at most this many messages, and is told in sentences, the first
/// few of them.
const QUIET_SENDS: usize = 3;
const QUIET_SENTENCES: usize = 3;

impl Digest {
    /// Takes in one frame's happenings.
    pub fn absorb(&mut self, sim: &Sim, happenings: &[Happening]) {
        for happening in happenings {
            self.from.get_or_insert(happening.at());
            self.to = happening.at();
            match happening {
                Happening::Sent { message, .. } => {
                    if let Some(m) = sim.message(*message) {
                        let slot = match m.kind {
                            MessageKind::Command => Some(0),
                            MessageKind::Event => Some(1),
                            MessageKind::Query => Some(2),
                            MessageKind::QueryResponse => None,
                        };
                        if let Some(slot) = slot {
                            self.sent[slot] += 1;
                        }
                        if m.causation_id.is_none() {
                            match self.started.iter_mut().find(|(t, _)| *t == m.type_name) {
                                Some((_, n)) => *n += 1,
                                None => self.started.push((m.type_name.clone(), 1)),
                            }
                        }
                    }
                }
                Happening::Rejected { .. } => self.refused += 1,
                Happening::Failed { .. }
                | Happening::QueryFailed { .. }
                | Happening::TimedOut { .. } => self.failed += 1,
                Happening::DeadLettered { .. } => self.dead_lettered += 1,
                _ => {}
            }
        }
        // Sentences only while the stretch may still turn out quiet: a busy one is counted.
        if !self.busy() {
            let more = ranked_sentences(sim, happenings, usize::MAX);
            self.worth_telling += more.len();
            let room = QUIET_SENTENCES.saturating_sub(self.sentences.len());
            self.sentences.extend(more.into_iter().take(room));
        }
    }

    fn busy(&self) -> bool {
        self.sent.iter().sum::<usize>() > QUIET_SENDS
    }

    pub fn is_empty(&self) -> bool {
        self.from.is_none()
    }

    /// What narration says for the stretch, with the deepest queue now; `None` when nothing
    /// worth saying happened.
    pub fn summary(&self, sim: &Sim) -> Option<String> {
        if !self.busy() {
            return (self.worth_telling > 0)
                .then(|| joined(&self.sentences, QUIET_SENTENCES, self.worth_telling));
        }
        let span = self.to.saturating_sub(self.from.unwrap_or(self.to)).max(1);
        let mut parts = Vec::new();
        if !self.started.is_empty() {
            let started: Vec<String> = self
                .started
                .iter()
                .map(|(name, n)| format!("{n} {name}"))
                .collect();
            parts.push(format!("{} started", list(&started)));
        }
        let kinds: Vec<String> = ["command", "event", "query"]
            .iter()
            .zip(self.sent)
            .filter(|(_, n)| *n > 0)
            .map(|(kind, n)| plural(n, kind))
            .collect();
        if !kinds.is_empty() {
            parts.push(format!("{} sent", list(&kinds)));
        }
        for (n, what) in [
            (self.refused, "refused"),
            (self.failed, "failed or timed out"),
            (self.dead_lettered, "dead-lettered"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let mut line = format!(
            "In the last {}: {}",
            seconds(span.div_ceil(100) * 100),
            parts.join("; ")
        );
        let depths = sim.queue_depths();
        let deepest = (0..depths.len()).max_by_key(|&s| (depths[s], usize::MAX - s));
        if let Some(s) = deepest.filter(|&s| depths[s] > 0) {
            line.push_str(&format!(
                ". {}'s queue holds {}",
                service_name(sim, s),
                depths[s]
            ));
        }
        line.push('.');
        Some(line)
    }
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "query") => format!("{n} queries"),
        _ => format!("{n} {word}s"),
    }
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
    if names.is_empty() {
        return "nobody".into();
    }
    list(&names)
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
            "Booking Service is waiting for Flight Management Service to answer GET /api/flights/FL123/availability"
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
        assert_eq!(line.matches("is waiting for").count(), 2, "{line}");
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

    #[test]
    fn a_quiet_stretch_of_play_is_told_in_sentences() {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(Scenario::CheckJohnsPoints.action()).unwrap();
        let mut digest = Digest::default();
        assert_eq!(digest.summary(&sim), None, "nothing happened yet");
        let first = sim.step();
        digest.absorb(&sim, &first);
        let said = digest.summary(&sim).unwrap();
        assert!(
            said.starts_with("Mobile App is waiting for Loyalty Points Service to answer GET /api/loyalty/customers/"),
            "{said}"
        );
    }

    #[test]
    fn a_busy_stretch_is_summed_up_with_the_deepest_queue() {
        let mut sim = Sim::airline(SimConfig::default());
        sim.set_traffic(20.0).unwrap();
        let mut digest = Digest::default();
        for second in 1..=5 {
            let happenings = sim.advance_to(second * 1000);
            digest.absorb(&sim, &happenings);
        }
        let said = digest.summary(&sim).unwrap();
        let bookings = sim
            .messages()
            .filter(|m| m.type_name == "CreateBooking" && m.causation_id.is_none())
            .count();
        assert!(bookings > 20, "traffic ran: {bookings}");
        assert!(
            said.starts_with("In the last 5 s: ")
                && said.contains(&format!(": {bookings} CreateBooking"))
                && said.contains(" started; "),
            "{said}"
        );
        assert!(
            said.contains("commands") && said.contains("events"),
            "{said}"
        );
        let depth = sim.queue_depth(sim.topology().index_of("booking").unwrap());
        assert!(depth > 0, "Booking cannot keep up with 20 a second");
        assert!(
            said.ends_with(&format!("Booking Service's queue holds {depth}.")),
            "{said}"
        );
    }

    #[test]
    fn narrating_a_step_tells_more_than_its_caption() {
        let mut sim = Sim::airline(SimConfig::default());
        for _ in 0..4 {
            sim.act(Scenario::ListTiers.action()).unwrap();
        }
        let happenings = sim.step();
        let spoken = narrate_step(&sim, &happenings);
        assert_eq!(spoken.matches("is waiting for").count(), 4, "{spoken}");
        assert!(caption(&sim, &happenings).len() < spoken.len());
    }
}
