//! The engine: a deterministic discrete-event scheduler driving the broker, the consumers
//! and the queries, with the what-if faults. Each part lives in its own file:
//!
//! * [`timers`]: the one cancellable clock queue;
//! * [`broker`]: queues, event copies, refusals, duplicates and dead letters;
//! * [`consumers`]: processing, handler faults, retries and verdicts;
//! * [`queries`]: deadlines, 503s from a service that is down, late answers;
//! * [`deliveries`]: the history, one record per message and per delivery attempt;
//! * [`faults`]: the what-if settings and their validation;
//! * [`traffic`]: the seeded traffic generator.
//!
//! This file holds the simulation's state, the clock loop that fires timers, and how a
//! new message is created and sent on its first leg.

mod broker;
mod consumers;
mod deliveries;
mod faults;
mod happening;
mod queries;
mod sends;
mod timers;
mod traffic;

use std::collections::VecDeque;

use crate::sim::sorted::{SortedMap, SortedSet};
use std::sync::Arc;

use crate::json;

use serde_json::{Map, Value};

use super::behaviour::{Outgoing, Passive, ServiceBehaviour};
use super::error::SimError;
use super::message::{CorrelationId, Envelope, MessageId, MessageKind};
use super::rng::SplitMix64;
use super::time::SimTime;
use super::topology::{Role, ServiceIdx, Topology};

pub use broker::DeadLetter;
pub use deliveries::{Delivery, DeliveryEnd, Leg};
pub use faults::{
    DownPeriod, FaultChange, RetryPolicy, ServiceFaults, MAX_DUPLICATE_PERCENT, MAX_RETRIES,
    MAX_SLOWDOWN,
};
pub use happening::{Happening, Hop, Outcome, ServiceStatus, SimConfig};
pub use sends::UserMessage;
pub(crate) use traffic::TrafficSource;
pub use traffic::MAX_TRAFFIC_PER_SEC;

use deliveries::Record;
use queries::PendingQuery;
use timers::{TimerKey, Timers};

/// Validates a payload against the typed struct of its message type (`Err` = reason).
pub(crate) type PayloadCheck = fn(&str, &Value) -> Result<(), String>;

/// One delivery on its way through a queue to a consumer: the message, which attempt it
/// is, where the current round of retries began, and whether it is the broker's second copy.
#[derive(Clone, Debug)]
pub(crate) struct Queued {
    env: Arc<Envelope>,
    attempt: u32,
    round_start: u32,
    duplicate: bool,
    /// Follows a failed attempt of the same delivery (an immediate or delayed retry).
    retry: bool,
    /// Index of this delivery's record in its message's deliveries, set when the record is
    /// opened (see `open_delivery`).
    slot: usize,
}

impl Queued {
    fn first(env: &Arc<Envelope>) -> Queued {
        Queued {
            env: Arc::clone(env),
            attempt: 1,
            round_start: 1,
            duplicate: false,
            retry: false,
            slot: usize::MAX,
        }
    }
}

/// A step of a scripted demo (a preset), fired by the clock like everything else.
#[derive(Clone, Debug)]
pub(crate) enum ScriptStep {
    Originate(ServiceIdx, Outgoing),
    Fault(FaultChange),
    /// A user-level send, checked when it was scheduled.
    Send(UserMessage),
}

#[derive(Debug)]
enum Item {
    /// Command/event arrives at the broker.
    AtBroker(Arc<Envelope>),
    /// A pulled message arrives at its consumer.
    Fetched(Queued, ServiceIdx),
    /// Command/event arrives directly (topology without a broker).
    Direct(Queued, ServiceIdx),
    QueryArrive(Arc<Envelope>),
    ResponseArrive(Arc<Envelope>),
    /// The consumer's processing time for this message is over.
    Processed(Queued, ServiceIdx),
    /// The server has finished working on this query.
    Answer(Arc<Envelope>),
    /// The caller's deadline for this query.
    QueryTimeout(MessageId),
    /// A delayed retry's backoff is over: back into the queue.
    Retry(Queued, ServiceIdx),
    Traffic,
    Script(ScriptStep),
}

#[derive(Clone, Copy, Debug, Default)]
struct Worker {
    processing: u32,
    /// A pulled message is travelling broker -> here; pull nothing else meanwhile.
    fetching: bool,
    outstanding: u32,
}

/// The simulation. See the module docs of [`crate::sim`] for the model.
pub struct Sim {
    topology: Topology,
    config: SimConfig,
    behaviours: Vec<Box<dyn ServiceBehaviour>>,
    processing: Vec<u64>,
    payload_check: Option<PayloadCheck>,
    traffic_source: Option<TrafficSource>,

    now: SimTime,
    timers: Timers<Item>,
    out: Vec<Happening>,

    hop_rng: SplitMix64,
    traffic_rng: SplitMix64,
    behaviour_rng: SplitMix64,
    fault_rng: SplitMix64,

    next_message: MessageId,
    next_correlation: CorrelationId,
    total: u64,
    records: VecDeque<Record>,

    queues: Vec<VecDeque<Queued>>,
    workers: Vec<Worker>,
    pending: SortedMap<MessageId, PendingQuery>,
    /// Message being handled -> queries it still waits on.
    waits: SortedMap<MessageId, u32>,
    in_flight: usize,
    processed_items: u64,

    faults: Vec<ServiceFaults>,
    /// When services were down, oldest first (bounded): what the sequence view draws.
    down_periods: VecDeque<DownPeriod>,
    duplicate_percent: f64,
    /// Per consumer, the message ids it processed (bounded), for idempotent consumers.
    inboxes: Vec<SortedSet<MessageId>>,
    inbox_order: Vec<VecDeque<MessageId>>,
    dead_letters: VecDeque<DeadLetter>,

    traffic: f64,
    traffic_credit: f64,
    traffic_period: u64,
    traffic_tick: Option<TimerKey>,
    /// When the broker refused a message for a full queue, oldest first, kept for
    /// [`REFUSALS_KEPT_MS`]: back-pressure shown as a recent count, with flat memory.
    broker_refusals: VecDeque<SimTime>,
}

/// How far back [`Sim::broker_refusals_since`] can see, in simulated milliseconds.
pub const REFUSALS_KEPT_MS: SimTime = 10_000;

const STREAM_HOPS: u64 = 1;
const STREAM_TRAFFIC: u64 = 2;
const STREAM_BEHAVIOUR: u64 = 3;
const STREAM_FAULTS: u64 = 4;

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

    /// `topology` at rest: every service [`Passive`], no payload check, no traffic. It
    /// draws and its clock runs ([`Sim::rest_to`]), but it is not the model's run: a page
    /// shows it until the model's behaviours are there.
    pub fn at_rest(topology: Topology, config: SimConfig) -> Sim {
        let behaviours = topology
            .services()
            .iter()
            .map(|_| Box::new(Passive) as Box<dyn ServiceBehaviour>)
            .collect();
        Sim::build(topology, behaviours, config, None, None)
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
        let healthy = ServiceFaults::healthy(config.query_timeout_ms);
        Sim {
            topology,
            config,
            behaviours,
            processing,
            payload_check,
            traffic_source,
            now: 0,
            timers: Timers::default(),
            out: Vec::new(),
            hop_rng: SplitMix64::stream(seed, STREAM_HOPS),
            traffic_rng: SplitMix64::stream(seed, STREAM_TRAFFIC),
            behaviour_rng: SplitMix64::stream(seed, STREAM_BEHAVIOUR),
            fault_rng: SplitMix64::stream(seed, STREAM_FAULTS),
            next_message: 1,
            next_correlation: 1,
            total: 0,
            records: VecDeque::new(),
            queues: vec![VecDeque::new(); n],
            workers: vec![Worker::default(); n],
            pending: SortedMap::new(),
            waits: SortedMap::new(),
            in_flight: 0,
            processed_items: 0,
            faults: vec![healthy; n],
            down_periods: VecDeque::new(),
            duplicate_percent: 0.0,
            inboxes: vec![SortedSet::new(); n],
            inbox_order: vec![VecDeque::new(); n],
            dead_letters: VecDeque::new(),
            traffic: 0.0,
            traffic_credit: 0.0,
            traffic_period: 0,
            traffic_tick: None,
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

    pub fn next_due(&self) -> Option<SimTime> {
        self.timers.next_due()
    }

    /// Processes everything due at or before `t` in time order (ties by insertion order), sets
    /// now = max(now, t), returns what happened in order — including what `act`/`send_*` did
    /// since the last call.
    pub fn advance_to(&mut self, t: SimTime) -> Vec<Happening> {
        while let Some((at, item)) = self.timers.pop_due(t) {
            self.now = self.now.max(at);
            self.processed_items += 1;
            self.fire(item);
        }
        self.now = self.now.max(t);
        std::mem::take(&mut self.out)
    }

    /// Moves the clock to `t` if nothing is scheduled and nothing is waiting to be
    /// returned, which is what [`Sim::advance_to`] would do then; `false` otherwise, and the
    /// clock stays. Cheap, and it links none of the code that processes messages.
    pub fn rest_to(&mut self, t: SimTime) -> bool {
        let idle = self.out.is_empty() && self.next_due().is_none();
        if idle {
            self.now = self.now.max(t);
        }
        idle
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

    fn fire(&mut self, item: Item) {
        match item {
            Item::AtBroker(env) => {
                self.landed(env.message_id);
                self.at_broker(env);
            }
            Item::Fetched(q, c) => {
                self.landed(q.env.message_id);
                self.workers[c].fetching = false;
                self.deliver(q, c);
            }
            Item::Direct(q, c) => {
                self.landed(q.env.message_id);
                self.deliver(q, c);
            }
            Item::QueryArrive(env) => {
                self.landed(env.message_id);
                self.query_arrived(env);
            }
            Item::Answer(env) => self.answer(env),
            Item::ResponseArrive(env) => {
                self.landed(env.message_id);
                self.response_arrived(env);
            }
            Item::Processed(q, c) => self.processed(q, c),
            Item::QueryTimeout(id) => self.on_timeout(id),
            Item::Retry(q, c) => self.redeliver(q, c),
            Item::Traffic => self.on_traffic(),
            Item::Script(step) => self.run_step(step),
        }
    }

    /// Schedules a demo's steps, each at `now + offset`.
    pub(crate) fn script(&mut self, steps: Vec<(SimTime, ScriptStep)>) {
        for (offset, step) in steps {
            self.timers
                .set(self.now.saturating_add(offset), Item::Script(step));
        }
    }

    fn run_step(&mut self, step: ScriptStep) {
        match step {
            ScriptStep::Originate(from, out) => {
                self.originate(from, out);
            }
            // A preset's settings are valid by construction; a test proves each one applies.
            ScriptStep::Fault(change) => {
                let _ = self.change_fault(change);
            }
            // Checked when scheduled, against a model that cannot change since.
            ScriptStep::Send(message) => {
                let _ = self.send(&message);
            }
        }
    }

    // ----- originating messages -----

    pub(crate) fn origin_service(&self, from: &str) -> Result<ServiceIdx, SimError> {
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
    /// Its payload must pass the model's payload check.
    pub fn send_command(
        &mut self,
        from: &str,
        command: &str,
        payload: Value,
    ) -> Result<MessageId, SimError> {
        let s = self.origin_service(from)?;
        let out = self.command_out(command, payload)?;
        if let Outgoing::Command { payload, .. } = &out {
            self.check_payload(command, payload)?;
        }
        Ok(self.originate(s, out).0)
    }

    /// The command on its way to its one handler, or why it has none.
    pub(crate) fn command_out(&self, command: &str, payload: Value) -> Result<Outgoing, SimError> {
        let handler = self
            .topology
            .handler_of(command)
            .ok_or_else(|| SimError::NoHandler {
                command: command.to_string(),
            })?;
        Ok(Outgoing::Command {
            type_name: command.to_string(),
            handler,
            payload,
        })
    }

    /// A service publishes an event now, as a new user-level action. The event must be
    /// declared by somebody (publisher or subscriber); zero subscribers is fine. Its payload
    /// must pass the model's payload check.
    pub fn publish_event(
        &mut self,
        from: &str,
        event: &str,
        payload: Value,
    ) -> Result<MessageId, SimError> {
        let s = self.origin_service(from)?;
        let out = self.event_out(event, payload)?;
        if let Outgoing::Event { payload, .. } = &out {
            self.check_payload(event, payload)?;
        }
        Ok(self.originate(s, out).0)
    }

    /// The event on its way to its subscribers, or why the model does not know it.
    pub(crate) fn event_out(&self, event: &str, payload: Value) -> Result<Outgoing, SimError> {
        if !self.topology.knows_event(event) {
            return Err(SimError::UnknownEvent {
                event: event.to_string(),
            });
        }
        Ok(Outgoing::Event {
            type_name: event.to_string(),
            subscribers: self.topology.subscribers_of(event),
            payload,
        })
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
        match env.kind {
            MessageKind::Query => self.route_query(env, origin),
            _ => self.route(env),
        }
        id
    }

    /// Sends a command or event on its first leg: to the broker, or straight to each
    /// consumer when there is none.
    fn route(&mut self, env: Arc<Envelope>) {
        if let Some(b) = self.topology.broker() {
            let at = self.hop(&Queued::first(&env), env.source, b);
            self.timers.set(at, Item::AtBroker(env));
        } else if env.destination.is_empty() {
            // Brokerless and nobody listening: the message ends where it started.
            self.finish_undeliverable(&env, env.source);
        } else {
            for i in 0..env.destination.len() {
                let d = env.destination[i];
                let mut q = Queued::first(&env);
                q.slot = self.open_delivery(env.message_id, d, 1, false, None, false);
                let at = self.hop(&q, env.source, d);
                self.timers.set(at, Item::Direct(q, d));
            }
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
                deliveries: Vec::new(),
                retries_due: 0,
                retried: Vec::new(),
                hops: 0,
                legs: Vec::new(),
                settled: None,
            });
            while self.records.len() > limit {
                self.records.pop_front();
            }
        }
        env
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

    /// Puts one leg of a delivery on the wire now; returns when it lands.
    fn hop(&mut self, q: &Queued, from: ServiceIdx, to: ServiceIdx) -> SimTime {
        let arrive = self.now.saturating_add(self.latency());
        self.in_flight += 1;
        let leg = Leg {
            from,
            to,
            depart: self.now,
            arrive,
            attempt: q.attempt,
            duplicate: q.duplicate,
        };
        if let Some(r) = self.record_mut(q.env.message_id) {
            r.hops += 1;
            r.legs.push(leg);
        }
        self.out.push(Happening::Hop(Hop {
            message: q.env.message_id,
            kind: q.env.kind,
            from,
            to,
            depart: self.now,
            arrive,
            attempt: q.attempt,
            duplicate: q.duplicate,
        }));
        arrive
    }

    fn landed(&mut self, id: MessageId) {
        debug_assert!(self.in_flight > 0, "a hop landed that never departed");
        self.in_flight -= 1;
        if let Some(r) = self.record_mut(id) {
            r.hops = r.hops.saturating_sub(1);
        }
    }

    // ----- inspection -----

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

    pub fn service_status(&self, s: ServiceIdx) -> ServiceStatus {
        if self.faults.get(s).is_some_and(|f| f.down) {
            return ServiceStatus::Down;
        }
        match self.workers.get(s) {
            Some(w) if w.processing > 0 => ServiceStatus::Busy,
            Some(w) if w.outstanding > 0 => ServiceStatus::Waiting,
            _ => ServiceStatus::Idle,
        }
    }

    /// The service's current state as JSON. The broker's state is its queues and dead
    /// letters.
    pub fn service_state(&self, id: &str) -> Result<Value, SimError> {
        let s = self
            .topology
            .index_of(id)
            .ok_or_else(|| SimError::UnknownService { id: id.to_string() })?;
        if self.topology.role(s) == Some(Role::Broker) {
            let mut queues = Map::new();
            let mut dead = Map::new();
            for (c, spec) in self.topology.services().iter().enumerate() {
                if spec.role != Role::Broker {
                    queues.insert(spec.id.clone(), Value::from(self.queue_depth(c)));
                    dead.insert(spec.id.clone(), Value::from(self.dead_letter_count(c)));
                }
            }
            return Ok(json!({
                "queues": queues,
                "queueCapacity": self.config.queue_capacity.max(1),
                "deadLetters": dead,
            }));
        }
        Ok(self.behaviours[s].state_json())
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
    /// retries, traffic ticks): the unit of engine throughput for benchmarks.
    pub fn processed_items(&self) -> u64 {
        self.processed_items
    }

    /// Checks that nothing is lost: every message in the history either has ended, or is
    /// somewhere it can go on from (on the wire, in a queue, being processed, waiting for
    /// an answer, or waiting out a retry's backoff), and every dead letter's message says
    /// it was dead-lettered. `Err` names the first message that is nowhere.
    pub fn audit(&self) -> Result<(), String> {
        let mut alive: SortedSet<MessageId> = SortedSet::new();
        for item in self.timers.values() {
            let id = match item {
                Item::AtBroker(env)
                | Item::QueryArrive(env)
                | Item::ResponseArrive(env)
                | Item::Answer(env) => env.message_id,
                Item::Fetched(q, _)
                | Item::Direct(q, _)
                | Item::Processed(q, _)
                | Item::Retry(q, _) => q.env.message_id,
                Item::QueryTimeout(id) => *id,
                Item::Traffic | Item::Script(_) => continue,
            };
            alive.insert(id);
        }
        alive.extend(self.queues.iter().flatten().map(|q| q.env.message_id));
        alive.extend(self.waits.keys().copied());
        alive.extend(self.pending.keys().copied());
        for r in &self.records {
            let id = r.env.message_id;
            let pending = r.outcome == Outcome::Pending;
            if pending && !alive.contains(&id) {
                return Err(format!(
                    "message {id} ({}) is pending but nowhere: {:?}",
                    r.env.type_name, r.deliveries
                ));
            }
            if !pending && r.deliveries.iter().any(|d| d.ended.is_none()) {
                return Err(format!(
                    "message {id} ended {:?} with a delivery still open",
                    r.outcome
                ));
            }
        }
        for d in &self.dead_letters {
            let id = d.message.message_id;
            if let Some(outcome) = self.outcome_of(id) {
                let ok = matches!(outcome, Outcome::DeadLettered(_) | Outcome::Pending);
                if !ok {
                    return Err(format!("dead letter {id} has outcome {outcome:?}"));
                }
            }
        }
        Ok(())
    }
}
