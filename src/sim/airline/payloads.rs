//! Typed payloads. Field names and nesting are exactly the article's (camelCase on the wire);
//! the engine refuses a `send_command`/`publish_event` whose payload does not parse into these.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    pub email: String,
    pub phone: String,
}

/// What the app sends; the payment provider's result comes back in `PaymentDetails`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest {
    pub payment_method: String,
}

/// Command from the Mobile App to the Booking Service. `passengers` are passenger ids from
/// the customer's profile: Booking holds the profiles, so the app does not resend personal
/// data it already has on file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBooking {
    pub command_type: String,
    pub customer_id: String,
    pub flight_number: String,
    pub passengers: Vec<String>,
    pub contact_details: ContactDetails,
    pub payment_details: PaymentRequest,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlightDetails {
    pub flight_number: String,
    pub departure_airport: String,
    pub arrival_airport: String,
    pub departure_time: String,
    pub arrival_time: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PassengerDetails {
    pub passenger_id: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub passport_number: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetails {
    pub payment_status: String,
    pub amount_paid: f64,
    pub currency: String,
    pub payment_method: String,
    pub transaction_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingDetails {
    pub booking_id: String,
    pub customer_id: String,
    pub flight_details: FlightDetails,
    pub passenger_details: Vec<PassengerDetails>,
    pub contact_details: ContactDetails,
    pub payment_details: PaymentDetails,
}

/// The article's event, exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingCreated {
    pub event_type: String,
    pub timestamp: String,
    pub booking_details: BookingDetails,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DemandTrend {
    Increasing,
    Stable,
    Decreasing,
}

impl DemandTrend {
    pub fn as_str(self) -> &'static str {
        match self {
            DemandTrend::Increasing => "Increasing",
            DemandTrend::Stable => "Stable",
            DemandTrend::Decreasing => "Decreasing",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricingFlightDetails {
    pub flight_number: String,
    pub departure_airport: String,
    pub arrival_airport: String,
    pub departure_date: String,
    pub departure_time: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoricalData {
    pub same_period_last_year_price: f64,
    pub same_period_last_year_occupancy: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricingDetails {
    /// Percent of seats booked.
    pub current_occupancy_rate: f64,
    pub average_ticket_price: f64,
    pub seats_remaining: u64,
    pub demand_trend: DemandTrend,
    pub historical_data: HistoricalData,
}

/// The article's command, exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdjustFlightPricing {
    pub command_type: String,
    pub flight_details: PricingFlightDetails,
    pub pricing_details: PricingDetails,
    pub action: String,
}

/// Loyalty's announcement after crediting points. Nobody subscribes: a legal dead end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoyaltyPointsCredited {
    pub event_type: String,
    pub customer_id: String,
    pub booking_id: String,
    pub points_credited: u64,
    pub miles: u64,
    pub new_balance: u64,
    pub tier: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlightPriceAdjusted {
    pub event_type: String,
    pub flight_number: String,
    pub previous_fare: f64,
    pub new_fare: f64,
    pub currency: String,
    pub occupancy_rate: f64,
    pub demand_trend: DemandTrend,
    pub reason: String,
}

/// Parses a payload without cloning it.
pub fn parse<T: DeserializeOwned>(payload: &Value) -> Result<T, String> {
    T::deserialize(payload).map_err(|e| e.to_string())
}

/// Serializes a payload struct. These structs hold only strings, finite numbers and vectors,
/// for which serde_json cannot fail, so the `Null` fallback is unreachable in practice.
pub fn to_payload<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn tag(field: &str, actual: &str, expected: &str) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{field} is \"{actual}\", expected \"{expected}\""))
    }
}

/// The airline's payload check: a known message type must parse into its struct and carry
/// its own name in `commandType`/`eventType`. Unknown types are left to routing to refuse.
pub fn check(type_name: &str, payload: &Value) -> Result<(), String> {
    match type_name {
        "CreateBooking" => {
            let c: CreateBooking = parse(payload)?;
            tag("commandType", &c.command_type, type_name)
        }
        "AdjustFlightPricing" => {
            let c: AdjustFlightPricing = parse(payload)?;
            tag("commandType", &c.command_type, type_name)
        }
        "BookingCreated" => {
            let e: BookingCreated = parse(payload)?;
            tag("eventType", &e.event_type, type_name)
        }
        "LoyaltyPointsCredited" => {
            let e: LoyaltyPointsCredited = parse(payload)?;
            tag("eventType", &e.event_type, type_name)
        }
        "FlightPriceAdjusted" => {
            let e: FlightPriceAdjusted = parse(payload)?;
            tag("eventType", &e.event_type, type_name)
        }
        "CancelBooking" => match payload.get("bookingId") {
            Some(Value::String(_)) => tag(
                "commandType",
                payload
                    .get("commandType")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                type_name,
            ),
            _ => Err("bookingId must be a string".into()),
        },
        _ => Ok(()),
    }
}
