//! What the engine reports: the happenings a host animates, the outcome of each message and
//! the status of each service.

use serde::Serialize;

use crate::sim::message::{MessageId, MessageKind};
use crate::sim::time::SimTime;
use crate::sim::topology::ServiceIdx;

/// One leg of a message's journey, reported when it departs so the UI can animate it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub message: MessageId,
    pub kind: MessageKind,
    pub from: ServiceIdx,
    pub to: ServiceIdx,
    pub depart: SimTime,
    pub arrive: SimTime,
    /// Which delivery attempt this leg carries (1 unless a handler failed and it is retried).
    pub attempt: u32,
    /// A second copy of a delivery the broker made, as when an acknowledgement is lost.
    pub duplicate: bool,
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
    /// The handler refused the message (e.g. a full flight); it had no effects. Also the
    /// broker refusing a copy for a full queue.
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
    /// The caller gave up waiting; a late response is then shown arriving and discarded.
    TimedOut { request: MessageId, at: SimTime },
    /// The handler failed on this attempt (a fault); it changed nothing. `retry_at` is when
    /// the next attempt goes back to the queue, or `None` when the message is dead-lettered.
    Failed {
        message: MessageId,
        by: ServiceIdx,
        attempt: u32,
        error: String,
        retry_at: Option<SimTime>,
        at: SimTime,
    },
    /// Every attempt failed: the message now waits in `consumer`'s dead-letter queue.
    DeadLettered {
        message: MessageId,
        consumer: ServiceIdx,
        at: SimTime,
    },
    /// An idempotent consumer saw a message id it had already processed and skipped it.
    DuplicateIgnored {
        message: MessageId,
        by: ServiceIdx,
        at: SimTime,
    },
    /// A query failed without an answer: its server was down (a 503 came back).
    QueryFailed {
        request: MessageId,
        response: MessageId,
        error: String,
        at: SimTime,
    },
    /// A response arrived after its caller had given up; the caller threw it away.
    LateResponse {
        request: MessageId,
        response: MessageId,
        at: SimTime,
    },
    /// A dead letter was thrown away for good.
    Discarded {
        message: MessageId,
        consumer: ServiceIdx,
        at: SimTime,
    },
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
            | Happening::TimedOut { at, .. }
            | Happening::Failed { at, .. }
            | Happening::DeadLettered { at, .. }
            | Happening::DuplicateIgnored { at, .. }
            | Happening::QueryFailed { at, .. }
            | Happening::LateResponse { at, .. }
            | Happening::Discarded { at, .. } => *at,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum ServiceStatus {
    #[default]
    Idle,
    /// Inside its processing time for a message.
    Busy,
    /// Blocked on a query response.
    Waiting,
    /// Taken down by a fault: it pulls nothing and its queries fail.
    Down,
}

/// Where a message's story ended (so far). Exactly one of these other than `Pending` ends
/// every message; a retried dead letter is `Pending` again until its new attempt ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Pending,
    /// Command handled successfully.
    Accepted,
    /// Command refused by its handler (or, in a custom topology, an event copy refused by a
    /// subscriber).
    Rejected(String),
    /// The broker refused it (or a copy of an event) because the consumer's queue was full.
    Refused(String),
    /// Event processed by every subscriber it had at publish time (immediately, if none).
    Consumed,
    /// Query: its response arrived in time. Response: it arrived in time.
    Answered,
    /// Query: the caller gave up. Response: it arrived after the caller gave up.
    TimedOut,
    /// Query: it could not be answered (its server was down). Response: the 503 itself.
    Failed(String),
    /// Every attempt failed for some consumer; the message sits in its dead letters.
    DeadLettered(String),
    /// Thrown away from the dead letters.
    Discarded,
}

impl Outcome {
    /// The word the automation contract uses (`data-outcome`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Accepted | Outcome::Consumed => "handled",
            Outcome::Rejected(_) => "rejected",
            Outcome::Refused(_) => "refused",
            Outcome::Answered => "answered",
            Outcome::TimedOut => "timed-out",
            Outcome::Failed(_) => "failed",
            Outcome::DeadLettered(_) => "dead-lettered",
            Outcome::Discarded => "discarded",
        }
    }
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
    /// How long a caller waits for an answer before giving up, unless a fault setting
    /// gives that caller its own.
    pub query_timeout_ms: u64,
    /// Retained envelopes; older ones are dropped (with their outcomes and links) so memory
    /// stays flat under endless traffic.
    pub history_limit: usize,
    /// Messages the broker holds for one consumer. A message for a full queue is refused at
    /// the broker, as a broker with a length limit refuses a publish: without a bound,
    /// traffic faster than a consumer grows memory without end. Each consumer's dead
    /// letters are bounded the same way.
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
            query_timeout_ms: 2000,
            history_limit: 5000,
            queue_capacity: 1000,
        }
    }
}
