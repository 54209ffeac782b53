//! A generated topology for benchmarks: many services, many edges, a fixed number of tokens
//! relayed forever. It uses the same engine, happenings and `Topology::edges` as the airline.

use crate::json;

use serde_json::Value;

use super::behaviour::{Ctx, Outgoing, QueryResult, Rejection, ServiceBehaviour};
use super::engine::{Sim, SimConfig};
use super::error::SimError;
use super::message::Envelope;
use super::rng::SplitMix64;
use super::topology::{EdgeKind, Role, Route, Topology};

const KINDS: [EdgeKind; 3] = [EdgeKind::Command, EdgeKind::Event, EdgeKind::Query];
const STREAM_SEED_TOKENS: u64 = 4;
pub const MAX_SYNTHETIC_SERVICES: usize = 10_000;
pub const MAX_SYNTHETIC_TOKENS: usize = 1_000_000;

#[derive(Clone, Debug)]
enum RelayEdge {
    Command(String),
    Event(String),
    Query(String),
}

impl RelayEdge {
    fn outgoing(&self, topology: &Topology, payload: Value) -> Result<Outgoing, SimError> {
        Ok(match self {
            RelayEdge::Command(t) => Outgoing::Command {
                type_name: t.clone(),
                handler: topology
                    .handler_of(t)
                    .ok_or_else(|| SimError::NoHandler { command: t.clone() })?,
                payload,
            },
            RelayEdge::Event(t) => Outgoing::Event {
                type_name: t.clone(),
                subscribers: topology.subscribers_of(t),
                payload,
            },
            RelayEdge::Query(line) => Outgoing::Query {
                line: line.clone(),
                server: topology.match_route(line)?.0,
            },
        })
    }
}

/// On every message it receives (or query answer it gets back), sends exactly one message on
/// a random outgoing edge, so the number of tokens in flight never changes.
#[derive(Clone, Debug, Default)]
pub struct Relay {
    outgoing: Vec<RelayEdge>,
    relayed: u64,
}

impl Relay {
    fn forward(&mut self, ctx: &mut Ctx<'_>) -> Result<(), Rejection> {
        if self.outgoing.is_empty() {
            return Ok(());
        }
        let i = ctx.random_below(self.outgoing.len() as u64) as usize;
        self.relayed += 1;
        let payload = Value::from(self.relayed);
        let sent = match &self.outgoing[i] {
            RelayEdge::Command(t) => ctx.send(t, payload),
            RelayEdge::Event(t) => ctx.publish(t, payload),
            RelayEdge::Query(line) => ctx.query(line),
        };
        sent.map_err(|e| Rejection::new(e.to_string()))
    }
}

impl ServiceBehaviour for Relay {
    fn on_message(&mut self, ctx: &mut Ctx<'_>, _msg: &Envelope) -> Result<(), Rejection> {
        self.forward(ctx)
    }

    fn on_query(&self, _route: &Route) -> QueryResult {
        QueryResult::Ok(Value::from(self.relayed))
    }

    fn on_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        _origin: Option<&Envelope>,
        _request: &Envelope,
        _response: Option<&Envelope>,
    ) -> Result<(), Rejection> {
        self.forward(ctx)
    }

    fn state_json(&self) -> Value {
        json!({"relayed": self.relayed, "outgoingEdges": self.outgoing.len()})
    }
}

impl Sim {
    /// `services` relays "svc-00".. with exactly `edges` directed edges of mixed kinds (a ring
    /// first, so every service has an outgoing edge, then longer chords), no broker (commands
    /// and events travel directly), processing time 0, and `tokens` messages started at time
    /// 0 that are relayed forever. `config`'s processing times are overridden to 0.
    pub fn synthetic(
        services: usize,
        edges: usize,
        tokens: usize,
        config: SimConfig,
    ) -> Result<Sim, SimError> {
        let n = services;
        let invalid = |reason: String| Err(SimError::InvalidTopology { reason });
        if !(2..=MAX_SYNTHETIC_SERVICES).contains(&n) {
            return invalid(format!(
                "services must be 2..={MAX_SYNTHETIC_SERVICES}, got {n}"
            ));
        }
        let max_edges = 3 * n * (n - 1);
        if edges < n || edges > max_edges {
            return invalid(format!(
                "edges must be {n}..={max_edges} for {n} services, got {edges}"
            ));
        }
        // With processing at 0, a zero-latency hop would let a token circle forever within one
        // instant and `advance_to` would never return.
        if config.hop_latency_ms <= config.jitter_ms {
            return invalid("hop_latency_ms must exceed jitter_ms so every hop takes time".into());
        }
        if tokens > MAX_SYNTHETIC_TOKENS {
            return invalid(format!("tokens must be at most {MAX_SYNTHETIC_TOKENS}"));
        }
        let width = (n - 1).to_string().len().max(2);
        let mut topology = Topology::new();
        for i in 0..n {
            let id = format!("svc-{i:0width$}");
            let name = format!("Service {i}");
            topology.add_service(&id, &name, Role::Service)?;
        }
        let mut relays = vec![Relay::default(); n];
        // Candidates in a fixed order, all distinct (kind, from, to): distance 1 with the kind
        // rotating along the ring, then the other kinds, then distance 2, and so on.
        let candidates = (1..n).flat_map(move |d| {
            (0..3).flat_map(move |r| (0..n).map(move |i| (KINDS[(i + r) % 3], i, (i + d) % n)))
        });
        for (k, (kind, from, to)) in candidates.take(edges).enumerate() {
            match kind {
                EdgeKind::Command => {
                    let t = format!("C{k}");
                    topology.add_sender(from, &t)?;
                    topology.add_handler(to, &t)?;
                    relays[from].outgoing.push(RelayEdge::Command(t));
                }
                EdgeKind::Event => {
                    let t = format!("E{k}");
                    topology.add_publisher(from, &t)?;
                    topology.add_subscriber(to, &t)?;
                    relays[from].outgoing.push(RelayEdge::Event(t));
                }
                EdgeKind::Query => {
                    let line = format!("GET /{}/q{k}", topology.id(to));
                    topology.add_route(to, &line)?;
                    topology.add_caller(from, &line)?;
                    relays[from].outgoing.push(RelayEdge::Query(line));
                }
            }
        }
        let config = SimConfig {
            processing_ms: 0,
            processing_overrides: Vec::new(),
            query_processing_ms: 0,
            ..config
        };
        let mut rng = SplitMix64::stream(config.seed, STREAM_SEED_TOKENS);
        let starts: Vec<Outgoing> = (0..tokens)
            .map(|j| {
                let r = &relays[j % n];
                let edge = &r.outgoing[rng.index(r.outgoing.len())];
                edge.outgoing(&topology, Value::from(0))
            })
            .collect::<Result<_, _>>()?;
        let behaviours: Vec<Box<dyn ServiceBehaviour>> = relays
            .into_iter()
            .map(|r| Box::new(r) as Box<dyn ServiceBehaviour>)
            .collect();
        let mut sim = Sim::build(topology, behaviours, config, None, None);
        for (j, out) in starts.into_iter().enumerate() {
            sim.originate(j % n, out);
        }
        Ok(sim)
    }
}
