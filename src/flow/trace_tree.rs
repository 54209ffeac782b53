//! The Trace panel: the user action behind the selected message as a tree of causes and
//! effects, with each message's times (queue wait, processing, blocked on a query, total),
//! as Jaeger shows a trace's spans, and a bar placing each one on the action's timeline.

use super::chain::{Chain, ChainMark};
use super::sequence::kind_label;
use super::timing::{finished_at, stretches, totals, Doing, Totals};
use crate::listing::{destination_text, seconds};
use crate::markup::{Element, Node};
use crate::sim::{fixed, MessageId, Sim, SimTime};

/// One message in the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    pub id: MessageId,
    pub depth: usize,
    pub label: String,
    pub route: String,
    pub mark: ChainMark,
    pub totals: Totals,
    /// Where its time went, per service: "at loyalty: queued 0 s, processing 0.4 s, handled".
    pub details: Vec<String>,
    pub start: SimTime,
    pub end: SimTime,
}

/// The action's tree, depth first, each message's effects under it in the order they were
/// sent. Every message of the action is listed; its place in the chain is its mark.
pub fn trace_rows(sim: &Sim, chain: &Chain) -> Vec<TraceRow> {
    let action: Vec<_> = sim
        .messages()
        .filter(|m| m.correlation_id == chain.correlation)
        .collect();
    let mut rows = Vec::new();
    let mut stack = vec![(chain.root(), 0usize)];
    while let Some((id, depth)) = stack.pop() {
        let Some(message) = sim.message(id) else {
            continue;
        };
        let mut details = Vec::new();
        let parts = stretches(sim, message);
        let mut services = Vec::new();
        for s in &parts {
            if !services.contains(&s.service) {
                services.push(s.service);
            }
        }
        for service in services {
            let mut words = Vec::new();
            let mut outcome = None;
            for s in parts.iter().filter(|s| s.service == service) {
                let length = seconds(s.length(sim.now()));
                words.push(match s.doing {
                    Doing::Queued => format!("queued {length}"),
                    Doing::Processing if s.attempt > 1 => {
                        format!("processing {length} (attempt {})", s.attempt)
                    }
                    Doing::Processing => format!("processing {length}"),
                    Doing::Blocked => format!("blocked {length} waiting for the answer"),
                });
                outcome = s.outcome.or(outcome);
            }
            let mut line = format!("at {}: {}", sim.topology().id(service), words.join(", "));
            if let Some(outcome) = outcome {
                line.push_str(&format!(", {outcome}"));
            }
            details.push(line);
        }
        rows.push(TraceRow {
            id,
            depth,
            label: kind_label(message),
            route: format!(
                "{} → {}",
                sim.topology().id(message.source),
                destination_text(sim.topology(), message)
            ),
            mark: chain.mark(message).unwrap_or(ChainMark::Related),
            totals: totals(sim, message),
            details,
            start: message.timestamp,
            end: finished_at(sim, message).unwrap_or(sim.now()),
        });
        // Pushed newest first so the oldest effect is listed first.
        for child in action.iter().rev().filter(|m| m.causation_id == Some(id)) {
            stack.push((child.message_id, depth + 1));
        }
    }
    rows
}

/// The tree as markup: a `tree` whose items carry `data-message-id` and `data-chain`.
pub fn trace_markup(rows: &[TraceRow]) -> Node {
    let start = rows.iter().map(|r| r.start).min().unwrap_or(0);
    let end = rows.iter().map(|r| r.end).max().unwrap_or(start);
    let span = end.saturating_sub(start).max(1) as f64;
    let mut tree = Element::new("ol")
        .attr("class", "trace-tree")
        .attr("role", "tree")
        .attr("aria-label", "Causes and effects of the selected message");
    for row in rows {
        let t = &row.totals;
        let total = t.total.map_or_else(|| "under way".to_string(), seconds);
        let mut times = vec![format!("total {total}")];
        if t.queued > 0 {
            times.push(format!("queued {}", seconds(t.queued)));
        }
        if t.processing > 0 {
            times.push(format!("processing {}", seconds(t.processing)));
        }
        if t.blocked > 0 {
            times.push(format!("blocked {}", seconds(t.blocked)));
        }
        let left = (row.start - start) as f64 / span * 100.0;
        let width = ((row.end.saturating_sub(row.start)) as f64 / span * 100.0).max(0.5);
        let selected = row.mark == ChainMark::Selected;
        let mut item = Element::new("li")
            .attr("class", "trace-row")
            .attr("role", "treeitem")
            .attr("aria-level", (row.depth + 1).to_string())
            .attr("aria-selected", if selected { "true" } else { "false" })
            .attr("tabindex", if selected { "0" } else { "-1" })
            .attr("data-message-id", row.id.to_string())
            .attr("style", format!("--depth:{}", row.depth));
        item = match row.mark {
            ChainMark::Related => item.attr("data-related", "true"),
            mark => item.attr("data-chain", mark.as_str()),
        };
        item = item
            .child(
                Element::new("p")
                    .attr("class", "trace-title")
                    .child(Element::new("strong").text(row.label.clone()))
                    .text(format!(" #{} · {}", row.id, row.route)),
            )
            .child(
                Element::new("p")
                    .attr("class", "trace-times")
                    .text(times.join(" · ")),
            );
        for line in &row.details {
            item = item.child(
                Element::new("p")
                    .attr("class", "trace-detail")
                    .text(line.clone()),
            );
        }
        item = item.child(
            Element::new("div")
                .attr("class", "trace-span")
                .attr("aria-hidden", "true")
                .child(Element::new("span").attr(
                    "style",
                    format!(
                        "left:{}%;width:{}%",
                        fixed(left, 1),
                        fixed(width.min(100.0 - left), 1)
                    ),
                )),
        );
        tree = tree.child(item);
    }
    tree.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::to_html;
    use crate::sim::{MessageKind, Scenario, SimConfig};

    fn booked() -> Sim {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(Scenario::BookFl123.action()).unwrap();
        sim.run_until_idle(100_000);
        sim
    }

    #[test]
    fn the_tree_lists_the_whole_action_with_each_effect_under_its_cause() {
        let sim = booked();
        let created = sim
            .messages()
            .find(|m| m.type_name == "BookingCreated")
            .unwrap();
        let chain = Chain::of(&sim, created.message_id).unwrap();
        let rows = trace_rows(&sim, &chain);
        assert_eq!(rows.len(), sim.messages().count());
        assert_eq!(rows[0].depth, 0);
        assert_eq!(rows[0].mark, ChainMark::Cause);
        // Each row's parent is the nearest row above it one level up.
        for (i, row) in rows.iter().enumerate().skip(1) {
            let parent = rows[..i]
                .iter()
                .rev()
                .find(|r| r.depth + 1 == row.depth)
                .unwrap();
            assert_eq!(sim.message(row.id).unwrap().causation_id, Some(parent.id));
        }
        let query = rows
            .iter()
            .find(|r| sim.message(r.id).unwrap().kind == MessageKind::Query)
            .unwrap();
        assert!(query.totals.blocked > 0);
        assert_eq!(query.totals.total, Some(query.totals.blocked));
        let selected = rows.iter().find(|r| r.id == created.message_id).unwrap();
        assert_eq!(selected.mark, ChainMark::Selected);
        assert!(selected
            .details
            .iter()
            .any(|d| d.starts_with("at loyalty: queued")));
        let html = to_html(&[trace_markup(&rows)]);
        assert!(html.contains("role=\"treeitem\" aria-level=\"1\""));
        assert!(html.contains("data-chain=\"selected\""));
        assert!(html.contains("data-chain=\"effect\""));
        assert!(html.contains("total "));
    }
}
