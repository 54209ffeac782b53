//! From a model to what the engine runs: the topology and the simulation's settings.

use super::*;
use crate::sim::engine::SimConfig;
use crate::sim::error::SimError;
use crate::sim::topology::Topology;

impl Model {
    /// The topology this model declares, built through `Topology`'s own checks: services in
    /// model order, then each message's routing in model order, so the per-service lists keep
    /// the order the model writes them in.
    pub fn to_topology(&self) -> Result<Topology, SimError> {
        let mut t = Topology::new();
        for s in &self.services {
            t.add_service(&s.id, &s.name, s.role)?;
        }
        let idx = |t: &Topology, id: &str| {
            t.index_of(id)
                .ok_or_else(|| SimError::UnknownService { id: id.to_string() })
        };
        for m in &self.messages {
            match &m.kind {
                MessageSpec::Command { senders, handler } => {
                    let h = idx(&t, handler)?;
                    t.add_handler(h, &m.name)?;
                    for s in senders {
                        let s = idx(&t, s)?;
                        t.add_sender(s, &m.name)?;
                    }
                }
                MessageSpec::Event {
                    publishers,
                    subscribers,
                } => {
                    for s in publishers {
                        let s = idx(&t, s)?;
                        t.add_publisher(s, &m.name)?;
                    }
                    for s in subscribers {
                        let s = idx(&t, s)?;
                        t.add_subscriber(s, &m.name)?;
                    }
                }
                MessageSpec::Query {
                    route,
                    server,
                    callers,
                    ..
                } => {
                    let s = idx(&t, server)?;
                    t.add_route(s, route)?;
                    for c in callers {
                        let c = idx(&t, c)?;
                        t.add_caller(c, route)?;
                    }
                }
            }
            if let Some(rule) = m.kind_rule {
                let key = match &m.kind {
                    MessageSpec::Query { route, .. } => route,
                    _ => &m.name,
                };
                t.set_kind_rule(key, rule);
            }
        }
        Ok(t)
    }

    /// The simulation's settings with this model's times applied over `base`: each stated
    /// time replaces the base's, and each service's own processing time becomes an override.
    pub fn sim_config(&self, base: SimConfig) -> SimConfig {
        let t = &self.timing;
        let mut c = base;
        c.hop_latency_ms = t.hop_latency_ms.unwrap_or(c.hop_latency_ms);
        c.jitter_ms = t.jitter_ms.unwrap_or(c.jitter_ms);
        c.processing_ms = t.processing_ms.unwrap_or(c.processing_ms);
        c.query_processing_ms = t.query_processing_ms.unwrap_or(c.query_processing_ms);
        c.query_timeout_ms = t.query_timeout_ms.unwrap_or(c.query_timeout_ms);
        for s in &self.services {
            if let Some(ms) = s.processing_ms {
                c.processing_overrides.push((s.id.clone(), ms));
            }
        }
        c
    }
}
