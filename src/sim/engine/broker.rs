//! The broker: one FIFO queue per consumer, copies of each event, refusals when a queue is
//! full, duplicate deliveries, and each consumer's dead letters.

use std::collections::VecDeque;
use std::sync::Arc;

use super::deliveries::DeliveryEnd;
use super::happening::Happening;
use super::{Item, Queued, Sim, REFUSALS_KEPT_MS};
use crate::sim::error::SimError;
use crate::sim::message::{Envelope, MessageId};
use crate::sim::time::SimTime;
use crate::sim::topology::{Role, ServiceIdx};

/// A message every attempt of which failed at one consumer, kept until it is retried or
/// discarded.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadLetter {
    pub message: Arc<Envelope>,
    pub consumer: ServiceIdx,
    /// The last attempt's error.
    pub error: String,
    /// Attempts made so far, all rounds together.
    pub attempts: u32,
    pub at: SimTime,
}

impl Sim {
    pub(super) fn at_broker(&mut self, env: Arc<Envelope>) {
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
                self.out.push(Happening::Rejected {
                    message: env.message_id,
                    by: b,
                    reason: reason.clone(),
                    at: self.now,
                });
                let slot = self.open_delivery(env.message_id, c, 1, false, None, false);
                self.end_delivery(env.message_id, slot, DeliveryEnd::Refused(reason));
                self.note_broker_refusal();
                continue;
            }
            self.enqueue(Queued::first(&env), c);
            let twice = std::mem::take(&mut self.faults[c].duplicate_next);
            if twice || self.chance(self.duplicate_percent) {
                self.enqueue(
                    Queued {
                        duplicate: true,
                        ..Queued::first(&env)
                    },
                    c,
                );
            }
        }
        for i in 0..env.destination.len() {
            self.try_pull(env.destination[i]);
        }
    }

    /// Puts a delivery at the back of `c`'s queue (a first delivery, a duplicate, a delayed
    /// retry or a retried dead letter).
    pub(super) fn enqueue(&mut self, mut q: Queued, c: ServiceIdx) {
        let id = q.env.message_id;
        let now = self.now;
        q.slot = self.open_delivery(id, c, q.attempt, q.duplicate, Some(now), q.retry);
        self.queues[c].push_back(q);
        self.out.push(Happening::Enqueued {
            message: id,
            consumer: c,
            depth: self.queues[c].len(),
            at: now,
        });
    }

    pub(super) fn try_pull(&mut self, c: ServiceIdx) {
        let Some(b) = self.topology.broker() else {
            return;
        };
        let w = self.workers[c];
        let blocked = w.outstanding > 0 && self.topology.role(c) != Some(Role::Client);
        if w.fetching || w.processing > 0 || blocked || self.faults[c].down {
            return;
        }
        let Some(q) = self.queues[c].pop_front() else {
            return;
        };
        self.workers[c].fetching = true;
        self.mark_pulled(q.env.message_id, q.slot);
        let at = self.hop(&q, b, c);
        self.timers.set(at, Item::Fetched(q, c));
    }

    fn note_broker_refusal(&mut self) {
        let horizon = self.now.saturating_sub(REFUSALS_KEPT_MS);
        while self.broker_refusals.front().is_some_and(|&at| at < horizon) {
            self.broker_refusals.pop_front();
        }
        self.broker_refusals.push_back(self.now);
    }

    /// Messages (event copies count one each) the broker refused for a full queue at or
    /// after `t`; it sees back [`REFUSALS_KEPT_MS`] from now.
    pub fn broker_refusals_since(&self, t: SimTime) -> usize {
        let older = self.broker_refusals.partition_point(|&at| at < t);
        self.broker_refusals.len() - older
    }

    pub fn queue_depth(&self, consumer: ServiceIdx) -> usize {
        self.queues.get(consumer).map_or(0, VecDeque::len)
    }

    pub fn queue_depths(&self) -> Vec<usize> {
        self.queues.iter().map(VecDeque::len).collect()
    }

    // ----- dead letters -----

    pub(super) fn dead_letter(&mut self, q: Queued, c: ServiceIdx, error: String) {
        let id = q.env.message_id;
        self.end_delivery(id, q.slot, DeliveryEnd::DeadLettered(error.clone()));
        self.out.push(Happening::DeadLettered {
            message: id,
            consumer: c,
            at: self.now,
        });
        self.dead_letters.push_back(DeadLetter {
            message: q.env,
            consumer: c,
            error,
            attempts: q.attempt,
            at: self.now,
        });
        // Bounded like a queue: past it, the oldest of this consumer's dead letters goes.
        let capacity = self.config.queue_capacity.max(1);
        if self.dead_letter_count(c) > capacity {
            if let Some(i) = self.dead_letters.iter().position(|d| d.consumer == c) {
                self.discard_at(i);
            }
        }
    }

    /// Every dead letter, oldest first.
    pub fn dead_letters(&self) -> impl DoubleEndedIterator<Item = &DeadLetter> + ExactSizeIterator {
        self.dead_letters.iter()
    }

    pub fn dead_letter_count(&self, consumer: ServiceIdx) -> usize {
        self.dead_letters
            .iter()
            .filter(|d| d.consumer == consumer)
            .count()
    }

    fn dead_letter_index(
        &self,
        message: MessageId,
        consumer: ServiceIdx,
    ) -> Result<usize, SimError> {
        self.dead_letters
            .iter()
            .position(|d| d.message.message_id == message && d.consumer == consumer)
            .ok_or_else(|| SimError::InvalidInput {
                reason: format!(
                    "message {message} is not among {}'s dead letters",
                    self.topology.id(consumer)
                ),
            })
    }

    /// Sends a dead letter back to its consumer's queue: the same message id, a new attempt,
    /// and a fresh round of the consumer's retry policy.
    pub fn retry_dead_letter(
        &mut self,
        message: MessageId,
        consumer: ServiceIdx,
    ) -> Result<(), SimError> {
        let i = self.dead_letter_index(message, consumer)?;
        self.retry_at(i);
        Ok(())
    }

    /// Retries every dead letter, oldest first.
    pub fn retry_all_dead_letters(&mut self) {
        while !self.dead_letters.is_empty() {
            self.retry_at(0);
        }
    }

    fn retry_at(&mut self, i: usize) {
        let Some(d) = self.dead_letters.remove(i) else {
            return;
        };
        let attempt = d.attempts + 1;
        let q = Queued {
            env: d.message,
            attempt,
            round_start: attempt,
            duplicate: false,
            retry: false,
            slot: usize::MAX,
        };
        let id = q.env.message_id;
        // The dead-lettered delivery is superseded by this new attempt (see `settle`).
        if let Some(k) = self.dead_lettered_delivery(id, d.consumer) {
            if let Some(r) = self.record_mut(id) {
                r.retried.push(k);
            }
        }
        self.redeliver(q, d.consumer);
        self.settle(id);
    }

    /// Throws a dead letter away for good.
    pub fn discard_dead_letter(
        &mut self,
        message: MessageId,
        consumer: ServiceIdx,
    ) -> Result<(), SimError> {
        let i = self.dead_letter_index(message, consumer)?;
        self.discard_at(i);
        Ok(())
    }

    fn discard_at(&mut self, i: usize) {
        let Some(d) = self.dead_letters.remove(i) else {
            return;
        };
        let id = d.message.message_id;
        let now = self.now;
        // Not a dead-lettered delivery that was already sent back: that one is superseded.
        if let Some(k) = self.dead_lettered_delivery(id, d.consumer) {
            if let Some(x) = self.record_mut(id).and_then(|r| r.deliveries.get_mut(k)) {
                x.ended = Some((now, DeliveryEnd::Discarded(d.error.clone())));
            }
        }
        self.settle(id);
        self.out.push(Happening::Discarded {
            message: id,
            consumer: d.consumer,
            at: now,
        });
    }
}
