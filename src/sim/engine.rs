use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::behaviour::{Ctx, Outgoing, QueryResult, Rejection, ServiceBehaviour};
use super::error::SimError;
use super::message::{CorrelationId, Envelope, MessageId, MessageKind};
use super::rng::SplitMix64;
use super::time::SimTime;
use super::topology::{Role, ServiceIdx, Topology};

/// One leg of a message's journey, reported when it departs so the UI can animate it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub message: MessageId,
    pub kind: MessageKind,
    pub from: ServiceIdx,
    pub to: ServiceIdx,
    pub depart: SimTime,
    pub arrive: SimTime,
}

/// Something observable the simulation did, in the order it did it.
#[derive(Clone, Debug, PartialEq)]
pub enum Happening {
    /// A message was created.
    Sent { message: MessageId, at: SimTime },
    /// A token starts travelling now (`depart`), arriving at `arrive`.
    Hop(Hop),
    /// The message reached the broker and waits in `consumer`'s queue (depth after enqueueing).
    Enqueued {
        message: MessageId,
        consumer: ServiceIdx,
        depth: usize,
        at: SimTime,
    },
    /// The message reached the service that will process it (every non-broker hop ends so).
    Delivered {
        message: MessageId,
        to: ServiceIdx,
        at: SimTime,
    },
    /// Processed successfully: command accepted, event consumed, query answered. Also emitted
    /// `by` the broker for an event with no subscribers, where its journey ends.
    Handled {
        message: MessageId,
        by: ServiceIdx,
        at: SimTime,
    },
    /// The handler refused the message (e.g. a full flight); it had no effects.
    Rejected {
        message: MessageId,
        by: ServiceIdx,
        reason: String,
        at: SimTime,
    },
    /// A query's response reached the caller in time; the caller unblocks.
    Answered {
        request: MessageId,
        response: MessageId,
        at: SimTime,
    },
    /// The caller gave up waiting; a late response is then recorded but ignored.
    TimedOut { request: MessageId, at: SimTime },
}

impl Happening {
    pub fn at(&self) -> SimTime {
        match self {
            Happening::Hop(h) => h.depart,
            Happening::Sent { at, .. }
            | Happening::Enqueued { at, .. }
            | Happening::Delivered { at, .. }
            | Happening::Handled { at, .. }
            | Happening::Rejected { at, .. }
            | Happening::Answered { at, .. }
            | Happening::TimedOut { at, .. } => *at,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ServiceStatus {
    Idle,
    /// Inside its processing time for a message.
    Busy,
    /// Blocked on a query response.
    Waiting,
}

/// Where a message's story ended (so far).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Pending,
    /// Command handled successfully.
    Accepted,
    /// Command refused by its handler (or, in a custom topology, an event copy refused by a
    /// subscriber), or a command or any event copy the broker refused because its queue was
    /// full.
    Rejected(String),
    /// Event processed by every subscriber it had at publish time (immediately, if none).
    Consumed,
    /// Query: its response arrived in time. Response: it arrived in time.
    Answered,
    /// Query: the caller gave up. Response: it arrived after the caller gave up.
    TimedOut,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    pub seed: u64,
    /// Network hop, each direction.
    pub hop_latency_ms: u64,
    /// Uniform +- around the hop latency, drawn from the seeded RNG.
    pub jitter_ms: u64,
    /// Busy time per command/event a service processes.
    pub processing_ms: u64,
    /// Per service id, replacing `processing_ms`.
    pub processing_overrides: Vec<(String, u64)>,
    /// Time a server takes to answer a query.
    pub query_processing_ms: u64,
    pub query_timeout_ms: u64,
    /// Retained envelopes; older ones are dropped (with their outcomes and links) so memory
    /// stays flat under endless traffic.
    pub history_limit: usize,
    /// Messages the broker holds for one consumer. A message for a full queue is refused at
    /// the broker (a rejection by `broker`), as a broker with a length limit refuses a
    /// publish: without a bound, traffic faster than a consumer grows memory without end.
    pub queue_capacity: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            hop_latency_ms: 600,
            jitter_ms: 150,
            processing_ms: 400,
            processing_overrides: Vec::new(),
            query_processing_ms: 150,
            query_timeout_ms: 5000,
            history_limit: 5000,
            queue_capacity: 1000,
        }
    }
}

/// Validates a payload against the typed struct of its message type (`Err` = reason).
pub(crate) type PayloadCheck = fn(&str, &Value) -> Result<(), String>;
/// Produces one random user action for the traffic generator.
pub(crate) type TrafficSource = fn(&mut SplitMix64) -> super::airline::UserAction;

#[derive(Debug)]
enum Item {
    /// Command/event arrives at the broker.
    AtBroker(Arc<Envelope>),
    /// A pulled message arrives at its consumer.
    Fetched(Arc<Envelope>, ServiceIdx),
    /// Command/event arrives directly (topology without a broker).
    Direct(Arc<Envelope>, ServiceIdx),
    QueryArrive(Arc<Envelope>),
    ResponseArrive(Arc<Envelope>),
    /// The consumer's processing time for this message is over.
    Processed(Arc<Envelope>, ServiceIdx),
    /// The server has finished working on this query.
    Answer(Arc<Envelope>),
}

#[derive(Debug)]
struct Scheduled {
    at: SimTime,
    seq: u64,
    item: Item,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq) first.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

#[derive(Debug)]
struct Record {
    env: Arc<Envelope>,
    outcome: Outcome,
    /// Query -> its response; response -> its request.
    link: Option<MessageId>,
    /// Event copies not yet processed.
    copies_left: u32,
    /// Hops of this message on the wire now: what the diagram draws as its tokens.
    hops: u32,
}

#[derive(Clone, Copy, Debug, Default)]
struct Worker {
    processing: u32,
    /// A pulled message is travelling broker -> here; pull nothing else meanwhile.
    fetching: bool,
    outstanding: u32,
}

#[derive(Debug)]
struct PendingQuery {
    caller: ServiceIdx,
    request: Arc<Envelope>,
    origin: Option<Arc<Envelope>>,
    timeout_key: (SimTime, u64),
}

enum Source {
    Heap,
    Timeout,
    Traffic,
}

/// The simulation: a deterministic discrete-event scheduler plus broker, transport and the
/// services' behaviours. See the module docs for the model.
pub struct Sim {
    topology: Topology,
    config: SimConfig,
    behaviours: Vec<Box<dyn ServiceBehaviour>>,
    processing: Vec<u64>,
    payload_check: Option<PayloadCheck>,
    traffic_source: Option<TrafficSource>,

    now: SimTime,
    seq: u64,
    heap: BinaryHeap<Scheduled>,
    /// Kept apart from the heap so an answered query's timeout can be cancelled outright
    /// instead of surfacing later as an empty step.
    timeouts: BTreeMap<(SimTime, u64), MessageId>,
    out: Vec<Happening>,

    hop_rng: SplitMix64,
    traffic_rng: SplitMix64,
    behaviour_rng: SplitMix64,

    next_message: MessageId,
    next_correlation: CorrelationId,
    total: u64,
    records: VecDeque<Record>,

    queues: Vec<VecDeque<Arc<Envelope>>>,
    workers: Vec<Worker>,
    pending: BTreeMap<MessageId, PendingQuery>,
    /// Message being handled -> queries it still waits on.
    waits: BTreeMap<MessageId, u32>,
    in_flight: usize,
    processed_items: u64,

    traffic: f64,
    traffic_credit: f64,
    traffic_period: u64,
    traffic_next: Option<(SimTime, u64)>,
    /// When the broker refused a message for a full queue, oldest first, kept for
    /// [`REFUSALS_KEPT_MS`]: back-pressure shown as a recent count, with flat memory.
    broker_refusals: VecDeque<SimTime>,
}

/// How far back [`Sim::broker_refusals_since`] can see, in simulated milliseconds.
pub const REFUSALS_KEPT_MS: SimTime = 10_000;

const STREAM_HOPS: u64 = 1;
const STREAM_TRAFFIC: u64 = 2;
const STREAM_BEHAVIOUR: u64 = 3;
/// Upper bound for `set_traffic`, in simulated bookings per second.
pub const MAX_TRAFFIC_PER_SEC: f64 = 10_000.0;

impl Sim {
    /// A simulation of any topology: one behaviour per service, in topology order (the
    /// broker's entry is never called; `Passive` will do). No payload validation, no traffic
    /// generator.
    pub fn custom(
        topology: Topology,
        behaviours: Vec<Box<dyn ServiceBehaviour>>,
        config: SimConfig,
    ) -> Result<Sim, SimError> {
        if behaviours.len() != topology.services().len() {
            return Err(SimError::InvalidTopology {
                reason: format!(
                    "{} behaviours for {} services",
                    behaviours.len(),
                    topology.services().len()
                ),
            });
        }
        Ok(Sim::build(topology, behaviours, config, None, None))
    }

    pub(crate) fn build(
        topology: Topology,
        behaviours: Vec<Box<dyn ServiceBehaviour>>,
        config: SimConfig,
        payload_check: Option<PayloadCheck>,
        traffic_source: Option<TrafficSource>,
    ) -> Sim {
        let n = topology.services().len();
        let processing = topology
            .services()
            .iter()
            .map(|s| {
                config
                    .processing_overrides
                    .iter()
                    .rev()
                    .find(|(id, _)| *id == s.id)
                    .map_or(config.processing_ms, |&(_, ms)| ms)
            })
            .collect();
        let seed = config.seed;
        Sim {
            topology,
            config,
            behaviours,
            processing,
            payload_check,
            traffic_source,
            now: 0,
            seq: 0,
            heap: BinaryHeap::new(),
            timeouts: BTreeMap::new(),
            out: Vec::new(),
            hop_rng: SplitMix64::stream(seed, STREAM_HOPS),
            traffic_rng: SplitMix64::stream(seed, STREAM_TRAFFIC),
            behaviour_rng: SplitMix64::stream(seed, STREAM_BEHAVIOUR),
            next_message: 1,
            next_correlation: 1,
            total: 0,
            records: VecDeque::new(),
            queues: vec![VecDeque::new(); n],
            workers: vec![Worker::default(); n],
            pending: BTreeMap::new(),
            waits: BTreeMap::new(),
            in_flight: 0,
            processed_items: 0,
            traffic: 0.0,
            traffic_credit: 0.0,
            traffic_period: 0,
            traffic_next: None,
            broker_refusals: VecDeque::new(),
        }
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    fn next_key(&self) -> Option<(SimTime, u64, Source)> {
        let mut best = self.heap.peek().map(|s| (s.at, s.seq, Source::Heap));
        let mut consider = |at: SimTime, seq: u64, src: Source| {
            if best.as_ref().is_none_or(|b| (at, seq) < (b.0, b.1)) {
                best = Some((at, seq, src));
            }
        };
        if let Some((&(at, seq), _)) = self.timeouts.first_key_value() {
            consider(at, seq, Source::Timeout);
        }
        if let Some((at, seq)) = self.traffic_next {
            consider(at, seq, Source::Traffic);
        }
        best
    }

    pub fn next_due(&self) -> Option<SimTime> {
        self.next_key().map(|(at, _, _)| at)
    }

    /// Processes everything due at or before `t` in time order (ties by insertion order), sets
    /// now = max(now, t), returns what happened in order — including what `act`/`send_*` did
    /// since the last call.
    pub fn advance_to(&mut self, t: SimTime) -> Vec<Happening> {
        while let Some((at, _, src)) = self.next_key() {
            if at > t {
                break;
            }
            self.now = self.now.max(at);
            self.processed_items += 1;
            match src {
                Source::Heap => {
                    if let Some(s) = self.heap.pop() {
                        self.process(s.item);
                    }
                }
                Source::Timeout => {
                    if let Some((_, id)) = self.timeouts.pop_first() {
                        self.on_timeout(id);
                    }
                }
                Source::Traffic => {
                    self.traffic_next = None;
                    self.on_traffic();
                }
            }
        }
        self.now = self.now.max(t);
        std::mem::take(&mut self.out)
    }

    pub fn advance_by(&mut self, dt: SimTime) -> Vec<Happening> {
        self.advance_to(self.now.saturating_add(dt))
    }

    /// Jumps to the next due time and processes everything due then. Empty if nothing is
    /// scheduled. Happenings of `act`/`send_*` not yet returned count as due now: they come
    /// back alone, without moving the clock, so a stepper shows each instant separately.
    pub fn step(&mut self) -> Vec<Happening> {
        if !self.out.is_empty() {
            return std::mem::take(&mut self.out);
        }
        match self.next_due() {
            Some(t) => self.advance_to(t),
            None => Vec::new(),
        }
    }

    /// Steps until nothing is scheduled, or `max_steps` steps have run (a guard, since traffic
    /// never stops by itself). Returns everything that happened.
    pub fn run_until_idle(&mut self, max_steps: usize) -> Vec<Happening> {
        let mut all = std::mem::take(&mut self.out);
        for _ in 0..max_steps {
            if self.next_due().is_none() {
                break;
            }
            all.extend(self.step());
        }
        all
    }

    // ----- originating messages -----

    fn origin_service(&self, from: &str) -> Result<ServiceIdx, SimError> {
        let s = self
            .topology
            .index_of(from)
            .ok_or_else(|| SimError::UnknownService {
                id: from.to_string(),
            })?;
        if self.topology.role(s) == Some(Role::Broker) {
            return Err(SimError::InvalidInput {
                reason: format!(
                    "the broker \"{from}\" relays messages; it does not originate them"
                ),
            });
        }
        Ok(s)
    }

    fn check_payload(&self, type_name: &str, payload: &Value) -> Result<(), SimError> {
        match self.payload_check {
            Some(check) => check(type_name, payload).map_err(|reason| SimError::MalformedPayload {
                type_name: type_name.to_string(),
                reason,
            }),
            None => Ok(()),
        }
    }

    /// A service sends a command now, as a new user-level action (new correlation id).
    pub fn send_command(
        &mut self,
        from: &str,
        command: &str,
        payload: Value,
    ) -> Result<MessageId, SimError> {
        let s = self.origin_service(from)?;
        let handler = self
            .topology
            .handler_of(command)
            .ok_or_else(|| SimError::NoHandler {
                command: command.to_string(),
            })?;
        self.check_payload(command, &payload)?;
        let out = Outgoing::Command {
            type_name: command.to_string(),
            handler,
            payload,
        };
        Ok(self.originate(s, out).0)
    }

    /// A service publishes an event now, as a new user-level action. The event must be
    /// declared by somebody (publisher or subscriber); zero subscribers is fine.
    pub fn publish_event(
        &mut self,
        from: &str,
        event: &str,
        payload: Value,
    ) -> Result<MessageId, SimError> {
        let s = self.origin_service(from)?;
        if !self.topology.knows_event(event) {
            return Err(SimError::UnknownEvent {
                event: event.to_string(),
            });
        }
        self.check_payload(event, &payload)?;
        let out = Outgoing::Event {
            type_name: event.to_string(),
            subscribers: self.topology.subscribers_of(event),
            payload,
        };
        Ok(self.originate(s, out).0)
    }

    /// A service issues a query now, as a new user-level action. A `Service` caller is blocked
    /// until it is answered or times out.
    pub fn send_query(&mut self, from: &str, request_line: &str) -> Result<MessageId, SimError> {
        let s = self.origin_service(from)?;
        let (server, _) = self.topology.match_route(request_line)?;
        let out = Outgoing::Query {
            line: request_line.to_string(),
            server,
        };
        Ok(self.originate(s, out).0)
    }

    /// Starts a new correlation with one root message.
    pub(crate) fn originate(
        &mut self,
        from: ServiceIdx,
        out: Outgoing,
    ) -> (MessageId, CorrelationId) {
        let correlation = self.next_correlation;
        self.next_correlation += 1;
        (self.emit(from, correlation, None, out, None), correlation)
    }

    // ----- traffic -----

    /// Bookings from the Mobile App at `per_sec` simulated bookings per second, scheduled
    /// inside the simulation. 0 or negative switches it off.
    pub fn set_traffic(&mut self, per_sec: f64) -> Result<(), SimError> {
        if !per_sec.is_finite() || per_sec > MAX_TRAFFIC_PER_SEC {
            return Err(SimError::InvalidTraffic { per_sec });
        }
        if per_sec <= 0.0 {
            self.traffic = 0.0;
            self.traffic_next = None;
            return Ok(());
        }
        if self.traffic_source.is_none() {
            return Err(SimError::InvalidTopology {
                reason: "this simulation has no traffic generator".into(),
            });
        }
        self.traffic = per_sec;
        self.schedule_traffic_tick();
        Ok(())
    }

    pub fn traffic(&self) -> f64 {
        self.traffic
    }

    fn schedule_traffic_tick(&mut self) {
        // Integer schedule with integer jitter (no ln/exp), so native and wasm runs agree.
        let mean = (1000.0 / self.traffic).clamp(1.0, 1e12) as u64;
        let period = (mean / 2 + self.traffic_rng.below(mean + 1)).max(1);
        self.traffic_period = period;
        let seq = self.next_seq();
        self.traffic_next = Some((self.now.saturating_add(period), seq));
    }

    fn on_traffic(&mut self) {
        let Some(source) = self.traffic_source else {
            return;
        };
        // Credit carries fractions over, so the long-run rate is exact even at 0.3/s or
        // 10,000/s with millisecond ticks.
        self.traffic_credit += self.traffic * self.traffic_period as f64 / 1000.0;
        let n = self.traffic_credit.floor();
        self.traffic_credit -= n;
        for _ in 0..n as u64 {
            let action = source(&mut self.traffic_rng);
            // The generator only produces well-formed actions; a refusal would only skip one.
            let _ = self.act(action);
        }
        self.schedule_traffic_tick();
    }

    // ----- inspection -----

    fn record(&self, id: MessageId) -> Option<&Record> {
        let front = self.records.front()?.env.message_id;
        let idx = usize::try_from(id.checked_sub(front)?).ok()?;
        self.records.get(idx)
    }

    fn record_mut(&mut self, id: MessageId) -> Option<&mut Record> {
        let front = self.records.front()?.env.message_id;
        let idx = usize::try_from(id.checked_sub(front)?).ok()?;
        self.records.get_mut(idx)
    }

    pub fn message(&self, id: MessageId) -> Option<&Envelope> {
        self.record(id).map(|r| r.env.as_ref())
    }

    /// The kept history, oldest first; it can be walked from either end.
    pub fn messages(&self) -> impl DoubleEndedIterator<Item = &Envelope> + ExactSizeIterator {
        self.records.iter().map(|r| r.env.as_ref())
    }

    pub fn total_messages(&self) -> u64 {
        self.total
    }

    pub fn response_of(&self, request: MessageId) -> Option<MessageId> {
        self.record(request)
            .filter(|r| r.env.kind == MessageKind::Query)
            .and_then(|r| r.link)
    }

    pub fn request_of(&self, response: MessageId) -> Option<MessageId> {
        self.record(response)
            .filter(|r| r.env.kind == MessageKind::QueryResponse)
            .and_then(|r| r.link)
    }

    pub fn children_of(&self, id: MessageId) -> Vec<MessageId> {
        // Scanning beats a per-message child list: it costs nothing on the hot path and is
        // pruned with the history for free. Children always have larger ids.
        let front = match self.records.front() {
            Some(r) => r.env.message_id,
            None => return Vec::new(),
        };
        let start = id.saturating_sub(front).saturating_add(1);
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        self.records
            .iter()
            .skip(start)
            .filter(|r| r.env.causation_id == Some(id))
            .map(|r| r.env.message_id)
            .collect()
    }

    pub fn outcome_of(&self, id: MessageId) -> Option<Outcome> {
        self.record(id).map(|r| r.outcome.clone())
    }

    pub fn queue_depth(&self, consumer: ServiceIdx) -> usize {
        self.queues.get(consumer).map_or(0, VecDeque::len)
    }

    pub fn queue_depths(&self) -> Vec<usize> {
        self.queues.iter().map(VecDeque::len).collect()
    }

    pub fn service_status(&self, s: ServiceIdx) -> ServiceStatus {
        match self.workers.get(s) {
            Some(w) if w.processing > 0 => ServiceStatus::Busy,
            Some(w) if w.outstanding > 0 => ServiceStatus::Waiting,
            _ => ServiceStatus::Idle,
        }
    }

    /// The service's current state as JSON. The broker's state is its queues.
    pub fn service_state(&self, id: &str) -> Result<Value, SimError> {
        let s = self
            .topology
            .index_of(id)
            .ok_or_else(|| SimError::UnknownService { id: id.to_string() })?;
        if self.topology.role(s) == Some(Role::Broker) {
            let mut queues = Map::new();
            for (c, spec) in self.topology.services().iter().enumerate() {
                if spec.role != Role::Broker {
                    queues.insert(spec.id.clone(), Value::from(self.queue_depth(c)));
                }
            }
            return Ok(
                json!({ "queues": queues, "queueCapacity": self.config.queue_capacity.max(1) }),
            );
        }
        Ok(self.behaviours[s].state_json())
    }

    /// Messages (event copies count one each) the broker refused for a full queue at or
    /// after `t`; it sees back [`REFUSALS_KEPT_MS`] from now.
    pub fn broker_refusals_since(&self, t: SimTime) -> usize {
        let older = self.broker_refusals.partition_point(|&at| at < t);
        self.broker_refusals.len() - older
    }

    fn note_broker_refusal(&mut self) {
        let horizon = self.now.saturating_sub(REFUSALS_KEPT_MS);
        while self.broker_refusals.front().is_some_and(|&at| at < horizon) {
            self.broker_refusals.pop_front();
        }
        self.broker_refusals.push_back(self.now);
    }

    /// Hops on the wire now, all messages together.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// How many hops of this message are on the wire now (an event's copies travel apart);
    /// 0 once it has landed everywhere, or for a message no longer in the history.
    pub fn hops_in_flight(&self, id: MessageId) -> u32 {
        self.record(id).map_or(0, |r| r.hops)
    }

    /// Scheduler items processed so far (arrivals, processing ends, answers, timeouts,
    /// traffic ticks): the unit of engine throughput for benchmarks.
    pub fn processed_items(&self) -> u64 {
        self.processed_items
    }

    // ----- the engine proper -----

    fn next_seq(&mut self) -> u64 {
        let s = self.seq;
        self.seq += 1;
        s
    }

    fn schedule(&mut self, at: SimTime, item: Item) {
        let seq = self.next_seq();
        self.heap.push(Scheduled { at, seq, item });
    }

    fn latency(&mut self) -> u64 {
        let (base, jitter) = (self.config.hop_latency_ms, self.config.jitter_ms);
        if jitter == 0 {
            return base;
        }
        let r = self
            .hop_rng
            .below(jitter.saturating_mul(2).saturating_add(1));
        base.saturating_add(r).saturating_sub(jitter)
    }

    fn hop(&mut self, env: &Envelope, from: ServiceIdx, to: ServiceIdx) -> SimTime {
        let arrive = self.now.saturating_add(self.latency());
        self.in_flight += 1;
        if let Some(r) = self.record_mut(env.message_id) {
            r.hops += 1;
        }
        self.out.push(Happening::Hop(Hop {
            message: env.message_id,
            kind: env.kind,
            from,
            to,
            depart: self.now,
            arrive,
        }));
        arrive
    }

    fn landed(&mut self, id: MessageId) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some(r) = self.record_mut(id) {
            r.hops = r.hops.saturating_sub(1);
        }
    }

    fn set_outcome(&mut self, id: MessageId, outcome: Outcome) {
        if let Some(r) = self.record_mut(id) {
            r.outcome = outcome;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        kind: MessageKind,
        type_name: String,
        source: ServiceIdx,
        destination: Vec<ServiceIdx>,
        correlation_id: CorrelationId,
        causation_id: Option<MessageId>,
        payload: Value,
    ) -> Arc<Envelope> {
        let message_id = self.next_message;
        self.next_message += 1;
        self.total += 1;
        let copies_left = if kind == MessageKind::Event {
            u32::try_from(destination.len()).unwrap_or(u32::MAX)
        } else {
            0
        };
        let env = Arc::new(Envelope {
            message_id,
            kind,
            type_name,
            source,
            destination,
            correlation_id,
            causation_id,
            timestamp: self.now,
            payload,
        });
        self.out.push(Happening::Sent {
            message: message_id,
            at: self.now,
        });
        if let Some(b) = self.behaviours.get_mut(source) {
            b.on_sent(&env);
        }
        let limit = self.config.history_limit;
        if limit > 0 {
            self.records.push_back(Record {
                env: Arc::clone(&env),
                outcome: Outcome::Pending,
                link: None,
                copies_left,
                hops: 0,
            });
            while self.records.len() > limit {
                self.records.pop_front();
            }
        }
        env
    }

    fn emit(
        &mut self,
        from: ServiceIdx,
        correlation: CorrelationId,
        causation: Option<MessageId>,
        out: Outgoing,
        origin: Option<&Arc<Envelope>>,
    ) -> MessageId {
        let (kind, type_name, destination, payload) = match out {
            Outgoing::Command {
                type_name,
                handler,
                payload,
            } => (MessageKind::Command, type_name, vec![handler], payload),
            Outgoing::Event {
                type_name,
                subscribers,
                payload,
            } => (MessageKind::Event, type_name, subscribers, payload),
            Outgoing::Query { line, server } => {
                let payload = match line.split_once(' ') {
                    Some((method, path)) => json!({"method": method, "path": path}),
                    None => Value::Null,
                };
                (MessageKind::Query, line, vec![server], payload)
            }
        };
        let env = self.create(
            kind,
            type_name,
            from,
            destination,
            correlation,
            causation,
            payload,
        );
        let id = env.message_id;
        self.route(env, origin);
        id
    }

    fn route(&mut self, env: Arc<Envelope>, origin: Option<&Arc<Envelope>>) {
        let id = env.message_id;
        match env.kind {
            MessageKind::Command | MessageKind::Event => {
                if let Some(b) = self.topology.broker() {
                    let at = self.hop(&env, env.source, b);
                    self.schedule(at, Item::AtBroker(env));
                } else if env.destination.is_empty() {
                    // Brokerless and nobody listening: the message ends where it started.
                    self.finish_undeliverable(&env, env.source);
                } else {
                    for i in 0..env.destination.len() {
                        let d = env.destination[i];
                        let at = self.hop(&env, env.source, d);
                        self.schedule(at, Item::Direct(Arc::clone(&env), d));
                    }
                }
            }
            MessageKind::Query => {
                let (caller, Some(&server)) = (env.source, env.destination.first()) else {
                    return;
                };
                self.workers[caller].outstanding += 1;
                let deadline = self.now.saturating_add(self.config.query_timeout_ms);
                let key = (deadline, self.next_seq());
                self.timeouts.insert(key, id);
                self.pending.insert(
                    id,
                    PendingQuery {
                        caller,
                        request: Arc::clone(&env),
                        origin: origin.cloned(),
                        timeout_key: key,
                    },
                );
                let at = self.hop(&env, caller, server);
                self.schedule(at, Item::QueryArrive(env));
            }
            MessageKind::QueryResponse => {
                if let Some(&caller) = env.destination.first() {
                    let at = self.hop(&env, env.source, caller);
                    self.schedule(at, Item::ResponseArrive(env));
                }
            }
        }
    }

    /// An event with no subscribers (or a command nobody handles) ends at `at_service`.
    fn finish_undeliverable(&mut self, env: &Envelope, at_service: ServiceIdx) {
        let now = self.now;
        if env.kind == MessageKind::Command {
            let reason = format!("no handler for {}", env.type_name);
            self.out.push(Happening::Rejected {
                message: env.message_id,
                by: at_service,
                reason: reason.clone(),
                at: now,
            });
            self.set_outcome(env.message_id, Outcome::Rejected(reason));
        } else {
            self.out.push(Happening::Handled {
                message: env.message_id,
                by: at_service,
                at: now,
            });
            self.set_outcome(env.message_id, Outcome::Consumed);
        }
    }

    fn process(&mut self, item: Item) {
        match item {
            Item::AtBroker(env) => {
                self.landed(env.message_id);
                self.at_broker(env);
            }
            Item::Fetched(env, c) => {
                self.landed(env.message_id);
                self.workers[c].fetching = false;
                self.deliver(env, c);
            }
            Item::Direct(env, c) => {
                self.landed(env.message_id);
                self.deliver(env, c);
            }
            Item::QueryArrive(env) => {
                self.landed(env.message_id);
                if let Some(&server) = env.destination.first() {
                    self.out.push(Happening::Delivered {
                        message: env.message_id,
                        to: server,
                        at: self.now,
                    });
                    let at = self.now.saturating_add(self.config.query_processing_ms);
                    self.schedule(at, Item::Answer(env));
                }
            }
            Item::Answer(env) => self.answer(env),
            Item::ResponseArrive(env) => {
                self.landed(env.message_id);
                self.response_arrived(env);
            }
            Item::Processed(env, c) => self.processed(env, c),
        }
    }

    fn at_broker(&mut self, env: Arc<Envelope>) {
        let Some(b) = self.topology.broker() else {
            return;
        };
        if env.destination.is_empty() {
            self.finish_undeliverable(&env, b);
            return;
        }
        // Copy into every queue first, then let consumers pull: the fan-out is one instant.
        let capacity = self.config.queue_capacity.max(1);
        for i in 0..env.destination.len() {
            let c = env.destination[i];
            if self.queues[c].len() >= capacity {
                let reason = format!(
                    "{}'s queue is full ({capacity} messages waiting); the broker refused it",
                    self.topology.id(c)
                );
                self.verdict(b, &env, Err(reason));
                self.note_broker_refusal();
                continue;
            }
            self.queues[c].push_back(Arc::clone(&env));
            self.out.push(Happening::Enqueued {
                message: env.message_id,
                consumer: c,
                depth: self.queues[c].len(),
                at: self.now,
            });
        }
        for i in 0..env.destination.len() {
            self.try_pull(env.destination[i]);
        }
    }

    fn try_pull(&mut self, c: ServiceIdx) {
        let Some(b) = self.topology.broker() else {
            return;
        };
        let w = self.workers[c];
        let blocked = w.outstanding > 0 && self.topology.role(c) != Some(Role::Client);
        if w.fetching || w.processing > 0 || blocked {
            return;
        }
        let Some(env) = self.queues[c].pop_front() else {
            return;
        };
        self.workers[c].fetching = true;
        let at = self.hop(&env, b, c);
        self.schedule(at, Item::Fetched(env, c));
    }

    fn deliver(&mut self, env: Arc<Envelope>, c: ServiceIdx) {
        self.out.push(Happening::Delivered {
            message: env.message_id,
            to: c,
            at: self.now,
        });
        self.workers[c].processing += 1;
        let at = self.now.saturating_add(self.processing[c]);
        self.schedule(at, Item::Processed(env, c));
    }

    fn processed(&mut self, env: Arc<Envelope>, c: ServiceIdx) {
        self.workers[c].processing = self.workers[c].processing.saturating_sub(1);
        let mut ctx = Ctx::new(self.now, c, &self.topology, &mut self.behaviour_rng);
        let result = self.behaviours[c].on_message(&mut ctx, &env);
        let outs = ctx.into_outputs();
        self.conclude(c, &env, result, outs);
        self.try_pull(c);
    }

    /// Gives `origin` its verdict unless it still waits on queries, then sends what the
    /// handler asked for.
    fn conclude(
        &mut self,
        c: ServiceIdx,
        origin: &Arc<Envelope>,
        result: Result<(), Rejection>,
        outs: Vec<Outgoing>,
    ) {
        let id = origin.message_id;
        match result {
            Err(rejection) => {
                self.waits.remove(&id);
                self.verdict(c, origin, Err(rejection.reason));
            }
            Ok(()) => {
                let new_queries = outs
                    .iter()
                    .filter(|o| matches!(o, Outgoing::Query { .. }))
                    .count() as u32;
                let waiting = self.waits.remove(&id).unwrap_or(0) + new_queries;
                if waiting == 0 {
                    self.verdict(c, origin, Ok(()));
                } else {
                    self.waits.insert(id, waiting);
                }
                for o in outs {
                    self.emit(c, origin.correlation_id, Some(id), o, Some(origin));
                }
            }
        }
    }

    fn verdict(&mut self, c: ServiceIdx, env: &Envelope, result: Result<(), String>) {
        let (id, now) = (env.message_id, self.now);
        match result {
            Ok(()) => {
                self.out.push(Happening::Handled {
                    message: id,
                    by: c,
                    at: now,
                });
                if let Some(r) = self.record_mut(id) {
                    if env.kind == MessageKind::Event {
                        r.copies_left = r.copies_left.saturating_sub(1);
                        if r.copies_left == 0 && r.outcome == Outcome::Pending {
                            r.outcome = Outcome::Consumed;
                        }
                    } else {
                        r.outcome = Outcome::Accepted;
                    }
                }
            }
            Err(reason) => {
                self.out.push(Happening::Rejected {
                    message: id,
                    by: c,
                    reason: reason.clone(),
                    at: now,
                });
                if let Some(r) = self.record_mut(id) {
                    r.copies_left = r.copies_left.saturating_sub(1);
                    r.outcome = Outcome::Rejected(reason);
                }
            }
        }
    }

    fn answer(&mut self, request: Arc<Envelope>) {
        let (Some(&server), caller) = (request.destination.first(), request.source) else {
            return;
        };
        let result = match self.topology.match_route(&request.type_name) {
            Ok((_, route)) => self.behaviours[server].on_query(&route),
            Err(e) => QueryResult::NotFound(e.to_string()),
        };
        self.out.push(Happening::Handled {
            message: request.message_id,
            by: server,
            at: self.now,
        });
        let response = self.create(
            MessageKind::QueryResponse,
            request.type_name.clone(),
            server,
            vec![caller],
            request.correlation_id,
            Some(request.message_id),
            result.to_payload(),
        );
        let rid = response.message_id;
        if let Some(r) = self.record_mut(request.message_id) {
            r.link = Some(rid);
        }
        if let Some(r) = self.record_mut(rid) {
            r.link = Some(request.message_id);
        }
        self.route(response, None);
    }

    fn response_arrived(&mut self, response: Arc<Envelope>) {
        let Some(&caller) = response.destination.first() else {
            return;
        };
        self.out.push(Happening::Delivered {
            message: response.message_id,
            to: caller,
            at: self.now,
        });
        let request_id = response.causation_id.unwrap_or(0);
        match self.pending.remove(&request_id) {
            Some(pq) => {
                self.timeouts.remove(&pq.timeout_key);
                self.out.push(Happening::Answered {
                    request: request_id,
                    response: response.message_id,
                    at: self.now,
                });
                self.set_outcome(request_id, Outcome::Answered);
                self.set_outcome(response.message_id, Outcome::Answered);
                self.resolve(pq, Some(response));
            }
            None => self.set_outcome(response.message_id, Outcome::TimedOut),
        }
    }

    fn on_timeout(&mut self, request_id: MessageId) {
        let Some(pq) = self.pending.remove(&request_id) else {
            return;
        };
        self.out.push(Happening::TimedOut {
            request: request_id,
            at: self.now,
        });
        self.set_outcome(request_id, Outcome::TimedOut);
        self.resolve(pq, None);
    }

    /// A query finished (answered or timed out): unblock the caller and let it continue.
    fn resolve(&mut self, pq: PendingQuery, response: Option<Arc<Envelope>>) {
        let caller = pq.caller;
        let w = &mut self.workers[caller];
        w.outstanding = w.outstanding.saturating_sub(1);
        // An origin already rejected no longer waits; its stragglers arrive as origin-less.
        let origin = pq.origin.filter(|o| self.waits.contains_key(&o.message_id));
        if let Some(o) = &origin {
            if let Some(n) = self.waits.get_mut(&o.message_id) {
                *n = n.saturating_sub(1);
            }
        }
        let mut ctx = Ctx::new(self.now, caller, &self.topology, &mut self.behaviour_rng);
        let result = self.behaviours[caller].on_response(
            &mut ctx,
            origin.as_deref(),
            &pq.request,
            response.as_deref(),
        );
        let outs = ctx.into_outputs();
        match origin {
            Some(o) => self.conclude(caller, &o, result, outs),
            None => {
                if result.is_ok() {
                    let cause = response
                        .as_ref()
                        .map_or(pq.request.message_id, |r| r.message_id);
                    for o in outs {
                        self.emit(caller, pq.request.correlation_id, Some(cause), o, None);
                    }
                }
            }
        }
        self.try_pull(caller);
    }
}
