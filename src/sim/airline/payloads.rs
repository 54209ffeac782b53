//! The airline's payloads as JSON values, in the article's shapes (camelCase on the wire).
//! The examples are the airline's model file's (`models/airline.json`, as the page's model
//! literal has it), so the file stays the one place that says what each message looks like: a payload a user sends is checked
//! against its type's example, and the services read the fields they need by JSON Pointer.
//! No typed struct per payload: serde's derives for them cost the first load more than the
//! readers do.

use serde_json::Value;

use super::model_literal::airline_model;
use crate::sim::model::{same_shape, MessageSpec};

/// The airline as a model (`models/airline.json`), for the test that keeps the page's model
/// literal equal to it; the page itself starts from the literal.
#[cfg(test)]
pub const AIRLINE_MODEL: &str = include_str!("../../../models/airline.json");

/// The example payload of `type_name`, if the airline has that command or event.
pub fn example(type_name: &str) -> Option<Value> {
    airline_model()
        .messages
        .into_iter()
        .find(|m| m.name == type_name && !matches!(m.kind, MessageSpec::Query { .. }))
        .map(|m| m.example)
}

/// The example parameters of the query served at `route` (`{"customerId": "C12345"}`).
pub fn query_example(route: &str) -> Option<Value> {
    airline_model()
        .messages
        .into_iter()
        .find(|m| matches!(&m.kind, MessageSpec::Query { route: r, .. } if r == route))
        .map(|m| m.example)
}

/// How demand for a flight is moving, as Flight Management reports it to Revenue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
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

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Increasing, Self::Stable, Self::Decreasing]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

/// The text at `pointer` in `payload`, or why there is none.
pub fn text<'a>(payload: &'a Value, pointer: &str) -> Result<&'a str, String> {
    payload
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{pointer} is not text"))
}

/// The number at `pointer` in `payload`, or why there is none.
pub fn number(payload: &Value, pointer: &str) -> Result<f64, String> {
    payload
        .pointer(pointer)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("{pointer} is not a number"))
}

/// The list at `pointer` in `payload`, or why there is none.
pub fn list<'a>(payload: &'a Value, pointer: &str) -> Result<&'a [Value], String> {
    payload
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| format!("{pointer} is not a list"))
}

/// The airline's payload check for what a user sends: a known type's payload has its
/// example's shape and names its own type in `commandType`/`eventType`. Unknown types are
/// left to routing to refuse.
pub fn check(type_name: &str, payload: &Value) -> Result<(), String> {
    let Some(example) = example(type_name) else {
        return Ok(());
    };
    same_shape(&example, payload, "")?;
    for tag in ["commandType", "eventType"] {
        if example.get(tag).is_some() {
            let named = text(payload, &format!("/{tag}"))?;
            if named != type_name {
                return Err(format!("{tag} is \"{named}\", expected \"{type_name}\""));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn every_example_passes_its_own_check_and_a_changed_one_fails_where_it_changed() {
        let types = [
            "CreateBooking",
            "CancelBooking",
            "BookingCreated",
            "BookingCancelled",
            "LoyaltyPointsCredited",
            "AdjustFlightPricing",
            "FlightPriceAdjusted",
        ];
        for t in types {
            assert_eq!(check(t, &example(t).unwrap()), Ok(()), "{t}");
        }
        // Queries are routes, not payloads: their examples are the route's parameters.
        assert_eq!(example("GetLoyaltyPoints"), None);
        assert_eq!(
            query_example("GET /api/loyalty/customers/{customerId}/points"),
            Some(json!({"customerId": "C12345"}))
        );
        let mut booking = example("BookingCreated").unwrap();
        booking["bookingDetails"]["passengerDetails"][1]["firstName"] = json!(7);
        assert_eq!(
            check("BookingCreated", &booking),
            Err(
                "/bookingDetails/passengerDetails/1/firstName should be text, found a number"
                    .into()
            )
        );
        let mut booking = example("BookingCreated").unwrap();
        booking["bookingDetails"]
            .as_object_mut()
            .unwrap()
            .remove("paymentDetails");
        assert_eq!(
            check("BookingCreated", &booking),
            Err("/bookingDetails/paymentDetails is missing".into())
        );
        let mut renamed = example("CreateBooking").unwrap();
        renamed["commandType"] = json!("DeleteEverything");
        assert!(check("CreateBooking", &renamed)
            .unwrap_err()
            .contains("expected \"CreateBooking\""));
        assert_eq!(
            check("CreateBooking", &json!("not an object")),
            Err("the payload should be an object, found text".into())
        );
        assert_eq!(check("SomethingElse", &json!(1)), Ok(()));
    }

    #[test]
    fn demand_trends_read_back_from_their_names() {
        for t in [
            DemandTrend::Increasing,
            DemandTrend::Stable,
            DemandTrend::Decreasing,
        ] {
            assert_eq!(DemandTrend::parse(t.as_str()), Some(t));
        }
        assert_eq!(DemandTrend::parse("Sideways"), None);
    }
}
