//! The diagram as a table: one row per service with what it sends and receives, each by
//! kind, message and counterparty, and its status and queue now. The same topology and the
//! same per-service state the diagram draws from, as markup, so assistive technology reads
//! the system as a sighted user sees it.

use crate::diagram_markup::{status_text, NodeState};
use crate::markup::{Element, Node};
use crate::sim::{EdgeKind, Role, ServiceIdx, Topology};

/// The table's accessible name, its caption.
pub const TABLE_NAME: &str = "Diagram as a table";

/// One line of a Sends or Receives cell: "Event BookingCreated to Loyalty Points Service".
fn line(kind: EdgeKind, what: &str, direction: &str, who: &str) -> String {
    let kind = crate::diagram_markup::LEGEND_KINDS[kind as usize].1;
    format!("{kind} {what} {direction} {who}")
}

fn name_of(topology: &Topology, s: ServiceIdx) -> String {
    match topology.services().get(s) {
        Some(spec) if spec.role == Role::Broker => "the broker".into(),
        Some(spec) => spec.name.clone(),
        None => String::new(),
    }
}

fn names(topology: &Topology, services: impl Iterator<Item = ServiceIdx>) -> String {
    let names: Vec<String> = services.map(|s| name_of(topology, s)).collect();
    if names.is_empty() {
        return "nobody".into();
    }
    crate::listing::list(&names)
}

/// What `s` sends and what it receives, each message with its kind and counterparties:
/// the final consumer, not the broker in between, as the reader of the diagram follows it.
/// The broker's own row lists the edges in and out of it.
pub fn sends_and_receives(topology: &Topology, s: ServiceIdx) -> (Vec<String>, Vec<String>) {
    let services = topology.services();
    let Some(spec) = services.get(s) else {
        return Default::default();
    };
    let edges = topology.edges();
    let (mut sends, mut receives) = (Vec::new(), Vec::new());
    if spec.role == Role::Broker {
        for edge in &edges {
            let what = edge.types.join(", ");
            if edge.from == s {
                sends.push(line(edge.kind, &what, "to", &name_of(topology, edge.to)));
            }
            if edge.to == s {
                receives.push(line(
                    edge.kind,
                    &what,
                    "from",
                    &name_of(topology, edge.from),
                ));
            }
        }
        return (sends, receives);
    }
    let everyone = || 0..services.len();
    for command in &spec.sends {
        let handler = names(topology, topology.handler_of(command).into_iter());
        sends.push(line(EdgeKind::Command, command, "to", &handler));
    }
    for event in &spec.publishes {
        let subscribers = names(topology, topology.subscribers_of(event).into_iter());
        sends.push(line(EdgeKind::Event, event, "to", &subscribers));
    }
    for command in &spec.handles {
        let senders = everyone().filter(|&o| services[o].sends.contains(command));
        receives.push(line(
            EdgeKind::Command,
            command,
            "from",
            &names(topology, senders),
        ));
    }
    for event in &spec.subscribes {
        let publishers = everyone().filter(|&o| services[o].publishes.contains(event));
        receives.push(line(
            EdgeKind::Event,
            event,
            "from",
            &names(topology, publishers),
        ));
    }
    // A query's caller and server are joined by route shape, which the edges already did.
    for edge in edges.iter().filter(|e| e.kind == EdgeKind::Query) {
        for pattern in &edge.types {
            if edge.from == s {
                sends.push(line(
                    EdgeKind::Query,
                    pattern,
                    "to",
                    &name_of(topology, edge.to),
                ));
            }
            if edge.to == s {
                receives.push(line(
                    EdgeKind::Query,
                    pattern,
                    "from",
                    &name_of(topology, edge.from),
                ));
            }
        }
    }
    (sends, receives)
}

/// Each service's sends and receives, by index: what the table lists, which only a new model
/// changes, so the page works it out once.
pub fn every_service_lines(topology: &Topology) -> Vec<(Vec<String>, Vec<String>)> {
    (0..topology.services().len())
        .map(|s| sends_and_receives(topology, s))
        .collect()
}

/// The whole table, for the topology, each service's sends and receives
/// ([`every_service_lines`]) and each service's state now (the diagram's).
pub fn diagram_table(
    topology: &Topology,
    lines: &[(Vec<String>, Vec<String>)],
    nodes: &[NodeState],
) -> Node {
    let header = ["Service", "Status", "Queued", "Sends", "Receives"]
        .into_iter()
        .fold(Element::new("tr"), |row, name| {
            row.child(Element::new("th").attr("scope", "col").text(name))
        });
    let list = |items: &[String]| -> Node {
        if items.is_empty() {
            return Element::new("span")
                .attr("class", "none")
                .text("nothing")
                .into();
        }
        items
            .iter()
            .fold(Element::new("ul"), |ul, item| {
                ul.child(Element::new("li").text(item.clone()))
            })
            .into()
    };
    let mut body = Element::new("tbody");
    for (s, spec) in topology.services().iter().enumerate() {
        let now = nodes.get(s).copied().unwrap_or_default();
        let (sends, receives) = lines.get(s).map_or((&[][..], &[][..]), |(a, b)| (a, b));
        body = body.child(
            Element::new("tr")
                .attr("data-row-service", spec.id.clone())
                .child(
                    Element::new("th")
                        .attr("scope", "row")
                        .text(spec.name.clone()),
                )
                .child(Element::new("td").text(status_text(now.status)))
                .child(
                    Element::new("td")
                        .attr("class", "number")
                        .text(now.queued.to_string()),
                )
                .child(Element::new("td").child(list(sends)))
                .child(Element::new("td").child(list(receives))),
        );
    }
    Element::new("table")
        .attr("class", "diagram-table")
        .child(Element::new("caption").text(TABLE_NAME))
        .child(Element::new("thead").child(header))
        .child(body)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram_markup::DiagramState;
    use crate::markup::to_html;
    use crate::sim::{Scenario, Sim, SimConfig};

    #[test]
    fn each_service_lists_what_it_sends_and_receives_with_kinds_and_counterparties() {
        let sim = Sim::airline(SimConfig::default());
        let topology = sim.topology();
        let row = |id: &str| sends_and_receives(topology, topology.index_of(id).unwrap());
        let (sends, receives) = row("booking");
        assert!(sends.contains(
            &"Event BookingCreated to Loyalty Points Service and Flight Management Service"
                .to_string()
        ));
        assert!(receives.contains(&"Command CreateBooking from Mobile App".to_string()));
        assert!(sends
            .iter()
            .any(|s| s.starts_with("Query GET /api/flights/")
                && s.ends_with(" to Flight Management Service")));
        let (_, receives) = row("loyalty");
        assert!(receives.contains(&"Event BookingCreated from Booking Service".to_string()));
        assert!(receives
            .iter()
            .any(|r| r.starts_with("Query GET /api/loyalty/customers/")
                && r.ends_with(" from Mobile App")));
        let (sends, receives) = row("broker");
        assert!(sends.iter().any(|s| s.starts_with("Command ")
            && s.contains("CreateBooking")
            && s.ends_with(" to Booking Service")));
        assert!(receives.iter().any(|r| r.starts_with("Event ")
            && r.contains("BookingCreated")
            && r.ends_with(" from Booking Service")));
    }

    #[test]
    fn the_table_follows_the_simulation() {
        let mut sim = Sim::airline(SimConfig::default());
        let booking = sim.topology().index_of("booking").unwrap();
        for _ in 0..3 {
            sim.act(Scenario::BookFl123.action()).unwrap();
        }
        // Until the first booking is handled, the others wait in Booking's queue.
        while sim.queue_depth(booking) < 2 {
            assert!(!sim.step().is_empty(), "the bookings queue up");
        }
        let depth = sim.queue_depth(booking);
        let state = DiagramState::of(&sim, None, None);
        let lines = every_service_lines(sim.topology());
        let html = to_html(&[diagram_table(sim.topology(), &lines, &state.nodes)]);
        assert!(html
            .starts_with("<table class=\"diagram-table\"><caption>Diagram as a table</caption>"));
        assert_eq!(
            html.matches("<th scope=\"row\">").count(),
            sim.topology().services().len()
        );
        let row = html
            .split("<tr data-row-service=\"booking\">")
            .nth(1)
            .unwrap();
        let row = row.split("</tr>").next().unwrap();
        assert!(
            row.contains(&format!("<td class=\"number\">{depth}</td>")),
            "Booking's queue, {depth}: {row}"
        );
        let status = status_text(state.nodes[booking].status);
        assert!(row.contains(&format!("<td>{status}</td>")), "{row}");
    }
}
