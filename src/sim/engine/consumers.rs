//! What happens at a consumer: a pulled message is processed for the consumer's processing
//! time, then its handler runs, fails (and is retried, then dead-lettered) or is skipped as a
//! repeat; the verdict may wait for the queries the handler issued.

use std::sync::Arc;

use super::deliveries::DeliveryEnd;
use super::faults::INBOX_SIZE;
use super::happening::{Happening, Outcome};
use super::{Item, Queued, Sim};
use crate::sim::behaviour::{Ctx, Outgoing, Rejection};
use crate::sim::message::{Envelope, MessageKind};
use crate::sim::topology::ServiceIdx;

impl Sim {
    pub(super) fn deliver(&mut self, q: Queued, c: ServiceIdx) {
        self.out.push(Happening::Delivered {
            message: q.env.message_id,
            to: c,
            at: self.now,
        });
        if self.topology.broker().is_none() {
            self.mark_pulled(q.env.message_id, q.slot);
        }
        self.mark_delivered(q.env.message_id, q.slot);
        self.workers[c].processing += 1;
        let at = self
            .now
            .saturating_add(self.faults[c].slowed(self.processing[c]));
        self.timers.set(at, Item::Processed(q, c));
    }

    pub(super) fn processed(&mut self, q: Queued, c: ServiceIdx) {
        debug_assert!(
            self.workers[c].processing > 0,
            "processed without processing"
        );
        self.workers[c].processing -= 1;
        let id = q.env.message_id;
        if self.faults[c].idempotent && self.inboxes[c].contains(&id) {
            self.out.push(Happening::DuplicateIgnored {
                message: id,
                by: c,
                at: self.now,
            });
            self.end_delivery(id, q.slot, DeliveryEnd::DuplicateIgnored);
            self.try_pull(c);
            return;
        }
        if let Some(error) = self.handler_fault(c, &q.env) {
            self.fail(q, c, error);
            self.try_pull(c);
            return;
        }
        self.remember(c, id);
        let mut ctx = Ctx::new(self.now, c, &self.topology, &mut self.behaviour_rng);
        let result = self.behaviours[c].on_message(&mut ctx, &q.env);
        let outs = ctx.into_outputs();
        self.conclude(c, &q.env, result, outs);
        self.try_pull(c);
    }

    /// The error a fault makes this handler throw now, if any.
    fn handler_fault(&mut self, c: ServiceIdx, env: &Envelope) -> Option<String> {
        let name = self.topology.id(c).to_string();
        if std::mem::take(&mut self.faults[c].fail_next) {
            return Some(format!(
                "{name} failed on {} (poison message)",
                env.type_name
            ));
        }
        let percent = self.faults[c].failure_percent;
        self.chance(percent).then(|| {
            format!(
                "{name} failed on {} (failure rate {} %)",
                env.type_name,
                crate::sim::shortest(percent)
            )
        })
    }

    fn remember(&mut self, c: ServiceIdx, id: u64) {
        let inbox = &mut self.inboxes[c];
        if inbox.insert(id) {
            self.inbox_order[c].push_back(id);
            if self.inbox_order[c].len() > INBOX_SIZE {
                if let Some(old) = self.inbox_order[c].pop_front() {
                    self.inboxes[c].remove(&old);
                }
            }
        }
    }

    /// A failed attempt: retry now, retry after a backoff, or dead-letter, by the policy.
    fn fail(&mut self, q: Queued, c: ServiceIdx, error: String) {
        let id = q.env.message_id;
        let n = q.attempt - q.round_start + 1;
        let retry_after = self.faults[c].policy.retry_after(n);
        let retry_at = retry_after.map(|ms| self.now.saturating_add(ms));
        self.out.push(Happening::Failed {
            message: id,
            by: c,
            attempt: q.attempt,
            error: error.clone(),
            retry_at,
            at: self.now,
        });
        let Some(at) = retry_at else {
            self.dead_letter(q, c, error);
            return;
        };
        self.end_delivery(id, q.slot, DeliveryEnd::Failed(error));
        let next = Queued {
            attempt: q.attempt + 1,
            duplicate: false,
            retry: true,
            ..q
        };
        if at == self.now {
            self.redeliver_first(next, c);
        } else {
            self.timers.set(at, Item::Retry(next, c));
        }
    }

    /// An immediate retry: back at the head of the queue, so it is the next thing pulled.
    fn redeliver_first(&mut self, mut q: Queued, c: ServiceIdx) {
        if self.topology.broker().is_none() {
            self.redeliver(q, c);
            return;
        }
        let id = q.env.message_id;
        q.slot = self.open_delivery(id, c, q.attempt, false, Some(self.now), q.retry);
        self.queues[c].push_front(q);
        self.out.push(Happening::Enqueued {
            message: id,
            consumer: c,
            depth: self.queues[c].len(),
            at: self.now,
        });
        self.try_pull(c);
    }

    /// A delayed retry or a retried dead letter: back of the queue, or straight to the
    /// consumer when there is no broker.
    pub(super) fn redeliver(&mut self, mut q: Queued, c: ServiceIdx) {
        if self.topology.broker().is_some() {
            self.enqueue(q, c);
            self.try_pull(c);
        } else {
            let id = q.env.message_id;
            q.slot = self.open_delivery(id, c, q.attempt, false, None, q.retry);
            let at = self.hop(&q, q.env.source, c);
            self.timers.set(at, Item::Direct(q, c));
        }
    }

    /// Gives `origin` its verdict unless it still waits on queries, then sends what the
    /// handler asked for.
    pub(super) fn conclude(
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
        let end = match result {
            Ok(()) => {
                self.out.push(Happening::Handled {
                    message: id,
                    by: c,
                    at: now,
                });
                DeliveryEnd::Handled
            }
            Err(reason) => {
                self.out.push(Happening::Rejected {
                    message: id,
                    by: c,
                    reason: reason.clone(),
                    at: now,
                });
                DeliveryEnd::Rejected(reason)
            }
        };
        self.end_current_delivery(id, c, end);
    }

    /// An event with no subscribers (or a command nobody handles) ends at `at_service`.
    pub(super) fn finish_undeliverable(&mut self, env: &Envelope, at_service: ServiceIdx) {
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
}
