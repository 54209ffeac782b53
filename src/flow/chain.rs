//! A message's causal chain: the messages that led to it (its causation ancestors, up to
//! the user's action) and the messages it led to (its descendants). Every view marks the
//! same chain, so it is computed once here from the simulation's history.

use crate::geometry::DiagramGeometry;
use crate::sim::{CorrelationId, Envelope, MessageId, Sim};

/// How a message relates to the selected one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainMark {
    /// It led to the selected message.
    Cause,
    Selected,
    /// The selected message led to it.
    Effect,
    /// Same user action, but neither a cause nor an effect: dimmed less than the rest.
    Related,
}

impl ChainMark {
    /// The value of `data-chain` (the automation contract); `Related` is not part of it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChainMark::Cause => "cause",
            ChainMark::Selected => "selected",
            ChainMark::Effect => "effect",
            ChainMark::Related => "related",
        }
    }
}

/// The chain around one selected message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chain {
    pub selected: MessageId,
    pub correlation: CorrelationId,
    /// From the user's action down to the selected message's parent.
    pub causes: Vec<MessageId>,
    /// In id order (a message's effects are always sent after it).
    pub effects: Vec<MessageId>,
}

impl Chain {
    /// The chain of `selected`, or `None` when it is no longer in the history. Ancestors
    /// that fell out of the history end the walk up.
    pub fn of(sim: &Sim, selected: MessageId) -> Option<Chain> {
        let message = sim.message(selected)?;
        let mut causes = Vec::new();
        let mut parent = message.causation_id;
        while let Some(id) = parent {
            let Some(cause) = sim.message(id) else { break };
            causes.push(id);
            parent = cause.causation_id;
        }
        causes.reverse();
        // Children always have larger ids than their cause, so one pass in id order finds
        // every descendant.
        let mut effects: Vec<MessageId> = Vec::new();
        for m in sim.messages().skip_while(|m| m.message_id <= selected) {
            let Some(cause) = m.causation_id else {
                continue;
            };
            if cause == selected || effects.binary_search(&cause).is_ok() {
                effects.push(m.message_id);
            }
        }
        Some(Chain {
            selected,
            correlation: message.correlation_id,
            causes,
            effects,
        })
    }

    pub fn mark(&self, message: &Envelope) -> Option<ChainMark> {
        self.mark_of(message.message_id, message.correlation_id)
    }

    /// The mark of message `id` of user action `correlation`.
    pub fn mark_of(&self, id: MessageId, correlation: CorrelationId) -> Option<ChainMark> {
        if id == self.selected {
            Some(ChainMark::Selected)
        } else if self.effects.binary_search(&id).is_ok() {
            Some(ChainMark::Effect)
        } else if self.causes.contains(&id) {
            Some(ChainMark::Cause)
        } else if correlation == self.correlation {
            Some(ChainMark::Related)
        } else {
            None
        }
    }

    /// The message the chain's tree hangs from: the first cause, or the selected message.
    pub fn root(&self) -> MessageId {
        self.causes.first().copied().unwrap_or(self.selected)
    }
}

/// The edges the messages of `chain` travelled, each with the nearest relation among the
/// messages that travelled it: the selected message's own edges first, then its causes',
/// then its effects'.
pub fn chain_edges(
    sim: &Sim,
    geometry: &DiagramGeometry,
    chain: &Chain,
) -> Vec<(usize, &'static str)> {
    let mut out: Vec<(usize, &'static str)> = Vec::new();
    let members = std::iter::once((chain.selected, ChainMark::Selected))
        .chain(chain.causes.iter().map(|&c| (c, ChainMark::Cause)))
        .chain(chain.effects.iter().map(|&e| (e, ChainMark::Effect)));
    for (id, mark) in members {
        let Some(message) = sim.message(id) else {
            continue;
        };
        for edge in geometry.route(sim.topology(), message).edges {
            if !out.iter().any(|(e, _)| *e == edge) {
                out.push((edge, mark.as_str()));
            }
        }
    }
    out
}

/// Where the keyboard moves within a chain: to a message's cause, its first effect, or
/// the next or previous message with the same cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainStep {
    Parent,
    FirstChild,
    NextSibling,
    PreviousSibling,
}

/// The message one step away from `from`, if there is one in the history.
pub fn step(sim: &Sim, from: MessageId, step: ChainStep) -> Option<MessageId> {
    let message = sim.message(from)?;
    match step {
        ChainStep::Parent => message.causation_id.filter(|&p| sim.message(p).is_some()),
        ChainStep::FirstChild => sim.children_of(from).first().copied(),
        ChainStep::NextSibling | ChainStep::PreviousSibling => {
            let siblings = sim.children_of(message.causation_id?);
            let at = siblings.iter().position(|&s| s == from)?;
            let next = if step == ChainStep::NextSibling {
                at.checked_add(1)
            } else {
                at.checked_sub(1)
            };
            siblings.get(next?).copied()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{MessageKind, Scenario, SimConfig};

    /// The airline after "Book FL123" has run to the end.
    fn booked() -> Sim {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(Scenario::BookFl123.action()).unwrap();
        sim.run_until_idle(100_000);
        sim
    }

    fn by_type(sim: &Sim, name: &str) -> MessageId {
        sim.messages()
            .find(|m| m.type_name == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .message_id
    }

    #[test]
    fn booking_created_has_the_command_as_cause_and_the_points_chain_as_effects() {
        let sim = booked();
        let created = by_type(&sim, "BookingCreated");
        let chain = Chain::of(&sim, created).unwrap();
        let create = by_type(&sim, "CreateBooking");
        assert_eq!(chain.root(), create);
        assert!(chain.causes.contains(&create));
        let credited = by_type(&sim, "LoyaltyPointsCredited");
        assert!(chain.effects.contains(&credited), "{chain:?}");
        // The availability query came before the event, from the command: not an effect.
        let availability = sim
            .messages()
            .find(|m| m.kind == MessageKind::Query)
            .unwrap();
        assert!(!chain.effects.contains(&availability.message_id));
        assert_eq!(chain.mark(availability), Some(ChainMark::Related));
        assert_eq!(
            chain.mark(sim.message(created).unwrap()),
            Some(ChainMark::Selected)
        );
        assert_eq!(
            chain.mark(sim.message(create).unwrap()),
            Some(ChainMark::Cause)
        );
    }

    #[test]
    fn every_effect_descends_from_the_selected_message() {
        let sim = booked();
        let create = by_type(&sim, "CreateBooking");
        let chain = Chain::of(&sim, create).unwrap();
        assert!(chain.causes.is_empty());
        for &e in &chain.effects {
            let mut at = sim.message(e).unwrap().causation_id;
            while at != Some(create) {
                at = sim
                    .message(at.expect("reaches the root"))
                    .unwrap()
                    .causation_id;
            }
        }
        // Everything in the action but the root is an effect of the root.
        let all = sim.messages().filter(|m| m.message_id != create).count();
        assert_eq!(chain.effects.len(), all);
    }

    #[test]
    fn steps_move_to_the_parent_a_child_and_siblings() {
        let sim = booked();
        let create = by_type(&sim, "CreateBooking");
        let child = step(&sim, create, ChainStep::FirstChild).unwrap();
        assert_eq!(step(&sim, child, ChainStep::Parent), Some(create));
        assert_eq!(step(&sim, create, ChainStep::Parent), None);
        let children = sim.children_of(create);
        assert!(children.len() > 1, "CreateBooking has several effects");
        assert_eq!(
            step(&sim, children[0], ChainStep::NextSibling),
            Some(children[1])
        );
        assert_eq!(
            step(&sim, children[1], ChainStep::PreviousSibling),
            Some(children[0])
        );
        assert_eq!(step(&sim, children[0], ChainStep::PreviousSibling), None);
    }
}
