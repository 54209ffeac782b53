//! The what-if lab's presets: each sets faults and plays a short scripted story on the
//! airline, with a caption saying what to notice.

use super::{action_message, Scenario, UserAction, FLIGHTS, LOYALTY, REVENUE};
use crate::sim::engine::{FaultChange, ScriptStep, Sim};
use crate::sim::error::SimError;
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    LoyaltyDown,
    FlightsSlow,
    DuplicateDelivery,
    PoisonMessage,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::LoyaltyDown,
        Preset::FlightsSlow,
        Preset::DuplicateDelivery,
        Preset::PoisonMessage,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Preset::LoyaltyDown => "Loyalty is down",
            Preset::FlightsSlow => "Flight Management is slow",
            Preset::DuplicateDelivery => "Duplicate delivery",
            Preset::PoisonMessage => "Poison message",
        }
    }

    /// What to notice, in two or three sentences.
    pub fn caption(self) -> &'static str {
        match self {
            Preset::LoyaltyDown => {
                "Loyalty Points is down, yet the bookings complete: Booking publishes \
                 BookingCreated and moves on, and the event waits in Loyalty's queue (watch its \
                 number). John's points query fails at once with a 503, because a query needs \
                 its server now. Untick Down in Loyalty's inspector and watch the queue drain."
            }
            Preset::FlightsSlow => {
                "Flight Management answers 20 times slower, so Booking's availability queries \
                 time out after 2 s and the bookings are rejected. Booking is blocked while it \
                 waits, so its own queue builds up; each late answer arrives and is thrown away."
            }
            Preset::DuplicateDelivery => {
                "The broker delivers BookingCreated to Loyalty twice, as when an \
                 acknowledgement is lost: Loyalty is not idempotent, so John's points are \
                 credited twice. Then Loyalty is made idempotent and the next duplicate is \
                 ignored: it credits once."
            }
            Preset::PoisonMessage => {
                "Revenue Management fails on every AdjustFlightPricing: it retries twice at \
                 once, then after 1, 2 and 4 s, and then the message goes to its dead letters. \
                 Set Revenue's failure rate back to 0 % and press Retry in Dead letters: the \
                 same message is handled."
            }
        }
    }

    /// The story: what happens at which offset from the start, in simulated ms.
    fn script(self, t: &Topology) -> Result<Vec<(SimTime, ScriptStep)>, SimError> {
        let idx = |id: &str| {
            t.index_of(id)
                .ok_or_else(|| SimError::UnknownService { id: id.into() })
        };
        let act = |action: UserAction| -> Result<ScriptStep, SimError> {
            let (from, out) = action_message(t, action)?;
            Ok(ScriptStep::Originate(from, out))
        };
        let book = |customer: &str, flight: &str, passenger: &str| {
            act(UserAction::BookFlight {
                customer_id: customer.into(),
                flight_number: flight.into(),
                passenger_ids: vec![passenger.into()],
            })
        };
        let fault = ScriptStep::Fault;
        Ok(match self {
            Preset::LoyaltyDown => vec![
                (0, fault(FaultChange::Down(idx(LOYALTY)?, true))),
                (0, act(Scenario::BookFl123.action())?),
                (1500, book("C23456", "FL200", "P23456")?),
                (6000, act(Scenario::CheckJohnsPoints.action())?),
            ],
            Preset::FlightsSlow => vec![
                (0, fault(FaultChange::Slowdown(idx(FLIGHTS)?, 20.0))),
                (0, act(Scenario::BookFl123.action())?),
                (300, book("C23456", "FL200", "P23456")?),
                (600, book("C34567", "FL310", "P34567")?),
                (900, book("C12345", "FL200", "P12345")?),
            ],
            Preset::DuplicateDelivery => {
                let loyalty = idx(LOYALTY)?;
                vec![
                    (0, fault(FaultChange::Idempotent(loyalty, false))),
                    (0, fault(FaultChange::DuplicateNext(loyalty))),
                    (0, book("C12345", "FL123", "P12345")?),
                    (8000, act(Scenario::CheckJohnsPoints.action())?),
                    (11000, fault(FaultChange::Idempotent(loyalty, true))),
                    (11000, fault(FaultChange::DuplicateNext(loyalty))),
                    (11000, book("C12345", "FL200", "P12345")?),
                    (19000, act(Scenario::CheckJohnsPoints.action())?),
                ]
            }
            Preset::PoisonMessage => vec![
                (0, fault(FaultChange::FailurePercent(idx(REVENUE)?, 100.0))),
                (0, act(Scenario::BookFl123.action())?),
            ],
        })
    }
}

impl Sim {
    /// Plays a preset from now: its faults and actions are scheduled like any other timer,
    /// so the story is part of the seeded, replayable run.
    pub fn run_preset(&mut self, preset: Preset) -> Result<(), SimError> {
        let steps = preset.script(self.topology())?;
        self.script(steps);
        Ok(())
    }
}
