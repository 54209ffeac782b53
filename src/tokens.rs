//! The tokens in flight: which hops the simulation has started and not finished, and
//! where each one is at a given simulated time. Pure data, no drawing, so the animation
//! loop stays a thin binding and this is tested natively.

use crate::geometry::{DiagramGeometry, Point};
use crate::sim::{clamped, Happening, MessageId, MessageKind, SimTime};

/// How long, in simulated milliseconds, an event nobody hears takes to fade out along
/// its dead-end stub.
pub const STUB_FADE_MS: SimTime = 700;

/// What a token travels along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Track {
    /// An edge, by index in `DiagramGeometry::edges`.
    Edge(usize),
    /// A dead-end stub out of the broker, by index in `DiagramGeometry::dead_ends`: the
    /// token fades as it goes, since nobody receives it.
    Stub(usize),
}

/// A hop the simulation reported, resolved to the edge it travels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    pub message: MessageId,
    pub kind: MessageKind,
    pub track: Track,
    pub reverse: bool,
    pub depart: SimTime,
    pub arrive: SimTime,
    /// The delivery attempt it carries (1 unless retried).
    pub attempt: u32,
    /// The broker's second copy of a delivery.
    pub duplicate: bool,
}

impl Token {
    /// How far along its edge the token is at `now`, from 0 to 1. With reduced motion a
    /// token does not glide: it sits at the middle of its edge until it arrives.
    pub fn progress(&self, now: SimTime, reduced_motion: bool) -> f64 {
        if reduced_motion {
            return 0.5;
        }
        let span = self.arrive.saturating_sub(self.depart).max(1) as f64;
        let along = now.saturating_sub(self.depart) as f64 / span;
        let along = clamped(along, 0.0, 1.0);
        if self.reverse {
            1.0 - along
        } else {
            along
        }
    }
}

/// A token's place on the diagram at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedToken {
    pub message: MessageId,
    pub kind: MessageKind,
    pub at: Point,
    /// 1 is fully drawn; a token on a dead-end stub fades towards 0.
    pub opacity: f64,
    pub attempt: u32,
    pub duplicate: bool,
    /// With reduced motion the token stands still, so how far its hop has come is told in
    /// words instead: the share of the hop's time gone, from 0 to 1.
    pub travelled: Option<f64>,
}

impl PlacedToken {
    /// The words drawn beside a retried or duplicated token ("attempt 4", "duplicate"), so a
    /// retry is told by text, not by colour; and a standing token's progress ("40%").
    pub fn tag(&self) -> Option<String> {
        let retry = match (self.attempt, self.duplicate) {
            (1, false) => None,
            (1, true) => Some("duplicate".to_string()),
            (n, false) => Some(format!("attempt {n}")),
            (n, true) => Some(format!("attempt {n}, duplicate")),
        };
        let Some(travelled) = self.travelled else {
            return retry;
        };
        let progress = format!("{}%", crate::sim::fixed(travelled * 100.0, 0));
        Some(match retry {
            Some(retry) => format!("{progress}, {retry}"),
            None => progress,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct TokenLayer {
    tokens: Vec<Token>,
    /// The latest message seen on each edge, so clicking an edge selects something real.
    last_on_edge: Vec<Option<MessageId>>,
}

impl TokenLayer {
    pub fn new(edge_count: usize) -> Self {
        Self {
            tokens: Vec::new(),
            last_on_edge: vec![None; edge_count],
        }
    }

    /// Takes the new hops out of what the simulation reported. Hops on edges the diagram
    /// does not draw are skipped rather than drawn somewhere misleading. An event that
    /// ends at the broker because nobody subscribes to it leaves along its dead-end stub;
    /// `dead_end_of` tells which stub a message ends on, if any.
    pub fn absorb(
        &mut self,
        geometry: &DiagramGeometry,
        happenings: &[Happening],
        dead_end_of: impl Fn(MessageId) -> Option<usize>,
    ) {
        for happening in happenings {
            match happening {
                Happening::Hop(hop) => {
                    let Some((edge, reverse)) = geometry.edge_for_hop(hop.kind, hop.from, hop.to)
                    else {
                        continue;
                    };
                    self.tokens.push(Token {
                        message: hop.message,
                        kind: hop.kind,
                        track: Track::Edge(edge),
                        reverse,
                        depart: hop.depart,
                        arrive: hop.arrive,
                        attempt: hop.attempt,
                        duplicate: hop.duplicate,
                    });
                    if let Some(slot) = self.last_on_edge.get_mut(edge) {
                        *slot = Some(hop.message);
                    }
                }
                Happening::Handled { message, at, .. } => {
                    if let Some(stub) = dead_end_of(*message) {
                        self.tokens.push(Token {
                            message: *message,
                            kind: MessageKind::Event,
                            track: Track::Stub(stub),
                            reverse: false,
                            depart: *at,
                            arrive: at.saturating_add(STUB_FADE_MS),
                            attempt: 1,
                            duplicate: false,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// Forgets tokens that have arrived by `now`.
    pub fn prune(&mut self, now: SimTime) {
        self.tokens.retain(|token| token.arrive > now);
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn clear(&mut self) {
        self.tokens.clear();
        self.last_on_edge.iter_mut().for_each(|slot| *slot = None);
    }

    pub fn last_on_edge(&self, edge: usize) -> Option<MessageId> {
        self.last_on_edge.get(edge).copied().flatten()
    }

    /// Every token's position at `now`, in the order they were sent.
    pub fn placed<'a>(
        &'a self,
        geometry: &'a DiagramGeometry,
        now: SimTime,
        reduced_motion: bool,
    ) -> impl Iterator<Item = PlacedToken> + 'a {
        self.tokens.iter().filter_map(move |token| {
            let along = token.progress(now, reduced_motion);
            let (path, opacity) = match token.track {
                Track::Edge(edge) => (geometry.edges.get(edge)?.path, 1.0),
                // Fades as it goes: still clear at the broker, gone at the stub's end.
                Track::Stub(stub) => (geometry.dead_ends.get(stub)?.1, 1.0 - 0.85 * along),
            };
            Some(PlacedToken {
                message: token.message,
                kind: token.kind,
                at: path.point_at(along),
                opacity,
                attempt: token.attempt,
                duplicate: token.duplicate,
                travelled: reduced_motion.then(|| {
                    let along = token.progress(now, false);
                    if token.reverse {
                        1.0 - along
                    } else {
                        along
                    }
                }),
            })
        })
    }

    /// The message whose token is nearest `point`, within `radius`. Later tokens win ties,
    /// since they are drawn on top.
    pub fn hit(
        &self,
        geometry: &DiagramGeometry,
        now: SimTime,
        reduced_motion: bool,
        point: Point,
        radius: f64,
    ) -> Option<MessageId> {
        let mut best: Option<(f64, MessageId)> = None;
        for placed in self.placed(geometry, now, reduced_motion) {
            let distance = placed.at.distance(point);
            if distance <= radius && best.is_none_or(|(d, _)| distance <= d) {
                best = Some((distance, placed.message));
            }
        }
        best.map(|(_, message)| message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scenario, Sim, SimConfig};

    fn run_until_tokens(sim: &mut Sim, layer: &mut TokenLayer, geometry: &DiagramGeometry) {
        for _ in 0..100 {
            let happenings = sim.step();
            layer.absorb(geometry, &happenings, |_| None);
            if !layer.is_empty() {
                return;
            }
        }
        panic!("the scenario never put a token on the diagram");
    }

    #[test]
    fn a_booking_puts_a_token_on_the_command_edge_that_glides_and_then_leaves() {
        let mut sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        let mut layer = TokenLayer::new(geometry.edges.len());
        sim.act(Scenario::BookFl123.action()).unwrap();
        run_until_tokens(&mut sim, &mut layer, &geometry);

        let token = layer.tokens[0];
        assert_eq!(token.kind, MessageKind::Command);
        let Track::Edge(edge) = token.track else {
            panic!("a command travels an edge");
        };
        assert_eq!(layer.last_on_edge(edge), Some(token.message));
        let edge = &geometry.edges[edge];
        assert_eq!(sim.topology().id(edge.edge.from), "mobile-app");
        assert_eq!(sim.topology().id(edge.edge.to), "broker");

        let at_start = layer.placed(&geometry, token.depart, false).next().unwrap();
        let midway = (token.depart + token.arrive) / 2;
        let at_middle = layer.placed(&geometry, midway, false).next().unwrap();
        assert!(at_start.at.distance(edge.path.start) < 1e-6);
        assert!(at_middle.at.distance(edge.path.start) > 20.0, "it moved");

        let hit = layer.hit(&geometry, midway, false, at_middle.at, 8.0);
        assert_eq!(hit, Some(token.message));
        let far = Point::new(at_middle.at.x + 50.0, at_middle.at.y);
        assert_eq!(layer.hit(&geometry, midway, false, far, 8.0), None);

        layer.prune(token.arrive);
        assert!(layer.is_empty(), "an arrived token is gone");
    }

    #[test]
    fn retried_and_duplicated_tokens_say_so_in_words_and_plain_ones_say_nothing() {
        let placed = |attempt, duplicate| PlacedToken {
            message: 1,
            kind: MessageKind::Command,
            at: Point::new(0.0, 0.0),
            opacity: 1.0,
            attempt,
            duplicate,
            travelled: None,
        };
        assert_eq!(placed(1, false).tag(), None);
        assert_eq!(placed(4, false).tag().as_deref(), Some("attempt 4"));
        assert_eq!(placed(1, true).tag().as_deref(), Some("duplicate"));
        let standing = PlacedToken {
            travelled: Some(0.404),
            ..placed(2, false)
        };
        assert_eq!(standing.tag().as_deref(), Some("40%, attempt 2"));
    }

    #[test]
    fn reduced_motion_parks_tokens_mid_edge_and_responses_run_backwards() {
        let token = Token {
            message: 1,
            kind: MessageKind::QueryResponse,
            track: Track::Edge(0),
            reverse: true,
            depart: 1000,
            arrive: 2000,
            attempt: 1,
            duplicate: false,
        };
        assert_eq!(token.progress(1000, false), 1.0);
        assert_eq!(token.progress(2000, false), 0.0);
        assert_eq!(token.progress(1250, false), 0.75);
        assert_eq!(token.progress(1000, true), 0.5);
        assert_eq!(token.progress(1900, true), 0.5);
        // Standing still, it tells how far its hop has come: the answer is 90% back.
        let mut layer = TokenLayer::new(1);
        layer.tokens.push(token);
        let sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        let standing = layer.placed(&geometry, 1900, true).next().unwrap();
        assert_eq!(standing.tag().as_deref(), Some("90%"));
        assert_eq!(standing.at, geometry.edges[0].path.point_at(0.5));
        let gliding = layer.placed(&geometry, 1900, false).next().unwrap();
        assert_eq!(gliding.tag(), None);
    }

    #[test]
    fn an_event_splits_into_one_token_per_subscriber() {
        let mut sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        let mut layer = TokenLayer::new(geometry.edges.len());
        sim.act(Scenario::BookFl123.action()).unwrap();
        let mut event_edges = std::collections::BTreeSet::new();
        let mut booking_created = None;
        for _ in 0..400 {
            let happenings = sim.step();
            if happenings.is_empty() {
                break;
            }
            for happening in &happenings {
                if let Happening::Sent { message, .. } = happening {
                    if sim.message(*message).map(|m| m.type_name.as_str()) == Some("BookingCreated")
                    {
                        booking_created = Some(*message);
                    }
                }
            }
            layer.absorb(&geometry, &happenings, |_| None);
            for token in &layer.tokens {
                if let (true, Track::Edge(edge)) =
                    (Some(token.message) == booking_created, token.track)
                {
                    event_edges.insert(edge);
                }
            }
        }
        let broker = sim.topology().broker().unwrap();
        let from_broker: Vec<&str> = event_edges
            .iter()
            .map(|&e| &geometry.edges[e].edge)
            .filter(|edge| edge.from == broker)
            .map(|edge| sim.topology().id(edge.to))
            .collect();
        assert_eq!(from_broker, vec!["loyalty", "flights"]);
    }

    #[test]
    fn an_event_nobody_hears_fades_out_along_its_stub() {
        let mut sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        let mut layer = TokenLayer::new(geometry.edges.len());
        sim.act(Scenario::BookFl123.action()).unwrap();
        let mut stub_token = None;
        for _ in 0..400 {
            let happenings = sim.step();
            if happenings.is_empty() {
                break;
            }
            layer.absorb(&geometry, &happenings, |id| {
                sim.message(id)
                    .and_then(|m| geometry.route(sim.topology(), m).dead_end)
            });
            stub_token = stub_token.or(layer
                .tokens
                .iter()
                .find(|t| matches!(t.track, Track::Stub(_)))
                .copied());
        }
        let token = stub_token.expect("LoyaltyPointsCredited leaves along its stub");
        assert_eq!(
            sim.message(token.message).unwrap().type_name,
            "LoyaltyPointsCredited"
        );
        let Track::Stub(stub) = token.track else {
            unreachable!()
        };
        let path = geometry.dead_ends[stub].1;
        let layer = TokenLayer {
            tokens: vec![token],
            last_on_edge: Vec::new(),
        };
        let at = |t| layer.placed(&geometry, t, false).next().unwrap();
        let start = at(token.depart);
        let late = at(token.depart + STUB_FADE_MS * 9 / 10);
        assert!(start.at.distance(path.start) < 1e-6);
        assert_eq!(start.opacity, 1.0);
        assert!(late.opacity < 0.3, "faded: {}", late.opacity);
        assert!(late.at.distance(path.end) < start.at.distance(path.end));
    }
}
