//! Where a message spent its time: waiting in a queue, being processed, or holding its
//! caller blocked on a query. The sequence view draws these stretches, the Trace panel
//! sums them, and the OpenTelemetry export turns them into spans.

use crate::sim::{DeliveryEnd, Envelope, MessageKind, ServiceIdx, Sim, SimTime};

/// What a service is doing during a stretch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doing {
    /// The message waits in the service's queue at the broker.
    Queued,
    /// The service handles the message.
    Processing,
    /// The service is blocked, waiting for its query's answer.
    Blocked,
}

impl Doing {
    pub fn as_str(self) -> &'static str {
        match self {
            Doing::Queued => "queued",
            Doing::Processing => "processing",
            Doing::Blocked => "blocked",
        }
    }
}

/// One stretch of one message's time on one service's lifeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stretch {
    pub service: ServiceIdx,
    pub doing: Doing,
    pub start: SimTime,
    /// `None` while it goes on.
    pub end: Option<SimTime>,
    pub attempt: u32,
    /// How a processing stretch ended, in the automation contract's words.
    pub outcome: Option<&'static str>,
}

impl Stretch {
    /// Its length so far, measured up to `now` while it goes on.
    pub fn length(&self, now: SimTime) -> SimTime {
        self.end.unwrap_or(now).saturating_sub(self.start)
    }
}

/// Every stretch of `message`: for a command or event, delivery by delivery.
pub fn stretches(sim: &Sim, message: &Envelope) -> Vec<Stretch> {
    let id = message.message_id;
    let mut out = Vec::new();
    match message.kind {
        MessageKind::Command | MessageKind::Event => {
            for d in sim.deliveries_of(id) {
                if let Some(enqueued) = d.enqueued {
                    // A refused copy never waited: the broker turned it away on arrival.
                    let refused = matches!(d.ended, Some((_, DeliveryEnd::Refused(_))));
                    if !refused {
                        out.push(Stretch {
                            service: d.consumer,
                            doing: Doing::Queued,
                            start: enqueued,
                            end: d.pulled,
                            attempt: d.attempt,
                            outcome: None,
                        });
                    }
                }
                if let Some(delivered) = d.delivered {
                    out.push(Stretch {
                        service: d.consumer,
                        doing: Doing::Processing,
                        start: delivered,
                        end: d.ended.as_ref().map(|(at, _)| *at),
                        attempt: d.attempt,
                        outcome: d.ended.as_ref().map(|(_, end)| end.as_str()),
                    });
                }
            }
        }
        MessageKind::Query => {
            out.push(Stretch {
                service: message.source,
                doing: Doing::Blocked,
                start: message.timestamp,
                end: sim.settled_at(id),
                attempt: 1,
                outcome: sim.outcome_of(id).map(|o| o.as_str()),
            });
            let arrived = sim.legs_of(id).first().map(|leg| (leg.to, leg.arrive));
            let answered = sim
                .response_of(id)
                .and_then(|r| sim.message(r))
                .map(|r| r.timestamp);
            if let Some((server, arrive)) = arrived {
                // Processing ends when the answer leaves; before that it is still going, if
                // the query has arrived at all.
                let end = answered.filter(|&t| t >= arrive);
                if end != Some(arrive) && (end.is_some() || arrive <= sim.now()) {
                    out.push(Stretch {
                        service: server,
                        doing: Doing::Processing,
                        start: arrive,
                        end,
                        attempt: 1,
                        outcome: None,
                    });
                }
            }
        }
        MessageKind::QueryResponse => {}
    }
    out
}

/// When the message's story ended: its last leg landed and its last stretch ended.
/// `None` while any part of it goes on.
pub fn finished_at(sim: &Sim, message: &Envelope) -> Option<SimTime> {
    let legs = sim.legs_of(message.message_id);
    let mut end = message.timestamp;
    for leg in legs {
        if leg.arrive > sim.now() {
            return None;
        }
        end = end.max(leg.arrive);
    }
    for s in stretches(sim, message) {
        end = end.max(s.end?);
    }
    if sim.outcome_of(message.message_id)? == crate::sim::Outcome::Pending {
        return None;
    }
    Some(end)
}

/// Totals for one message, as the Trace panel lists them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub queued: SimTime,
    pub processing: SimTime,
    pub blocked: SimTime,
    /// From sending to the end of its story; `None` while it goes on.
    pub total: Option<SimTime>,
}

pub fn totals(sim: &Sim, message: &Envelope) -> Totals {
    let now = sim.now();
    let mut t = Totals {
        total: finished_at(sim, message).map(|end| end.saturating_sub(message.timestamp)),
        ..Totals::default()
    };
    for s in stretches(sim, message) {
        let slot = match s.doing {
            Doing::Queued => &mut t.queued,
            Doing::Processing => &mut t.processing,
            Doing::Blocked => &mut t.blocked,
        };
        *slot += s.length(now);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scenario, SimConfig};

    fn run(scenario: Scenario) -> Sim {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(scenario.action()).unwrap();
        sim.run_until_idle(100_000);
        sim
    }

    #[test]
    fn a_command_waits_in_its_queue_then_is_processed_for_the_processing_time() {
        let sim = run(Scenario::BookFl123);
        let create = sim
            .messages()
            .find(|m| m.type_name == "CreateBooking")
            .unwrap();
        let parts = stretches(&sim, create);
        let booking = sim.topology().index_of("booking").unwrap();
        let queued = parts.iter().find(|s| s.doing == Doing::Queued).unwrap();
        let processing = parts.iter().find(|s| s.doing == Doing::Processing).unwrap();
        assert_eq!((queued.service, processing.service), (booking, booking));
        // Pulled at once (Booking was idle), then a hop from the broker, then processing.
        let pull = sim.legs_of(create.message_id)[1];
        assert_eq!(queued.end, Some(pull.depart));
        assert_eq!(processing.start, pull.arrive);
        assert_eq!(processing.outcome, Some("handled"));
        let t = totals(&sim, create);
        assert_eq!(t.processing, processing.length(sim.now()));
        assert_eq!(t.blocked, 0);
        assert!(t.total.unwrap() >= t.queued + t.processing);
    }

    #[test]
    fn a_query_blocks_its_caller_until_the_answer_lands_and_the_server_processes_between() {
        let sim = run(Scenario::CheckJohnsPoints);
        let query = sim
            .messages()
            .find(|m| m.kind == MessageKind::Query)
            .unwrap();
        let parts = stretches(&sim, query);
        let blocked = parts.iter().find(|s| s.doing == Doing::Blocked).unwrap();
        assert_eq!(blocked.service, query.source);
        let response = sim
            .message(sim.response_of(query.message_id).unwrap())
            .unwrap();
        let back = sim.legs_of(response.message_id)[0];
        assert_eq!(
            blocked.end,
            Some(back.arrive),
            "blocked until the answer lands"
        );
        let serving = parts.iter().find(|s| s.doing == Doing::Processing).unwrap();
        assert_eq!(serving.end, Some(response.timestamp));
        assert_eq!(
            serving.length(sim.now()),
            SimConfig::default().query_processing_ms
        );
        let t = totals(&sim, query);
        assert_eq!(t.total, Some(blocked.length(sim.now())));
    }

    #[test]
    fn a_message_still_in_flight_has_no_total() {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(Scenario::BookFl123.action()).unwrap();
        sim.advance_by(100);
        let create = sim.messages().next().unwrap();
        assert_eq!(totals(&sim, create).total, None);
    }
}
