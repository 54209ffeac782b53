//! The keyboard's way around the diagram: one tab stop, and inside it the arrow keys move
//! to the nearest service or edge in their direction, as a pointer would. Pure geometry on
//! the same layout the diagram draws, so every item is reachable in every model.

use crate::geometry::{DiagramGeometry, Point};

/// What the keyboard can stand on in the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagramItem {
    /// A service's box, by its index in the topology.
    Service(usize),
    /// A drawn edge, by its index in `Topology::edges()`.
    Edge(usize),
}

/// Where an item sits: a service's centre, an edge's middle.
pub fn position(geometry: &DiagramGeometry, item: DiagramItem) -> Option<Point> {
    match item {
        DiagramItem::Service(s) => geometry.nodes.get(s).copied(),
        DiagramItem::Edge(e) => geometry.edges.get(e).map(|d| d.path.point_at(0.5)),
    }
}

/// Every item, services first.
fn items(geometry: &DiagramGeometry) -> impl Iterator<Item = DiagramItem> + '_ {
    (0..geometry.nodes.len())
        .map(DiagramItem::Service)
        .chain((0..geometry.edges.len()).map(DiagramItem::Edge))
}

/// Where `key` takes the focus from `from`: the arrow keys to the nearest item in their
/// direction (an item straight ahead beats a nearer one off to the side), Home and End to
/// the first and last service. `None` when the key is not the diagram's or leads nowhere.
pub fn next_item(geometry: &DiagramGeometry, from: DiagramItem, key: &str) -> Option<DiagramItem> {
    let (dx, dy) = match key {
        "ArrowRight" => (1.0, 0.0),
        "ArrowLeft" => (-1.0, 0.0),
        "ArrowDown" => (0.0, 1.0),
        "ArrowUp" => (0.0, -1.0),
        "Home" => return (!geometry.nodes.is_empty()).then_some(DiagramItem::Service(0)),
        "End" => {
            return geometry
                .nodes
                .len()
                .checked_sub(1)
                .map(DiagramItem::Service)
        }
        _ => return None,
    };
    let here = position(geometry, from)?;
    let mut best: Option<(f64, DiagramItem)> = None;
    for item in items(geometry).filter(|&i| i != from) {
        let Some(there) = position(geometry, item) else {
            continue;
        };
        let (vx, vy) = (there.x - here.x, there.y - here.y);
        let ahead = vx * dx + vy * dy;
        let aside = (vx * dy - vy * dx).abs();
        // Within 60° either side of the key's direction.
        if ahead <= 1.0 || aside > ahead * 1.8 {
            continue;
        }
        let score = ahead + 2.0 * aside;
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, item));
        }
    }
    best.map(|(_, item)| item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Sim, SimConfig};

    fn airline() -> (Sim, DiagramGeometry) {
        let sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        (sim, geometry)
    }

    #[test]
    fn the_arrow_keys_reach_every_service_and_every_edge() {
        let (_, geometry) = airline();
        let mut seen = vec![DiagramItem::Service(0)];
        let mut frontier = seen.clone();
        while let Some(at) = frontier.pop() {
            for key in ["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"] {
                if let Some(next) = next_item(&geometry, at, key) {
                    if !seen.contains(&next) {
                        seen.push(next);
                        frontier.push(next);
                    }
                }
            }
        }
        let all: Vec<DiagramItem> = items(&geometry).collect();
        let missed: Vec<&DiagramItem> = all.iter().filter(|i| !seen.contains(i)).collect();
        assert!(missed.is_empty(), "unreachable: {missed:?}");
    }

    #[test]
    fn an_arrow_moves_in_its_direction_and_back() {
        let (sim, geometry) = airline();
        let topology = sim.topology();
        for s in 0..geometry.nodes.len() {
            let from = DiagramItem::Service(s);
            let here = position(&geometry, from).unwrap();
            for (key, back) in [("ArrowRight", "ArrowLeft"), ("ArrowDown", "ArrowUp")] {
                let Some(next) = next_item(&geometry, from, key) else {
                    continue;
                };
                let there = position(&geometry, next).unwrap();
                let moved = if key == "ArrowRight" {
                    there.x - here.x
                } else {
                    there.y - here.y
                };
                assert!(moved > 0.0, "{key} from {} went backwards", topology.id(s));
                assert!(
                    next_item(&geometry, next, back).is_some(),
                    "{back} leads somewhere"
                );
            }
        }
        assert_eq!(
            next_item(&geometry, DiagramItem::Edge(0), "End"),
            Some(DiagramItem::Service(geometry.nodes.len() - 1))
        );
        assert_eq!(next_item(&geometry, DiagramItem::Edge(0), "Enter"), None);
    }
}
