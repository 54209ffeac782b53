//! The pure simulation core: an airline's microservices exchanging messages, in simulated
//! time, with no browser, clock or global state.
//!
//! # The three mechanisms
//! Services interact in exactly three ways (after Raphael De Lio's "The 3 Mechanisms of
//! Interaction between Microservices: Command, Query, and Event"):
//!
//! * **Command** — "do this". Directive, addressed to exactly one handler (a second handler
//!   for the same command type is refused). Asynchronous: the sender does not wait. The
//!   handler may *reject* it (e.g. a full flight).
//! * **Event** — "this happened". A fact about the past, broadcast to whoever subscribed
//!   when it was published; the publisher expects nothing back. Zero subscribers is legal (the
//!   event simply ends at the broker).
//! * **Query** — "tell me". Synchronous request/response (HTTP-like: `GET /api/loyalty/tiers`)
//!   sent directly to the one service that serves the route. Free of side effects: a query
//!   handler only gets `&self` ([`ServiceBehaviour::on_query`]), so it *cannot* change state.
//!   The caller waits: a `Service` is blocked (pulls nothing from its queue) until the
//!   response arrives or the query times out; a `Client` (the Mobile App) stays responsive.
//!
//! # Envelope
//! Every message is an [`Envelope`]: sequential id, kind, type (or request line), source,
//! destination(s), a *correlation id* shared by everything one user action caused, a
//! *causation id* naming the message whose handling produced it (`None` only for the action's
//! first message), a timestamp and a JSON payload whose shape follows the article exactly.
//!
//! # Broker and transport
//! Commands and events travel sender → broker (one network hop), where they are copied into
//! one FIFO queue per consumer: a command into its handler's queue, an event into every
//! subscriber's. A consumer pulls one message at a time when idle: broker → consumer hop,
//! then it is busy for its processing time, then its handler runs and may send more messages.
//! Queries and their responses skip the broker and are answered concurrently (not queued
//! behind commands). A topology without a broker (the synthetic benchmark) sends commands and
//! events directly too, and processes each on arrival, concurrently.
//!
//! Every journey ends visibly: each hop to a service ends in `Delivered`; at the broker a
//! hop ends in one `Enqueued` per consumer, or — for an event nobody subscribes to — in
//! `Handled` by the broker, its outcome `Consumed`. A command ends `Handled` or `Rejected`
//! exactly once; a query `Answered` or `TimedOut` exactly once.
//!
//! Each queue holds at most [`SimConfig::queue_capacity`] messages. A message for a full
//! queue is refused at the broker (`Rejected` by the broker, naming the full queue), the way
//! a broker with a length limit refuses a publish; for an event only that subscriber's copy
//! is lost, the others are still delivered. A Booking Service that waits on an availability
//! query for every booking handles well under one booking a simulated second, so traffic
//! faster than that fills its queue and then shows as refusals instead of unbounded memory.
//!
//! # Clock and scheduler
//! Time is simulated integer milliseconds ([`SimTime`]) since the article's timestamp
//! [`EPOCH_ISO`]. Nothing happens between calls: the caller advances the clock
//! ([`Sim::advance_to`], [`Sim::step`]) and gets back the [`Happening`]s, in order, that it
//! should animate. Hops report departure and arrival times up front so the UI can interpolate.
//!
//! # Determinism
//! Given a seed, a run is a pure function of the calls made: one SplitMix64 generator per
//! purpose (hop jitter, traffic, behaviours), integer time, ties broken by insertion order,
//! and ordered maps wherever order could leak into output. The schedule never depends on
//! floating-point transcendental functions, so native and wasm runs match.
//!
//! # Memory
//! History is bounded by [`SimConfig::history_limit`]; outcomes and query links live with
//! the history and are dropped with it, and queues by [`SimConfig::queue_capacity`], so
//! endless traffic, however fast, keeps memory flat.

pub mod airline;
mod behaviour;
pub mod bench;
mod decimal;
mod engine;
mod error;
pub mod geo;
mod journal;
mod json_macro;
mod json_text;
mod kind_rule;
mod maps;
mod message;
pub mod model;
mod rng;
mod sorted;
pub mod synthetic;
mod time;
mod topology;
pub mod trig;

pub use airline::{Preset, Scenario, UserAction};
pub use behaviour::{Ctx, Passive, QueryResult, Rejection, ServiceBehaviour};
pub use decimal::{clamped, fixed, plain, read_decimal, shortest};
pub use engine::{
    DeadLetter, Delivery, DeliveryEnd, DownPeriod, FaultChange, Happening, Hop, Leg, Outcome,
    RetryPolicy, ServiceFaults, ServiceStatus, Sim, SimConfig, UserMessage, MAX_DUPLICATE_PERCENT,
    MAX_RETRIES, MAX_SLOWDOWN, MAX_TRAFFIC_PER_SEC, REFUSALS_KEPT_MS,
};
pub use error::SimError;
pub use journal::{DeadLetterOp, Input, Journal, Replayed};
pub use json_macro::json_value;
pub use json_text::read_json;
pub use kind_rule::KindRule;
pub use message::{CorrelationId, Envelope, MessageId, MessageKind};
pub use rng::SplitMix64;
pub use time::{iso_time, SimTime, EPOCH_ISO, EPOCH_UNIX_MS};
pub use topology::{Edge, EdgeKind, Role, Route, ServiceIdx, ServiceSpec, Topology};
