//! The diagram's nodes and edges as markup, from the topology, its geometry and what each
//! service is doing. One pure function serves the live page (patched in by the diagram
//! each time its lane refreshes) and the build, which writes the default model's diagram
//! into `index.html` so that it is on screen at first paint.

use crate::diagram_focus::DiagramItem;
use crate::geometry::{
    name_lines, node_half_size, DiagramGeometry, Route, Viewport, BUSY_ABOVE, CROWDED_ABOVE,
};
use crate::markup::{Element, Node};
use crate::sim::{
    fixed, EdgeKind, KindRule, Role, ServiceIdx, ServiceStatus, Sim, SimTime, Topology,
};

/// Above this many edges the per-edge labels would bury the diagram, so they are left to
/// the service inspector.
const MAX_LABELLED_EDGES: usize = 40;
/// The broker counts refusals over this much simulated time.
pub const REFUSAL_WINDOW_MS: SimTime = 5_000;
/// A service name's line height and average character width, in view units, at the
/// node name's font size.
const NAME_LINE_HEIGHT: f64 = 14.0;
const NAME_CHAR_WIDTH: f64 = 7.6;
/// The same in a busy diagram's smaller type (10 px against 12.5 px).
const BUSY_NAME_LINE_HEIGHT: f64 = 11.0;
const BUSY_NAME_CHAR_WIDTH: f64 = 6.1;

/// What one service shows on its box.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NodeState {
    pub status: ServiceStatus,
    /// Messages waiting for it; the broker's box counts every queue.
    pub queued: usize,
    pub dead_letters: usize,
    /// The broker's refusals in the last [`REFUSAL_WINDOW_MS`].
    pub refused: usize,
}

/// Everything on the diagram that changes as the simulation runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiagramState {
    pub nodes: Vec<NodeState>,
    pub selected: Option<ServiceIdx>,
    /// The marked message's route: its edges drawn thicker and labelled.
    pub marked: Option<Route>,
    /// The selected message's causal chain: each edge its causes, itself or its effects
    /// travelled, by index, with the nearest relation (`data-chain`: selected, cause or
    /// effect; see `flow::chain::chain_edges`).
    pub chain: Vec<(usize, &'static str)>,
    /// Where the keyboard stands in the diagram: that item is the diagram's one tab stop
    /// (the first service until the keyboard moves).
    pub focus: Option<DiagramItem>,
    /// The part of the diagram on screen (zoom and pan).
    pub viewport: Viewport,
}

impl DiagramState {
    /// Before anything has happened: every service idle, nothing queued or selected.
    pub fn at_rest(services: usize) -> Self {
        Self {
            nodes: vec![NodeState::default(); services],
            ..Self::default()
        }
    }

    /// What the simulation shows now.
    pub fn of(sim: &Sim, selected: Option<ServiceIdx>, marked: Option<Route>) -> Self {
        let topology = sim.topology();
        let since = sim.now().saturating_sub(REFUSAL_WINDOW_MS);
        let nodes = (0..topology.services().len())
            .map(|index| {
                let broker = topology.role(index) == Some(Role::Broker);
                NodeState {
                    status: sim.service_status(index),
                    queued: if broker {
                        sim.queue_depths().iter().sum()
                    } else {
                        sim.queue_depth(index)
                    },
                    dead_letters: sim.dead_letter_count(index),
                    refused: if broker {
                        sim.broker_refusals_since(since)
                    } else {
                        0
                    },
                }
            })
            .collect();
        Self {
            nodes,
            selected,
            marked,
            chain: Vec::new(),
            focus: None,
            viewport: Viewport::default(),
        }
    }
}

/// The whole diagram: the SVG, its arrowheads, and inside it the edges and nodes.
pub fn diagram_svg(topology: &Topology, geometry: &DiagramGeometry, state: &DiagramState) -> Node {
    let count = topology.services().len();
    let crowded = count > CROWDED_ABOVE;
    let mut class = match (crowded, count > BUSY_ABOVE) {
        (true, _) => "diagram-svg crowded",
        (false, true) => "diagram-svg busy",
        _ => "diagram-svg",
    }
    .to_string();
    if !state.chain.is_empty() {
        class.push_str(" has-chain");
    }
    let marker =
        |id: &'static str, view_box: &'static str, refx: &'static str, size: &'static str| {
            Element::new("marker")
                .attr("id", id)
                .attr("viewBox", view_box)
                .attr("refX", refx)
                .attr("refY", if view_box.ends_with("12") { "6" } else { "5" })
                .attr("markerWidth", size)
                .attr("markerHeight", size)
                .attr(
                    "orient",
                    if id == "end-nobody" {
                        "auto"
                    } else {
                        "auto-start-reverse"
                    },
                )
        };
    let shape = |tag: &'static str, class: &'static str| Element::new(tag).attr("class", class);
    let defs = Element::new("defs")
        .child(
            marker("end-command", "0 0 10 10", "9", "7")
                .child(shape("path", "marker-command").attr("d", "M0 0 L10 5 L0 10 z")),
        )
        .child(
            marker("end-event", "0 0 10 10", "9", "8")
                .child(shape("path", "marker-event").attr("d", "M1 1 L9 5 L1 9")),
        )
        .child(
            marker("end-query", "0 0 10 10", "9", "7")
                .child(shape("path", "marker-query").attr("d", "M1 5 L5 1 L9 5 L5 9 z")),
        )
        .child(
            marker("start-query", "0 0 10 10", "2", "6").child(
                shape("circle", "marker-query-start")
                    .attr("cx", "5")
                    .attr("cy", "5")
                    .attr("r", "3.5"),
            ),
        )
        .child(
            marker("end-nobody", "0 0 12 12", "6", "10")
                .child(
                    shape("circle", "marker-nobody")
                        .attr("cx", "6")
                        .attr("cy", "6")
                        .attr("r", "4.5"),
                )
                .child(shape("path", "marker-nobody").attr("d", "M3 9 L9 3")),
        );
    let mut contents = Element::new("g").attr("class", "diagram-contents");
    contents.children = diagram_markup(topology, geometry, state);
    Element::new("svg")
        .attr("class", class)
        .attr("viewBox", state.viewport.view_box())
        .attr("role", "group")
        .attr(
            "aria-label",
            "Diagram of the services and how they interact",
        )
        .child(defs)
        .child(contents)
        .into()
}

/// Each kind of edge: its name, how it looks, and what it means.
pub const LEGEND_KINDS: [(EdgeKind, &str, &str, &str); 3] = [
    (
        EdgeKind::Command,
        "Command",
        "solid line, filled arrow, square token",
        "to exactly one handler; the sender goes on",
    ),
    (
        EdgeKind::Event,
        "Event",
        "dashed line, open arrow, round token",
        "a fact, to every subscriber (maybe none)",
    ),
    (
        EdgeKind::Query,
        "Query",
        "dotted line, diamond ends, triangle token out, hollow triangle back",
        "request and answer; the caller waits",
    ),
];

/// The legend's items: each kind of edge by line, arrowhead and token shape, and a
/// service's busy and waiting states by icon, so the diagram reads without colour.
pub fn legend_markup() -> Vec<Node> {
    let kinds = LEGEND_KINDS;
    let words = |item: Element, name: &str, meaning: &str| {
        item.child(Element::new("span").attr("class", "legend-name").text(name))
            .child(
                Element::new("span")
                    .attr("class", "legend-meaning")
                    .text(meaning),
            )
    };
    let sample_svg = |view_box: &'static str, size: &'static str| {
        Element::new("svg")
            .attr("viewBox", view_box)
            .attr("width", size)
            .attr("height", size)
            .attr("aria-hidden", "true")
    };
    let mut items: Vec<Node> = kinds
        .into_iter()
        .map(|(kind, name, look, meaning)| {
            let kind_name = kind.as_str();
            let item = Element::new("li")
                .attr("class", format!("legend-item legend-{kind_name}"))
                .attr("data-kind", kind_name)
                .attr("title", look)
                .child(
                    Element::new("svg")
                        .attr("class", "legend-sample")
                        .attr("viewBox", "0 0 64 16")
                        .attr("width", "64")
                        .attr("height", "16")
                        .attr("aria-hidden", "true")
                        .child(
                            Element::new("path")
                                .attr("class", format!("edge-line edge-{kind_name}"))
                                .attr("d", "M9 8 L54 8")
                                .attr("stroke-dasharray", dash_pattern(kind))
                                .attr("marker-end", format!("url(#end-{kind_name})"))
                                .attr_if(
                                    kind == EdgeKind::Query,
                                    "marker-start",
                                    "url(#start-query)",
                                ),
                        ),
                )
                .child(
                    sample_svg("-9 -9 18 18", "16")
                        .attr("class", "legend-token")
                        .child(
                            Element::new("path")
                                .attr("class", format!("token-shape token-{kind_name}"))
                                .attr("d", token_shape(kind)),
                        ),
                );
            words(item, name, meaning).into()
        })
        .collect();
    for (status, name, meaning, d) in [
        ("busy", "Busy", "handling a message", "M-4 -5 L5 0 L-4 5 Z"),
        (
            "waiting",
            "Waiting",
            "blocked on a query's answer",
            "M-4 -6 L4 -6 L0 0 L4 6 L-4 6 L0 0 Z",
        ),
    ] {
        let item = Element::new("li")
            .attr("class", "legend-item legend-status")
            .attr("data-status", status)
            .child(
                sample_svg("-7 -7 14 14", "14").child(
                    Element::new("path")
                        .attr("class", format!("status-icon-sample {status}-sample"))
                        .attr("d", d),
                ),
            );
        items.push(words(item, name, meaning).into());
    }
    items
}

/// An edge's accessible name: its kind and ends, then the label it shows (which shortens
/// long routes), then, if the label shortened them, every message in full.
fn edge_name(kind: &str, from: &str, to: &str, shown: Option<&str>, types: &[String]) -> String {
    let all = types.join(", ");
    match shown {
        Some(shown) if shown != all => format!("{kind} from {from} to {to}: {shown} ({all})"),
        _ => format!("{kind} from {from} to {to}: {all}"),
    }
}

/// A kind in words, capitalised, for labels read aloud.
fn kind_word(kind: EdgeKind) -> &'static str {
    LEGEND_KINDS[kind as usize].1
}

/// The token's shape, as the canvas draws it: a square, a circle, a triangle.
pub fn token_shape(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Command => "M-6 -6 H6 V6 H-6 Z",
        EdgeKind::Event => "M6 0 A6 6 0 1 1 -6 0 A6 6 0 1 1 6 0 Z",
        EdgeKind::Query => "M0 -7.5 L7 5.5 L-7 5.5 Z",
    }
}

/// The diagram's edges and nodes: `<g class="edges">` and `<g class="nodes">`.
pub fn diagram_markup(
    topology: &Topology,
    geometry: &DiagramGeometry,
    state: &DiagramState,
) -> Vec<Node> {
    let services = topology.services();
    let id_of = |i: ServiceIdx| services.get(i).map(|s| s.id.clone()).unwrap_or_default();
    let labelled = geometry.edges.len() <= MAX_LABELLED_EDGES;
    // One tab stop for the whole diagram; the arrow keys move it (see `diagram_focus`).
    let stop = state.focus.unwrap_or(DiagramItem::Service(0));
    let tab_index = |item: DiagramItem| if item == stop { "0" } else { "-1" };
    let name_of = |i: ServiceIdx| match services.get(i) {
        Some(spec) if spec.role == Role::Broker => "the broker".to_string(),
        Some(spec) => spec.name.clone(),
        None => String::new(),
    };
    let marks_edge = |index: usize| {
        state
            .marked
            .as_ref()
            .is_some_and(|route| route.edges.contains(&index))
    };

    let mut edges = Element::new("g").attr("class", "edges");
    for drawn in &geometry.edges {
        let kind = drawn.edge.kind.as_str();
        let index = drawn.index;
        let d = drawn.path.svg_d();
        let mut group = Element::new("g")
            .attr(
                "class",
                marked_class(&format!("edge edge-{kind}"), marks_edge(index)),
            )
            .attr("data-kind", kind)
            .attr("data-from", id_of(drawn.edge.from))
            .attr("data-to", id_of(drawn.edge.to))
            .attr("data-types", drawn.edge.types.join(","))
            .attr("data-edge-index", index.to_string())
            .attr("role", "button")
            .attr("tabindex", tab_index(DiagramItem::Edge(index)))
            .attr(
                "aria-label",
                edge_name(
                    kind_word(drawn.edge.kind),
                    &name_of(drawn.edge.from),
                    &name_of(drawn.edge.to),
                    labelled.then_some(drawn.label.as_str()),
                    &drawn.edge.types,
                ),
            );
        if let Some((_, mark)) = state.chain.iter().find(|(edge, _)| *edge == index) {
            group = group.attr("data-chain", *mark);
        }
        // The most doubtful rule among the edge's messages, so a guess is never hidden; the
        // model editor says each rule in words.
        let doubt = drawn
            .edge
            .types
            .iter()
            .filter_map(|t| topology.kind_rule(t))
            .max_by_key(|r| doubt_rank(*r));
        if let Some(doubt) = doubt {
            group = group.attr("data-kind-rule", doubt.as_str());
        }
        group = group
            .child(
                Element::new("path")
                    .attr("class", "edge-hit")
                    .attr("d", d.clone()),
            )
            .child(
                Element::new("path")
                    .attr("class", "edge-line")
                    .attr("d", d)
                    .attr("stroke-dasharray", dash_pattern(drawn.edge.kind))
                    .attr("marker-end", format!("url(#end-{kind})"))
                    .attr_if(
                        drawn.edge.kind == EdgeKind::Query,
                        "marker-start",
                        "url(#start-query)",
                    ),
            );
        if labelled {
            let label_id = format!("edge-label-path-{index}");
            group = group
                .child(
                    Element::new("path")
                        .attr("id", label_id.clone())
                        .attr("class", "label-path")
                        .attr("d", drawn.label_path.svg_d()),
                )
                .child(
                    Element::new("text")
                        .attr("class", "edge-label")
                        .attr("dy", "-4")
                        .child(
                            Element::new("textPath")
                                .attr("href", format!("#{label_id}"))
                                .attr(
                                    "startOffset",
                                    format!("{}%", fixed(drawn.label_along * 100.0, 1)),
                                )
                                .attr("text-anchor", "middle")
                                .text(drawn.label.clone()),
                        ),
                );
        }
        edges = edges.child(group);
    }
    let broker_id = topology.broker().map(id_of).unwrap_or_default();
    for (stub, (event, path)) in geometry.dead_ends.iter().enumerate() {
        let marked = state
            .marked
            .as_ref()
            .is_some_and(|route| route.dead_end == Some(stub));
        edges = edges.child(
            Element::new("g")
                .attr("class", marked_class("edge edge-event dead-end", marked))
                .attr("data-kind", "event")
                .attr("data-from", broker_id.clone())
                .attr("data-to", "")
                .attr("data-types", event.clone())
                .child(
                    Element::new("path")
                        .attr("class", "edge-hit")
                        .attr("d", path.svg_d()),
                )
                .child(
                    Element::new("path")
                        .attr("class", "edge-line")
                        .attr("d", path.svg_d())
                        .attr("stroke-dasharray", dash_pattern(EdgeKind::Event))
                        .attr("marker-end", "url(#end-nobody)"),
                )
                .child(
                    Element::new("text")
                        .attr("class", "edge-label dead-end-label")
                        .attr("x", fixed(path.end.x + 12.0, 1))
                        .attr("y", fixed(path.end.y + 4.0, 1))
                        .text(format!("{event}: no subscribers")),
                ),
        );
    }

    let count = services.len();
    let crowded = count > CROWDED_ABOVE;
    // A busy diagram (13 to 30 services) writes names smaller, on up to three lines.
    let busy = count > BUSY_ABOVE && !crowded;
    let (line_height, char_width) = if busy {
        (BUSY_NAME_LINE_HEIGHT, BUSY_NAME_CHAR_WIDTH)
    } else {
        (NAME_LINE_HEIGHT, NAME_CHAR_WIDTH)
    };
    let mut nodes = Element::new("g").attr("class", "nodes");
    for (index, spec) in services.iter().enumerate() {
        let at = geometry.nodes[index];
        let (hw, hh) = node_half_size(spec.role, count);
        let now = state.nodes.get(index).copied().unwrap_or_default();
        // Long names take two lines (three in a busy diagram) rather than spill out.
        let lines = if crowded {
            vec![spec.name.clone()]
        } else {
            name_lines(&spec.name, ((2.0 * hw - 10.0) / char_width) as usize)
        };
        let extra_lines = lines.len().saturating_sub(1) as f64;
        let name_y = -4.0 - line_height / 2.0 * extra_lines;
        let status_y = if busy { 12.0 } else { 15.0 } + line_height / 2.0 * extra_lines;
        let mut class = String::from("node");
        for (on, name) in [
            (spec.role == Role::Broker, " broker"),
            (spec.role == Role::Client, " client"),
            (now.status == ServiceStatus::Busy, " busy"),
            (now.status == ServiceStatus::Waiting, " waiting"),
            (now.status == ServiceStatus::Down, " down"),
            (state.selected == Some(index), " selected"),
        ] {
            if on {
                class.push_str(name);
            }
        }
        let mut name = Element::new("text")
            .attr("class", "node-name")
            .attr("text-anchor", "middle");
        for (i, line) in lines.into_iter().enumerate() {
            // A space between the lines, which SVG does not draw: a reader of the text
            // (and the check that the name matches it) sees two words, not one.
            if i > 0 {
                name = name.text(" ");
            }
            name = name.child(
                Element::new("tspan")
                    .attr("x", "0")
                    .attr("y", fixed(name_y + line_height * i as f64, 1))
                    .text(line),
            );
        }
        let status = status_text(now.status);
        // The icon beside the status says the rest; the full words are in the node's
        // accessible name and `data-status`.
        let short = match now.status {
            ServiceStatus::Waiting => "waiting",
            other => status_text(other),
        };
        let status_line = if now.queued > 0 {
            format!("{short} · {} queued", now.queued)
        } else {
            short.to_string()
        };
        // The accessible name says what the box shows, in the order it shows it, and then
        // what only the icons and the colours tell.
        let mut label = format!("{}: {status_line}", spec.name);
        if now.dead_letters > 0 {
            label.push_str(&format!(", {} dead letters", now.dead_letters));
        }
        if spec.role == Role::Broker && now.refused > 0 {
            label.push_str(&format!(
                ", {} refused in the last {} s: queues full",
                now.refused,
                REFUSAL_WINDOW_MS / 1000
            ));
        }
        if now.status == ServiceStatus::Waiting {
            label.push_str(", blocked until a query is answered");
        }
        let mut node = Element::new("g")
            .attr("class", class)
            .attr("data-service", spec.id.clone())
            .attr("data-service-index", index.to_string())
            .attr("data-status", status)
            .attr("data-queue-depth", now.queued.to_string())
            .attr("data-dead-letters", now.dead_letters.to_string())
            .attr("transform", translate(at.x, at.y))
            .attr("role", "button")
            .attr("tabindex", tab_index(DiagramItem::Service(index)))
            .attr("aria-label", label)
            .child(
                Element::new("rect")
                    .attr("class", "node-box")
                    .attr("x", fixed(-hw, 1))
                    .attr("y", fixed(-hh, 1))
                    .attr("width", fixed(2.0 * hw, 1))
                    .attr("height", fixed(2.0 * hh, 1))
                    .attr("rx", "10"),
            )
            .child(name);
        // In reading order, as the accessible name says it: status, dead letters, refusals.
        node = node
            .text(" ")
            .child(
                Element::new("text")
                    .attr("class", "node-status")
                    .attr("y", fixed(status_y, 1))
                    .attr("text-anchor", "middle")
                    .text(status_line),
            )
            .text(" ")
            .child(
                Element::new("text")
                    .attr(
                        "class",
                        none_class("dead-letter-badge", now.dead_letters == 0),
                    )
                    .attr("y", fixed(hh + 16.0, 1))
                    .attr("text-anchor", "middle")
                    .text(format!("✉ {} dead letters", now.dead_letters)),
            );
        // The marks that come and go are drawn only while they say something, last in the
        // box, so that a patch adds or removes them without touching what comes before.
        if spec.role == Role::Broker && now.refused > 0 {
            // Back-pressure at the broker: refusals in the last few seconds, as a mark and
            // a count under the box.
            node = node.child(
                Element::new("g")
                    .attr("class", "refusals")
                    .attr("data-refused", now.refused.to_string())
                    .child(status_icon(
                        "refusal-mark",
                        hw - 2.0,
                        -hh + 2.0,
                        "M-5 -12 L5 -12 L12 -5 L12 5 L5 12 L-5 12 L-12 5 L-12 -5 Z",
                    ))
                    .child(
                        Element::new("text")
                            .attr("class", "refusal-bang")
                            .attr("x", fixed(hw - 2.0, 1))
                            .attr("y", fixed(-hh + 6.5, 1))
                            .attr("text-anchor", "middle")
                            .text("!"),
                    )
                    .child(
                        Element::new("text")
                            .attr("class", "refusal-count")
                            .attr("y", fixed(hh + 16.0, 1))
                            .attr("text-anchor", "middle")
                            .text(format!(
                                "{} refused in the last {} s: queues full",
                                now.refused,
                                REFUSAL_WINDOW_MS / 1000
                            )),
                    ),
            );
        }
        // Busy and waiting are told by an icon and words, not by colour alone.
        let icon = match now.status {
            ServiceStatus::Busy => Some(("status-icon busy-icon", "M-4 -5 L5 0 L-4 5 Z")),
            ServiceStatus::Waiting => Some((
                "status-icon waiting-icon",
                "M-4 -6 L4 -6 L0 0 L4 6 L-4 6 L0 0 Z",
            )),
            _ => None,
        };
        if let Some((class, d)) = icon {
            node = node.child(status_icon(class, -hw + 13.0, status_y - 4.0, d));
        }
        nodes = nodes.child(node);
    }
    vec![edges.into(), nodes.into()]
}

fn marked_class(class: &str, marked: bool) -> String {
    if marked {
        format!("{class} marked")
    } else {
        class.to_string()
    }
}

fn none_class(class: &str, none: bool) -> String {
    if none {
        format!("{class} none")
    } else {
        class.to_string()
    }
}

fn status_icon(class: &'static str, x: f64, y: f64, d: &'static str) -> Element {
    Element::new("path")
        .attr("class", class)
        .attr("transform", translate(x, y))
        .attr("d", d)
}

/// An SVG translation, to a tenth of a unit.
fn translate(x: f64, y: f64) -> String {
    format!("translate({} {})", fixed(x, 1), fixed(y, 1))
}

/// How doubtful a rule is: an edge shows its most doubtful message's rule, so a guess is
/// never hidden behind a certainty.
fn doubt_rank(rule: KindRule) -> u8 {
    match rule {
        KindRule::Extension => 0,
        KindRule::Reply => 1,
        KindRule::Tag => 2,
        KindRule::Topology => 3,
        KindRule::Override => 4,
        KindRule::Name => 5,
    }
}

/// Line styles that tell the kinds apart without colour: solid, dashed, dotted.
pub fn dash_pattern(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Command => "none",
        EdgeKind::Event => "9 5",
        EdgeKind::Query => "2 4",
    }
}

pub(crate) fn status_text(status: ServiceStatus) -> &'static str {
    match status {
        ServiceStatus::Idle => "idle",
        ServiceStatus::Busy => "busy",
        ServiceStatus::Waiting => "waiting for a reply",
        ServiceStatus::Down => "down",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::to_html;
    use crate::sim::SimConfig;

    fn airline() -> (Sim, DiagramGeometry) {
        let sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        (sim, geometry)
    }

    #[test]
    fn at_rest_the_diagram_is_the_simulations_own_first_state() {
        let (sim, geometry) = airline();
        let services = sim.topology().services().len();
        assert_eq!(
            DiagramState::of(&sim, None, None),
            DiagramState::at_rest(services)
        );
        let html = to_html(&diagram_markup(
            sim.topology(),
            &geometry,
            &DiagramState::at_rest(services),
        ));
        for service in sim.topology().services() {
            assert!(html.contains(&format!("data-service=\"{}\"", service.id)));
        }
        assert_eq!(
            html.matches("class=\"edge edge-").count(),
            geometry.edges.len() + geometry.dead_ends.len()
        );
        assert!(html.contains("aria-label=\"Booking Service: idle\""));
        // At rest no service is busy, waiting or refusing: their marks are not drawn.
        for mark in ["refusals", "status-icon"] {
            assert!(!html.contains(mark), "{mark} at rest");
        }
    }

    #[test]
    fn a_services_state_shows_in_its_classes_words_and_data() {
        let (sim, geometry) = airline();
        let topology = sim.topology();
        let booking = topology.index_of("booking").unwrap();
        let mut state = DiagramState::at_rest(topology.services().len());
        state.nodes[booking] = NodeState {
            status: ServiceStatus::Down,
            queued: 3,
            dead_letters: 2,
            refused: 0,
        };
        state.selected = Some(booking);
        state.marked = Some(Route {
            edges: vec![0],
            dead_end: None,
        });
        let html = to_html(&diagram_markup(topology, &geometry, &state));
        assert!(html.contains("class=\"node down selected\" data-service=\"booking\""));
        assert!(html.contains("data-queue-depth=\"3\" data-dead-letters=\"2\""));
        assert!(html.contains("aria-label=\"Booking Service: down · 3 queued, 2 dead letters\""));
        assert!(html.contains(">down · 3 queued<"));
        assert!(html.contains("class=\"dead-letter-badge\""));
        assert!(html.contains(">✉ 2 dead letters<"));
        assert_eq!(html.matches(" marked\"").count(), 1, "one marked edge");
    }

    #[test]
    fn busy_waiting_and_refusing_services_carry_their_marks_and_no_other_does() {
        let (sim, geometry) = airline();
        let topology = sim.topology();
        let mut state = DiagramState::at_rest(topology.services().len());
        let node = |status, refused| NodeState {
            status,
            queued: 0,
            dead_letters: 0,
            refused,
        };
        state.nodes[topology.index_of("booking").unwrap()] = node(ServiceStatus::Waiting, 0);
        state.nodes[topology.index_of("loyalty").unwrap()] = node(ServiceStatus::Busy, 0);
        state.nodes[topology.index_of("broker").unwrap()] = node(ServiceStatus::Idle, 7);
        let html = to_html(&diagram_markup(topology, &geometry, &state));
        assert_eq!(html.matches("class=\"status-icon busy-icon\"").count(), 1);
        assert_eq!(
            html.matches("class=\"status-icon waiting-icon\"").count(),
            1
        );
        let loyalty = &html[html.find("data-service=\"loyalty\"").unwrap()..];
        let loyalty = &loyalty[..loyalty.find("</g>").unwrap()];
        assert!(
            loyalty.contains("busy-icon"),
            "the icon is in the busy service's box"
        );
        assert_eq!(
            html.matches("class=\"refusals\" data-refused=\"7\"")
                .count(),
            1
        );
        assert!(html.contains(">7 refused in the last 5 s: queues full<"));
    }

    #[test]
    fn the_diagram_is_one_tab_stop_that_the_keyboard_moves() {
        let (sim, geometry) = airline();
        let topology = sim.topology();
        let mut state = DiagramState::at_rest(topology.services().len());
        let html = to_html(&diagram_markup(topology, &geometry, &state));
        assert_eq!(html.matches("tabindex=\"0\"").count(), 1, "one tab stop");
        let items = topology.services().len() + geometry.edges.len();
        assert_eq!(html.matches("tabindex=\"-1\"").count(), items - 1);
        assert!(html.contains("data-service-index=\"0\" data-status=\"idle\" data-queue-depth=\"0\" data-dead-letters=\"0\" transform"));
        let booking_created = geometry
            .edges
            .iter()
            .position(|d| d.edge.types.contains(&"BookingCreated".to_string()))
            .unwrap();
        state.focus = Some(DiagramItem::Edge(booking_created));
        let html = to_html(&diagram_markup(topology, &geometry, &state));
        assert_eq!(html.matches("tabindex=\"0\"").count(), 1);
        let stop = html.split("tabindex=\"0\"").next().unwrap();
        assert!(
            stop.ends_with(&format!(
                "data-edge-index=\"{booking_created}\" role=\"button\" "
            )),
            "the edge holds the stop"
        );
        assert!(html.contains("aria-label=\"Event from Booking Service to the broker: Booking"));
    }
}
