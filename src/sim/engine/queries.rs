//! Queries: the caller blocks until its answer arrives or its deadline passes; a server that
//! is down answers 503 at once; an answer that comes after the deadline is shown arriving and
//! thrown away.

use std::sync::Arc;

use crate::json;

use super::happening::{Happening, Outcome};
use super::{Item, Queued, Sim};
use crate::sim::behaviour::{Ctx, QueryResult};
use crate::sim::message::{Envelope, MessageId, MessageKind};
use crate::sim::topology::ServiceIdx;

use super::timers::TimerKey;

#[derive(Debug)]
pub(super) struct PendingQuery {
    pub caller: ServiceIdx,
    pub request: Arc<Envelope>,
    pub origin: Option<Arc<Envelope>>,
    pub deadline: TimerKey,
}

impl Sim {
    /// Sends a query on its way and starts the caller's deadline.
    pub(super) fn route_query(&mut self, env: Arc<Envelope>, origin: Option<&Arc<Envelope>>) {
        let (caller, Some(&server)) = (env.source, env.destination.first()) else {
            return;
        };
        self.workers[caller].outstanding += 1;
        let timeout = self.faults[caller].query_timeout_ms;
        let deadline = self.timers.set(
            self.now.saturating_add(timeout),
            Item::QueryTimeout(env.message_id),
        );
        self.pending.insert(
            env.message_id,
            PendingQuery {
                caller,
                request: Arc::clone(&env),
                origin: origin.cloned(),
                deadline,
            },
        );
        let at = self.hop(&Queued::first(&env), caller, server);
        self.timers.set(at, Item::QueryArrive(env));
    }

    pub(super) fn query_arrived(&mut self, env: Arc<Envelope>) {
        let Some(&server) = env.destination.first() else {
            return;
        };
        if self.faults[server].down {
            // Nobody is there to work on it: the gateway answers at once.
            let error = format!(
                "503 Service Unavailable: {} is down",
                self.topology.id(server)
            );
            self.respond(&env, json!({"status": 503, "error": error}));
            return;
        }
        self.out.push(Happening::Delivered {
            message: env.message_id,
            to: server,
            at: self.now,
        });
        let work = self.faults[server].slowed(self.config.query_processing_ms);
        self.timers
            .set(self.now.saturating_add(work), Item::Answer(env));
    }

    pub(super) fn answer(&mut self, request: Arc<Envelope>) {
        let Some(&server) = request.destination.first() else {
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
        self.respond(&request, result.to_payload());
    }

    fn respond(&mut self, request: &Envelope, payload: serde_json::Value) {
        let (Some(&server), caller) = (request.destination.first(), request.source) else {
            return;
        };
        let response = self.create(
            MessageKind::QueryResponse,
            request.type_name.clone(),
            server,
            vec![caller],
            request.correlation_id,
            Some(request.message_id),
            payload,
        );
        let rid = response.message_id;
        if let Some(r) = self.record_mut(request.message_id) {
            r.link = Some(rid);
        }
        if let Some(r) = self.record_mut(rid) {
            r.link = Some(request.message_id);
        }
        let at = self.hop(&Queued::first(&response), server, caller);
        self.timers.set(at, Item::ResponseArrive(response));
    }

    pub(super) fn response_arrived(&mut self, response: Arc<Envelope>) {
        let Some(&caller) = response.destination.first() else {
            return;
        };
        self.out.push(Happening::Delivered {
            message: response.message_id,
            to: caller,
            at: self.now,
        });
        let request_id = response.causation_id.unwrap_or(0);
        let Some(pq) = self.pending.remove(&request_id) else {
            self.out.push(Happening::LateResponse {
                request: request_id,
                response: response.message_id,
                at: self.now,
            });
            self.set_outcome(response.message_id, Outcome::TimedOut);
            return;
        };
        self.timers.cancel(pq.deadline);
        let unavailable = response.payload.get("status").and_then(|s| s.as_u64()) == Some(503);
        if unavailable {
            let error = response
                .payload
                .get("error")
                .and_then(|e| e.as_str())
                .unwrap_or("503 Service Unavailable")
                .to_string();
            self.out.push(Happening::QueryFailed {
                request: request_id,
                response: response.message_id,
                error: error.clone(),
                at: self.now,
            });
            self.set_outcome(request_id, Outcome::Failed(error.clone()));
            self.set_outcome(response.message_id, Outcome::Failed(error));
        } else {
            self.out.push(Happening::Answered {
                request: request_id,
                response: response.message_id,
                at: self.now,
            });
            self.set_outcome(request_id, Outcome::Answered);
            self.set_outcome(response.message_id, Outcome::Answered);
        }
        self.resolve(pq, Some(response));
    }

    pub(super) fn on_timeout(&mut self, request_id: MessageId) {
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

    /// A query finished (answered, failed or timed out): unblock the caller and let it
    /// continue.
    fn resolve(&mut self, pq: PendingQuery, response: Option<Arc<Envelope>>) {
        let caller = pq.caller;
        let w = &mut self.workers[caller];
        debug_assert!(w.outstanding > 0, "a query resolved that nobody waited on");
        w.outstanding -= 1;
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
