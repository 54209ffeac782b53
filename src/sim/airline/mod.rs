//! The article's airline: five participants plus the broker, their seed data, and the user
//! actions the Mobile App offers.
//!
//! "Book FL123" chain: CreateBooking (command mobile-app -> broker -> booking) -> availability
//! query booking <-> flights -> BookingCreated (event -> loyalty, flights) ->
//! LoyaltyPointsCredited (event, no subscribers) and AdjustFlightPricing (command flights ->
//! broker -> revenue) -> FlightPriceAdjusted (event -> mobile-app, booking).

#[cfg(test)]
mod model_check;
mod model_literal;
pub mod payloads;
mod presets;
pub mod seed;
mod services;

pub use model_literal::airline_model;
pub use payloads::DemandTrend;
pub use presets::Preset;
pub use services::{
    BookingService, FlightManagement, LoyaltyService, MobileApp, RevenueManagement,
    DEMAND_WINDOW_MS,
};

use crate::json;

use super::behaviour::{Outgoing, Passive, ServiceBehaviour};
use super::decimal::clamped;
use super::engine::{Sim, SimConfig, UserMessage};
use super::error::SimError;
use super::message::CorrelationId;
use super::message::MessageKind;
use super::rng::SplitMix64;
use super::topology::{ServiceIdx, Topology};

pub const MOBILE_APP: &str = "mobile-app";
pub const BOOKING: &str = "booking";
pub const LOYALTY: &str = "loyalty";
pub const FLIGHTS: &str = "flights";
pub const REVENUE: &str = "revenue";
pub const BROKER: &str = "broker";

pub const ROUTE_POINTS: &str = "GET /api/loyalty/customers/{customerId}/points";
pub const ROUTE_TRANSACTIONS: &str = "GET /api/loyalty/customers/{customerId}/transactions";
pub const ROUTE_TIERS: &str = "GET /api/loyalty/tiers";
pub const ROUTE_AVAILABILITY: &str = "GET /api/flights/{flightNumber}/availability";

/// What a user can do in the Mobile App.
#[derive(Clone, Debug, PartialEq)]
pub enum UserAction {
    BookFlight {
        customer_id: String,
        flight_number: String,
        passenger_ids: Vec<String>,
    },
    CheckPoints {
        customer_id: String,
    },
    ListTransactions {
        customer_id: String,
    },
    ListTiers,
    CheckAvailability {
        flight_number: String,
    },
    CancelBooking {
        booking_id: String,
    },
}

/// One-click demos for the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    BookFl123,
    CheckJohnsPoints,
    ListTiers,
}

impl Scenario {
    pub const ALL: [Scenario; 3] = [
        Scenario::BookFl123,
        Scenario::CheckJohnsPoints,
        Scenario::ListTiers,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Scenario::BookFl123 => "Book FL123",
            Scenario::CheckJohnsPoints => "Check John's points",
            Scenario::ListTiers => "List tiers",
        }
    }

    pub fn action(self) -> UserAction {
        match self {
            Scenario::BookFl123 => UserAction::BookFlight {
                customer_id: "C12345".into(),
                flight_number: "FL123".into(),
                passenger_ids: vec!["P12345".into(), "P12346".into()],
            },
            Scenario::CheckJohnsPoints => UserAction::CheckPoints {
                customer_id: "C12345".into(),
            },
            Scenario::ListTiers => UserAction::ListTiers,
        }
    }
}

/// Rounds money to cents.
pub fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Revenue Management's pricing rule:
/// `base × clamp(1 + (occupancy% − lastYearOccupancy%)/100, 0.8, 2.0) × trend`, with trend
/// Increasing 1.05, Stable 1.0, Decreasing 0.95, rounded to cents. It starts from the base
/// fare each time (not the current fare), so repeated reassessments never compound, and for
/// a given trend the fare never falls as occupancy rises.
pub fn new_fare(
    base_fare: f64,
    occupancy_pct: f64,
    last_year_occupancy_pct: f64,
    trend: DemandTrend,
) -> f64 {
    let raw = 1.0 + (occupancy_pct - last_year_occupancy_pct) / 100.0;
    let factor = if raw.is_nan() {
        1.0
    } else {
        clamped(raw, 0.8, 2.0)
    };
    let trend_factor = match trend {
        DemandTrend::Increasing => 1.05,
        DemandTrend::Stable => 1.0,
        DemandTrend::Decreasing => 0.95,
    };
    round_cents(base_fare * factor * trend_factor)
}

/// The airline's topology, read from its model file (`models/airline.json`): services
/// mobile-app, booking, loyalty, flights, revenue and broker, and what each sends, handles,
/// publishes, subscribes to, serves and calls.
pub fn airline_topology() -> Result<Topology, SimError> {
    model_literal::airline_outline().to_topology()
}

/// The airline's Rust behaviour for a service of its model, by the service's id: the model
/// file says who talks to whom, these say what each one does (points from distance and
/// tier, the pricing rule, seats). A service the airline does not know stays passive.
fn airline_behaviour(id: &str) -> Box<dyn ServiceBehaviour> {
    match id {
        MOBILE_APP => Box::new(MobileApp::default()),
        BOOKING => Box::new(BookingService::default()),
        LOYALTY => Box::new(LoyaltyService::default()),
        FLIGHTS => Box::new(FlightManagement::default()),
        REVENUE => Box::new(RevenueManagement::default()),
        _ => Box::new(Passive),
    }
}

/// A random but well-formed booking for the traffic generator: a seeded customer, a
/// non-empty run of their passengers, any seed flight.
fn random_booking(rng: &mut SplitMix64) -> UserAction {
    let c = &seed::CUSTOMERS[rng.index(seed::CUSTOMERS.len())];
    let n = c.passengers.len();
    let count = 1 + rng.index(n);
    let start = rng.index(n);
    let passenger_ids = (0..count)
        .map(|i| c.passengers[(start + i) % n].id.to_string())
        .collect();
    let f = &seed::FLIGHTS[rng.index(seed::FLIGHTS.len())];
    UserAction::BookFlight {
        customer_id: c.id.into(),
        flight_number: f.number.into(),
        passenger_ids,
    }
}

/// Ids end up in URL paths and message payloads, so they must be plain tokens. Unknown ids
/// are fine (the services answer 404 or reject); malformed ones are refused here.
fn check_id(what: &str, id: &str) -> Result<(), SimError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(SimError::InvalidInput {
            reason: format!("{what} \"{id}\" must be 1-64 letters, digits, '-', '_' or '.'"),
        })
    }
}

impl Sim {
    /// The article's airline with its seed data.
    pub fn airline(config: SimConfig) -> Sim {
        // The model file is bundled; a test proves it builds, so failure here is a
        // programming error, not bad input.
        let topology = airline_topology().expect("the airline's model file is valid");
        let behaviours = topology
            .services()
            .iter()
            .map(|s| airline_behaviour(&s.id))
            .collect();
        Sim::build(
            topology,
            behaviours,
            config,
            Some(payloads::check),
            Some(traffic),
        )
    }

    /// A user action in the Mobile App, starting a new correlation. Its happenings are
    /// returned by the next `advance_*`/`step`.
    pub fn act(&mut self, action: UserAction) -> Result<CorrelationId, SimError> {
        let (app, out) = action_message(self.topology(), action)?;
        Ok(self.originate(app, out).1)
    }
}

impl UserAction {
    /// The action as the Mobile App's send, as data: what a journal records and a shared
    /// link carries, so that replaying it needs no airline code. Refused as
    /// [`Sim::act`] refuses it.
    pub fn to_send(self, topology: &Topology) -> Result<UserMessage, SimError> {
        let (from, out) = action_message(topology, self)?;
        let (kind, name, payload) = match out {
            Outgoing::Command {
                type_name, payload, ..
            } => (MessageKind::Command, type_name, payload),
            Outgoing::Event {
                type_name, payload, ..
            } => (MessageKind::Event, type_name, payload),
            Outgoing::Query { line, .. } => (MessageKind::Query, line, serde_json::Value::Null),
        };
        Ok(UserMessage {
            from: topology.id(from).to_string(),
            kind,
            name,
            payload,
        })
    }
}

/// Share of the traffic generator's actions, in percent, that cancel a booking (when one
/// exists): seats come back, so long runs keep flying instead of filling every flight.
pub const CANCEL_PERCENT: u64 = 20;

/// The traffic generator's beat: mostly a random booking from the Mobile App, sometimes
/// the cancellation of a booking that exists.
fn traffic(
    topology: &Topology,
    behaviours: &[Box<dyn ServiceBehaviour>],
    rng: &mut SplitMix64,
) -> Option<(ServiceIdx, Outgoing)> {
    let booking = topology.index_of(BOOKING).and_then(|b| behaviours.get(b));
    let active = booking.and_then(|b| {
        let any: &dyn std::any::Any = b.as_ref();
        any.downcast_ref::<BookingService>()
    });
    let action = match active {
        Some(b) if b.active_booking_ids().len() > 0 && rng.below(100) < CANCEL_PERCENT => {
            let mut ids = b.active_booking_ids();
            let pick = rng.index(ids.len());
            UserAction::CancelBooking {
                booking_id: ids.nth(pick)?.to_string(),
            }
        }
        _ => random_booking(rng),
    };
    // The generator only produces well-formed actions; a refusal would only skip a beat.
    action_message(topology, action).ok()
}

/// The message a user action sends, and who sends it (the Mobile App): checked, routed and
/// ready to originate, for `act`, the traffic generator and the presets alike.
pub(crate) fn action_message(
    topology: &Topology,
    action: UserAction,
) -> Result<(ServiceIdx, Outgoing), SimError> {
    let app = topology
        .index_of(MOBILE_APP)
        .ok_or_else(|| SimError::UnknownService {
            id: MOBILE_APP.into(),
        })?;
    let query = |line: String| -> Result<Outgoing, SimError> {
        let (server, _) = topology.match_route(&line)?;
        Ok(Outgoing::Query { line, server })
    };
    let command = |type_name: &str, payload| -> Result<Outgoing, SimError> {
        let handler = topology
            .handler_of(type_name)
            .ok_or_else(|| SimError::NoHandler {
                command: type_name.into(),
            })?;
        Ok(Outgoing::Command {
            type_name: type_name.into(),
            handler,
            payload,
        })
    };
    let out = match action {
        UserAction::BookFlight {
            customer_id,
            flight_number,
            passenger_ids,
        } => {
            check_id("customer id", &customer_id)?;
            check_id("flight number", &flight_number)?;
            if passenger_ids.is_empty() {
                return Err(SimError::InvalidInput {
                    reason: "a booking needs at least one passenger".into(),
                });
            }
            for p in &passenger_ids {
                check_id("passenger id", p)?;
            }
            // The app sends the signed-in customer's contact details from the profile on
            // the device; for an unknown customer it has none, and Booking will refuse.
            let (email, phone) =
                seed::customer(&customer_id).map_or(("", ""), |c| (c.email, c.phone));
            command(
                "CreateBooking",
                json!({
                    "commandType": "CreateBooking",
                    "customerId": customer_id,
                    "flightNumber": flight_number,
                    "passengers": passenger_ids,
                    "contactDetails": {"email": email, "phone": phone},
                    "paymentDetails": {"paymentMethod": "CreditCard"},
                }),
            )?
        }
        UserAction::CheckPoints { customer_id } => {
            check_id("customer id", &customer_id)?;
            query(format!("GET /api/loyalty/customers/{customer_id}/points"))?
        }
        UserAction::ListTransactions { customer_id } => {
            check_id("customer id", &customer_id)?;
            query(format!(
                "GET /api/loyalty/customers/{customer_id}/transactions"
            ))?
        }
        UserAction::ListTiers => query(ROUTE_TIERS.to_string())?,
        UserAction::CheckAvailability { flight_number } => {
            check_id("flight number", &flight_number)?;
            query(format!("GET /api/flights/{flight_number}/availability"))?
        }
        UserAction::CancelBooking { booking_id } => {
            check_id("booking id", &booking_id)?;
            command(
                "CancelBooking",
                json!({
                    "commandType": "CancelBooking",
                    "bookingId": booking_id,
                    "reason": "CustomerRequest",
                }),
            )?
        }
    };
    Ok((app, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sim_airline_topology_builds() {
        let t = airline_topology().unwrap();
        let ids: Vec<&str> = t.services().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [MOBILE_APP, BOOKING, LOYALTY, FLIGHTS, REVENUE, BROKER]
        );
    }

    #[test]
    fn sim_airline_article_fare() {
        // 75% vs 65% last year, demand increasing: 400 × 1.10 × 1.05.
        assert_eq!(new_fare(400.0, 75.0, 65.0, DemandTrend::Increasing), 462.0);
        assert_eq!(new_fare(400.0, 0.0, 65.0, DemandTrend::Stable), 320.0);
    }
}
