//! The history: one record per message, and inside it one record per delivery (message,
//! consumer, attempt), with its times. A message's outcome is derived from its deliveries,
//! so a refused copy of an event, a retry or a duplicate each keep their own story.

use std::sync::Arc;

use super::happening::Outcome;
use super::Sim;
use crate::sim::message::{Envelope, MessageId, MessageKind};
use crate::sim::time::SimTime;
use crate::sim::topology::ServiceIdx;

/// How one delivery attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryEnd {
    Handled,
    /// The handler refused it (a business rule); it had no effects.
    Rejected(String),
    /// The broker refused it: the consumer's queue was full.
    Refused(String),
    /// The handler failed; another attempt follows.
    Failed(String),
    /// The handler failed and no attempt was left.
    DeadLettered(String),
    /// Thrown away from the dead letters after it was dead-lettered.
    Discarded(String),
    /// An idempotent consumer had processed this message id already.
    DuplicateIgnored,
}

impl DeliveryEnd {
    /// Whether the message's story at this consumer may end here (a failure retries).
    pub fn is_terminal(&self) -> bool {
        !matches!(self, DeliveryEnd::Failed(_))
    }

    /// The word the automation contract uses (`data-outcome`).
    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryEnd::Handled => "handled",
            DeliveryEnd::Rejected(_) => "rejected",
            DeliveryEnd::Refused(_) => "refused",
            DeliveryEnd::Failed(_) => "failed",
            DeliveryEnd::DeadLettered(_) => "dead-lettered",
            DeliveryEnd::Discarded(_) => "discarded",
            DeliveryEnd::DuplicateIgnored => "duplicate-ignored",
        }
    }
}

/// One delivery of a command or event to one consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub consumer: ServiceIdx,
    /// 1 for the first attempt; each retry, and each retry of a dead letter, adds one.
    pub attempt: u32,
    /// A second copy the broker delivered (at-least-once delivery).
    pub duplicate: bool,
    /// Put in the consumer's queue (`None` when delivered directly, without a broker).
    pub enqueued: Option<SimTime>,
    /// Taken by the consumer.
    pub pulled: Option<SimTime>,
    /// Reached the consumer, which starts processing it now.
    pub delivered: Option<SimTime>,
    pub ended: Option<(SimTime, DeliveryEnd)>,
}

#[derive(Debug)]
pub(super) struct Record {
    pub env: Arc<Envelope>,
    pub outcome: Outcome,
    /// Query -> its response; response -> its request.
    pub link: Option<MessageId>,
    pub deliveries: Vec<Delivery>,
    /// Failed attempts whose retry has not been put back in a queue yet: the message is
    /// not settled while any is waiting out its backoff.
    pub retries_due: u32,
    /// Indices into `deliveries` of dead-lettered deliveries that were sent back by hand:
    /// superseded by the attempts that follow, so they no longer decide the outcome. Kept
    /// explicitly because "a later delivery at the same consumer" does not mean that: a
    /// duplicate copy, or a retry of the other copy, is later too.
    pub retried: Vec<usize>,
    /// Hops of this message on the wire now: what the diagram draws as its tokens.
    pub hops: u32,
    /// Every leg it travelled or travels, in departure order: what the sequence view and
    /// the trace exports draw as arrows.
    pub legs: Vec<Leg>,
    /// When its outcome was last settled (a query: when its caller stopped waiting).
    pub settled: Option<SimTime>,
}

/// One leg of a message's journey, kept with its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    pub from: ServiceIdx,
    pub to: ServiceIdx,
    pub depart: SimTime,
    pub arrive: SimTime,
    pub attempt: u32,
    pub duplicate: bool,
}

impl Sim {
    pub(super) fn record(&self, id: MessageId) -> Option<&Record> {
        let front = self.records.front()?.env.message_id;
        let idx = usize::try_from(id.checked_sub(front)?).ok()?;
        self.records.get(idx)
    }

    pub(super) fn record_mut(&mut self, id: MessageId) -> Option<&mut Record> {
        let front = self.records.front()?.env.message_id;
        let idx = usize::try_from(id.checked_sub(front)?).ok()?;
        self.records.get_mut(idx)
    }

    pub(super) fn set_outcome(&mut self, id: MessageId, outcome: Outcome) {
        let now = self.now;
        if let Some(r) = self.record_mut(id) {
            r.settled = (outcome != Outcome::Pending).then_some(now);
            r.outcome = outcome;
        }
    }

    /// Every leg of a message so far, in departure order.
    pub fn legs_of(&self, id: MessageId) -> &[Leg] {
        self.record(id).map_or(&[], |r| r.legs.as_slice())
    }

    /// When the message's outcome was settled; `None` while it is pending.
    pub fn settled_at(&self, id: MessageId) -> Option<SimTime> {
        self.record(id).and_then(|r| r.settled)
    }

    /// Every delivery of a message so far, in the order they began (empty for queries, and
    /// for a message no longer in the history).
    pub fn deliveries_of(&self, id: MessageId) -> &[Delivery] {
        self.record(id).map_or(&[], |r| r.deliveries.as_slice())
    }

    /// The delivery of `id` at `consumer` that a dead letter stands for: the latest one that
    /// ended dead-lettered and was not sent back since.
    pub(super) fn dead_lettered_delivery(
        &self,
        id: MessageId,
        consumer: ServiceIdx,
    ) -> Option<usize> {
        let r = self.record(id)?;
        r.deliveries.iter().enumerate().rev().find_map(|(i, d)| {
            let dead = matches!(d.ended, Some((_, DeliveryEnd::DeadLettered(_))));
            (dead && d.consumer == consumer && !r.retried.contains(&i)).then_some(i)
        })
    }

    /// Starts a delivery record; returns its index in the message's deliveries, which the
    /// delivery carries (`Queued::slot`) so that taking and ending it find this very record.
    /// (`usize::MAX` when the message has left the history: nothing to record then.)
    pub(super) fn open_delivery(
        &mut self,
        id: MessageId,
        consumer: ServiceIdx,
        attempt: u32,
        duplicate: bool,
        enqueued: Option<SimTime>,
        follows_failure: bool,
    ) -> usize {
        let Some(r) = self.record_mut(id) else {
            return usize::MAX;
        };
        if follows_failure {
            debug_assert!(r.retries_due > 0, "a retry nobody was due");
            r.retries_due = r.retries_due.saturating_sub(1);
        }
        r.deliveries.push(Delivery {
            consumer,
            attempt,
            duplicate,
            enqueued,
            pulled: None,
            delivered: None,
            ended: None,
        });
        // A message with a delivery under way has not ended, whatever an earlier one
        // settled: the broker may refuse one subscriber's copy of an event (settling it
        // Refused) before it queues the next subscriber's copy in the same fan-out.
        r.outcome = Outcome::Pending;
        r.deliveries.len() - 1
    }

    /// The open delivery record at `slot`. By index, not by (consumer, attempt, duplicate):
    /// those do not tell two deliveries apart once a duplicate copy is retried (its retries
    /// are not marked duplicate) or both copies are dead-lettered and sent back, and a
    /// lookup by them took or ended the wrong copy's record.
    fn delivery_at(&mut self, id: MessageId, slot: usize) -> Option<&mut Delivery> {
        let d = self.record_mut(id)?.deliveries.get_mut(slot)?;
        debug_assert!(
            d.ended.is_none(),
            "delivery {slot} of #{id} has ended already"
        );
        d.ended.is_none().then_some(d)
    }

    pub(super) fn mark_delivered(&mut self, id: MessageId, slot: usize) {
        let now = self.now;
        if let Some(d) = self.delivery_at(id, slot) {
            d.delivered = Some(now);
        }
    }

    pub(super) fn mark_pulled(&mut self, id: MessageId, slot: usize) {
        let now = self.now;
        if let Some(d) = self.delivery_at(id, slot) {
            d.pulled = Some(now);
        }
    }

    /// Ends a delivery and, if it was the message's last open one, settles its outcome.
    pub(super) fn end_delivery(&mut self, id: MessageId, slot: usize, end: DeliveryEnd) {
        let now = self.now;
        let retry = matches!(end, DeliveryEnd::Failed(_));
        if let Some(d) = self.delivery_at(id, slot) {
            d.ended = Some((now, end));
        }
        if retry {
            if let Some(r) = self.record_mut(id) {
                r.retries_due += 1;
            }
        }
        self.settle(id);
    }

    /// Ends the one delivery of `id` that `consumer` is working on (a verdict that waited
    /// for queries knows the message and the consumer, not the attempt).
    pub(super) fn end_current_delivery(
        &mut self,
        id: MessageId,
        consumer: ServiceIdx,
        end: DeliveryEnd,
    ) {
        // A consumer works on one message at a time (a service is blocked while it waits),
        // so at most one delivery of `id` there has been taken and not ended.
        let current = self.record(id).and_then(|r| {
            r.deliveries
                .iter()
                .rposition(|d| d.consumer == consumer && d.pulled.is_some() && d.ended.is_none())
        });
        if let Some(slot) = current {
            self.end_delivery(id, slot, end);
        }
    }

    /// Derives a message's outcome once none of its deliveries can go on: the gravest end
    /// wins (a dead letter over a refusal over a rejection over success), so a copy that
    /// went wrong is never hidden by one that went right.
    pub(super) fn settle(&mut self, id: MessageId) {
        let Some(r) = self.record_mut(id) else {
            return;
        };
        let all_ended = r.deliveries.iter().all(|d| d.ended.is_some());
        if r.deliveries.is_empty() || !all_ended || r.retries_due > 0 {
            r.outcome = Outcome::Pending;
            return;
        }
        let rank = |e: &DeliveryEnd| match e {
            DeliveryEnd::DeadLettered(_) => 5,
            DeliveryEnd::Discarded(_) => 4,
            DeliveryEnd::Refused(_) => 3,
            DeliveryEnd::Rejected(_) => 2,
            DeliveryEnd::Handled => 1,
            DeliveryEnd::Failed(_) | DeliveryEnd::DuplicateIgnored => 0,
        };
        // A dead letter that was retried is superseded by its later attempts. Only that one:
        // a rejected copy followed by a skipped repeat stays rejected, and a copy still in
        // the dead letters stays dead-lettered however its twin copy fared.
        let retried = &r.retried;
        let gravest = r
            .deliveries
            .iter()
            .enumerate()
            .filter(|(i, _)| !retried.contains(i))
            .filter_map(|(_, d)| d.ended.as_ref().map(|(_, e)| e))
            .max_by_key(|e| rank(e));
        r.outcome = match gravest {
            Some(DeliveryEnd::DeadLettered(error)) => Outcome::DeadLettered(error.clone()),
            Some(DeliveryEnd::Discarded(_)) => Outcome::Discarded,
            Some(DeliveryEnd::Refused(reason)) => Outcome::Refused(reason.clone()),
            Some(DeliveryEnd::Rejected(reason)) => Outcome::Rejected(reason.clone()),
            _ if r.env.kind == MessageKind::Event => Outcome::Consumed,
            _ => Outcome::Accepted,
        };
    }
}
