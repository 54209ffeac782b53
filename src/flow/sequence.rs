//! The sequence view's geometry and markup: one lifeline per service (the broker too), time
//! running down, each leg of each message an arrow in the diagram's grammar (line style,
//! arrowhead and a text label of its kind), processing as activation bars, a caller blocked
//! on a query as a hatched bar, and time in a queue as a dotted bar. Only the messages in
//! the visible window are laid out, so a history of thousands costs what is on screen.

use super::chain::{Chain, ChainMark};
use super::timing::{stretches, Doing};
use crate::diagram_markup::dash_pattern;
use crate::listing::clock_time;
use crate::markup::{Element, Node};
use crate::sim::{
    fixed, EdgeKind, Envelope, MessageKind, Role, ServiceIdx, Sim, SimTime, Topology,
};

/// Vertical scale: 60 px per simulated second, so a 600 ms hop is 36 px tall.
pub const PX_PER_MS: f64 = 0.06;
/// The time axis on the left.
pub const AXIS_WIDTH: f64 = 50.0;
/// Lanes narrower than this would crush the labels; the view scrolls sideways instead.
pub const MIN_LANE_WIDTH: f64 = 54.0;
/// Past this many arrows in view, the oldest are left out (and counted), so a refresh under
/// heavy traffic costs a bounded amount.
pub const MAX_ARROWS: usize = 150;
/// Past this many arrows in view, only the marked chain's arrows carry a label.
pub const LABEL_ALL_UP_TO: usize = 60;
const BAR_WIDTH: f64 = 8.0;
/// Keys of a message's legs and bars: its id times this, plus their index.
const PARTS_PER_MESSAGE: u64 = 1024;
/// The height of a label's line, in px.
const LABEL_GAP: f64 = 13.0;

/// The lifelines from left to right: clients, then the broker, then the services, each
/// group in the model's order.
pub fn lifeline_order(topology: &Topology) -> Vec<ServiceIdx> {
    let rank = |s: ServiceIdx| match topology.role(s) {
        Some(Role::Client) => 0,
        Some(Role::Broker) => 1,
        _ => 2,
    };
    let count = topology.services().len();
    (0..3)
        .flat_map(|r| (0..count).filter(move |&s| rank(s) == r))
        .collect()
}

pub fn edge_kind(kind: MessageKind) -> EdgeKind {
    match kind {
        MessageKind::Command => EdgeKind::Command,
        MessageKind::Event => EdgeKind::Event,
        MessageKind::Query | MessageKind::QueryResponse => EdgeKind::Query,
    }
}

/// The label that names a message and its kind in words, as in Mermaid exports.
pub fn kind_label(message: &Envelope) -> String {
    match message.kind {
        MessageKind::QueryResponse => format!("«answer» {}", message.type_name),
        kind => format!("«{}» {}", kind.as_str(), message.type_name),
    }
}

/// The lanes' horizontal places for a view `width` wide.
#[derive(Clone, Debug, PartialEq)]
pub struct Lanes {
    /// Lane centre by service index.
    pub x: Vec<f64>,
    pub lane_width: f64,
    pub width: f64,
}

impl Lanes {
    pub fn new(topology: &Topology, width: f64) -> Self {
        let order = lifeline_order(topology);
        let n = order.len().max(1) as f64;
        let lane_width = ((width - AXIS_WIDTH) / n).max(MIN_LANE_WIDTH);
        let mut x = vec![0.0; order.len()];
        for (slot, &s) in order.iter().enumerate() {
            x[s] = AXIS_WIDTH + lane_width * (slot as f64 + 0.5);
        }
        Self {
            x,
            lane_width,
            width: AXIS_WIDTH + lane_width * n,
        }
    }
}

/// The span of simulated time on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: SimTime,
    pub to: SimTime,
}

impl Window {
    /// The window `height` px tall whose top is `top` px below the start of the clock.
    pub fn at(top: f64, height: f64) -> Self {
        let from = (top.max(0.0) / PX_PER_MS) as SimTime;
        Self {
            from,
            to: from.saturating_add((height.max(0.0) / PX_PER_MS) as SimTime),
        }
    }

    /// Where `t` is drawn: in the clock's own coordinates, the same whatever the window, so
    /// that what was drawn stays put as the window slides.
    pub fn y(&self, t: SimTime) -> f64 {
        t as f64 * PX_PER_MS
    }

    pub fn meets(&self, start: SimTime, end: SimTime) -> bool {
        start <= self.to && end >= self.from
    }
}

/// How tall the whole run is drawn: the scroll range of the view.
pub fn drawn_height(sim: &Sim) -> f64 {
    sim.now() as f64 * PX_PER_MS
}

/// One leg of one message.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Names this leg from one refresh to the next: its message, then its place.
    pub key: u64,
    pub message: crate::sim::MessageId,
    pub kind: MessageKind,
    pub from: ServiceIdx,
    pub to: ServiceIdx,
    pub depart: SimTime,
    pub arrive: SimTime,
    pub label: String,
    pub attempt: u32,
    pub duplicate: bool,
    pub mark: Option<ChainMark>,
}

/// One stretch on a lifeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Names this stretch from one refresh to the next: its message, then its place.
    pub key: u64,
    pub message: crate::sim::MessageId,
    pub service: ServiceIdx,
    pub doing: Doing,
    pub start: SimTime,
    /// Clipped to now while it goes on.
    pub end: SimTime,
    pub open: bool,
    pub outcome: Option<&'static str>,
    pub mark: Option<ChainMark>,
}

/// What the view draws for one window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sequence {
    pub arrows: Vec<Arrow>,
    pub bars: Vec<Bar>,
    /// One message in this many is drawn (1 when all are): past [`MAX_ARROWS`] legs in the
    /// window, an even sample of messages is kept, always with the marked chain.
    pub one_in: u64,
    /// Services down during the window: each one's service, start and end (now while down).
    pub downs: Vec<(ServiceIdx, SimTime, SimTime)>,
}

/// The arrows and bars that meet `window`. When the window holds more than [`MAX_ARROWS`]
/// legs, only the messages whose id is a multiple of a power of two are drawn (and the
/// marked chain's): a sample that stays the same as the window slides, so a refresh under
/// heavy traffic adds and removes only what enters and leaves the window.
pub fn sequence(sim: &Sim, window: Window, chain: Option<&Chain>) -> Sequence {
    let now = sim.now();
    let in_window = sim
        .messages()
        .take_while(|m| m.timestamp <= window.to)
        .map(|m| {
            sim.legs_of(m.message_id)
                .iter()
                .filter(|l| window.meets(l.depart, l.arrive))
                .count()
        })
        .sum::<usize>();
    let one_in = in_window.div_ceil(MAX_ARROWS).max(1).next_power_of_two() as u64;
    let mut out = Sequence {
        one_in,
        downs: sim
            .down_periods()
            .map(|p| (p.service, p.from, p.until.unwrap_or(now)))
            .filter(|&(_, from, until)| window.meets(from, until))
            .collect(),
        ..Sequence::default()
    };
    for message in sim.messages() {
        if message.timestamp > window.to {
            break;
        }
        let mark = chain.and_then(|c| c.mark(message));
        let in_chain = matches!(mark, Some(m) if m != ChainMark::Related);
        if message.message_id % one_in != 0 && !in_chain {
            continue;
        }
        let mut any = false;
        let base = message.message_id.saturating_mul(PARTS_PER_MESSAGE);
        for (index, leg) in sim.legs_of(message.message_id).iter().enumerate() {
            if !window.meets(leg.depart, leg.arrive) {
                continue;
            }
            any = true;
            out.arrows.push(Arrow {
                key: base + index.min(PARTS_PER_MESSAGE as usize - 1) as u64,
                message: message.message_id,
                kind: message.kind,
                from: leg.from,
                to: leg.to,
                depart: leg.depart,
                arrive: leg.arrive,
                label: kind_label(message),
                attempt: leg.attempt,
                duplicate: leg.duplicate,
                mark,
            });
        }
        // A message whose legs all ended before the window may still be queued or
        // processed in it; one whose legs all start after it has nothing in it yet.
        let legs = sim.legs_of(message.message_id);
        let last_arrival = legs
            .iter()
            .map(|l| l.arrive)
            .max()
            .unwrap_or(message.timestamp);
        if !any
            && last_arrival < window.from
            && sim
                .settled_at(message.message_id)
                .is_some_and(|t| t < window.from)
        {
            continue;
        }
        for (index, s) in stretches(sim, message).into_iter().enumerate() {
            let end = s.end.unwrap_or(now);
            if window.meets(s.start, end) && end > s.start {
                out.bars.push(Bar {
                    key: base + index.min(PARTS_PER_MESSAGE as usize - 1) as u64,
                    message: message.message_id,
                    service: s.service,
                    doing: s.doing,
                    start: s.start,
                    end,
                    open: s.end.is_none(),
                    outcome: s.outcome,
                    mark,
                });
            }
        }
    }
    out
}

/// The lifelines' heads: each service's name above its lane.
pub fn heads_markup(topology: &Topology, lanes: &Lanes) -> Node {
    let mut row = Element::new("div")
        .attr("class", "sequence-heads")
        .attr("style", format!("width:{}px", fixed(lanes.width, 0)));
    for s in lifeline_order(topology) {
        let spec = &topology.services()[s];
        row = row.child(
            Element::new("span")
                .attr(
                    "class",
                    if spec.role == Role::Broker {
                        "sequence-head broker"
                    } else {
                        "sequence-head"
                    },
                )
                .attr("data-service", spec.id.clone())
                .attr(
                    "style",
                    format!(
                        "left:{}px;width:{}px",
                        fixed(lanes.x[s] - lanes.lane_width / 2.0, 0),
                        fixed(lanes.lane_width, 0)
                    ),
                )
                .text(spec.name.clone()),
        );
    }
    row.into()
}

/// The parts of the drawing the view patches in: the lifelines, which grow with the
/// clock, and the ticks, bars and arrows, each keyed (see `dom_patch::patch_keyed`) so that
/// a window sliding down adds and removes at its ends and leaves the rest untouched.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SequenceMarkup {
    pub lifelines: Vec<Node>,
    pub ticks: Vec<(u64, Node)>,
    pub bars: Vec<(u64, Node)>,
    pub arrows: Vec<(u64, Node)>,
    /// A chain is marked: the rest dims.
    pub has_chain: bool,
}

/// The drawing's frame, made once: its arrowhead-free defs and a group for each part, in
/// the order they are painted.
pub fn sequence_frame() -> Node {
    Element::new("svg")
        .attr("class", "sequence-svg")
        .attr("role", "group")
        // The hatching that marks a caller blocked on a query, in shape as well as colour.
        .child(
            Element::new("defs").child(
                Element::new("pattern")
                    .attr("id", "seq-hatch")
                    .attr("patternUnits", "userSpaceOnUse")
                    .attr("width", "5")
                    .attr("height", "5")
                    .attr("patternTransform", "rotate(45)")
                    .child(
                        Element::new("path")
                            .attr("class", "seq-hatch-line")
                            .attr("d", "M0 0L0 5"),
                    ),
            ),
        )
        .child(Element::new("g").attr("class", "lifelines"))
        .child(Element::new("g").attr("class", "sequence-ticks"))
        .child(Element::new("g").attr("class", "bars"))
        .child(Element::new("g").attr("class", "arrows"))
        .into()
}

/// The parts for what `drawn` holds; `height` is the drawing's whole height (the clock's).
pub fn sequence_markup(
    topology: &Topology,
    lanes: &Lanes,
    window: Window,
    height: f64,
    drawn: &Sequence,
) -> SequenceMarkup {
    let mut out = SequenceMarkup {
        has_chain: drawn.arrows.iter().any(|a| a.mark.is_some()),
        ..SequenceMarkup::default()
    };
    // One tick a second, labelled with the clock.
    for t in (window.from.div_ceil(1000) * 1000..=window.to).step_by(1000) {
        let y = window.y(t);
        let tick = Element::new("g")
            .child(Element::new("path").attr("d", line_d(AXIS_WIDTH, y, lanes.width, y)))
            .child(
                Element::new("text")
                    .attr("x", "4")
                    .attr("y", fixed(y + 4.0, 1))
                    .text(clock_time(t).trim_end_matches(".000").to_string()),
            );
        out.ticks.push((t / 1000, tick.into()));
    }
    for s in lifeline_order(topology) {
        out.lifelines.push(
            Element::new("path")
                .attr("class", "lifeline")
                .attr("data-service", topology.id(s).to_string())
                .attr("d", line_d(lanes.x[s], 0.0, lanes.x[s], height))
                .into(),
        );
    }
    // Notes in words where there is room for them; under traffic they would bury the bars.
    let noted = drawn.bars.len() <= LABEL_ALL_UP_TO && drawn.one_in == 1;
    // A service taken down: a wide hatched band over its lifeline, saying so.
    for &(service, from, until) in &drawn.downs {
        let (x, y1, y2) = (lanes.x[service], window.y(from), window.y(until));
        out.lifelines.push(
            Element::new("g")
                .attr("class", "seq-down")
                .attr("data-service", topology.id(service).to_string())
                .attr("data-doing", "down")
                .child(Element::new("title").text(format!(
                    "{} down from {} to {}",
                    topology.id(service),
                    clock_time(from),
                    clock_time(until)
                )))
                .child(Element::new("path").attr(
                    "d",
                    rect_d(x - BAR_WIDTH * 1.5, y1, BAR_WIDTH * 3.0, (y2 - y1).max(1.0)),
                ))
                .child(
                    Element::new("text")
                        .attr("class", "seq-note")
                        .attr("x", fixed(x + BAR_WIDTH * 2.0, 1))
                        .attr("y", fixed(y1 + 12.0, 1))
                        .text("down"),
                )
                .into(),
        );
    }
    for bar in &drawn.bars {
        out.bars
            .push((bar.key, bar_markup(topology, lanes, window, bar, noted)));
    }
    let label_all = drawn.arrows.len() <= LABEL_ALL_UP_TO;
    // One label per message per line of text: an event's copies leave the broker together,
    // and the same words stacked on each other read as none.
    let mut labels: Vec<(crate::sim::MessageId, f64)> = Vec::new();
    for arrow in &drawn.arrows {
        let y = window.y(arrow.depart) + window.y(arrow.arrive);
        let repeated = labels
            .iter()
            .any(|&(m, at)| m == arrow.message && (at - y).abs() < 2.0 * LABEL_GAP);
        let labelled =
            !repeated && (label_all || matches!(arrow.mark, Some(m) if m != ChainMark::Related));
        if labelled {
            labels.push((arrow.message, y));
        }
        out.arrows.push((
            arrow.key,
            arrow_markup(topology, lanes, window, arrow, labelled),
        ));
    }
    out
}

/// A straight line from (x1, y1) to (x2, y2), as a path's `d`.
#[inline(never)]
fn line_d(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    format!(
        "M{} {}L{} {}",
        fixed(x1, 1),
        fixed(y1, 1),
        fixed(x2, 1),
        fixed(y2, 1)
    )
}

/// A rectangle as a path's `d`.
#[inline(never)]
fn rect_d(x: f64, y: f64, width: f64, height: f64) -> String {
    format!(
        "M{} {}h{}v{}h-{}z",
        fixed(x, 1),
        fixed(y, 1),
        fixed(width, 1),
        fixed(height, 1),
        fixed(width, 1)
    )
}

fn chain_attrs(element: Element, mark: Option<ChainMark>) -> Element {
    match mark {
        Some(ChainMark::Related) => element.attr("data-related", "true"),
        Some(m) => element.attr("data-chain", m.as_str()),
        None => element,
    }
}

fn arrow_markup(
    topology: &Topology,
    lanes: &Lanes,
    window: Window,
    arrow: &Arrow,
    labelled: bool,
) -> Node {
    let kind = edge_kind(arrow.kind);
    let (x1, x2) = (lanes.x[arrow.from], lanes.x[arrow.to]);
    let (y1, y2) = (window.y(arrow.depart), window.y(arrow.arrive));
    // Leave the bars' width at both ends so the arrowhead stays visible.
    let inset = if x2 > x1 {
        BAR_WIDTH / 2.0
    } else {
        -BAR_WIDTH / 2.0
    };
    let response = arrow.kind == MessageKind::QueryResponse;
    let mut words = arrow.label.clone();
    if arrow.attempt > 1 {
        words.push_str(&format!(" (attempt {})", arrow.attempt));
    }
    if arrow.duplicate {
        words.push_str(" (duplicate)");
    }
    let from = topology.id(arrow.from);
    let to = topology.id(arrow.to);
    let mut g = Element::new("g")
        .attr("class", format!("seq-arrow seq-{}", arrow.kind.as_str()))
        .attr("data-message-id", arrow.message.to_string())
        .attr("data-kind", arrow.kind.as_str())
        .attr("data-from", from.to_string())
        .attr("data-to", to.to_string());
    g = chain_attrs(g, arrow.mark);
    g = g
        .child(Element::new("title").text(format!("#{} {words}: {from} → {to}", arrow.message)))
        .child(
            Element::new("path")
                .attr("class", format!("edge-line edge-{}", kind.as_str()))
                .attr("d", line_d(x1 + inset, y1, x2 - inset, y2))
                .attr("stroke-dasharray", dash_pattern(kind))
                .attr(
                    "marker-end",
                    // The answer ends in the query's hollow end, as its token is hollow.
                    if response {
                        "url(#start-query)".to_string()
                    } else {
                        format!("url(#end-{})", kind.as_str())
                    },
                ),
        )
        // A wide, invisible line so the arrow is easy to hit.
        .child(
            Element::new("path")
                .attr("class", "seq-hit")
                .attr("d", line_d(x1, y1, x2, y2)),
        );
    if labelled {
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        g = g.child(
            Element::new("text")
                .attr("class", "seq-label")
                .attr("x", fixed(mx, 1))
                .attr("y", fixed(my - 3.0, 1))
                .attr("text-anchor", "middle")
                .text(words),
        );
    }
    g.into()
}

fn bar_markup(topology: &Topology, lanes: &Lanes, window: Window, bar: &Bar, noted: bool) -> Node {
    let x = lanes.x[bar.service];
    let (y1, y2) = (window.y(bar.start), window.y(bar.end));
    let (offset, width) = match bar.doing {
        // The queue sits beside the lifeline, left of where processing will be drawn.
        Doing::Queued => (-BAR_WIDTH * 1.5, 3.0),
        Doing::Processing => (-BAR_WIDTH / 2.0, BAR_WIDTH),
        Doing::Blocked => (-BAR_WIDTH / 2.0, BAR_WIDTH),
    };
    let doing = bar.doing.as_str();
    let failed = matches!(
        bar.outcome,
        Some("failed" | "dead-lettered" | "rejected" | "refused" | "timed-out")
    );
    let mut g = Element::new("g")
        .attr("class", format!("seq-bar seq-{doing}"))
        .attr("data-message-id", bar.message.to_string())
        .attr("data-service", topology.id(bar.service).to_string())
        .attr("data-doing", doing)
        .attr_if(
            bar.outcome.is_some(),
            "data-outcome",
            bar.outcome.unwrap_or_default(),
        );
    g = chain_attrs(g, bar.mark);
    let seconds = crate::listing::seconds(bar.end.saturating_sub(bar.start));
    let what = match bar.doing {
        Doing::Queued => format!("queued {seconds}"),
        Doing::Processing => format!("processing {seconds}"),
        Doing::Blocked => format!("waiting for an answer {seconds}"),
    };
    let title = match bar.outcome {
        Some(outcome) if bar.doing == Doing::Processing => {
            format!("#{} {what}, {outcome}", bar.message)
        }
        _ => format!("#{} {what}", bar.message),
    };
    g = g
        .child(Element::new("title").text(title))
        .child(Element::new("path").attr("d", rect_d(x + offset, y1, width, (y2 - y1).max(1.0))));
    // Meaning in words where there is room, and a cross where a handler failed.
    if noted && bar.doing == Doing::Blocked && y2 - y1 > 40.0 {
        g = g.child(
            Element::new("text")
                .attr("class", "seq-note")
                .attr("x", fixed(x + BAR_WIDTH, 1))
                .attr("y", fixed(y1 + 12.0, 1))
                .text("waiting"),
        );
    }
    if noted && bar.doing == Doing::Queued && y2 - y1 > 40.0 {
        g = g.child(
            Element::new("text")
                .attr("class", "seq-note")
                .attr("x", fixed(x - BAR_WIDTH * 2.0, 1))
                .attr("y", fixed(y1 + 12.0, 1))
                .attr("text-anchor", "end")
                .text("queued"),
        );
    }
    if failed && !bar.open {
        g = g.child(
            Element::new("text")
                .attr("class", "seq-cross")
                .attr("x", fixed(x, 1))
                .attr("y", fixed(y2 + 10.0, 1))
                .attr("text-anchor", "middle")
                .text(format!("✕ {}", bar.outcome.unwrap_or_default())),
        );
    }
    g.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::chain::Chain;
    use crate::markup::to_html;
    use crate::sim::{Scenario, SimConfig};

    fn booked() -> Sim {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(Scenario::BookFl123.action()).unwrap();
        sim.run_until_idle(100_000);
        sim
    }

    fn whole(sim: &Sim) -> Window {
        Window {
            from: 0,
            to: sim.now(),
        }
    }

    #[test]
    fn the_broker_stands_between_the_clients_and_the_services() {
        let sim = booked();
        let t = sim.topology();
        let order: Vec<&str> = lifeline_order(t).into_iter().map(|s| t.id(s)).collect();
        assert_eq!(order[0], "mobile-app");
        assert_eq!(order[1], "broker");
        let lanes = Lanes::new(t, 600.0);
        let xs: Vec<f64> = lifeline_order(t).into_iter().map(|s| lanes.x[s]).collect();
        assert!(xs.windows(2).all(|w| w[1] - w[0] >= MIN_LANE_WIDTH - 0.01));
        assert!(lanes.width >= 600.0 - 0.01);
    }

    #[test]
    fn every_leg_of_the_booking_is_an_arrow_from_its_sender_to_its_receiver() {
        let sim = booked();
        let drawn = sequence(&sim, whole(&sim), None);
        let legs: usize = sim
            .messages()
            .map(|m| sim.legs_of(m.message_id).len())
            .sum();
        assert_eq!(drawn.arrows.len(), legs);
        assert_eq!(drawn.one_in, 1);
        let t = sim.topology();
        let broker = t.broker().unwrap();
        let created = drawn
            .arrows
            .iter()
            .filter(|a| a.label == "«event» BookingCreated")
            .collect::<Vec<_>>();
        // Booking to the broker, then the broker to each subscriber.
        assert_eq!(created[0].to, broker);
        assert!(created.len() >= 3, "{created:?}");
        assert!(created[1..].iter().all(|a| a.from == broker));
        // The availability query blocks Booking until its answer lands.
        let blocked = drawn
            .bars
            .iter()
            .find(|b| b.doing == Doing::Blocked)
            .unwrap();
        assert_eq!(t.id(blocked.service), "booking");
    }

    #[test]
    fn a_window_shows_only_what_meets_it() {
        let sim = booked();
        let window = Window { from: 0, to: 500 };
        let drawn = sequence(&sim, window, None);
        assert!(!drawn.arrows.is_empty());
        assert!(drawn.arrows.iter().all(|a| a.depart <= 500));
        assert!(drawn.arrows.len() < sequence(&sim, whole(&sim), None).arrows.len());
        // A window after everything happened is empty.
        let later = Window {
            from: sim.now() + 10_000,
            to: sim.now() + 20_000,
        };
        let empty = sequence(&sim, later, None);
        assert!(empty.arrows.is_empty() && empty.bars.is_empty());
    }

    #[test]
    fn the_markup_carries_the_contract_and_the_chain() {
        let sim = booked();
        let created = sim
            .messages()
            .find(|m| m.type_name == "BookingCreated")
            .unwrap();
        let chain = Chain::of(&sim, created.message_id).unwrap();
        let t = sim.topology();
        let lanes = Lanes::new(t, 600.0);
        let window = whole(&sim);
        let drawn = sequence(&sim, window, Some(&chain));
        let markup = sequence_markup(t, &lanes, window, 400.0, &drawn);
        let nodes: Vec<Node> = markup
            .arrows
            .iter()
            .chain(&markup.bars)
            .map(|(_, n)| n.clone())
            .collect();
        let html = to_html(&nodes);
        assert!(html.contains(&format!(
            "data-message-id=\"{}\" data-kind=\"event\" data-from=\"booking\" data-to=\"broker\" data-chain=\"selected\"",
            created.message_id
        )));
        assert!(html.contains("data-chain=\"cause\""));
        assert!(html.contains("data-chain=\"effect\""));
        assert!(html.contains("«command» CreateBooking"));
        assert!(markup.has_chain);
        // Keys are sorted and unique, as a keyed patch needs.
        for part in [&markup.arrows, &markup.bars, &markup.ticks] {
            assert!(
                part.windows(2).all(|w| w[0].0 < w[1].0),
                "sorted, unique keys"
            );
        }
        // Text from the model is text: a payload or name cannot inject markup.
        assert!(!html.contains("<script"));
    }

    #[test]
    fn too_many_arrows_are_sampled_evenly_and_the_sample_holds_as_the_window_slides() {
        let mut sim = Sim::airline(SimConfig::default());
        sim.set_traffic(200.0).unwrap();
        sim.advance_by(5_000);
        let window = Window {
            from: 0,
            to: sim.now(),
        };
        let drawn = sequence(&sim, window, None);
        assert!(drawn.one_in > 1, "{}", drawn.one_in);
        assert!(drawn.one_in.is_power_of_two());
        assert!(
            drawn.arrows.len() <= 2 * MAX_ARROWS,
            "{}",
            drawn.arrows.len()
        );
        assert!(drawn.arrows.iter().all(|a| a.message % drawn.one_in == 0));
        // Old and new messages alike: an even sample, not the newest only.
        let first = drawn.arrows.first().unwrap().depart;
        assert!(
            first < sim.now() / 4,
            "the sample starts near the window's start: {first}"
        );
        // A little later the same messages are drawn, where they still are in view.
        let later = Window {
            from: 100,
            to: sim.now() + 100,
        };
        let next = sequence(&sim, later, None);
        if next.one_in == drawn.one_in {
            let before: std::collections::BTreeSet<u64> = drawn
                .arrows
                .iter()
                .filter(|a| later.meets(a.depart, a.arrive))
                .map(|a| a.key)
                .collect();
            assert!(before
                .iter()
                .all(|k| next.arrows.iter().any(|a| a.key == *k)));
        }
        // A selected message is drawn whatever the sample.
        let odd = sim
            .messages()
            .find(|m| m.message_id % drawn.one_in != 0 && !sim.legs_of(m.message_id).is_empty())
            .unwrap();
        let chain = Chain::of(&sim, odd.message_id).unwrap();
        let marked = sequence(&sim, window, Some(&chain));
        assert!(marked.arrows.iter().any(|a| a.message == odd.message_id));
    }

    #[test]
    fn a_service_taken_down_is_a_band_on_its_lifeline_until_it_comes_back() {
        use crate::sim::{FaultChange, Preset};
        let mut sim = Sim::airline(SimConfig::default());
        sim.run_preset(Preset::LoyaltyDown).unwrap();
        sim.advance_by(3_000);
        let loyalty = sim.topology().index_of("loyalty").unwrap();
        let drawn = sequence(&sim, whole(&sim), None);
        assert_eq!(
            drawn.downs,
            vec![(loyalty, 0, sim.now())],
            "down, and still down now"
        );
        let lanes = Lanes::new(sim.topology(), 600.0);
        let markup = sequence_markup(sim.topology(), &lanes, whole(&sim), 400.0, &drawn);
        let html = to_html(&markup.lifelines);
        assert!(html.contains("data-service=\"loyalty\" data-doing=\"down\""));
        assert!(html.contains(">down</text>"));
        sim.change_fault(FaultChange::Down(loyalty, false)).unwrap();
        let back = sim.now();
        sim.advance_by(1_000);
        let drawn = sequence(&sim, whole(&sim), None);
        assert_eq!(
            drawn.downs,
            vec![(loyalty, 0, back)],
            "it ends when it came back"
        );
        let after = Window {
            from: back + 10,
            to: sim.now(),
        };
        assert!(sequence(&sim, after, None).downs.is_empty());
    }
}
