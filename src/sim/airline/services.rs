//! The five participants' behaviour. Each owns its data; they learn about each other only
//! through messages.

use std::collections::VecDeque;

use crate::sim::sorted::{SortedMap, SortedSet};

use crate::sim::maps::{map_of, object_of};

use crate::json;

use serde_json::Value;

use super::payloads::{list, number, text, DemandTrend};
use super::seed::{self, SeedFlight, TIERS};
use super::{new_fare, round_cents};
use crate::sim::behaviour::{Ctx, QueryResult, Rejection, ServiceBehaviour};
use crate::sim::geo;
use crate::sim::message::{Envelope, MessageId, MessageKind};
use crate::sim::time::{iso_time, SimTime};
use crate::sim::topology::Route;

/// Recent-activity lists in service state are capped so state stays small under endless
/// traffic; totals keep counting.
const RECENT: usize = 50;
/// Demand trend compares seats sold in the last window with the window before it.
pub const DEMAND_WINDOW_MS: SimTime = 60_000;

fn push_capped(list: &mut VecDeque<Value>, item: Value, cap: usize) {
    list.push_back(item);
    while list.len() > cap {
        list.pop_front();
    }
}

fn route_for_availability(flight: &str) -> String {
    format!("GET /api/flights/{flight}/availability")
}

/// A FlightPriceAdjusted's flight and new fare, for the fare boards that keep them.
fn adjusted_fare(payload: &Value) -> Option<(String, f64)> {
    let flight = text(payload, "/flightNumber").ok()?;
    Some((flight.to_string(), number(payload, "/newFare").ok()?))
}

/// The fields of a CreateBooking that Booking acts on.
struct BookingRequest<'a> {
    customer_id: &'a str,
    flight_number: &'a str,
    passengers: Vec<&'a str>,
    contact_details: Value,
    payment_method: &'a str,
}

impl<'a> BookingRequest<'a> {
    fn read(p: &'a Value) -> Result<Self, String> {
        let passengers = list(p, "/passengers")?
            .iter()
            .enumerate()
            .map(|(i, v)| v.as_str().ok_or(format!("/passengers/{i} is not text")))
            .collect::<Result<_, _>>()?;
        Ok(BookingRequest {
            customer_id: text(p, "/customerId")?,
            flight_number: text(p, "/flightNumber")?,
            passengers,
            // Rebuilt, not copied: BookingCreated carries exactly the article's two fields.
            contact_details: json!({
                "email": text(p, "/contactDetails/email")?,
                "phone": text(p, "/contactDetails/phone")?,
            }),
            payment_method: text(p, "/paymentDetails/paymentMethod")?,
        })
    }
}

/// The fields of a BookingCreated that Loyalty and Flight Management act on.
struct BookingFacts<'a> {
    booking_id: &'a str,
    customer_id: &'a str,
    flight_number: &'a str,
    departure_airport: &'a str,
    arrival_airport: &'a str,
    passengers: usize,
    amount_paid: f64,
}

impl<'a> BookingFacts<'a> {
    fn read(p: &'a Value) -> Result<Self, String> {
        let at = |field: &str| format!("/bookingDetails/{field}");
        Ok(BookingFacts {
            booking_id: text(p, &at("bookingId"))?,
            customer_id: text(p, &at("customerId"))?,
            flight_number: text(p, &at("flightDetails/flightNumber"))?,
            departure_airport: text(p, &at("flightDetails/departureAirport"))?,
            arrival_airport: text(p, &at("flightDetails/arrivalAirport"))?,
            passengers: list(p, &at("passengerDetails"))?.len(),
            amount_paid: number(p, &at("paymentDetails/amountPaid"))?,
        })
    }
}

// ----- Mobile App -----

/// The customer's phone. Sends bookings, asks questions, and keeps a fare board from
/// FlightPriceAdjusted events.
#[derive(Debug, Default)]
pub struct MobileApp {
    fares: SortedMap<String, (f64, SimTime)>,
    pending: SortedMap<MessageId, String>,
    results: VecDeque<Value>,
    sent_commands: VecDeque<Value>,
    timed_out: u64,
}

impl ServiceBehaviour for MobileApp {
    fn on_message(&mut self, ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection> {
        if msg.type_name == "FlightPriceAdjusted" {
            if let Some((flight, fare)) = adjusted_fare(&msg.payload) {
                self.fares.insert(flight, (fare, ctx.now()));
            }
        }
        Ok(())
    }

    fn on_sent(&mut self, msg: &Envelope) {
        match msg.kind {
            MessageKind::Query => {
                self.pending.insert(msg.message_id, msg.type_name.clone());
            }
            MessageKind::Command => {
                let flight = msg.payload.get("flightNumber").cloned();
                let item = json!({
                    "messageId": msg.message_id,
                    "type": msg.type_name,
                    "flightNumber": flight,
                    "at": iso_time(msg.timestamp),
                });
                push_capped(&mut self.sent_commands, item, 10);
            }
            _ => {}
        }
    }

    fn on_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        _origin: Option<&Envelope>,
        request: &Envelope,
        response: Option<&Envelope>,
    ) -> Result<(), Rejection> {
        self.pending.remove(&request.message_id);
        let item = match response {
            Some(r) => json!({
                "request": request.type_name,
                "response": r.payload,
                "at": iso_time(ctx.now()),
            }),
            None => {
                self.timed_out += 1;
                json!({"request": request.type_name, "timedOut": true, "at": iso_time(ctx.now())})
            }
        };
        push_capped(&mut self.results, item, 10);
        Ok(())
    }

    fn state_json(&self) -> Value {
        let fares =
            object_of(self.fares.iter().map(|(f, &(fare, at))| {
                (f.clone(), json!({"fare": fare, "updatedAt": iso_time(at)}))
            }));
        let pending: Vec<Value> = self
            .pending
            .iter()
            .map(|(id, line)| json!({"messageId": id, "request": line}))
            .collect();
        json!({
            "fareBoard": fares,
            "pendingRequests": pending,
            "lastResults": self.results,
            "sentCommands": self.sent_commands,
            "timedOutRequests": self.timed_out,
        })
    }
}

// ----- Booking Service -----

/// Owns bookings and customer profiles. Its own seat counts are the source of truth for
/// capacity, so it never overbooks even though Flight Management learns of bookings later.
#[derive(Debug)]
pub struct BookingService {
    seats: SortedMap<String, u64>,
    fares: SortedMap<String, f64>,
    next_booking: u64,
    next_transaction: u64,
    bookings: VecDeque<Value>,
    total: u64,
    rejections: VecDeque<Value>,
    /// Bookings that can still be cancelled, by id. Bounded by the flights' seats, since
    /// each holds at least one.
    active: SortedMap<String, ActiveBooking>,
    cancelled: u64,
}

#[derive(Debug)]
struct ActiveBooking {
    customer_id: String,
    flight_number: String,
    seats: u64,
    amount_paid: f64,
}

impl Default for BookingService {
    fn default() -> Self {
        BookingService {
            seats: map_of(
                seed::FLIGHTS
                    .iter()
                    .map(|f| (f.number.to_string(), u64::from(f.booked))),
            ),
            fares: map_of(
                seed::FLIGHTS
                    .iter()
                    .map(|f| (f.number.to_string(), f.base_fare)),
            ),
            next_booking: 12_345,
            next_transaction: 123_456_789,
            bookings: VecDeque::new(),
            total: 0,
            rejections: VecDeque::new(),
            active: SortedMap::new(),
            cancelled: 0,
        }
    }
}

impl BookingService {
    fn reject(&mut self, command: &Envelope, reason: String) -> Rejection {
        let get = |k: &str| command.payload.get(k).cloned().unwrap_or(Value::Null);
        let item = json!({
            "messageId": command.message_id,
            "customerId": get("customerId"),
            "flightNumber": get("flightNumber"),
            "reason": reason,
        });
        push_capped(&mut self.rejections, item, RECENT);
        Rejection::new(reason)
    }

    /// Checks that need no other service, done before asking Flight Management anything.
    fn validate(c: &BookingRequest<'_>) -> Result<Vec<Value>, String> {
        let customer =
            seed::customer(c.customer_id).ok_or(format!("unknown customer {}", c.customer_id))?;
        if c.passengers.is_empty() {
            return Err("no passengers".into());
        }
        let mut seen = SortedSet::new();
        let mut details = Vec::new();
        for &pid in &c.passengers {
            if !seen.insert(pid) {
                return Err(format!("passenger {pid} listed twice"));
            }
            let p = customer
                .passengers
                .iter()
                .find(|p| p.id == pid)
                .ok_or(format!(
                    "passenger {pid} is not on {}'s profile",
                    customer.id
                ))?;
            details.push(json!({
                "passengerId": p.id,
                "firstName": p.first_name,
                "lastName": p.last_name,
                "dateOfBirth": p.date_of_birth,
                "passportNumber": p.passport,
            }));
        }
        Ok(details)
    }

    /// Second half of CreateBooking, once Flight Management has described the flight.
    fn complete(
        &mut self,
        ctx: &mut Ctx<'_>,
        c: &BookingRequest<'_>,
        availability: Option<&Envelope>,
    ) -> Result<(), String> {
        let passengers = Self::validate(c)?;
        let response = availability.ok_or("flight availability query timed out")?;
        let payload = &response.payload;
        if payload.get("status").and_then(Value::as_u64) != Some(200) {
            let error = payload.get("error").and_then(Value::as_str).unwrap_or("");
            return Err(format!("unknown flight {} ({error})", c.flight_number));
        }
        let body = &payload["body"];
        let field = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("");
        let capacity = body.get("capacity").and_then(Value::as_u64).unwrap_or(0);
        let booked = self.seats.get(c.flight_number).copied().unwrap_or(0);
        let wanted = passengers.len() as u64;
        if booked.saturating_add(wanted) > capacity {
            return Err(format!(
                "flight {} is full: {booked} of {capacity} seats booked, {wanted} requested",
                c.flight_number
            ));
        }
        let fare = *self
            .fares
            .get(c.flight_number)
            .ok_or(format!("no fare on file for {}", c.flight_number))?;
        let booking_id = format!("BK{}", self.next_booking);
        let transaction_id = format!("TX{}", self.next_transaction);
        let amount = round_cents(fare * wanted as f64);
        let event = json!({
            "eventType": "BookingCreated",
            "timestamp": iso_time(ctx.now()),
            "bookingDetails": {
                "bookingId": booking_id,
                "customerId": c.customer_id,
                "flightDetails": {
                    "flightNumber": c.flight_number,
                    "departureAirport": field("departureAirport"),
                    "arrivalAirport": field("arrivalAirport"),
                    "departureTime": field("departureTime"),
                    "arrivalTime": field("arrivalTime"),
                },
                "passengerDetails": passengers,
                "contactDetails": c.contact_details,
                "paymentDetails": {
                    "paymentStatus": "Confirmed",
                    "amountPaid": amount,
                    "currency": "USD",
                    "paymentMethod": c.payment_method,
                    "transactionId": transaction_id,
                },
            },
        });
        ctx.publish("BookingCreated", event)
            .map_err(|e| e.to_string())?;
        self.next_booking += 1;
        self.next_transaction += 1;
        self.seats
            .insert(c.flight_number.to_string(), booked.saturating_add(wanted));
        self.total += 1;
        let item = json!({
            "bookingId": booking_id,
            "customerId": c.customer_id,
            "flightNumber": c.flight_number,
            "passengers": c.passengers,
            "amountPaid": amount,
            "transactionId": transaction_id,
            "at": iso_time(ctx.now()),
        });
        push_capped(&mut self.bookings, item, RECENT);
        self.active.insert(
            booking_id,
            ActiveBooking {
                customer_id: c.customer_id.to_string(),
                flight_number: c.flight_number.to_string(),
                seats: wanted,
                amount_paid: amount,
            },
        );
        Ok(())
    }

    /// Frees a booking's seats and tells everyone who acted on its creation.
    fn cancel(&mut self, ctx: &mut Ctx<'_>, command: &Envelope) -> Result<(), String> {
        let booking_id = command
            .payload
            .get("bookingId")
            .and_then(Value::as_str)
            .ok_or("CancelBooking has no bookingId")?;
        let b = self
            .active
            .get(booking_id)
            .ok_or(format!("no active booking {booking_id}"))?;
        ctx.publish(
            "BookingCancelled",
            json!({
                "eventType": "BookingCancelled",
                "timestamp": iso_time(ctx.now()),
                "bookingId": booking_id,
                "customerId": b.customer_id,
                "flightNumber": b.flight_number,
                "seatsReleased": b.seats,
                "amountRefunded": b.amount_paid,
            }),
        )
        .map_err(|e| e.to_string())?;
        if let Some(seats) = self.seats.get_mut(&b.flight_number) {
            *seats = seats.saturating_sub(b.seats);
        }
        self.active.remove(booking_id);
        self.cancelled += 1;
        Ok(())
    }

    /// Ids of the bookings that can be cancelled, oldest first.
    pub fn active_booking_ids(&self) -> impl ExactSizeIterator<Item = &str> {
        self.active.keys().map(String::as_str)
    }
}

impl ServiceBehaviour for BookingService {
    fn on_message(&mut self, ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection> {
        match msg.type_name.as_str() {
            "CreateBooking" => {
                let c = BookingRequest::read(&msg.payload)
                    .map_err(|e| self.reject(msg, format!("malformed CreateBooking: {e}")))?;
                Self::validate(&c).map_err(|reason| self.reject(msg, reason))?;
                // The booking can only be priced and checked once we know the flight, so the
                // handler blocks on a query; the verdict comes in on_response.
                ctx.query(&route_for_availability(c.flight_number))
                    .map_err(|e| self.reject(msg, format!("cannot look up flight: {e}")))?;
                Ok(())
            }
            "CancelBooking" => self
                .cancel(ctx, msg)
                .map_err(|reason| self.reject(msg, reason)),
            "FlightPriceAdjusted" => {
                if let Some((flight, fare)) = adjusted_fare(&msg.payload) {
                    self.fares.insert(flight, fare);
                }
                Ok(())
            }
            other if msg.kind == MessageKind::Command => {
                Err(self.reject(msg, format!("Booking does not handle {other}")))
            }
            _ => Ok(()),
        }
    }

    fn on_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        origin: Option<&Envelope>,
        _request: &Envelope,
        response: Option<&Envelope>,
    ) -> Result<(), Rejection> {
        let Some(command) = origin else {
            return Ok(());
        };
        let c = BookingRequest::read(&command.payload)
            .map_err(|e| self.reject(command, format!("malformed CreateBooking: {e}")))?;
        self.complete(ctx, &c, response)
            .map_err(|reason| self.reject(command, reason))
    }

    fn state_json(&self) -> Value {
        json!({
            "seatsBooked": self.seats,
            "fares": self.fares,
            "bookingsCreated": self.total,
            "bookingsCancelled": self.cancelled,
            "activeBookings": self.active.len(),
            "recentBookings": self.bookings,
            "recentRejections": self.rejections,
        })
    }
}

// ----- Loyalty Points Service -----

#[derive(Debug)]
struct Account {
    points: u64,
    lifetime: u64,
    transactions: VecDeque<Value>,
}

/// Credits points per mile flown when a booking is created; answers balance, history and
/// tier queries.
#[derive(Debug)]
pub struct LoyaltyService {
    accounts: SortedMap<String, Account>,
    skipped: VecDeque<Value>,
    next_transaction: u64,
    credited_total: u64,
    /// Booking id -> (customer, points credited for it), so a cancellation can take back
    /// exactly what the booking earned.
    credits: SortedMap<String, (String, u64)>,
}

impl Default for LoyaltyService {
    fn default() -> Self {
        let mut accounts: SortedMap<String, Account> =
            map_of(seed::CUSTOMERS.iter().filter_map(|c| {
                c.loyalty.map(|l| {
                    (
                        c.id.to_string(),
                        Account {
                            points: l.points,
                            lifetime: l.lifetime_points,
                            transactions: VecDeque::new(),
                        },
                    )
                })
            }));
        for (customer, id, kind, booking, points, miles, at) in seed::SEED_TRANSACTIONS {
            if let Some(a) = accounts.get_mut(customer) {
                let booking = if booking.is_empty() {
                    Value::Null
                } else {
                    Value::from(booking)
                };
                a.transactions.push_back(json!({
                    "transactionId": id,
                    "type": kind,
                    "bookingId": booking,
                    "points": points,
                    "miles": miles,
                    "timestamp": at,
                }));
            }
        }
        LoyaltyService {
            accounts,
            skipped: VecDeque::new(),
            next_transaction: 10_004,
            credited_total: 0,
            credits: SortedMap::new(),
        }
    }
}

impl LoyaltyService {
    fn skip(&mut self, booking_id: &str, customer_id: &str, reason: String) {
        let item = json!({"bookingId": booking_id, "customerId": customer_id, "reason": reason});
        push_capped(&mut self.skipped, item, RECENT);
    }

    fn on_booking(&mut self, ctx: &mut Ctx<'_>, d: &BookingFacts<'_>) -> Result<(), Rejection> {
        let Some(account) = self.accounts.get(d.customer_id) else {
            self.skip(d.booking_id, d.customer_id, "no loyalty account".into());
            return Ok(());
        };
        let Some(miles) = geo::miles_between(d.departure_airport, d.arrival_airport) else {
            let reason = format!(
                "unknown airport in {}-{}",
                d.departure_airport, d.arrival_airport
            );
            self.skip(d.booking_id, d.customer_id, reason);
            return Ok(());
        };
        let tier = seed::tier_for(account.lifetime);
        let passengers = d.passengers as f64;
        // `as u64` saturates, so absurd inputs cannot wrap around.
        let points = (miles * passengers * tier.multiplier).round() as u64;
        let new_balance = account.points.saturating_add(points);
        let new_lifetime = account.lifetime.saturating_add(points);
        let new_tier = seed::tier_for(new_lifetime);
        let miles = miles.round() as u64;
        let credited = json!({
            "eventType": "LoyaltyPointsCredited",
            "customerId": d.customer_id,
            "bookingId": d.booking_id,
            "pointsCredited": points,
            "miles": miles,
            "newBalance": new_balance,
            "tier": new_tier.name,
        });
        ctx.publish("LoyaltyPointsCredited", credited)
            .map_err(|e| Rejection::new(e.to_string()))?;
        let tx = json!({
            "transactionId": format!("LT{}", self.next_transaction),
            "type": "Credit",
            "bookingId": d.booking_id,
            "flightNumber": d.flight_number,
            "points": points,
            "miles": miles,
            "timestamp": iso_time(ctx.now()),
        });
        self.next_transaction += 1;
        self.credited_total = self.credited_total.saturating_add(points);
        if let Some(a) = self.accounts.get_mut(d.customer_id) {
            a.points = new_balance;
            a.lifetime = new_lifetime;
            push_capped(&mut a.transactions, tx, 100);
        }
        // A second credit for the same booking (a duplicate delivery to a consumer that is
        // not idempotent) adds up here too, so a cancellation takes back all of it.
        let earned = self
            .credits
            .get_or_insert_with(d.booking_id.to_string(), || (d.customer_id.to_string(), 0));
        earned.1 = earned.1.saturating_add(points);
        Ok(())
    }

    fn on_cancelled(&mut self, ctx: &mut Ctx<'_>, e: &Value) {
        let booking_id = e.get("bookingId").and_then(Value::as_str).unwrap_or("");
        let Some((customer, points)) = self.credits.remove(booking_id) else {
            let customer = e.get("customerId").and_then(Value::as_str).unwrap_or("");
            self.skip(
                booking_id,
                customer,
                "no points were credited for it".into(),
            );
            return;
        };
        let tx = json!({
            "transactionId": format!("LT{}", self.next_transaction),
            "type": "Reversal",
            "bookingId": booking_id,
            "points": -(points as i64),
            "timestamp": iso_time(ctx.now()),
        });
        self.next_transaction += 1;
        if let Some(a) = self.accounts.get_mut(&customer) {
            a.points = a.points.saturating_sub(points);
            a.lifetime = a.lifetime.saturating_sub(points);
            push_capped(&mut a.transactions, tx, 100);
        }
    }
}

impl ServiceBehaviour for LoyaltyService {
    fn on_message(&mut self, ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection> {
        if msg.type_name == "BookingCancelled" {
            self.on_cancelled(ctx, &msg.payload);
            return Ok(());
        }
        if msg.type_name != "BookingCreated" {
            return Ok(());
        }
        match BookingFacts::read(&msg.payload) {
            Ok(facts) => self.on_booking(ctx, &facts),
            Err(err) => {
                self.skip("", "", format!("malformed BookingCreated: {err}"));
                Ok(())
            }
        }
    }

    fn on_query(&self, route: &Route) -> QueryResult {
        let customer = route.param("customerId").unwrap_or("");
        let account = || {
            self.accounts
                .get(customer)
                .ok_or_else(|| format!("customer {customer} has no loyalty account"))
        };
        match route.pattern.as_str() {
            "GET /api/loyalty/customers/{customerId}/points" => match account() {
                Ok(a) => QueryResult::Ok(json!({
                    "customerId": customer,
                    "points": a.points,
                    "tier": seed::tier_for(a.lifetime).name,
                    "lifetimePoints": a.lifetime,
                })),
                Err(e) => QueryResult::NotFound(e),
            },
            "GET /api/loyalty/customers/{customerId}/transactions" => match account() {
                Ok(a) => QueryResult::Ok(json!({
                    "customerId": customer,
                    "transactions": a.transactions,
                })),
                Err(e) => QueryResult::NotFound(e),
            },
            "GET /api/loyalty/tiers" => {
                let tiers: Vec<Value> = TIERS
                    .iter()
                    .map(|t| {
                        json!({
                            "name": t.name,
                            "minLifetimePoints": t.min_lifetime_points,
                            "multiplier": t.multiplier,
                        })
                    })
                    .collect();
                QueryResult::Ok(json!({ "tiers": tiers }))
            }
            _ => QueryResult::NotFound(format!("{} is not served here", route.request_line)),
        }
    }

    fn state_json(&self) -> Value {
        let accounts = object_of(self.accounts.iter().map(|(id, a)| {
            (
                id.clone(),
                json!({
                    "points": a.points,
                    "lifetimePoints": a.lifetime,
                    "tier": seed::tier_for(a.lifetime).name,
                    "transactions": a.transactions,
                }),
            )
        }));
        json!({
            "accounts": accounts,
            "pointsCreditedTotal": self.credited_total,
            "recentSkipped": self.skipped,
        })
    }
}

// ----- Flight Management Service -----

#[derive(Debug)]
struct FlightRec {
    seed: &'static SeedFlight,
    booked: u64,
    /// Total paid for the booked seats, for the average ticket price.
    revenue: f64,
    /// (time, seats) of bookings within the last two demand windows.
    recent: VecDeque<(SimTime, u64)>,
}

impl FlightRec {
    fn occupancy(&self) -> f64 {
        let capacity = f64::from(self.seed.capacity.max(1));
        round_cents(self.booked as f64 / capacity * 100.0)
    }

    fn remaining(&self) -> u64 {
        u64::from(self.seed.capacity).saturating_sub(self.booked)
    }

    fn trend(&self, now: SimTime) -> DemandTrend {
        let last_start = now.saturating_sub(DEMAND_WINDOW_MS);
        let (mut last, mut before) = (0u64, 0u64);
        for &(at, seats) in &self.recent {
            if at > last_start {
                last += seats;
            } else {
                before += seats;
            }
        }
        match last.cmp(&before) {
            std::cmp::Ordering::Greater => DemandTrend::Increasing,
            std::cmp::Ordering::Equal => DemandTrend::Stable,
            std::cmp::Ordering::Less => DemandTrend::Decreasing,
        }
    }
}

/// Owns the schedule and (eventually consistent) seat counts; asks Revenue Management to
/// reprice after every booking.
#[derive(Debug)]
pub struct FlightManagement {
    flights: SortedMap<String, FlightRec>,
    ignored: VecDeque<Value>,
    pricing_requests: u64,
}

impl Default for FlightManagement {
    fn default() -> Self {
        FlightManagement {
            flights: map_of(seed::FLIGHTS.iter().map(|f| {
                let rec = FlightRec {
                    seed: f,
                    booked: u64::from(f.booked),
                    revenue: f64::from(f.booked) * f.average_paid,
                    recent: VecDeque::new(),
                };
                (f.number.to_string(), rec)
            })),
            ignored: VecDeque::new(),
            pricing_requests: 0,
        }
    }
}

impl FlightManagement {
    fn on_booking(&mut self, ctx: &mut Ctx<'_>, d: &BookingFacts<'_>) -> Result<(), Rejection> {
        let number = d.flight_number;
        let Some(f) = self.flights.get_mut(number) else {
            let item =
                json!({"bookingId": d.booking_id, "reason": format!("unknown flight {number}")});
            push_capped(&mut self.ignored, item, RECENT);
            return Ok(());
        };
        let now = ctx.now();
        let seats = d.passengers as u64;
        f.booked = f.booked.saturating_add(seats);
        f.revenue += d.amount_paid;
        f.recent.push_back((now, seats));
        let horizon = now.saturating_sub(2 * DEMAND_WINDOW_MS);
        while f.recent.front().is_some_and(|&(at, _)| at <= horizon) {
            f.recent.pop_front();
        }
        let s = f.seed;
        let (date, time) = s.departs.split_once('T').unwrap_or((s.departs, ""));
        let command = json!({
            "commandType": "AdjustFlightPricing",
            "flightDetails": {
                "flightNumber": s.number,
                "departureAirport": s.from,
                "arrivalAirport": s.to,
                "departureDate": date,
                "departureTime": time.trim_end_matches('Z'),
            },
            "pricingDetails": {
                "currentOccupancyRate": f.occupancy(),
                "averageTicketPrice": round_cents(f.revenue / (f.booked.max(1) as f64)),
                "seatsRemaining": f.remaining(),
                "demandTrend": f.trend(now).as_str(),
                "historicalData": {
                    "samePeriodLastYearPrice": s.last_year_price,
                    "samePeriodLastYearOccupancy": s.last_year_occupancy,
                },
            },
            "action": "ReassessPricing",
        });
        ctx.send("AdjustFlightPricing", command)
            .map_err(|e| Rejection::new(e.to_string()))?;
        self.pricing_requests += 1;
        Ok(())
    }

    /// Gives a cancelled booking's seats back to its flight.
    fn on_cancelled(&mut self, e: &Value) {
        let number = e.get("flightNumber").and_then(Value::as_str).unwrap_or("");
        let seats = e.get("seatsReleased").and_then(Value::as_u64).unwrap_or(0);
        let refunded = e
            .get("amountRefunded")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        match self.flights.get_mut(number) {
            Some(f) => {
                f.booked = f.booked.saturating_sub(seats);
                f.revenue = (f.revenue - refunded).max(0.0);
            }
            None => {
                let booking = e.get("bookingId").cloned().unwrap_or(Value::Null);
                let item =
                    json!({"bookingId": booking, "reason": format!("unknown flight {number}")});
                push_capped(&mut self.ignored, item, RECENT);
            }
        }
    }
}

impl ServiceBehaviour for FlightManagement {
    fn on_message(&mut self, ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection> {
        if msg.type_name == "BookingCancelled" {
            self.on_cancelled(&msg.payload);
            return Ok(());
        }
        if msg.type_name != "BookingCreated" {
            return Ok(());
        }
        match BookingFacts::read(&msg.payload) {
            Ok(facts) => self.on_booking(ctx, &facts),
            Err(err) => {
                let item = json!({"messageId": msg.message_id, "reason": format!("malformed BookingCreated: {err}")});
                push_capped(&mut self.ignored, item, RECENT);
                Ok(())
            }
        }
    }

    fn on_query(&self, route: &Route) -> QueryResult {
        let number = route.param("flightNumber").unwrap_or("");
        match (route.pattern.as_str(), self.flights.get(number)) {
            ("GET /api/flights/{flightNumber}/availability", Some(f)) => QueryResult::Ok(json!({
                "flightNumber": f.seed.number,
                "departureAirport": f.seed.from,
                "arrivalAirport": f.seed.to,
                "departureTime": f.seed.departs,
                "arrivalTime": f.seed.arrives,
                "capacity": f.seed.capacity,
                "seatsBooked": f.booked,
                "seatsRemaining": f.remaining(),
                "occupancyRate": f.occupancy(),
            })),
            ("GET /api/flights/{flightNumber}/availability", None) => {
                QueryResult::NotFound(format!("flight {number} not found"))
            }
            _ => QueryResult::NotFound(format!("{} is not served here", route.request_line)),
        }
    }

    fn state_json(&self) -> Value {
        let flights = object_of(self.flights.iter().map(|(n, f)| {
            (
                n.clone(),
                json!({
                    "departureAirport": f.seed.from,
                    "arrivalAirport": f.seed.to,
                    "departureTime": f.seed.departs,
                    "capacity": f.seed.capacity,
                    "seatsBooked": f.booked,
                    "seatsRemaining": f.remaining(),
                    "occupancyRate": f.occupancy(),
                    "averageTicketPrice": round_cents(f.revenue / (f.booked.max(1) as f64)),
                }),
            )
        }));
        json!({
            "flights": flights,
            "pricingRequestsSent": self.pricing_requests,
            "recentIgnored": self.ignored,
        })
    }
}

// ----- Revenue Management System -----

#[derive(Debug)]
struct Fare {
    base: f64,
    current: f64,
}

/// Decides fares. See [`new_fare`] for the rule.
#[derive(Debug)]
pub struct RevenueManagement {
    fares: SortedMap<String, Fare>,
    decisions: VecDeque<Value>,
    adjustments: u64,
}

impl Default for RevenueManagement {
    fn default() -> Self {
        RevenueManagement {
            fares: map_of(seed::FLIGHTS.iter().map(|f| {
                let fare = Fare {
                    base: f.base_fare,
                    current: f.base_fare,
                };
                (f.number.to_string(), fare)
            })),
            decisions: VecDeque::new(),
            adjustments: 0,
        }
    }
}

impl ServiceBehaviour for RevenueManagement {
    fn on_message(&mut self, ctx: &mut Ctx<'_>, msg: &Envelope) -> Result<(), Rejection> {
        if msg.type_name != "AdjustFlightPricing" {
            return if msg.kind == MessageKind::Command {
                Err(Rejection::new(format!(
                    "Revenue Management does not handle {}",
                    msg.type_name
                )))
            } else {
                Ok(())
            };
        }
        let p = &msg.payload;
        let read = || -> Result<_, String> {
            let trend = text(p, "/pricingDetails/demandTrend")?;
            Ok((
                text(p, "/action")?,
                text(p, "/flightDetails/flightNumber")?,
                number(p, "/pricingDetails/currentOccupancyRate")?,
                number(
                    p,
                    "/pricingDetails/historicalData/samePeriodLastYearOccupancy",
                )?,
                DemandTrend::parse(trend).ok_or(format!("unknown demand trend {trend}"))?,
            ))
        };
        let (action, flight, occupancy, last_year, trend) =
            read().map_err(|e| Rejection::new(format!("malformed AdjustFlightPricing: {e}")))?;
        if action != "ReassessPricing" {
            return Err(Rejection::new(format!("unsupported action {action}")));
        }
        let fare = self
            .fares
            .get(flight)
            .ok_or_else(|| Rejection::new(format!("unknown flight {flight}")))?;
        let previous = fare.current;
        let next = new_fare(fare.base, occupancy, last_year, trend);
        let changed = (next - previous).abs() >= 0.005;
        let reason = format!(
            "occupancy {}% vs {}% same period last year; demand {}",
            crate::sim::shortest(occupancy),
            crate::sim::shortest(last_year),
            trend.as_str()
        );
        if changed {
            let event = json!({
                "eventType": "FlightPriceAdjusted",
                "flightNumber": flight,
                "previousFare": previous,
                "newFare": next,
                "currency": "USD",
                "occupancyRate": occupancy,
                "demandTrend": trend.as_str(),
                "reason": reason,
            });
            ctx.publish("FlightPriceAdjusted", event)
                .map_err(|e| Rejection::new(e.to_string()))?;
            self.adjustments += 1;
            if let Some(f) = self.fares.get_mut(flight) {
                f.current = next;
            }
        }
        let decision = json!({
            "flightNumber": flight,
            "previousFare": previous,
            "newFare": next,
            "changed": changed,
            "reason": reason,
            "at": iso_time(ctx.now()),
        });
        push_capped(&mut self.decisions, decision, RECENT);
        Ok(())
    }

    fn state_json(&self) -> Value {
        let fares = object_of(self.fares.iter().map(|(n, f)| {
            (
                n.clone(),
                json!({"baseFare": f.base, "currentFare": f.current}),
            )
        }));
        json!({
            "fares": fares,
            "priceAdjustments": self.adjustments,
            "recentDecisions": self.decisions,
        })
    }
}
