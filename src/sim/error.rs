use std::fmt;

/// Everything the simulation can refuse. Bad input never panics; it comes back as one of these.
#[derive(Clone, PartialEq)]
pub enum SimError {
    /// A service with this id already exists in the topology.
    DuplicateService { id: String },
    /// A topology may have at most one broker: every command and event goes through it.
    DuplicateBroker { id: String, existing: String },
    /// No service has this id.
    UnknownService { id: String },
    /// A `ServiceIdx` outside the topology.
    UnknownServiceIndex { index: usize },
    /// A command type may have exactly one handler; a second one is refused.
    DuplicateHandler {
        command: String,
        existing: String,
        attempted: String,
    },
    /// A query route may have exactly one server.
    DuplicateRoute {
        pattern: String,
        existing: String,
        attempted: String,
    },
    /// A route pattern that is not `METHOD /path/{param}`.
    InvalidRoute { pattern: String, reason: String },
    /// A query request line that is not `METHOD /path`.
    InvalidRequestLine { line: String, reason: String },
    /// Nobody handles this command type.
    NoHandler { command: String },
    /// No service publishes or subscribes to this event type.
    UnknownEvent { event: String },
    /// No service serves a route matching this request line.
    NoSuchRoute { line: String },
    /// The payload does not parse into the message type's typed struct.
    MalformedPayload { type_name: String, reason: String },
    /// A structurally invalid argument (empty passenger list, an id with a slash, ...).
    InvalidInput { reason: String },
    /// A traffic rate that is not finite or too high to simulate.
    InvalidTraffic { per_sec: f64 },
    /// A topology that cannot be built or driven as asked.
    InvalidTopology { reason: String },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::DuplicateService { id } => write!(f, "a service with id \"{id}\" already exists"),
            SimError::DuplicateBroker { id, existing } => write!(
                f,
                "cannot add broker \"{id}\": \"{existing}\" is already the broker"
            ),
            SimError::UnknownService { id } => write!(f, "no service has id \"{id}\""),
            SimError::UnknownServiceIndex { index } => write!(f, "no service at index {index}"),
            SimError::DuplicateHandler {
                command,
                existing,
                attempted,
            } => write!(
                f,
                "command {command} already has a handler ({existing}); {attempted} cannot handle it too"
            ),
            SimError::DuplicateRoute {
                pattern,
                existing,
                attempted,
            } => write!(
                f,
                "route {pattern} is already served by {existing}; {attempted} cannot serve it too"
            ),
            SimError::InvalidRoute { pattern, reason } => {
                write!(f, "invalid route pattern \"{pattern}\": {reason}")
            }
            SimError::InvalidRequestLine { line, reason } => {
                write!(f, "invalid request line \"{line}\": {reason}")
            }
            SimError::NoHandler { command } => write!(f, "no service handles command {command}"),
            SimError::UnknownEvent { event } => {
                write!(f, "no service publishes or subscribes to event {event}")
            }
            SimError::NoSuchRoute { line } => write!(f, "no service serves {line}"),
            SimError::MalformedPayload { type_name, reason } => {
                write!(f, "malformed {type_name} payload: {reason}")
            }
            SimError::InvalidInput { reason } => write!(f, "invalid input: {reason}"),
            SimError::InvalidTraffic { per_sec } if !per_sec.is_finite() => {
                write!(f, "a traffic rate must be a finite number")
            }
            SimError::InvalidTraffic { per_sec } => write!(
                f,
                "traffic rate {} is not allowed (must be at most 10000 per second)",
                super::decimal::plain(*per_sec, 3)
            ),
            SimError::InvalidTopology { reason } => write!(f, "invalid topology: {reason}"),
        }
    }
}

impl std::error::Error for SimError {}

/// The same words as `Display`: a derived `Debug` would bring the standard library's float
/// formatting into the first load for the one rate this error carries.
impl fmt::Debug for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
