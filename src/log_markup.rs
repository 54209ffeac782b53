//! The message log's rows as markup: a row per message, a row per delivery worth telling
//! (retries, duplicates, dead-letterings), and a folded run of refusals that opens on
//! demand. Pure, so what a row says is tested natively; the log patches it into the page.

use crate::flow::chain::{Chain, ChainMark};
use crate::listing::{
    grouped, kind_badge, LogFilter, LogItem, LogRow, NO_MESSAGES, NO_MESSAGES_NOTE,
};
use crate::markup::{to_html, Element, Node};
use crate::sim::MessageId;

/// The rows for `items`, with `selected` marked, each row's place in the selected
/// message's causal `chain` marked, and the folds whose first message is in `open` opened.
pub fn log_markup(
    items: &[LogItem],
    selected: Option<MessageId>,
    chain: Option<&Chain>,
    open: &[MessageId],
) -> Vec<Node> {
    let mut nodes = Vec::new();
    for item in items {
        match item {
            LogItem::One(row) => row_markup(&mut nodes, row, selected, chain),
            LogItem::Refusals { text, rows } => {
                let Some(first) = rows.first().map(|r| r.id) else {
                    continue;
                };
                let is_open = open.contains(&first);
                let last_time = rows.last().map(|r| r.time.clone()).unwrap_or_default();
                let mut fold = Element::new("li")
                    .attr("class", "log-fold")
                    .attr("data-fold", first.to_string())
                    .attr("data-count", rows.len().to_string())
                    .child(
                        Element::new("button")
                            .attr("type", "button")
                            .attr("aria-expanded", is_open.to_string())
                            .child(span(
                                "kind-badge kind-refused",
                                format!("× {}", grouped(rows.len())),
                            ))
                            .child(span("log-type", text.clone()))
                            .child(span("log-time", last_time))
                            .child(span(
                                "log-route",
                                if is_open {
                                    "Fold them"
                                } else {
                                    "Show each one"
                                },
                            )),
                    );
                if is_open {
                    let mut folded = Vec::new();
                    for row in rows {
                        row_markup(&mut folded, row, selected, chain);
                    }
                    let mut list = Element::new("ol").attr("class", "log-folded");
                    list.children = folded;
                    fold = fold.child(list);
                }
                nodes.push(fold.into());
            }
        }
    }
    nodes
}

/// The log's header: its title and filters, by kind, by service (`services`, the model's
/// ids) and in flight only, set as `filter` says. Each control names itself in
/// `data-filter` for the log's one change handler.
pub fn log_header(services: &[String], filter: &LogFilter) -> String {
    let select =
        |name: &str, label: &str, chosen: &str, options: &mut dyn Iterator<Item = (&str, &str)>| {
            let mut select = Element::new("select")
                .attr("data-filter", name)
                .attr("aria-label", label);
            for (value, text) in options {
                select = select.child(
                    Element::new("option")
                        .attr("value", value)
                        .attr_if(value == chosen, "selected", "")
                        .text(text),
                );
            }
            Node::from(select)
        };
    let kinds = [
        ("all", "All kinds"),
        ("command", "Commands"),
        ("event", "Events"),
        ("query", "Queries"),
    ];
    format!(
        r#"<h2>Message log</h2><div class="log-filters">{}</div>"#,
        to_html(&[
            select(
                "kind",
                "Filter by kind",
                filter.kind.value(),
                &mut kinds.into_iter()
            ),
            select(
                "service",
                "Filter by service",
                filter.service.as_deref().unwrap_or_default(),
                &mut std::iter::once(("", "All services"))
                    .chain(services.iter().map(|id| (id.as_str(), id.as_str()))),
            ),
            Element::new("label")
                .attr("class", "log-in-flight")
                .child(
                    Element::new("input")
                        .attr("type", "checkbox")
                        .attr("data-filter", "in-flight")
                        .attr_if(filter.in_flight_only, "checked", ""),
                )
                .text("In flight")
                .into(),
        ])
    )
}

/// The pager: the page's `count`, then its buttons, each named in `data-pager` by its index
/// in the log's list of them; `nowhere` when none of them leads anywhere. `aria-disabled`
/// rather than `disabled`: a button that disables itself under the keyboard would drop the
/// focus to the page.
pub fn pager_markup(count: &str, nowhere: bool) -> String {
    let buttons = [
        ("Older", "The page of older messages"),
        ("Newer", "The page of newer messages"),
        (
            "Newest",
            "The newest messages, following new ones as they come",
        ),
    ];
    let mut nodes = vec![Node::from(
        Element::new("p").attr("class", "log-count").text(count),
    )];
    for (index, (name, title)) in buttons.into_iter().enumerate() {
        nodes.push(
            Element::new("button")
                .attr("type", "button")
                .attr("data-pager", index.to_string())
                .attr("title", title)
                .attr_if(nowhere, "aria-disabled", "true")
                .text(name)
                .into(),
        );
    }
    to_html(&nodes)
}

/// Where the rows go: the note when no row shows, then the list.
pub fn rows_frame(note: &str) -> String {
    format!(
        r#"<p class="log-empty">{}</p><ol class="log-entries"></ol>"#,
        to_html(&[Node::Text(note.into())])
    )
}

/// The log before the engine, which brings it, has arrived: nothing has run, so it is the
/// log's empty page, the same elements in the same places, with `filter` as set meanwhile.
pub fn log_at_rest(services: &[String], filter: &LogFilter) -> String {
    format!(
        concat!(
            r#"<header class="panel-header">{}</header>"#,
            r#"<div class="log-pager" role="group" aria-label="Log pages">{}</div>"#,
            r#"<div class="log-body"><div class="log-scroll">{}</div>"#,
            r#"<button type="button" class="log-new" data-newest hidden></button></div>"#,
        ),
        log_header(services, filter),
        pager_markup(NO_MESSAGES, true),
        rows_frame(NO_MESSAGES_NOTE),
    )
}

fn span(class: impl Into<String>, text: impl Into<String>) -> Element {
    Element::new("span").attr("class", class).text(text)
}

/// A message's row, then a row for each of its deliveries worth telling.
fn row_markup(
    nodes: &mut Vec<Node>,
    row: &LogRow,
    selected: Option<MessageId>,
    chain: Option<&Chain>,
) {
    let is_selected = selected == Some(row.id);
    let kind = row.kind.as_str();
    let mut entry = Element::new("li")
        .attr(
            "class",
            if is_selected {
                "log-entry selected"
            } else {
                "log-entry"
            },
        )
        .attr("data-message-id", row.id.to_string())
        .attr("data-kind", kind)
        .attr("data-type", row.type_name.clone())
        .attr("data-outcome", row.status);
    entry = match chain.and_then(|c| c.mark_of(row.id, row.correlation)) {
        Some(ChainMark::Related) => entry.attr("data-related", "true"),
        Some(mark) => entry.attr("data-chain", mark.as_str()),
        None => entry,
    };
    entry = entry.child(
        Element::new("button")
            .attr("type", "button")
            .attr_if(is_selected, "aria-current", "true")
            .child(span(
                format!("kind-badge kind-{kind}"),
                kind_badge(row.kind),
            ))
            .child(span("log-type", row.type_name.clone()))
            .child(span("log-time", row.time.clone()))
            .child(span("log-route", format!("{} → {}", row.from, row.to)))
            .child(span("log-outcome", row.outcome.clone()).attr("title", row.outcome.clone())),
    );
    if is_selected {
        // Out of sight until the keyboard reaches it (see the stylesheet).
        entry = entry.child(
            Element::new("button")
                .attr("type", "button")
                .attr("class", "to-payload")
                .attr("data-read-payload", "")
                .text("Read its payload"),
        );
    }
    nodes.push(entry.into());
    for delivery in &row.deliveries {
        nodes.push(
            Element::new("li")
                .attr(
                    "class",
                    if is_selected {
                        "log-entry delivery-row selected"
                    } else {
                        "log-entry delivery-row"
                    },
                )
                .attr("data-message-id", row.id.to_string())
                .attr("data-attempt", delivery.attempt.to_string())
                .attr("data-outcome", delivery.status)
                .child(Element::new("button").attr("type", "button").child(span(
                    "log-attempt",
                    format!("↳ #{} {}", row.id, delivery.text),
                )))
                .into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::tests::row;
    use crate::listing::{fold_refusals, DeliveryLine};
    use crate::markup::to_html;

    fn element(node: &Node) -> &Element {
        match node {
            Node::Element(e) => e,
            Node::Text(t) => panic!("text {t:?} where an element was expected"),
        }
    }

    #[test]
    fn a_row_carries_the_automation_contract_and_its_words() {
        let nodes = log_markup(
            &[LogItem::One(row(7, "CreateBooking", "handled"))],
            None,
            None,
            &[],
        );
        assert_eq!(nodes.len(), 1);
        let li = element(&nodes[0]);
        assert_eq!(li.get("class"), Some("log-entry"));
        assert_eq!(li.get("data-message-id"), Some("7"));
        assert_eq!(li.get("data-kind"), Some("command"));
        assert_eq!(li.get("data-type"), Some("CreateBooking"));
        assert_eq!(li.get("data-outcome"), Some("handled"));
        let html = to_html(&nodes);
        for words in [
            "CMD",
            "CreateBooking",
            "12:00:01.000",
            "mobile-app → booking",
        ] {
            assert!(html.contains(words), "{words} in {html}");
        }
        assert!(!html.contains("aria-current") && !html.contains("Read its payload"));
    }

    #[test]
    fn the_selected_row_is_marked_and_offers_its_payload() {
        let mut selected = row(7, "CreateBooking", "handled");
        selected.deliveries.push(DeliveryLine {
            attempt: 2,
            status: "handled",
            text: "retry 2 handled".into(),
        });
        let items = [
            LogItem::One(row(6, "BookingCreated", "handled")),
            LogItem::One(selected),
        ];
        let nodes = log_markup(&items, Some(7), None, &[]);
        assert_eq!(nodes.len(), 3, "two rows and the selected one's delivery");
        let li = element(&nodes[1]);
        assert_eq!(li.get("class"), Some("log-entry selected"));
        let button = element(&li.children[0]);
        assert_eq!(button.get("aria-current"), Some("true"));
        assert_eq!(element(&li.children[1]).get("class"), Some("to-payload"));
        let delivery = element(&nodes[2]);
        assert_eq!(
            delivery.get("class"),
            Some("log-entry delivery-row selected")
        );
        assert_eq!(delivery.get("data-attempt"), Some("2"));
        assert!(to_html(&nodes[2..]).contains("↳ #7 retry 2 handled"));
        assert_eq!(element(&nodes[0]).get("class"), Some("log-entry"));
    }

    #[test]
    fn a_run_of_refusals_folds_and_opens_on_demand() {
        let rows: Vec<LogRow> = (1..=4)
            .map(|id| row(id, "CreateBooking", "refused: booking's queue is full"))
            .collect();
        let items = fold_refusals(&rows);
        let closed = log_markup(&items, None, None, &[]);
        assert_eq!(closed.len(), 1);
        let fold = element(&closed[0]);
        assert_eq!(fold.get("data-fold"), Some("1"));
        assert_eq!(fold.get("data-count"), Some("4"));
        assert!(to_html(&closed).contains("Show each one"));
        assert_eq!(fold.children.len(), 1, "closed: no rows inside");

        let opened = log_markup(&items, None, None, &[1]);
        let fold = element(&opened[0]);
        assert!(to_html(&opened).contains("Fold them"));
        let list = element(&fold.children[1]);
        assert_eq!(list.get("class"), Some("log-folded"));
        assert_eq!(list.children.len(), 4);
    }

    #[test]
    fn the_filters_name_themselves_and_offer_each_service_as_text() {
        let html = log_header(
            &["booking".into(), "<b>x</b>".into()],
            &LogFilter::default(),
        );
        for part in [
            r#"<select data-filter="kind" aria-label="Filter by kind"><option value="all" selected="">All kinds</option>"#,
            r#"<option value="query">Queries</option></select>"#,
            r#"<select data-filter="service" aria-label="Filter by service"><option value="" selected="">All services</option><option value="booking">booking</option>"#,
            r#"<option value="&lt;b&gt;x&lt;/b&gt;">&lt;b&gt;x&lt;/b&gt;</option></select>"#,
            r#"<label class="log-in-flight"><input type="checkbox" data-filter="in-flight">In flight</label>"#,
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
    }

    #[test]
    fn names_from_a_model_stay_text() {
        let hostile = "<img src=x onerror=alert(1)>";
        let nodes = log_markup(&[LogItem::One(row(1, hostile, "handled"))], None, None, &[]);
        let html = to_html(&nodes);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn rows_carry_their_place_in_the_selected_chain() {
        use crate::flow::chain::Chain;
        let chain = Chain {
            selected: 2,
            correlation: 1,
            causes: vec![1],
            effects: vec![3],
        };
        let mut other = row(5, "Other", "handled");
        other.correlation = 2;
        let items: Vec<LogItem> = [
            row(1, "A", "handled"),
            row(2, "B", "handled"),
            row(3, "C", "handled"),
            row(4, "D", "handled"),
            other,
        ]
        .into_iter()
        .map(LogItem::One)
        .collect();
        let nodes = log_markup(&items, Some(2), Some(&chain), &[]);
        let marks: Vec<(Option<&str>, Option<&str>)> = nodes
            .iter()
            .map(|n| (element(n).get("data-chain"), element(n).get("data-related")))
            .collect();
        assert_eq!(
            marks,
            vec![
                (Some("cause"), None),
                (Some("selected"), None),
                (Some("effect"), None),
                (None, Some("true")),
                (None, None)
            ]
        );
    }

    #[test]
    fn the_filters_show_what_is_set() {
        let filter = LogFilter::default()
            .changed(Some("kind"), "event".into(), false)
            .changed(Some("service"), "booking".into(), false)
            .changed(None, String::new(), true);
        let html = log_header(&["booking".into(), "loyalty".into()], &filter);
        assert!(
            html.contains(r#"<option value="event" selected="">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<option value="booking" selected="">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<input type="checkbox" data-filter="in-flight" checked="">"#),
            "{html}"
        );
        assert_eq!(html.matches("selected").count(), 2, "{html}");
        let cleared = filter.changed(Some("service"), String::new(), false);
        assert_eq!(cleared.service, None);
        assert_eq!(cleared.kind, crate::listing::KindFilter::Events);
    }

    #[test]
    fn the_log_at_rest_says_what_the_empty_log_says() {
        use crate::listing::{empty_note, summary, LogPage};
        let empty = LogPage::default();
        let filter = LogFilter::default();
        let html = log_at_rest(&["booking".into()], &filter);
        let count = format!(r#"<p class="log-count">{}</p>"#, summary(&empty));
        assert!(html.contains(&count), "{html}");
        let note = empty_note(&empty, &filter, 5_000).expect("a note on an empty page");
        assert!(html.contains(&rows_frame(&note)), "{html}");
        assert_eq!(html.matches(r#"aria-disabled="true""#).count(), 3, "{html}");
        assert!(html.contains(&log_header(&["booking".into()], &filter)));
    }
}
