//! The run as OpenTelemetry traces, in OTLP/JSON (`TracesData`): one trace per user action
//! (correlation), one span per send and per processing, following the messaging and HTTP
//! semantic conventions, so that a simulated flow opens in Jaeger or Grafana and a later
//! replay can read it back.
//!
//! * A command or event: a `PRODUCER` span at its sender ("send"), and a `CONSUMER` span at
//!   each consumer for each delivery ("process"), child of and linked to the producer.
//! * A query: a `CLIENT` span at the caller, for as long as it waits, and a `SERVER` span at
//!   the server, its child, while the server answers.
//! * A message sent while its sender handled another hangs under that handling's span.

use crate::json;

use serde_json::Value;

use crate::sim::{
    DeliveryEnd, Envelope, MessageKind, Outcome, ServiceIdx, Sim, SimTime, SplitMix64,
    EPOCH_UNIX_MS,
};

/// OTLP span kinds (the enum's integer values, as OTLP/JSON requires).
const SERVER: u8 = 2;
const CLIENT: u8 = 3;
const PRODUCER: u8 = 4;
const CONSUMER: u8 = 5;
const STATUS_ERROR: u8 = 2;

/// A span's place: its message and which part of it (0 the send or the call, 1 + i the
/// i-th delivery or the serving).
type SpanRef = (u64, usize);

fn hex_id(seed: u64, salt: u64) -> String {
    let mut rng = SplitMix64::stream(seed, salt);
    // Zero is an invalid id in OTLP.
    format!("{:016x}", rng.next_u64().max(1))
}

fn trace_id(seed: u64, correlation: u64) -> String {
    format!(
        "{}{}",
        hex_id(seed, correlation.wrapping_mul(2)),
        hex_id(seed, correlation.wrapping_mul(2) + 1)
    )
}

fn span_id(seed: u64, (message, part): SpanRef) -> String {
    hex_id(seed ^ 0x5EED, message.wrapping_mul(1 << 16) + part as u64)
}

fn nanos(t: SimTime) -> String {
    ((EPOCH_UNIX_MS + t as i128) * 1_000_000).to_string()
}

fn attr(key: &str, value: impl Into<String>) -> Value {
    json!({"key": key, "value": {"stringValue": value.into()}})
}

/// The span of the handling during which `message` was sent, if any.
fn parent_of(sim: &Sim, message: &Envelope) -> Option<SpanRef> {
    let cause = sim.message(message.causation_id?)?;
    match cause.kind {
        MessageKind::Command | MessageKind::Event => {
            let at = sim.deliveries_of(cause.message_id).iter().rposition(|d| {
                d.consumer == message.source && d.delivered.is_some_and(|t| t <= message.timestamp)
            })?;
            Some((cause.message_id, at + 1))
        }
        // The server sends its answer (or anything else) while serving.
        MessageKind::Query if cause.source != message.source => Some((cause.message_id, 1)),
        MessageKind::Query => Some((cause.message_id, 0)),
        // The caller goes on after the answer, inside the handling that asked.
        MessageKind::QueryResponse => {
            let request = sim.message(sim.request_of(cause.message_id)?)?;
            parent_of(sim, request)
        }
    }
}

struct Span {
    service: ServiceIdx,
    body: Value,
}

#[allow(clippy::too_many_arguments)]
fn span(
    sim: &Sim,
    message: &Envelope,
    part: usize,
    parent: Option<SpanRef>,
    kind: u8,
    name: String,
    (start, end): (SimTime, SimTime),
    mut attributes: Vec<Value>,
    error: Option<&str>,
) -> Value {
    let seed = sim.config().seed;
    attributes.push(attr("messaging.system", "contrail"));
    attributes.push(attr("messaging.message.id", message.message_id.to_string()));
    attributes.push(attr(
        "messaging.message.conversation_id",
        message.correlation_id.to_string(),
    ));
    let mut body = json!({
        "traceId": trace_id(seed, message.correlation_id),
        "spanId": span_id(seed, (message.message_id, part)),
        "name": name,
        "kind": kind,
        "startTimeUnixNano": nanos(start),
        "endTimeUnixNano": nanos(end.max(start)),
        "attributes": attributes,
    });
    if let Some(p) = parent {
        body["parentSpanId"] = span_id(seed, p).into();
    }
    if let Some(why) = error {
        body["status"] = json!({"code": STATUS_ERROR, "message": why});
    }
    body
}

fn spans_of(sim: &Sim, m: &Envelope) -> Vec<Span> {
    let now = sim.now();
    let seed = sim.config().seed;
    let parent = parent_of(sim, m);
    let legs = sim.legs_of(m.message_id);
    let destination = m.type_name.clone();
    let mut out = Vec::new();
    match m.kind {
        MessageKind::Command | MessageKind::Event => {
            let sent = legs.first().map_or(m.timestamp, |l| l.arrive.min(now));
            let common = |op: &str, name: &str| {
                vec![
                    attr("messaging.operation.type", op),
                    attr("messaging.operation.name", name),
                    attr("messaging.destination.name", destination.clone()),
                ]
            };
            let verb = if m.kind == MessageKind::Event {
                "publish"
            } else {
                "send"
            };
            out.push(Span {
                service: m.source,
                body: span(
                    sim,
                    m,
                    0,
                    parent,
                    PRODUCER,
                    format!("{verb} {destination}"),
                    (m.timestamp, sent),
                    common("send", verb),
                    None,
                ),
            });
            for (i, d) in sim.deliveries_of(m.message_id).iter().enumerate() {
                let Some(start) = d.delivered else { continue };
                let end = d.ended.as_ref().map_or(now, |(t, _)| *t);
                let error = match d.ended.as_ref().map(|(_, e)| e) {
                    Some(DeliveryEnd::Failed(why) | DeliveryEnd::DeadLettered(why)) => {
                        Some(why.as_str())
                    }
                    Some(DeliveryEnd::Rejected(why)) => Some(why.as_str()),
                    _ => None,
                };
                let producer = (m.message_id, 0);
                let mut body = span(
                    sim,
                    m,
                    i + 1,
                    Some(producer),
                    CONSUMER,
                    format!("process {destination}"),
                    (start, end),
                    common("process", "process"),
                    error,
                );
                body["links"] = json!([{
                    "traceId": trace_id(seed, m.correlation_id),
                    "spanId": span_id(seed, producer),
                }]);
                body["attributes"]
                    .as_array_mut()
                    .expect("attributes are an array")
                    .push(json!({"key": "messaging.delivery.attempt", "value": {"intValue": d.attempt.to_string()}}));
                out.push(Span {
                    service: d.consumer,
                    body,
                });
            }
        }
        MessageKind::Query => {
            let (method, path) = m.type_name.split_once(' ').unwrap_or(("GET", &m.type_name));
            let http = || {
                vec![
                    attr("http.request.method", method),
                    attr("url.path", path),
                    attr("messaging.destination.name", path),
                ]
            };
            let outcome = sim.outcome_of(m.message_id);
            let error = match &outcome {
                Some(Outcome::Failed(why)) => Some(why.clone()),
                Some(Outcome::TimedOut) => Some("the caller gave up waiting".to_string()),
                _ => None,
            };
            let end = sim.settled_at(m.message_id).unwrap_or(now);
            out.push(Span {
                service: m.source,
                body: span(
                    sim,
                    m,
                    0,
                    parent,
                    CLIENT,
                    format!("{method} {path}"),
                    (m.timestamp, end),
                    http(),
                    error.as_deref(),
                ),
            });
            if let Some(leg) = legs.first().filter(|l| l.arrive <= now) {
                let answered = sim
                    .response_of(m.message_id)
                    .and_then(|r| sim.message(r))
                    .map_or(now, |r| r.timestamp);
                out.push(Span {
                    service: leg.to,
                    body: span(
                        sim,
                        m,
                        1,
                        Some((m.message_id, 0)),
                        SERVER,
                        format!("{method} {path}"),
                        (leg.arrive, answered),
                        http(),
                        None,
                    ),
                });
            }
        }
        MessageKind::QueryResponse => {}
    }
    out
}

/// Every message the history keeps, as OTLP/JSON `TracesData`: one `resourceSpans` per
/// service (`service.name` is its id), its spans in the order they began.
pub fn traces(sim: &Sim) -> Value {
    let topology = sim.topology();
    let mut per_service: Vec<Vec<Value>> = vec![Vec::new(); topology.services().len()];
    for m in sim.messages() {
        for s in spans_of(sim, m) {
            per_service[s.service].push(s.body);
        }
    }
    let resource_spans: Vec<Value> = per_service
        .into_iter()
        .enumerate()
        .filter(|(_, spans)| !spans.is_empty())
        .map(|(s, spans)| {
            json!({
                "resource": {"attributes": [
                    attr("service.name", topology.id(s)),
                    attr("service.namespace", "contrail"),
                ]},
                "scopeSpans": [{
                    "scope": {"name": "contrail", "version": env!("CARGO_PKG_VERSION")},
                    "spans": spans,
                }],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans })
}

/// The log as JSON Lines: each kept message's envelope, oldest first, one per line.
pub fn envelopes_jsonl(sim: &Sim) -> String {
    let mut out = String::new();
    for m in sim.messages() {
        out.push_str(&m.to_json(sim.topology()).to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scenario, SimConfig};
    use std::collections::HashMap;

    fn booked_and_asked() -> Sim {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(Scenario::BookFl123.action()).unwrap();
        sim.run_until_idle(100_000);
        sim.act(Scenario::CheckJohnsPoints.action()).unwrap();
        sim.run_until_idle(100_000);
        sim
    }

    fn all_spans(doc: &Value) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for rs in doc["resourceSpans"].as_array().unwrap() {
            let service = rs["resource"]["attributes"][0]["value"]["stringValue"]
                .as_str()
                .unwrap()
                .to_string();
            for s in rs["scopeSpans"][0]["spans"].as_array().unwrap() {
                out.push((service.clone(), s.clone()));
            }
        }
        out
    }

    fn attribute<'a>(span: &'a Value, key: &str) -> Option<&'a Value> {
        span["attributes"]
            .as_array()?
            .iter()
            .find(|a| a["key"] == key)
            .map(|a| &a["value"])
    }

    #[test]
    fn ids_are_hex_of_the_right_length_and_every_parent_and_link_exists() {
        let sim = booked_and_asked();
        let doc = traces(&sim);
        let spans = all_spans(&doc);
        let by_id: HashMap<&str, &Value> = spans
            .iter()
            .map(|(_, s)| (s["spanId"].as_str().unwrap(), s))
            .collect();
        assert_eq!(by_id.len(), spans.len(), "span ids are unique");
        let hex = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_hexdigit());
        let mut traces = std::collections::BTreeSet::new();
        for (_, s) in &spans {
            assert!(hex(s["traceId"].as_str().unwrap(), 32));
            assert!(hex(s["spanId"].as_str().unwrap(), 16));
            traces.insert(s["traceId"].as_str().unwrap().to_string());
            if let Some(p) = s.get("parentSpanId") {
                let parent = by_id[p.as_str().unwrap()];
                assert_eq!(
                    parent["traceId"], s["traceId"],
                    "a parent is in the same trace"
                );
                let (start, pstart) = (
                    s["startTimeUnixNano"]
                        .as_str()
                        .unwrap()
                        .parse::<u128>()
                        .unwrap(),
                    parent["startTimeUnixNano"]
                        .as_str()
                        .unwrap()
                        .parse::<u128>()
                        .unwrap(),
                );
                assert!(start >= pstart, "a child starts after its parent: {s}");
            }
            if s["kind"] == CONSUMER {
                let link = &s["links"][0]["spanId"];
                assert_eq!(by_id[link.as_str().unwrap()]["kind"], PRODUCER);
            }
            for key in ["messaging.system", "messaging.message.id"] {
                assert!(attribute(s, key).is_some(), "{key} on {s}");
            }
        }
        assert_eq!(traces.len(), 2, "one trace per user action");
    }

    #[test]
    fn a_query_is_a_client_span_enclosing_its_server_child() {
        let sim = booked_and_asked();
        let spans = all_spans(&traces(&sim));
        let client = spans
            .iter()
            .find(|(svc, s)| s["kind"] == CLIENT && svc == "mobile-app")
            .map(|(_, s)| s)
            .unwrap();
        let (_, server) = spans
            .iter()
            .find(|(_, s)| s["parentSpanId"] == client["spanId"])
            .unwrap();
        assert_eq!(server["kind"], SERVER);
        assert_eq!(
            attribute(client, "http.request.method").unwrap()["stringValue"],
            "GET"
        );
        assert!(attribute(server, "url.path").unwrap()["stringValue"]
            .as_str()
            .unwrap()
            .starts_with("/api/loyalty/"));
        let n = |s: &Value, k: &str| s[k].as_str().unwrap().parse::<u128>().unwrap();
        assert!(n(server, "startTimeUnixNano") >= n(client, "startTimeUnixNano"));
        assert!(n(server, "endTimeUnixNano") <= n(client, "endTimeUnixNano"));
        // The booking's availability query hangs under Booking's handling of CreateBooking.
        let (_, availability) = spans
            .iter()
            .find(|(svc, s)| s["kind"] == CLIENT && svc == "booking")
            .unwrap();
        let (svc, handling) = spans
            .iter()
            .find(|(_, s)| s["spanId"] == availability["parentSpanId"])
            .unwrap();
        assert_eq!(
            (svc.as_str(), &handling["kind"]),
            ("booking", &json!(CONSUMER))
        );
        // Times are the article's: January 2024, in nanoseconds.
        assert!(n(client, "startTimeUnixNano") > 1_706_529_600_000_000_000);
    }

    #[test]
    fn the_log_is_one_envelope_per_line() {
        let sim = booked_and_asked();
        let text = envelopes_jsonl(&sim);
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), sim.messages().count());
        assert_eq!(lines[0]["type"], "CreateBooking");
        assert_eq!(lines[0]["messageId"], 1);
        assert!(lines.iter().all(|l| l["correlationId"].is_u64()));
    }
}
