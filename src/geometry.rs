//! Pure diagram geometry: where services sit, how edges curve, where a token is along an
//! edge. Plain functions over plain numbers so they are tested natively; the view only
//! binds their results.

use crate::sim::{
    clamped, fixed, trig, Edge, EdgeKind, Envelope, KindRule, MessageKind, Role, ServiceIdx,
    Topology,
};

/// The diagram's coordinate space (the SVG viewBox); the canvas maps onto the same space.
pub const VIEW_WIDTH: f64 = 1000.0;
pub const VIEW_HEIGHT: f64 = 580.0;
/// Half sizes of a service box; the broker is drawn wider.
pub const NODE_HALF_W: f64 = 92.0;
pub const NODE_HALF_H: f64 = 30.0;
pub const BROKER_HALF_W: f64 = 80.0;
pub const BROKER_HALF_H: f64 = 34.0;
/// Half sizes of a box when the diagram is crowded (many services on the ring).
pub const SMALL_HALF_W: f64 = 24.0;
pub const SMALL_HALF_H: f64 = 10.0;
/// Half sizes of a box in a busy diagram (a model of 13 to 30 services): names in smaller
/// type on up to three lines, boxes on two alternating rings.
pub const MEDIUM_HALF_W: f64 = 50.0;
pub const MEDIUM_HALF_H: f64 = 27.0;
/// More services than this and boxes shrink to medium, on two rings.
pub const BUSY_ABOVE: usize = 12;
/// More services than this (the 50-service benchmark scene) and boxes shrink to marks.
pub const CROWDED_ABOVE: usize = 30;
/// Where the inner ring of a busy diagram lies, as a share of the outer ring's radii.
const INNER_RING: f64 = 0.72;
/// Distance between parallel edges joining the same two services.
const PARALLEL_SPACING: f64 = 26.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    pub fn distance(self, other: Point) -> f64 {
        length(self.x - other.x, self.y - other.y)
    }
}

/// The length of (dx, dy). Not `f64::hypot`: on wasm that is libm's, which guards against
/// overflow no diagram coordinate comes near, and the layout's label placement calls it
/// tens of thousands of times while the page is first built (6 ms of its task, profiled).
pub fn length(dx: f64, dy: f64) -> f64 {
    (dx * dx + dy * dy).sqrt()
}

/// A quadratic Bézier from `start` to `end`, bent through `control`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgePath {
    pub start: Point,
    pub control: Point,
    pub end: Point,
}

impl EdgePath {
    /// The point at fraction `t` (0 = start, 1 = end) along the curve; `t` is clamped.
    pub fn point_at(&self, t: f64) -> Point {
        let t = clamped(t, 0.0, 1.0);
        let u = 1.0 - t;
        Point::new(
            u * u * self.start.x + 2.0 * u * t * self.control.x + t * t * self.end.x,
            u * u * self.start.y + 2.0 * u * t * self.control.y + t * t * self.end.y,
        )
    }

    /// The curve's length, summed over short chords.
    pub fn length(&self) -> f64 {
        (1..=48)
            .map(|i| {
                self.point_at((i - 1) as f64 / 48.0)
                    .distance(self.point_at(i as f64 / 48.0))
            })
            .sum()
    }

    /// The SVG path data for this curve.
    pub fn svg_d(&self) -> String {
        let [sx, sy, cx, cy, ex, ey] = [
            self.start.x,
            self.start.y,
            self.control.x,
            self.control.y,
            self.end.x,
            self.end.y,
        ]
        .map(|v| fixed(v, 1));
        format!("M{sx} {sy} Q{cx} {cy} {ex} {ey}")
    }
}

/// Half width and height of a node's box, in a diagram of `services` services.
pub fn node_half_size(role: Role, services: usize) -> (f64, f64) {
    match role {
        _ if services > CROWDED_ABOVE => (SMALL_HALF_W, SMALL_HALF_H),
        Role::Broker => (BROKER_HALF_W, BROKER_HALF_H),
        _ if services > BUSY_ABOVE => (MEDIUM_HALF_W, MEDIUM_HALF_H),
        _ => (NODE_HALF_W, NODE_HALF_H),
    }
}

/// Places the broker in the centre and every other service evenly on an ellipse around
/// it, starting at the left (where the customer's client reads naturally as the origin of
/// traffic) and going clockwise. Works for the airline's six nodes and for fifty.
pub fn layout(topology: &Topology, width: f64, height: f64) -> Vec<Point> {
    let services = topology.services();
    let centre = Point::new(width / 2.0, height / 2.0);
    let ring: Vec<usize> = (0..services.len())
        .filter(|&i| services[i].role != Role::Broker)
        .collect();
    let (half_w, half_h) = node_half_size(Role::Service, services.len());
    let radius_x = (width / 2.0 - half_w - 8.0).max(0.0);
    let radius_y = (height / 2.0 - half_h - 8.0).max(0.0);
    let count = ring.len().max(1) as f64;
    // Screen y grows downwards, so increasing angles from PI go up and over: clockwise.
    let unit: Vec<(f64, f64)> = (0..ring.len())
        .map(|slot| {
            let angle = std::f64::consts::PI + std::f64::consts::TAU * slot as f64 / count;
            (trig::cos(angle), trig::sin(angle))
        })
        .collect();
    // A few points on a circle leave parts of the view empty (a pentagon has no right
    // corner), so stretch each axis until the ring touches the view's edges.
    let extent = |axis: fn(&(f64, f64)) -> f64| {
        unit.iter()
            .map(axis)
            .fold((0.0_f64, 0.0_f64), |(low, high), v| {
                (low.min(v), high.max(v))
            })
    };
    let (min_x, max_x) = extent(|u| u.0);
    let (min_y, max_y) = extent(|u| u.1);
    let fit = |value: f64, low: f64, high: f64, centre: f64, radius: f64| {
        if high - low < 1e-9 {
            centre
        } else {
            centre - radius + (value - low) / (high - low) * 2.0 * radius
        }
    };
    // A busy diagram alternates an outer and an inner ring: neighbours on the ring then sit
    // at different radii, which doubles the room each box has on its own ring.
    let busy = (BUSY_ABOVE + 1..=CROWDED_ABOVE).contains(&services.len());
    let mut positions = vec![centre; services.len()];
    for (slot, &index) in ring.iter().enumerate() {
        let (x, y) = unit[slot];
        let scale = if busy && slot % 2 == 1 {
            INNER_RING
        } else {
            1.0
        };
        positions[index] = Point::new(
            centre.x + (fit(x, min_x, max_x, centre.x, radius_x) - centre.x) * scale,
            centre.y + (fit(y, min_y, max_y, centre.y, radius_y) - centre.y) * scale,
        );
    }
    positions
}

/// Where the straight line from a box's centre towards `toward` leaves the box.
pub fn box_exit(centre: Point, half_w: f64, half_h: f64, toward: Point) -> Point {
    let dx = toward.x - centre.x;
    let dy = toward.y - centre.y;
    if dx == 0.0 && dy == 0.0 {
        return centre;
    }
    let scale_x = if dx == 0.0 {
        f64::INFINITY
    } else {
        half_w / dx.abs()
    };
    let scale_y = if dy == 0.0 {
        f64::INFINITY
    } else {
        half_h / dy.abs()
    };
    let scale = scale_x.min(scale_y).min(1.0);
    Point::new(centre.x + dx * scale, centre.y + dy * scale)
}

/// A curve between two boxes, bent sideways by `bend` (positive bends to the left of the
/// direction of travel), trimmed so it starts and ends on the boxes' borders.
pub fn edge_path(
    from: Point,
    from_half: (f64, f64),
    to: Point,
    to_half: (f64, f64),
    bend: f64,
) -> EdgePath {
    let mid = Point::new((from.x + to.x) / 2.0, (from.y + to.y) / 2.0);
    let length = from.distance(to).max(1e-9);
    // The left normal of the direction from -> to, in screen coordinates.
    let normal = Point::new((to.y - from.y) / length, -(to.x - from.x) / length);
    let control = Point::new(mid.x + normal.x * bend * 2.0, mid.y + normal.y * bend * 2.0);
    EdgePath {
        start: box_exit(from, from_half.0, from_half.1, control),
        control,
        end: box_exit(to, to_half.0, to_half.1, control),
    }
}

/// Bends for a list of edges so that edges joining the same two services, in either
/// direction, never lie on top of each other. Edges in opposite directions with the same
/// bend already curve to opposite sides, because "left" flips with the direction.
pub fn parallel_bends(edges: &[Edge]) -> Vec<f64> {
    let key = |edge: &Edge| {
        if edge.from <= edge.to {
            (edge.from, edge.to)
        } else {
            (edge.to, edge.from)
        }
    };
    let mut bends = vec![0.0; edges.len()];
    let mut seen: Vec<((ServiceIdx, ServiceIdx), Vec<usize>)> = Vec::new();
    for (index, edge) in edges.iter().enumerate() {
        match seen.iter_mut().find(|(pair, _)| *pair == key(edge)) {
            Some((_, members)) => members.push(index),
            None => seen.push((key(edge), vec![index])),
        }
    }
    for (_, members) in seen {
        // One direction's edges fan out on one side; the other direction's on the other,
        // so give every edge of the pair its own lane, counting outwards from the centre.
        let (forward, backward): (Vec<usize>, Vec<usize>) =
            members.iter().partition(|&&i| edges[i].from <= edges[i].to);
        let lone = forward.is_empty() || backward.is_empty();
        for group in [forward, backward] {
            for (lane, &index) in group.iter().enumerate() {
                let lane = lane as f64;
                bends[index] = if lone {
                    (lane - (group.len() as f64 - 1.0) / 2.0) * PARALLEL_SPACING
                } else {
                    (lane + 0.5) * PARALLEL_SPACING
                };
            }
        }
    }
    bends
}

/// One drawn edge: the topology's edge, its index in `Topology::edges()`, and its curve.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnEdge {
    pub index: usize,
    pub edge: Edge,
    pub path: EdgePath,
    /// The curve the label is written along: the edge itself, or the edge reversed when it
    /// runs right to left, so that no label is upside down.
    pub label_path: EdgePath,
    /// Where along `label_path` the label is centred, from 0 to 1: chosen so that no label
    /// sits on another (see [`place_labels`]).
    pub label_along: f64,
    /// The label's text: the message types, routes shortened, "(guessed)" when only a
    /// name decided a kind.
    pub label: String,
}

/// Everything static about the diagram, computed once per topology.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramGeometry {
    pub nodes: Vec<Point>,
    pub edges: Vec<DrawnEdge>,
    /// A short stub out of the broker for events nobody subscribes to: (event, stub).
    pub dead_ends: Vec<(String, EdgePath)>,
}

impl DiagramGeometry {
    pub fn new(topology: &Topology) -> Self {
        let nodes = layout(topology, VIEW_WIDTH, VIEW_HEIGHT);
        let services = topology.services();
        let edges = topology.edges();
        let bends = parallel_bends(&edges);
        let mut drawn = edges
            .into_iter()
            .zip(bends)
            .enumerate()
            .map(|(index, (edge, bend))| {
                let path = edge_path(
                    nodes[edge.from],
                    node_half_size(services[edge.from].role, services.len()),
                    nodes[edge.to],
                    node_half_size(services[edge.to].role, services.len()),
                    bend,
                );
                let (label_path, _) = readable(path, 0.5);
                DrawnEdge {
                    index,
                    label: edge_label_text(topology, &edge.types),
                    edge,
                    path,
                    label_path,
                    label_along: 0.5,
                }
            })
            .collect::<Vec<_>>();
        let dead_ends = match topology.broker() {
            Some(broker) => dead_end_stubs(nodes[broker], &topology.unsubscribed_events()),
            None => Vec::new(),
        };
        let boxes: Vec<(Point, f64, f64)> = nodes
            .iter()
            .zip(services)
            .map(|(&centre, s)| {
                let (w, h) = node_half_size(s.role, services.len());
                (centre, w, h)
            })
            .collect();
        let stub_labels: Vec<Vec<Point>> = dead_ends
            .iter()
            .map(|(event, path)| dead_end_label_points(path, event))
            .collect();
        place_labels(&mut drawn, topology.broker(), &boxes, stub_labels);
        Self {
            nodes,
            edges: drawn,
            dead_ends,
        }
    }

    /// The edge a hop of this kind travels between these services, and whether the hop
    /// runs it backwards (a query's response returns along its request's edge).
    pub fn edge_for_hop(
        &self,
        kind: MessageKind,
        from: ServiceIdx,
        to: ServiceIdx,
    ) -> Option<(usize, bool)> {
        let (edge_kind, a, b, reverse) = match kind {
            MessageKind::Command => (EdgeKind::Command, from, to, false),
            MessageKind::Event => (EdgeKind::Event, from, to, false),
            MessageKind::Query => (EdgeKind::Query, from, to, false),
            MessageKind::QueryResponse => (EdgeKind::Query, to, from, true),
        };
        self.edges
            .iter()
            .position(|d| d.edge.kind == edge_kind && d.edge.from == a && d.edge.to == b)
            .map(|position| (position, reverse))
    }

    /// Every edge a message travels on its way, in order, and the dead-end stub it ends
    /// on if it is an event nobody subscribes to: what the diagram marks for a selection.
    pub fn route(&self, topology: &Topology, message: &Envelope) -> Route {
        let mut hops = Vec::new();
        match (message.kind, topology.broker()) {
            (MessageKind::Command | MessageKind::Event, Some(broker)) => {
                hops.push((message.source, broker));
                hops.extend(message.destination.iter().map(|&to| (broker, to)));
            }
            _ => hops.extend(message.destination.iter().map(|&to| (message.source, to))),
        }
        let mut edges: Vec<usize> = Vec::new();
        for (from, to) in hops {
            if let Some((edge, _)) = self.edge_for_hop(message.kind, from, to) {
                if !edges.contains(&edge) {
                    edges.push(edge);
                }
            }
        }
        let dead_end = (message.kind == MessageKind::Event && message.destination.is_empty())
            .then(|| {
                self.dead_ends
                    .iter()
                    .position(|(event, _)| *event == message.type_name)
            })
            .flatten();
        Route { edges, dead_end }
    }
}

/// Where one message goes on the diagram: indices into `DiagramGeometry::edges` and
/// `DiagramGeometry::dead_ends`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    pub edges: Vec<usize>,
    pub dead_end: Option<usize>,
}

/// A service's name broken into lines that fit its box: `max_chars` characters a line at
/// most, where a single word longer than that keeps its own line.
pub fn name_lines(name: &str, max_chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in name.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max_chars => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The label an edge carries: its message types, a query's route shortened to its last
/// segment (the verb once), joined by " · "; "(guessed)" when only a name decided a kind.
pub fn edge_label_text(topology: &Topology, types: &[String]) -> String {
    let label = edge_label(types);
    if types
        .iter()
        .any(|t| topology.kind_rule(t) == Some(KindRule::Name))
    {
        format!("{label} (guessed)")
    } else {
        label
    }
}

/// The message types (or routes, shortened) joined for an edge's label.
pub fn edge_label(types: &[String]) -> String {
    let mut verb_shown = false;
    types
        .iter()
        .map(|message_type| match message_type.split_once(' ') {
            Some((verb, route)) if route.starts_with('/') => {
                let last = route.rsplit('/').next().unwrap_or(route);
                let prefix = if verb_shown {
                    String::new()
                } else {
                    format!("{verb} ")
                };
                verb_shown = true;
                format!("{prefix}…/{last}")
            }
            _ => message_type.clone(),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A label's average character width and the gap placement aims for between two labels'
/// centre lines, in view units (the labels are set at 10.5, their glyphs about 8 tall).
const LABEL_CHAR_W: f64 = 6.0;
const LABEL_CLEARANCE: f64 = 11.0;
/// Closer than this, two labels' glyphs touch: placement never settles for less where the
/// diagrams of the gallery are concerned (a test checks it).
#[cfg(test)]
const LABEL_MIN_GAP: f64 = 9.0;
/// How far above its curve a label's glyphs sit (baseline 4 above, glyphs 8 tall).
const LABEL_RISE: f64 = 8.0;

/// Points along the middle of a label's glyphs, `text_w` wide, centred at `along` on `path`.
pub fn label_points(path: &EdgePath, along: f64, text_w: f64) -> Vec<Point> {
    const STEPS: usize = 48;
    let mut lengths = vec![0.0; STEPS + 1];
    let mut prev = path.point_at(0.0);
    for (i, slot) in lengths.iter_mut().enumerate().skip(1) {
        let p = path.point_at(i as f64 / STEPS as f64);
        *slot = prev.distance(p);
        prev = p;
    }
    let mut total = 0.0;
    for l in lengths.iter_mut() {
        total += *l;
        *l = total;
    }
    // The curve's parameter at arc length `s`.
    let t_at = |s: f64| {
        let s = clamped(s, 0.0, total);
        let i = lengths.partition_point(|&l| l < s).clamp(1, STEPS);
        let (a, b) = (lengths[i - 1], lengths[i]);
        let frac = if b > a { (s - a) / (b - a) } else { 0.0 };
        ((i - 1) as f64 + frac) / STEPS as f64
    };
    let centre = along * total;
    let text_w = text_w.min(total);
    let mut points = Vec::new();
    let mut s = centre - text_w / 2.0;
    while s <= centre + text_w / 2.0 {
        let t = t_at(s);
        let p = path.point_at(t);
        let ahead = path.point_at((t + 0.01).min(1.0));
        let behind = path.point_at((t - 0.01).max(0.0));
        let (dx, dy) = (ahead.x - behind.x, ahead.y - behind.y);
        let norm = length(dx, dy).max(1e-9);
        // "Up" for text running along (dx, dy).
        points.push(Point::new(
            p.x + dy / norm * LABEL_RISE,
            p.y - dx / norm * LABEL_RISE,
        ));
        s += 5.0;
    }
    points
}

/// Points along the middle of a dead-end stub's label, "Event: no subscribers", written
/// level from just past the stub's end (as the diagram draws it).
pub fn dead_end_label_points(stub: &EdgePath, event: &str) -> Vec<Point> {
    let text_w = (event.chars().count() + ": no subscribers".len()) as f64 * LABEL_CHAR_W;
    let mut points = Vec::new();
    let mut x = stub.end.x + 12.0;
    while x <= stub.end.x + 12.0 + text_w {
        points.push(Point::new(x, stub.end.y));
        x += 4.0;
    }
    points
}

/// How far outside the nearest box a label comes: 0 when a point of it is inside one.
fn clear_of_boxes(points: &[Point], boxes: &[(Point, f64, f64)]) -> f64 {
    points
        .iter()
        .flat_map(|p| {
            boxes.iter().map(move |(c, w, h)| {
                let dx = ((p.x - c.x).abs() - w).max(0.0);
                let dy = ((p.y - c.y).abs() - h).max(0.0);
                length(dx, dy)
            })
        })
        // Not `f64::min`, which wasm gets from libm: no distance here is NaN.
        .fold(
            f64::INFINITY,
            |nearest, d| if d < nearest { d } else { nearest },
        )
}

/// The nearest two points of two labels come.
fn nearest(a: &[Point], b: &[Point]) -> f64 {
    a.iter()
        .flat_map(|p| b.iter().map(move |q| p.distance(*q)))
        .fold(f64::INFINITY, f64::min)
}

/// A label's points with their bounding box (min x, min y, max x, max y).
struct Placed {
    points: Vec<Point>,
    bounds: [f64; 4],
}

impl Placed {
    fn new(points: Vec<Point>) -> Self {
        let bounds = points.iter().fold(
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            |[x0, y0, x1, y1], p| [x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y)],
        );
        Placed { points, bounds }
    }

    /// How near two labels come, or a lower bound of it that is already at least `enough`
    /// (their boxes are that far apart), which spares comparing every pair of points.
    fn gap(&self, other: &Placed, enough: f64) -> f64 {
        let [a0, b0, a1, b1] = self.bounds;
        let [c0, d0, c1, d1] = other.bounds;
        let dx = (c0 - a1).max(a0 - c1).max(0.0);
        let dy = (d0 - b1).max(b0 - d1).max(0.0);
        let apart = length(dx, dy);
        if apart >= enough {
            apart
        } else {
            nearest(&self.points, &other.points)
        }
    }
}

/// Chooses where along its edge each label sits, edge by edge: the first place where it
/// keeps clear of the service boxes, the dead-end stubs' labels and the labels already
/// placed, trying the middle first (off-centre toward the far end on edges at the broker,
/// where many meet), or else the place where it comes least close.
pub fn place_labels(
    edges: &mut [DrawnEdge],
    broker: Option<ServiceIdx>,
    boxes: &[(Point, f64, f64)],
    fixed_labels: Vec<Vec<Point>>,
) {
    let mut placed: Vec<Placed> = fixed_labels.into_iter().map(Placed::new).collect();
    for edge in edges.iter_mut() {
        let text_w = edge.label.chars().count() as f64 * LABEL_CHAR_W;
        let length = edge.path.length();
        // The label stays on its edge; the preferred spot is on the label's own path,
        // which runs reversed when the edge runs right to left.
        let reversed = edge.label_path.start != edge.path.start;
        let preferred = if Some(edge.edge.to) == broker {
            0.4
        } else if Some(edge.edge.from) == broker {
            0.6
        } else {
            0.5
        };
        let preferred = if reversed { 1.0 - preferred } else { preferred };
        let margin = if text_w >= length {
            0.5
        } else {
            (text_w / 2.0 + 6.0) / length
        };
        let mut candidates = vec![preferred];
        for k in 1..=16 {
            let step = 0.03 * f64::from(k);
            candidates.push(preferred + step);
            candidates.push(preferred - step);
        }
        let mut best = (f64::NEG_INFINITY, preferred, Placed::new(Vec::new()));
        for along in candidates {
            let along = clamped(along, margin.min(0.5), (1.0 - margin).max(0.5));
            let points = label_points(&edge.label_path, along, text_w);
            // Touching a box counts as on top of a label: glyphs over a name are unreadable.
            let boxed = clear_of_boxes(&points, boxes) * LABEL_CLEARANCE / 3.0;
            let label = Placed::new(points);
            // Stops as soon as this spot cannot beat the best one so far.
            let mut gap = boxed;
            for other in &placed {
                if gap <= best.0 {
                    break;
                }
                gap = gap.min(label.gap(other, LABEL_CLEARANCE));
            }
            if gap >= LABEL_CLEARANCE {
                best = (gap, along, label);
                break;
            }
            if gap > best.0 {
                best = (gap, along, label);
            }
        }
        edge.label_along = best.1;
        placed.push(best.2);
    }
}

/// The path to write a label along so it reads left to right, and where along it the
/// point `along` of the original path now lies.
pub fn readable(path: EdgePath, along: f64) -> (EdgePath, f64) {
    if path.end.x < path.start.x {
        let reversed = EdgePath {
            start: path.end,
            control: path.control,
            end: path.start,
        };
        (reversed, 1.0 - along)
    } else {
        (path, along)
    }
}

/// Stubs hanging straight down from the broker, one per unheard event.
fn dead_end_stubs(broker: Point, events: &[String]) -> Vec<(String, EdgePath)> {
    let count = events.len() as f64;
    events
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let x = broker.x + (i as f64 - (count - 1.0) / 2.0) * 40.0;
            let start = Point::new(x, broker.y + BROKER_HALF_H);
            let end = Point::new(x, broker.y + BROKER_HALF_H + 44.0);
            let control = Point::new(x, broker.y + BROKER_HALF_H + 22.0);
            (
                event.clone(),
                EdgePath {
                    start,
                    control,
                    end,
                },
            )
        })
        .collect()
}

/// The part of the diagram on screen, in view units: all of it at first, less of it zoomed
/// in. It keeps the view's aspect ratio, so zooming never distorts, and it never leaves the
/// view, so the diagram cannot be lost off screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

/// How far in the diagram zooms: six times, where a box fills a phone's width.
pub const MAX_ZOOM: f64 = 6.0;

impl Default for Viewport {
    fn default() -> Self {
        Self {
            x: 0.0,
            y: 0.0,
            width: VIEW_WIDTH,
        }
    }
}

impl Viewport {
    pub fn height(self) -> f64 {
        self.width * VIEW_HEIGHT / VIEW_WIDTH
    }

    /// 1 when the whole diagram shows.
    pub fn zoom(self) -> f64 {
        VIEW_WIDTH / self.width
    }

    /// The SVG `viewBox` that shows this part.
    pub fn view_box(self) -> String {
        // Tenths are finer than a device pixel at any zoom; whole numbers print bare, so
        // the whole diagram's box reads "0 0 1000 580" as it always has.
        let tenths = |v: f64| crate::sim::plain(v, 1);
        format!(
            "{} {} {} {}",
            tenths(self.x),
            tenths(self.y),
            tenths(self.width),
            tenths(self.height())
        )
    }

    /// Zoomed by `factor` (above 1 is in) about `about`, a view point that stays where it is
    /// on screen; within 1× and [`MAX_ZOOM`].
    pub fn zoomed(self, factor: f64, about: Point) -> Self {
        let zoom = clamped(self.zoom() * factor, 1.0, MAX_ZOOM);
        let width = VIEW_WIDTH / zoom;
        let kept = width / self.width;
        Self {
            x: about.x - (about.x - self.x) * kept,
            y: about.y - (about.y - self.y) * kept,
            width,
        }
        .clamped()
    }

    /// Moved by (`dx`, `dy`) view units, as far as the view goes.
    pub fn panned(self, dx: f64, dy: f64) -> Self {
        Self {
            x: self.x + dx,
            y: self.y + dy,
            ..self
        }
        .clamped()
    }

    /// Moved just enough that `point` is at least `margin` inside the edge of the part shown.
    pub fn showing(self, point: Point, margin: f64) -> Self {
        let margin = margin.min(self.width / 4.0);
        let dx = (point.x - (self.x + self.width - margin)).max(0.0)
            + (point.x - (self.x + margin)).min(0.0);
        let dy = (point.y - (self.y + self.height() - margin)).max(0.0)
            + (point.y - (self.y + margin)).min(0.0);
        self.panned(dx, dy)
    }

    /// The middle of the part shown.
    pub fn centre(self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height() / 2.0)
    }

    fn clamped(self) -> Self {
        let width = clamped(self.width, VIEW_WIDTH / MAX_ZOOM, VIEW_WIDTH);
        let height = width * VIEW_HEIGHT / VIEW_WIDTH;
        Self {
            x: clamped(self.x, 0.0, VIEW_WIDTH - width),
            y: clamped(self.y, 0.0, VIEW_HEIGHT - height),
            width,
        }
    }
}

/// Maps a point in CSS pixels within an element of `size` onto the diagram, matching SVG's
/// default `xMidYMid meet` scaling of the viewBox `viewport` shows.
pub fn client_to_view(client: Point, size: (f64, f64), viewport: Viewport) -> Point {
    let (scale, offset_x, offset_y) = view_transform(size, viewport);
    Point::new((client.x - offset_x) / scale, (client.y - offset_y) / scale)
}

/// The inverse of `client_to_view`: where a diagram point lands within an element of `size`.
pub fn view_to_client(view: Point, size: (f64, f64), viewport: Viewport) -> Point {
    let (scale, offset_x, offset_y) = view_transform(size, viewport);
    Point::new(view.x * scale + offset_x, view.y * scale + offset_y)
}

/// Scale and offsets that fit the part `viewport` shows into an element of `size`, centred
/// (`xMidYMid meet`): diagram point p lands at (p.x * scale + ox, p.y * scale + oy).
pub fn view_transform(size: (f64, f64), viewport: Viewport) -> (f64, f64, f64) {
    let height = viewport.height();
    let scale = (size.0 / viewport.width).min(size.1 / height).max(1e-9);
    let offset_x = (size.0 - viewport.width * scale) / 2.0 - viewport.x * scale;
    let offset_y = (size.1 - height * scale) / 2.0 - viewport.y * scale;
    (scale, offset_x, offset_y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Sim, SimConfig};

    fn close(a: Point, b: Point) -> bool {
        a.distance(b) < 1e-6
    }

    #[test]
    fn a_route_names_every_edge_a_message_travels() {
        use crate::sim::{Scenario, UserAction};
        let mut sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        sim.act(Scenario::BookFl123.action()).unwrap();
        sim.act(UserAction::ListTiers).unwrap();
        sim.run_until_idle(10_000);
        let t = sim.topology();
        let ends = |edge: usize| {
            let e = &geometry.edges[edge].edge;
            (e.kind, t.id(e.from).to_string(), t.id(e.to).to_string())
        };
        let of = |type_name: &str| {
            let m = sim.messages().find(|m| m.type_name == type_name).unwrap();
            geometry.route(t, m)
        };
        let created = of("BookingCreated");
        let created: Vec<_> = created.edges.iter().map(|&e| ends(e)).collect();
        let event = |a: &str, b: &str| (EdgeKind::Event, a.to_string(), b.to_string());
        assert_eq!(
            created,
            vec![
                event("booking", "broker"),
                event("broker", "loyalty"),
                event("broker", "flights")
            ]
        );
        let nobody = of("LoyaltyPointsCredited");
        assert_eq!(nobody.edges.len(), 1, "into the broker only");
        let stub = nobody.dead_end.expect("the dead-end stub");
        assert_eq!(geometry.dead_ends[stub].0, "LoyaltyPointsCredited");
        // A query and its response share one edge, in opposite directions.
        let request = of("GET /api/loyalty/tiers");
        let response = sim
            .messages()
            .find(|m| {
                m.kind == MessageKind::QueryResponse && m.type_name == "GET /api/loyalty/tiers"
            })
            .map(|m| geometry.route(t, m))
            .unwrap();
        assert_eq!(request.edges.len(), 1);
        assert_eq!(request, response);
        assert_eq!(
            ends(request.edges[0]),
            (EdgeKind::Query, "mobile-app".into(), "loyalty".into())
        );
    }

    #[test]
    fn long_names_wrap_at_spaces_to_fit_their_box() {
        assert_eq!(
            name_lines("Flight Management Service", 18),
            ["Flight Management", "Service"]
        );
        assert_eq!(name_lines("Mobile App", 18), ["Mobile App"]);
        assert_eq!(
            name_lines("Supercalifragilistic x", 5),
            ["Supercalifragilistic", "x"]
        );
        assert!(name_lines("", 18).is_empty());
    }

    #[test]
    fn view_and_client_points_map_back_and_forth() {
        let zoomed = Viewport::default().zoomed(3.0, Point::new(700.0, 100.0));
        for viewport in [Viewport::default(), zoomed] {
            for size in [(800.0, 500.0), (400.0, 900.0), (VIEW_WIDTH, VIEW_HEIGHT)] {
                let view = Point::new(123.0, 45.0);
                let client = view_to_client(view, size, viewport);
                assert!(
                    close(client_to_view(client, size, viewport), view),
                    "{size:?}"
                );
            }
        }
        // The viewBox's centre is the element's centre, whatever the aspect ratio.
        let centre = view_to_client(
            Point::new(VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0),
            (400.0, 900.0),
            Viewport::default(),
        );
        assert!(close(centre, Point::new(200.0, 450.0)));
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer_and_never_leaves_the_view() {
        let size = (390.0, 226.0);
        let about = Point::new(700.0, 100.0);
        let before = view_to_client(about, size, Viewport::default());
        let zoomed = Viewport::default().zoomed(2.5, about);
        assert!((zoomed.zoom() - 2.5).abs() < 1e-9);
        assert!(
            close(view_to_client(about, size, zoomed), before),
            "it stays put"
        );
        // A point 10 px away on screen is 2.5 times nearer in the diagram than before.
        let near = client_to_view(Point::new(before.x + 10.0, before.y), size, zoomed);
        let far = client_to_view(
            Point::new(before.x + 10.0, before.y),
            size,
            Viewport::default(),
        );
        assert!(((far.x - about.x) / (near.x - about.x) - 2.5).abs() < 1e-6);
        // Bounded: no further than MAX_ZOOM in, no further out than the whole, never off it.
        assert_eq!(zoomed.zoomed(100.0, about).zoom(), MAX_ZOOM);
        assert_eq!(zoomed.zoomed(0.01, about), Viewport::default());
        let corner = zoomed.panned(-5000.0, 5000.0);
        assert_eq!((corner.x, corner.y + corner.height()), (0.0, VIEW_HEIGHT));
        // A point out of sight is brought in, with room around it.
        let shown = zoomed.showing(Point::new(20.0, 560.0), 30.0);
        assert!(shown.x <= 20.0 - 30.0 + 1e-9 || shown.x == 0.0);
        assert!(shown.y + shown.height() >= 560.0);
        assert_eq!(shown.width, zoomed.width, "only moved");
        assert_eq!(Viewport::default().view_box(), "0 0 1000 580");
    }

    #[test]
    fn point_at_runs_from_start_to_end_through_the_bend() {
        let path = EdgePath {
            start: Point::new(0.0, 0.0),
            control: Point::new(50.0, 100.0),
            end: Point::new(100.0, 0.0),
        };
        assert!(close(path.point_at(0.0), path.start));
        assert!(close(path.point_at(1.0), path.end));
        assert!(close(path.point_at(0.5), Point::new(50.0, 50.0)));
        assert!(close(path.point_at(-3.0), path.start), "t is clamped");
        assert!(close(path.point_at(7.0), path.end), "t is clamped");
    }

    #[test]
    fn box_exit_lands_on_the_border() {
        let c = Point::new(100.0, 100.0);
        assert!(close(
            box_exit(c, 50.0, 20.0, Point::new(400.0, 100.0)),
            Point::new(150.0, 100.0)
        ));
        assert!(close(
            box_exit(c, 50.0, 20.0, Point::new(100.0, -300.0)),
            Point::new(100.0, 80.0)
        ));
        // A target inside the box is not pushed outside it.
        assert!(close(
            box_exit(c, 50.0, 20.0, Point::new(110.0, 100.0)),
            Point::new(110.0, 100.0)
        ));
    }

    #[test]
    fn airline_layout_keeps_boxes_apart_and_inside_the_view() {
        let sim = Sim::airline(SimConfig::default());
        let topology = sim.topology();
        let positions = layout(topology, VIEW_WIDTH, VIEW_HEIGHT);
        assert_eq!(positions.len(), topology.services().len());
        let broker = topology.broker().expect("the airline has a broker");
        assert!(close(
            positions[broker],
            Point::new(VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0)
        ));
        for (i, p) in positions.iter().enumerate() {
            let count = topology.services().len();
            let (hw, hh) = node_half_size(topology.services()[i].role, count);
            assert!(
                p.x - hw >= 0.0 && p.x + hw <= VIEW_WIDTH,
                "{i} fits horizontally"
            );
            assert!(
                p.y - hh >= 0.0 && p.y + hh <= VIEW_HEIGHT,
                "{i} fits vertically"
            );
            for (j, q) in positions.iter().enumerate().skip(i + 1) {
                let (qw, qh) = node_half_size(topology.services()[j].role, count);
                let apart = (p.x - q.x).abs() > hw + qw || (p.y - q.y).abs() > hh + qh;
                assert!(apart, "boxes {i} and {j} overlap");
            }
        }
        let mobile = topology.index_of("mobile-app").unwrap();
        assert!(
            positions[mobile].x < positions[broker].x,
            "the client starts on the left"
        );
    }

    #[test]
    fn fifty_services_shrink_to_fit_the_ring_without_overlapping() {
        let sim = Sim::synthetic(50, 100, 0, SimConfig::default()).unwrap();
        let positions = layout(sim.topology(), VIEW_WIDTH, VIEW_HEIGHT);
        let (hw, hh) = node_half_size(Role::Service, 50);
        for (i, p) in positions.iter().enumerate() {
            for q in positions.iter().skip(i + 1) {
                assert!((p.x - q.x).abs() > 2.0 * hw || (p.y - q.y).abs() > 2.0 * hh);
            }
        }
    }

    #[test]
    fn parallel_edges_get_distinct_lanes() {
        let sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        for (i, a) in geometry.edges.iter().enumerate() {
            for b in geometry.edges.iter().skip(i + 1) {
                let mid_a = a.path.point_at(0.5);
                let mid_b = b.path.point_at(0.5);
                assert!(
                    mid_a.distance(mid_b) > 10.0,
                    "edges {:?} and {:?} overlap at their middles",
                    a.edge,
                    b.edge
                );
            }
        }
    }

    #[test]
    fn every_hop_kind_finds_its_edge_and_responses_run_backwards() {
        use crate::sim::MessageKind;
        let sim = Sim::airline(SimConfig::default());
        let topology = sim.topology();
        let geometry = DiagramGeometry::new(topology);
        let mobile = topology.index_of("mobile-app").unwrap();
        let loyalty = topology.index_of("loyalty").unwrap();
        let broker = topology.broker().unwrap();
        let (query, reverse) = geometry
            .edge_for_hop(MessageKind::Query, mobile, loyalty)
            .expect("the app queries loyalty");
        assert!(!reverse);
        let (response, reverse) = geometry
            .edge_for_hop(MessageKind::QueryResponse, loyalty, mobile)
            .expect("the answer comes back");
        assert!(reverse);
        assert_eq!(query, response);
        assert!(geometry
            .edge_for_hop(MessageKind::Command, mobile, broker)
            .is_some());
        assert!(geometry
            .edge_for_hop(MessageKind::Command, loyalty, mobile)
            .is_none());
    }

    #[test]
    fn edge_labels_shorten_routes_and_keep_message_names() {
        let types = [
            "GET /api/loyalty/customers/{customerId}/points",
            "GET /api/loyalty/tiers",
        ];
        let types: Vec<String> = types.iter().map(|t| t.to_string()).collect();
        assert_eq!(edge_label(&types), "GET …/points · …/tiers");
        assert_eq!(
            edge_label(&["BookingCreated".to_string()]),
            "BookingCreated"
        );
    }

    #[test]
    fn no_label_sits_on_another() {
        use crate::sim::model::Model;
        let airline = Sim::airline(SimConfig::default()).topology().clone();
        let saga = Model::parse(include_str!("../models/saga.json"))
            .unwrap()
            .to_topology()
            .unwrap();
        let cqrs = Model::parse(include_str!("../models/cqrs.json"))
            .unwrap()
            .to_topology()
            .unwrap();
        for (name, topology) in [("airline", airline), ("saga", saga), ("cqrs", cqrs)] {
            let geometry = DiagramGeometry::new(&topology);
            let mut labels: Vec<(String, Vec<Point>)> = geometry
                .edges
                .iter()
                .map(|e| {
                    let w = e.label.chars().count() as f64 * LABEL_CHAR_W;
                    (
                        e.label.clone(),
                        label_points(&e.label_path, e.label_along, w),
                    )
                })
                .collect();
            labels.extend(
                geometry
                    .dead_ends
                    .iter()
                    .map(|(event, stub)| (event.clone(), dead_end_label_points(stub, event))),
            );
            let services = topology.services();
            let boxes: Vec<(Point, f64, f64)> = geometry
                .nodes
                .iter()
                .zip(services)
                .map(|(&c, s)| {
                    // A label may graze a box's rim (its centre line 4 inside the border,
                    // where no name is written), never cross into it.
                    let (w, h) = node_half_size(s.role, services.len());
                    (c, w - 4.0, h - 4.0)
                })
                .collect();
            for (i, (a_name, a)) in labels.iter().enumerate() {
                // A label longer than its edge is cut at the edge's ends by the browser
                // (a `textPath` draws no glyph past its path), so it reaches both boxes.
                let fits = geometry.edges.get(i).is_some_and(|e| {
                    (e.label.chars().count() as f64) * LABEL_CHAR_W < e.path.length()
                });
                if fits {
                    assert!(
                        clear_of_boxes(a, &boxes) > 0.0,
                        "{name}: \"{a_name}\" runs over a service's box"
                    );
                }
                for (b_name, b) in labels.iter().skip(i + 1) {
                    let gap = nearest(a, b);
                    assert!(
                        gap >= LABEL_MIN_GAP,
                        "{name}: \"{a_name}\" and \"{b_name}\" come within {gap:.1} of each other"
                    );
                }
            }
        }
    }

    #[test]
    fn a_label_runs_along_its_curve_above_it() {
        let path = EdgePath {
            start: Point::new(0.0, 100.0),
            control: Point::new(100.0, 100.0),
            end: Point::new(200.0, 100.0),
        };
        let points = label_points(&path, 0.5, 40.0);
        assert!(points.len() >= 8, "{}", points.len());
        for p in &points {
            assert!((p.y - (100.0 - LABEL_RISE)).abs() < 1e-6, "{p:?}");
            assert!((80.0 - 0.5..=120.0 + 0.5).contains(&p.x), "{p:?}");
        }
    }

    #[test]
    fn labels_read_left_to_right_at_the_same_spot() {
        let backwards = EdgePath {
            start: Point::new(300.0, 0.0),
            control: Point::new(150.0, 80.0),
            end: Point::new(0.0, 0.0),
        };
        let (label, along) = readable(backwards, 0.35);
        assert!(label.start.x < label.end.x);
        assert!(close(label.point_at(along), backwards.point_at(0.35)));
        let forwards = label;
        assert_eq!(readable(forwards, 0.2), (forwards, 0.2));
    }

    #[test]
    fn client_points_map_back_onto_the_view_box() {
        // An element twice as wide as the view letterboxes it into its middle.
        let size = (2.0 * VIEW_WIDTH, VIEW_HEIGHT);
        let p = client_to_view(
            Point::new(VIEW_WIDTH / 2.0, 10.0),
            size,
            Viewport::default(),
        );
        assert!(close(p, Point::new(0.0, 10.0)));
        let (scale, ox, oy) =
            view_transform((VIEW_WIDTH / 2.0, VIEW_HEIGHT / 2.0), Viewport::default());
        assert!((scale - 0.5).abs() < 1e-9 && ox.abs() < 1e-9 && oy.abs() < 1e-9);
    }

    #[test]
    fn up_to_the_crowding_threshold_every_model_s_boxes_fit_the_view_and_stay_apart() {
        assert_eq!(
            CROWDED_ABOVE, 30,
            "the issue's promise: legible up to 30 services"
        );
        for count in 2..=CROWDED_ABOVE {
            let mut t = Topology::new();
            for i in 0..count - 1 {
                let role = if i == 0 { Role::Client } else { Role::Service };
                t.add_service(&format!("s{i}"), &format!("Service number {i}"), role)
                    .unwrap();
            }
            t.add_service("broker", "Message Broker", Role::Broker)
                .unwrap();
            let positions = layout(&t, VIEW_WIDTH, VIEW_HEIGHT);
            for (i, p) in positions.iter().enumerate() {
                let (hw, hh) = node_half_size(t.services()[i].role, count);
                assert!(
                    p.x - hw >= 0.0 && p.x + hw <= VIEW_WIDTH,
                    "{count}: {i} fits"
                );
                assert!(
                    p.y - hh >= 0.0 && p.y + hh <= VIEW_HEIGHT,
                    "{count}: {i} fits"
                );
                for (j, q) in positions.iter().enumerate().skip(i + 1) {
                    let (qw, qh) = node_half_size(t.services()[j].role, count);
                    let apart = (p.x - q.x).abs() > hw + qw || (p.y - q.y).abs() > hh + qh;
                    assert!(apart, "{count} services: boxes {i} and {j} overlap");
                }
            }
        }
    }
}
