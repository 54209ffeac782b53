//! A flow as a Mermaid `sequenceDiagram`, in the classic syntax GitHub renders: queries as
//! `->>` and their answers as `-->>`, commands and events as `-)`, a failed delivery as
//! `-x`, fan-out in `par … and … end`, the kind written in each label, and activations for
//! the time a service is busy. The arrows and bars are the sequence view's, so the export
//! says what the view shows.

use super::sequence::{kind_label, lifeline_order, sequence, Window};
use super::timing::{stretches, Doing};
use crate::sim::{Leg, MessageId, MessageKind, Sim, SimTime};

/// Mermaid text is one statement per line; these characters would end or comment one, or
/// start an entity or a tag, inside a label.
pub fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '%' => out.push_str("#37;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    // `end` alone closes a block; bracketed it is only a word.
    out.split(' ')
        .map(|w| {
            if w.eq_ignore_ascii_case("end") {
                format!("({w})")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A statement and when it happens; ties keep arrows before the bars they end and start.
struct Line {
    at: SimTime,
    order: u8,
    seq: usize,
    text: String,
}

/// Ids may hold characters Mermaid reads as syntax; the position never does.
fn alias(s: usize) -> String {
    format!("S{s}")
}

/// The diagram of `messages` (any order; those no longer in the history are skipped).
pub fn sequence_diagram(sim: &Sim, messages: &[MessageId]) -> String {
    let topology = sim.topology();
    let mut ids: Vec<MessageId> = messages.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut lines: Vec<Line> = Vec::new();
    let mut used = vec![false; topology.services().len()];
    let push = |lines: &mut Vec<Line>, at: SimTime, order: u8, text: String| {
        let seq = lines.len();
        lines.push(Line {
            at,
            order,
            seq,
            text,
        });
    };
    for &id in &ids {
        let Some(message) = sim.message(id) else {
            continue;
        };
        let label = escape(&kind_label(message));
        let failed_at = |leg: &Leg| {
            sim.deliveries_of(id).iter().any(|d| {
                d.consumer == leg.to
                    && d.attempt == leg.attempt
                    && matches!(
                        d.ended.as_ref().map(|(_, e)| e.as_str()),
                        Some("failed" | "dead-lettered" | "rejected")
                    )
            })
        };
        let legs = sim.legs_of(id);
        let broker = topology.broker();
        // An event's first copies from the broker to its subscribers form one fan-out.
        let fan_out: Vec<&Leg> = legs
            .iter()
            .filter(|l| {
                message.kind == MessageKind::Event
                    && Some(l.from) == broker
                    && l.attempt == 1
                    && !l.duplicate
            })
            .collect();
        for leg in legs {
            used[leg.from] = true;
            used[leg.to] = true;
            if fan_out.len() > 1 && fan_out.contains(&leg) {
                continue;
            }
            let arrow = match message.kind {
                MessageKind::Query => "->>",
                MessageKind::QueryResponse
                    if sim.outcome_of(id).is_some_and(|o| o.as_str() == "failed") =>
                {
                    "--x"
                }
                MessageKind::QueryResponse => "-->>",
                _ if failed_at(leg) => "-x",
                _ => "-)",
            };
            let mut text = label.clone();
            if leg.attempt > 1 {
                text.push_str(&format!(" (attempt {})", leg.attempt));
            }
            if leg.duplicate {
                text.push_str(" (duplicate)");
            }
            push(
                &mut lines,
                leg.depart,
                0,
                format!("{}{arrow}{}: {text}", alias(leg.from), alias(leg.to)),
            );
        }
        if fan_out.len() > 1 {
            let mut block = String::new();
            for (i, leg) in fan_out.iter().enumerate() {
                let to = &topology.services()[leg.to].name;
                let arrow = if failed_at(leg) { "-x" } else { "-)" };
                block.push_str(&format!(
                    "{} to {}\n        {}{arrow}{}: {label}\n    ",
                    if i == 0 { "par" } else { "and" },
                    escape(to),
                    alias(leg.from),
                    alias(leg.to)
                ));
            }
            block.push_str("end");
            push(&mut lines, fan_out[0].depart, 0, block);
        }
        for s in stretches(sim, message) {
            let Some(end) = s.end else { continue };
            if end <= s.start {
                continue;
            }
            let who = alias(s.service);
            match s.doing {
                Doing::Processing => {
                    push(&mut lines, s.start, 2, format!("activate {who}"));
                    push(&mut lines, end, 1, format!("deactivate {who}"));
                }
                Doing::Queued if end - s.start >= 1000 => {
                    push(
                        &mut lines,
                        end,
                        0,
                        format!(
                            "Note left of {who}: queued {}",
                            escape(&crate::listing::seconds(end - s.start))
                        ),
                    );
                }
                Doing::Blocked => {
                    let outcome = s.outcome.unwrap_or_default();
                    if outcome == "timed-out" || outcome == "failed" {
                        push(
                            &mut lines,
                            end,
                            0,
                            format!("Note over {who}: gave up waiting ({outcome})"),
                        );
                    }
                }
                _ => {}
            }
            if s.outcome == Some("dead-lettered") {
                push(
                    &mut lines,
                    end,
                    0,
                    format!("Note over {who}: dead-lettered"),
                );
            }
        }
    }
    lines.sort_by_key(|l| (l.at, l.order, l.seq));
    let mut out = String::from("sequenceDiagram\n");
    for s in lifeline_order(topology) {
        if used[s] {
            out.push_str(&format!(
                "    participant {} as {}\n",
                alias(s),
                escape(&topology.services()[s].name)
            ));
        }
    }
    for line in lines {
        out.push_str("    ");
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}

/// The messages a Mermaid export of the selection covers: the selected message's whole
/// user action.
pub fn correlation_messages(sim: &Sim, selected: MessageId) -> Vec<MessageId> {
    let Some(correlation) = sim.message(selected).map(|m| m.correlation_id) else {
        return Vec::new();
    };
    sim.messages()
        .filter(|m| m.correlation_id == correlation)
        .map(|m| m.message_id)
        .collect()
}

/// Past this many messages a diagram of "what is in view" keeps the newest: Mermaid draws
/// every one, and a diagram taller than a screen reads no better.
pub const MAX_WINDOW_MESSAGES: usize = 150;

/// The messages with an arrow in the sequence view's `window`, newest kept.
pub fn window_messages(sim: &Sim, window: Window) -> Vec<MessageId> {
    let mut ids: Vec<MessageId> = sequence(sim, window, None)
        .arrows
        .iter()
        .map(|a| a.message)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let excess = ids.len().saturating_sub(MAX_WINDOW_MESSAGES);
    ids.drain(..excess);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Preset, Scenario, SimConfig};

    fn run(scenario: Scenario) -> Sim {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(scenario.action()).unwrap();
        sim.run_until_idle(100_000);
        sim
    }

    fn all(sim: &Sim) -> Vec<MessageId> {
        sim.messages().map(|m| m.message_id).collect()
    }

    #[test]
    fn the_booking_reads_as_the_article_tells_it() {
        let sim = run(Scenario::BookFl123);
        let text = sequence_diagram(&sim, &all(&sim));
        assert!(text.starts_with("sequenceDiagram\n    participant S"));
        let t = sim.topology();
        let (app, broker, booking) = (
            alias(t.index_of("mobile-app").unwrap()),
            alias(t.broker().unwrap()),
            alias(t.index_of("booking").unwrap()),
        );
        assert!(
            text.contains(&format!("{app}-){broker}: «command» CreateBooking")),
            "{text}"
        );
        assert!(text.contains(&format!("{booking}->>")), "a query: {text}");
        assert!(
            text.contains(&format!("-->>{booking}: «answer» ")),
            "its answer: {text}"
        );
        assert!(text.contains("par to "), "BookingCreated fans out: {text}");
        assert!(text.contains("\n    and to "));
        assert!(text.contains(&format!("activate {booking}")));
        // Every activation is closed, and never before it opens.
        let mut depth = std::collections::HashMap::new();
        for line in text.lines().map(str::trim) {
            if let Some(who) = line.strip_prefix("activate ") {
                *depth.entry(who).or_insert(0) += 1;
            }
            if let Some(who) = line.strip_prefix("deactivate ") {
                let d = depth.entry(who).or_insert(0);
                *d -= 1;
                assert!(*d >= 0, "{who} closed before it opened: {text}");
            }
        }
        assert!(depth.values().all(|&d| d == 0));
        // Every participant used is declared.
        for used in text.lines().filter_map(|l| l.trim().split("-)").next()) {
            if used.starts_with('S') && !used.contains(' ') {
                assert!(text.contains(&format!("participant {used} as")));
            }
        }
    }

    #[test]
    fn a_dead_letter_ends_in_a_cross() {
        let mut sim = Sim::airline(SimConfig::default());
        sim.run_preset(Preset::PoisonMessage).unwrap();
        sim.advance_by(60_000);
        sim.run_until_idle(100_000);
        let text = sequence_diagram(&sim, &all(&sim));
        assert!(text.contains("-x"), "{text}");
        assert!(text.contains("(attempt 2)"));
        assert!(text.contains("dead-lettered"));
    }

    #[test]
    fn syntax_in_names_and_labels_is_escaped() {
        assert_eq!(escape("a;b #1 %% <x>"), "a#59;b #35;1 #37;#37; #lt;x#gt;");
        assert_eq!(escape("the end of it"), "the (end) of it");
        assert_eq!(escape("two\nlines"), "two lines");
    }
}
