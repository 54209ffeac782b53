use std::fmt;

use serde_json::Value;

/// The rule a command with two handlers breaks.
pub const RULE_ONE_HANDLER: &str = "a command has exactly one handler";
/// The rule a reaction cycle breaks.
pub const RULE_NO_CYCLE: &str =
    "reactions must not form a cycle: each message would cause the next forever and flood the broker";

/// Why a model was refused. `Display` is the message a user sees; it names the place (a JSON
/// Pointer into the document) and the things involved.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelError {
    /// The text is longer than the stated limit; it was not parsed.
    TooLarge { bytes: usize, limit: usize },
    /// The text is not JSON. `line` and `column` start at 1.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The document is written for a newer (or unknown) format version.
    Version { found: u64, supported: u64 },
    /// The document is JSON but not shaped like a model: wrong type, missing or unknown field.
    Format { pointer: String, message: String },
    /// A list is longer than the stated limit.
    TooMany {
        pointer: String,
        what: &'static str,
        count: usize,
        limit: usize,
    },
    /// The model has no services.
    Empty,
    /// The document is shaped like a model but breaks a rule; `message` names what is involved.
    Rule {
        pointer: String,
        message: String,
        rule: &'static str,
    },
}

/// The empty pointer is the whole document, which would otherwise print as nothing.
fn place(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(document)"
    } else {
        pointer
    }
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!(
            "{} MB",
            crate::sim::fixed(bytes as f64 / (1024.0 * 1024.0), 1)
        )
    } else {
        format!("{} KB", crate::sim::fixed(bytes as f64 / 1024.0, 1))
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::TooLarge { bytes, limit } => write!(
                f,
                "the model is {} ({bytes} bytes), over the limit of {} ({limit} bytes)",
                size(*bytes),
                size(*limit)
            ),
            ModelError::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "the model is not valid JSON: line {line}, column {column}: {message}"
            ),
            ModelError::Version { found, supported } => write!(
                f,
                "/contrail: this model is format version {found}, newer than this Contrail \
                 understands (version {supported}); open it with a newer Contrail"
            ),
            ModelError::Format { pointer, message } => write!(f, "{}: {message}", place(pointer)),
            ModelError::TooMany {
                pointer,
                what,
                count,
                limit,
            } => write!(
                f,
                "{}: the model has {count} {what}, over the limit of {limit}",
                place(pointer)
            ),
            ModelError::Empty => write!(
                f,
                "/services: the model has no services; it needs at least one to simulate anything"
            ),
            ModelError::Rule {
                pointer,
                message,
                rule,
            } => write!(f, "{}: {message} (rule: {rule})", place(pointer)),
        }
    }
}

impl std::error::Error for ModelError {}

/// How a value is described in "found ..." messages: strings and scalars verbatim (cut
/// short), containers by type.
pub(super) fn type_name(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let cut: String = s.chars().take(40).collect();
            if cut.len() < s.len() {
                format!("\"{cut}...\"")
            } else {
                format!("\"{s}\"")
            }
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
