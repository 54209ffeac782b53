//! A shared run as data: which model, which seed, and every input the user fed, so that
//! opening the link replays the same run to the same moment (the core is deterministic).
//! This is the JSON inside a `#pako:` link; compressing it is the page's job (`link_codec`).
//!
//! ```json
//! {"contrailLink": 1, "model": "airline", "seed": 42, "inputs": [
//!   {"send": {"from": "mobile-app", "kind": "command", "name": "CreateBooking", "payload": {}}},
//!   {"at": 1250}, "step", {"traffic": 2},
//!   {"fault": {"service": "loyalty", "down": true}},
//!   {"deadLetter": {"retry": {"message": 12, "consumer": "revenue"}}},
//!   {"preset": "Loyalty is down"}
//! ]}
//! ```
//! Services are named by id, never by index, so a link stays readable and a model that
//! lists its services in another order still replays it.

use crate::json;

use serde_json::{Map, Value};

use crate::sim::{
    DeadLetterOp, FaultChange, Input, MessageKind, Preset, RetryPolicy, Topology, UserMessage,
};

/// The link format this build writes and the newest it reads.
pub const LINK_VERSION: u64 = 1;
/// The longest link text (decompressed JSON) read; a longer one is refused unread.
pub const MAX_LINK_BYTES: usize = 4 * 1024 * 1024;
/// The most inputs a link may carry.
pub const MAX_LINK_INPUTS: usize = 200_000;
/// The latest simulated time a link may replay to (one hour): opening a link replays it in
/// one go, and a link that ran traffic for days would freeze the page.
pub const MAX_LINK_TIME_MS: u64 = 3_600_000;
/// The built-in model a link names instead of inlining it, so its links stay short.
pub const AIRLINE: &str = "airline";

/// Everything needed to rebuild a run.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedRun {
    /// A built-in model's key (`"airline"`), or a model of the user's, whole.
    pub model: Value,
    pub seed: u64,
    pub inputs: Vec<Input>,
}

/// A link read as far as its model: the inputs name services, so they can only be read
/// once the model they belong to is known.
#[derive(Clone, Debug)]
pub struct LinkDoc {
    /// A built-in model's key, or a model of the user's, whole.
    pub model: Value,
    pub seed: u64,
    doc: Value,
}

impl LinkDoc {
    /// Reads a link's JSON text up to its model and seed.
    pub fn read(text: &str) -> Result<LinkDoc, LinkError> {
        if text.len() > MAX_LINK_BYTES {
            return Err(LinkError(format!(
                "the link holds {} bytes, more than the {} this page reads",
                text.len(),
                MAX_LINK_BYTES
            )));
        }
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            LinkError(format!(
                "the link is damaged (its text is not JSON: {e}); it may have been cut short"
            ))
        })?;
        let at = At::root(&doc);
        let version = at.field("contrailLink")?.u64()?;
        if version > LINK_VERSION {
            return Err(LinkError(format!(
                "the link was made by a newer Contrail (link format {version}; this page reads up \
                 to {LINK_VERSION})"
            )));
        }
        let model = at.field("model")?.value.clone();
        let seed = at.field("seed")?.u64()?;
        Ok(LinkDoc { model, seed, doc })
    }

    /// The link's inputs, their services resolved in `topology` (the link's model's).
    pub fn inputs(&self, topology: &Topology) -> Result<Vec<Input>, LinkError> {
        let at = At::root(&self.doc);
        let listed = at.field("inputs")?;
        let list = listed.array()?;
        if list.len() > MAX_LINK_INPUTS {
            return Err(LinkError(format!(
                "the link holds {} inputs, more than the {MAX_LINK_INPUTS} this page replays",
                list.len()
            )));
        }
        list.iter()
            .enumerate()
            .map(|(i, v)| input_from_json(&listed.child(&i.to_string(), v), topology))
            .collect()
    }
}

/// Why a link could not be read, in words for the person who opened it.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkError(pub String);

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl SharedRun {
    /// The link's JSON text.
    pub fn to_json(&self, topology: &Topology) -> String {
        let inputs: Vec<Value> = self
            .inputs
            .iter()
            .map(|input| input_to_json(input, topology))
            .collect();
        json!({
            "contrailLink": LINK_VERSION,
            "model": self.model,
            "seed": self.seed,
            "inputs": inputs,
        })
        .to_string()
    }

    /// Reads a link's JSON text; `topology` is its model's, to resolve service ids.
    /// Only the first problem is reported, with a JSON Pointer to where it is.
    pub fn from_json(text: &str, topology: &Topology) -> Result<SharedRun, LinkError> {
        let doc = LinkDoc::read(text)?;
        Ok(SharedRun {
            inputs: doc.inputs(topology)?,
            model: doc.model,
            seed: doc.seed,
        })
    }
}

fn input_to_json(input: &Input, topology: &Topology) -> Value {
    let id = |s| topology.id(s);
    match input {
        Input::Send(send) => json!({ "send": message_to_json(send) }),
        Input::Script(script) => {
            let steps: Vec<Value> = script
                .iter()
                .map(|(after, send)| json!({"after": after, "send": message_to_json(send)}))
                .collect();
            json!({ "script": steps })
        }
        Input::Traffic(rate) => json!({ "traffic": exact(*rate) }),
        Input::AdvanceTo(t) => json!({ "at": t }),
        Input::Step => json!("step"),
        Input::Fault(change) => {
            let (service, key, value) = match change {
                FaultChange::Down(s, on) => (Some(*s), "down", json!(on)),
                FaultChange::Slowdown(s, x) => (Some(*s), "slowdown", exact(*x)),
                FaultChange::FailurePercent(s, p) => (Some(*s), "failurePercent", exact(*p)),
                FaultChange::FailNext(s) => (Some(*s), "failNext", json!(true)),
                FaultChange::DuplicateNext(s) => (Some(*s), "duplicateNext", json!(true)),
                FaultChange::Idempotent(s, on) => (Some(*s), "idempotent", json!(on)),
                FaultChange::Policy(s, p) => (
                    Some(*s),
                    "policy",
                    json!({"immediate": p.immediate, "delayed": p.delayed, "backoffMs": p.backoff_ms}),
                ),
                FaultChange::QueryTimeout(s, ms) => (Some(*s), "queryTimeoutMs", json!(ms)),
                FaultChange::DuplicatePercent(p) => (None, "duplicatePercent", exact(*p)),
            };
            let mut fault = Map::new();
            if let Some(s) = service {
                fault.insert("service".into(), json!(id(s)));
            }
            fault.insert(key.into(), value);
            json!({ "fault": fault })
        }
        Input::DeadLetter(op) => {
            let entry = |m, c| json!({"message": m, "consumer": id(c)});
            json!({"deadLetter": match *op {
                DeadLetterOp::Retry(m, c) => json!({ "retry": entry(m, c) }),
                DeadLetterOp::Discard(m, c) => json!({ "discard": entry(m, c) }),
                DeadLetterOp::RetryAll => json!("retryAll"),
            }})
        }
        Input::Preset(preset) => json!({ "preset": preset.label() }),
    }
}

/// A float as the shortest text that reads back to the same bits. serde_json's own
/// number parser may land one bit off for long fractions, and a rate one bit off is a
/// different run; Rust's `str::parse` is exact. The text is serde_json's (shortest
/// round-trip digits, "2.0" where Rust writes "2"), which the page has anyway, rather than
/// Rust's float formatting, which only this would bring to the first load.
fn exact(x: f64) -> Value {
    Value::String(Value::from(x).to_string())
}

/// Reads back what [`exact`] wrote, to the same bits, without the standard library's float
/// parser (its tables would come with every model read). serde_json's reading may land one
/// bit off, so of it and its two neighbours, the one serde_json writes as this very text is
/// the number that was written. Text written otherwise (an older link's "2") keeps
/// serde_json's reading.
fn exact_from(text: &str) -> Option<f64> {
    let near: f64 = serde_json::from_str(text).ok()?;
    [near, near.next_down(), near.next_up()]
        .into_iter()
        .find(|x| serde_json::to_string(x).is_ok_and(|written| written == text))
        .or(Some(near))
}

fn message_to_json(send: &UserMessage) -> Value {
    json!({
        "from": send.from,
        "kind": send.kind.as_str(),
        "name": send.name,
        "payload": send.payload,
    })
}

fn message_from_json(at: &At<'_>) -> Result<UserMessage, LinkError> {
    let kind = match at.field("kind")?.str()? {
        "command" => MessageKind::Command,
        "event" => MessageKind::Event,
        "query" => MessageKind::Query,
        other => {
            return Err(at.field("kind")?.error(&format!(
                "expected command, event or query, found \"{other}\""
            )))
        }
    };
    Ok(UserMessage {
        from: at.field("from")?.str()?.to_string(),
        kind,
        name: at.field("name")?.str()?.to_string(),
        payload: at.field("payload")?.value.clone(),
    })
}

fn input_from_json(at: &At<'_>, topology: &Topology) -> Result<Input, LinkError> {
    if at.value.as_str() == Some("step") {
        return Ok(Input::Step);
    }
    let (key, inner) = at.only_field()?;
    let service = |at: &At<'_>| -> Result<usize, LinkError> {
        let name = at.str()?;
        topology
            .index_of(name)
            .ok_or_else(|| at.error(&format!("no service \"{name}\" in the model")))
    };
    Ok(match key {
        "send" => Input::Send(message_from_json(&inner)?),
        "script" => {
            let steps = inner.array()?;
            let mut script = Vec::with_capacity(steps.len());
            for (i, step) in steps.iter().enumerate() {
                let step = inner.child(&i.to_string(), step);
                script.push((
                    step.field("after")?.u64()?,
                    message_from_json(&step.field("send")?)?,
                ));
            }
            Input::Script(script)
        }
        "traffic" => Input::Traffic(inner.f64()?),
        "at" => {
            let at = inner.u64()?;
            if at > MAX_LINK_TIME_MS {
                return Err(inner.error(&format!(
                    "the link runs to {at} ms of simulated time; this page replays up to \
                     {MAX_LINK_TIME_MS} ms (one hour)"
                )));
            }
            Input::AdvanceTo(at)
        }
        "fault" => {
            let (what, value) = inner.only_field_but("service")?;
            let s = || -> Result<usize, LinkError> { service(&inner.field("service")?) };
            Input::Fault(match what {
                "down" => FaultChange::Down(s()?, value.bool()?),
                "slowdown" => FaultChange::Slowdown(s()?, value.f64()?),
                "failurePercent" => FaultChange::FailurePercent(s()?, value.f64()?),
                "failNext" => FaultChange::FailNext(s()?),
                "duplicateNext" => FaultChange::DuplicateNext(s()?),
                "idempotent" => FaultChange::Idempotent(s()?, value.bool()?),
                "policy" => FaultChange::Policy(
                    s()?,
                    RetryPolicy {
                        immediate: value.field("immediate")?.u32()?,
                        delayed: value.field("delayed")?.u32()?,
                        backoff_ms: value.field("backoffMs")?.u64()?,
                    },
                ),
                "queryTimeoutMs" => FaultChange::QueryTimeout(s()?, value.u64()?),
                "duplicatePercent" => FaultChange::DuplicatePercent(value.f64()?),
                other => return Err(value.error(&format!("no fault called \"{other}\""))),
            })
        }
        "deadLetter" => {
            if inner.value.as_str() == Some("retryAll") {
                Input::DeadLetter(DeadLetterOp::RetryAll)
            } else {
                let (op, entry) = inner.only_field()?;
                let message = entry.field("message")?.u64()?;
                let consumer = service(&entry.field("consumer")?)?;
                Input::DeadLetter(match op {
                    "retry" => DeadLetterOp::Retry(message, consumer),
                    "discard" => DeadLetterOp::Discard(message, consumer),
                    other => {
                        return Err(entry.error(&format!(
                            "expected retry, discard or \"retryAll\", found \"{other}\""
                        )))
                    }
                })
            }
        }
        "preset" => {
            let label = inner.str()?;
            let preset = Preset::ALL
                .into_iter()
                .find(|p| p.label() == label)
                .ok_or_else(|| inner.error(&format!("no what-if preset \"{label}\"")))?;
            Input::Preset(preset)
        }
        other => {
            return Err(at.error(&format!(
            "expected one of send, script, at, step, traffic, fault, deadLetter or preset, found \
                 \"{other}\""
        )))
        }
    })
}

/// A value in the link and the JSON Pointer to it, for errors that say where.
struct At<'a> {
    pointer: String,
    value: &'a Value,
}

impl<'a> At<'a> {
    fn root(value: &'a Value) -> Self {
        At {
            pointer: String::new(),
            value,
        }
    }

    fn child(&self, key: &str, value: &'a Value) -> At<'a> {
        At {
            pointer: format!(
                "{}/{}",
                self.pointer,
                key.replace('~', "~0").replace('/', "~1")
            ),
            value,
        }
    }

    fn error(&self, what: &str) -> LinkError {
        let place = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        LinkError(format!("the link is damaged at {place}: {what}"))
    }

    fn field(&self, key: &str) -> Result<At<'a>, LinkError> {
        match self.value.get(key) {
            Some(v) if self.value.is_object() => Ok(self.child(key, v)),
            _ => Err(self.error(&format!("\"{key}\" is missing"))),
        }
    }

    /// The one field of a `{"key": value}` object.
    fn only_field(&self) -> Result<(&'a str, At<'a>), LinkError> {
        self.only_field_but("")
    }

    /// The one field other than `except` of an object.
    fn only_field_but(&self, except: &str) -> Result<(&'a str, At<'a>), LinkError> {
        let mut fields = self
            .value
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.as_str() != except);
        match (fields.next(), fields.next()) {
            (Some((k, v)), None) => Ok((k.as_str(), self.child(k, v))),
            _ => Err(self.error("expected an object with one field")),
        }
    }

    fn str(&self) -> Result<&'a str, LinkError> {
        self.value
            .as_str()
            .ok_or_else(|| self.error("expected a string"))
    }

    fn u64(&self) -> Result<u64, LinkError> {
        self.value
            .as_u64()
            .ok_or_else(|| self.error("expected a whole number"))
    }

    fn u32(&self) -> Result<u32, LinkError> {
        u32::try_from(self.u64()?).map_err(|_| self.error("number too large"))
    }

    /// A number written by [`exact`] (text), or typed as a JSON number by a person.
    fn f64(&self) -> Result<f64, LinkError> {
        match self.value {
            Value::String(text) => exact_from(text),
            other => other.as_f64(),
        }
        .ok_or_else(|| self.error("expected a number"))
    }

    fn bool(&self) -> Result<bool, LinkError> {
        self.value
            .as_bool()
            .ok_or_else(|| self.error("expected true or false"))
    }

    fn array(&self) -> Result<&'a Vec<Value>, LinkError> {
        self.value
            .as_array()
            .ok_or_else(|| self.error("expected a list"))
    }
}
