use super::sorted::{SortedMap, SortedSet};

use super::maps::{map_of, set_of};

use super::kind_rule::KindRule;
use serde::Serialize;

use super::error::SimError;

/// Index into [`Topology::services`]; hot paths use this instead of id strings.
pub type ServiceIdx = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    /// A user-facing app: never blocks on its queries (the UI stays responsive).
    Client,
    /// A microservice: consumes one message at a time and blocks while it waits on a query.
    Service,
    /// The message broker: relays commands and events, holds one queue per consumer.
    Broker,
}

/// What a service declares it does. The engine derives routing (and the drawn edges) from this.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceSpec {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Command types it handles (each command type has exactly one handler).
    pub handles: Vec<String>,
    /// Command types it sends.
    pub sends: Vec<String>,
    /// Event types it publishes.
    pub publishes: Vec<String>,
    /// Event types it subscribes to.
    pub subscribes: Vec<String>,
    /// Query route patterns it serves, like `GET /api/loyalty/customers/{customerId}/points`.
    pub serves: Vec<String>,
    /// Query route patterns it calls.
    pub calls: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    Command,
    Event,
    Query,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Command => "command",
            EdgeKind::Event => "event",
            EdgeKind::Query => "query",
        }
    }
}

/// A drawable connection: all message types of one kind that travel `from -> to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Edge {
    pub kind: EdgeKind,
    pub from: ServiceIdx,
    pub to: ServiceIdx,
    /// Sorted message types (commands/events) or route patterns (queries).
    pub types: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Clone, Debug)]
struct RouteEntry {
    pattern: String,
    /// Pattern with parameter names erased: two patterns with the same shape are the same route.
    shape: String,
    method: String,
    segments: Vec<Segment>,
    server: ServiceIdx,
}

/// A request line matched against the route that serves it; what a query handler sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The concrete request, e.g. `GET /api/loyalty/customers/C12345/points`.
    pub request_line: String,
    /// The pattern it matched, e.g. `GET /api/loyalty/customers/{customerId}/points`.
    pub pattern: String,
    pub method: String,
    pub path: String,
    /// Values of the pattern's `{param}` segments.
    pub params: SortedMap<String, String>,
}

impl Route {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// The services and what they declare. Routing tables are kept alongside so the engine never
/// scans all services to deliver a message.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    services: Vec<ServiceSpec>,
    by_id: SortedMap<String, ServiceIdx>,
    broker: Option<ServiceIdx>,
    handlers: SortedMap<String, ServiceIdx>,
    subscribers: SortedMap<String, Vec<ServiceIdx>>,
    /// Every event type somebody publishes or subscribes to, so publishing can be validated
    /// without scanning all services.
    known_events: SortedSet<String>,
    routes: Vec<RouteEntry>,
    /// What decided each message type's kind (by name, a query by its route), for models
    /// that came from elsewhere; the diagram shows it on the edges.
    kind_rules: Vec<(String, KindRule)>,
}

fn split_request(line: &str) -> Result<(&str, &str), String> {
    let (method, path) = line
        .split_once(' ')
        .ok_or_else(|| "expected \"METHOD /path\"".to_string())?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err("the method must be upper-case letters, like GET".into());
    }
    if !path.starts_with('/') {
        return Err("the path must start with /".into());
    }
    if path.chars().any(char::is_whitespace) {
        return Err("the path must not contain whitespace".into());
    }
    Ok((method, path))
}

fn parse_pattern(pattern: &str) -> Result<(String, Vec<Segment>), String> {
    let (method, path) = split_request(pattern)?;
    let mut segments = Vec::new();
    for seg in path[1..].split('/') {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if name.is_empty() || name.contains(['{', '}']) {
                return Err(format!("bad parameter segment \"{seg}\""));
            }
            segments.push(Segment::Param(name.to_string()));
        } else if seg.contains(['{', '}']) {
            return Err(format!("bad segment \"{seg}\""));
        } else {
            segments.push(Segment::Literal(seg.to_string()));
        }
    }
    Ok((method.to_string(), segments))
}

fn shape_of(method: &str, segments: &[Segment]) -> String {
    let mut s = method.to_string();
    s.push(' ');
    for seg in segments {
        s.push('/');
        match seg {
            Segment::Literal(l) => s.push_str(l),
            Segment::Param(_) => s.push_str("{}"),
        }
    }
    s
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

impl Topology {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_service(
        &mut self,
        id: &str,
        name: &str,
        role: Role,
    ) -> Result<ServiceIdx, SimError> {
        if id.is_empty() || id.chars().any(char::is_whitespace) {
            return Err(SimError::InvalidInput {
                reason: format!("service id \"{id}\" must be non-empty without whitespace"),
            });
        }
        if self.by_id.contains_key(id) {
            return Err(SimError::DuplicateService { id: id.to_string() });
        }
        if role == Role::Broker {
            if let Some(b) = self.broker {
                return Err(SimError::DuplicateBroker {
                    id: id.to_string(),
                    existing: self.services[b].id.clone(),
                });
            }
        }
        let idx = self.services.len();
        self.services.push(ServiceSpec {
            id: id.to_string(),
            name: name.to_string(),
            role,
            handles: Vec::new(),
            sends: Vec::new(),
            publishes: Vec::new(),
            subscribes: Vec::new(),
            serves: Vec::new(),
            calls: Vec::new(),
        });
        self.by_id.insert(id.to_string(), idx);
        if role == Role::Broker {
            self.broker = Some(idx);
        }
        Ok(idx)
    }

    /// Only real participants may declare messages: the broker relays, it never originates or
    /// consumes (that keeps "who talks to whom" meaningful in the drawn graph).
    fn participant(&self, s: ServiceIdx) -> Result<(), SimError> {
        match self.services.get(s) {
            None => Err(SimError::UnknownServiceIndex { index: s }),
            Some(spec) if spec.role == Role::Broker => Err(SimError::InvalidInput {
                reason: format!("the broker \"{}\" only relays messages", spec.id),
            }),
            Some(_) => Ok(()),
        }
    }

    fn check_type(name: &str) -> Result<(), SimError> {
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            return Err(SimError::InvalidInput {
                reason: format!("message type \"{name}\" must be non-empty without whitespace"),
            });
        }
        Ok(())
    }

    pub fn add_handler(&mut self, s: ServiceIdx, command: &str) -> Result<(), SimError> {
        self.participant(s)?;
        Self::check_type(command)?;
        if let Some(&h) = self.handlers.get(command) {
            if h != s {
                return Err(SimError::DuplicateHandler {
                    command: command.to_string(),
                    existing: self.services[h].id.clone(),
                    attempted: self.services[s].id.clone(),
                });
            }
        }
        self.handlers.insert(command.to_string(), s);
        push_unique(&mut self.services[s].handles, command);
        Ok(())
    }

    pub fn add_sender(&mut self, s: ServiceIdx, command: &str) -> Result<(), SimError> {
        self.participant(s)?;
        Self::check_type(command)?;
        push_unique(&mut self.services[s].sends, command);
        Ok(())
    }

    pub fn add_publisher(&mut self, s: ServiceIdx, event: &str) -> Result<(), SimError> {
        self.participant(s)?;
        Self::check_type(event)?;
        push_unique(&mut self.services[s].publishes, event);
        self.known_events.insert(event.to_string());
        Ok(())
    }

    pub fn add_subscriber(&mut self, s: ServiceIdx, event: &str) -> Result<(), SimError> {
        self.participant(s)?;
        Self::check_type(event)?;
        let subs = self
            .subscribers
            .get_or_insert_with(event.to_string(), Vec::new);
        if let Err(pos) = subs.binary_search(&s) {
            // Sorted by index so delivery order is topology order, whatever the call order.
            subs.insert(pos, s);
        }
        push_unique(&mut self.services[s].subscribes, event);
        self.known_events.insert(event.to_string());
        Ok(())
    }

    pub fn add_route(&mut self, s: ServiceIdx, pattern: &str) -> Result<(), SimError> {
        self.participant(s)?;
        let (method, segments) =
            parse_pattern(pattern).map_err(|reason| SimError::InvalidRoute {
                pattern: pattern.to_string(),
                reason,
            })?;
        let shape = shape_of(&method, &segments);
        if let Some(existing) = self.routes.iter().find(|r| r.shape == shape) {
            if existing.server == s && existing.pattern == pattern {
                return Ok(());
            }
            return Err(SimError::DuplicateRoute {
                pattern: pattern.to_string(),
                existing: self.services[existing.server].id.clone(),
                attempted: self.services[s].id.clone(),
            });
        }
        self.routes.push(RouteEntry {
            pattern: pattern.to_string(),
            shape,
            method,
            segments,
            server: s,
        });
        push_unique(&mut self.services[s].serves, pattern);
        Ok(())
    }

    pub fn add_caller(&mut self, s: ServiceIdx, pattern: &str) -> Result<(), SimError> {
        self.participant(s)?;
        parse_pattern(pattern).map_err(|reason| SimError::InvalidRoute {
            pattern: pattern.to_string(),
            reason,
        })?;
        push_unique(&mut self.services[s].calls, pattern);
        Ok(())
    }

    pub fn services(&self) -> &[ServiceSpec] {
        &self.services
    }

    pub fn index_of(&self, id: &str) -> Option<ServiceIdx> {
        self.by_id.get(id).copied()
    }

    /// The service's id, or `""` for an index outside the topology (never panics).
    pub fn id(&self, s: ServiceIdx) -> &str {
        self.services.get(s).map_or("", |spec| spec.id.as_str())
    }

    /// Role of a service; `None` for an index outside the topology.
    pub fn role(&self, s: ServiceIdx) -> Option<Role> {
        self.services.get(s).map(|spec| spec.role)
    }

    pub fn broker(&self) -> Option<ServiceIdx> {
        self.broker
    }

    pub fn handler_of(&self, command: &str) -> Option<ServiceIdx> {
        self.handlers.get(command).copied()
    }

    pub fn subscribers_of(&self, event: &str) -> Vec<ServiceIdx> {
        self.subscribers.get(event).cloned().unwrap_or_default()
    }

    /// True if some service publishes or subscribes to `event`.
    pub fn knows_event(&self, event: &str) -> bool {
        self.known_events.contains(event)
    }

    pub fn server_of(&self, request_line: &str) -> Option<(ServiceIdx, String)> {
        self.match_route(request_line)
            .ok()
            .map(|(s, route)| (s, route.pattern))
    }

    /// Matches a concrete request line against the served routes. When several patterns match,
    /// the one with the fewest parameters wins (literal beats `{param}`), then the earliest.
    pub fn match_route(&self, request_line: &str) -> Result<(ServiceIdx, Route), SimError> {
        let (method, path) =
            split_request(request_line).map_err(|reason| SimError::InvalidRequestLine {
                line: request_line.to_string(),
                reason,
            })?;
        let parts: Vec<&str> = path[1..].split('/').collect();
        let mut best: Option<(usize, &RouteEntry)> = None;
        for entry in &self.routes {
            if entry.method != method || entry.segments.len() != parts.len() {
                continue;
            }
            let mut params = 0;
            let fits = entry
                .segments
                .iter()
                .zip(&parts)
                .all(|(seg, part)| match seg {
                    Segment::Literal(l) => l == part,
                    Segment::Param(_) => {
                        params += 1;
                        !part.is_empty()
                    }
                });
            if fits && best.is_none_or(|(p, _)| params < p) {
                best = Some((params, entry));
            }
        }
        let (_, entry) = best.ok_or_else(|| SimError::NoSuchRoute {
            line: request_line.to_string(),
        })?;
        let params = map_of(entry.segments.iter().zip(&parts).filter_map(
            |(seg, part)| match seg {
                Segment::Param(name) => Some((name.clone(), (*part).to_string())),
                Segment::Literal(_) => None,
            },
        ));
        Ok((
            entry.server,
            Route {
                request_line: request_line.to_string(),
                pattern: entry.pattern.clone(),
                method: method.to_string(),
                path: path.to_string(),
                params,
            },
        ))
    }

    /// Derived, deterministic order (by kind, from, to). Command: sender->broker and
    /// broker->handler. Event: publisher->broker and broker->each subscriber. Query:
    /// caller->server (the response travels it backwards). Without a broker, commands and
    /// events are drawn (and travel) directly from sender to consumer.
    pub fn edges(&self) -> Vec<Edge> {
        let mut map: SortedMap<(EdgeKind, ServiceIdx, ServiceIdx), SortedSet<String>> =
            SortedMap::new();
        let mut add = |kind, from, to, ty: &str| {
            map.get_or_insert_with((kind, from, to), SortedSet::new)
                .insert(ty.to_string());
        };
        for (s, spec) in self.services.iter().enumerate() {
            for c in &spec.sends {
                match (self.broker, self.handler_of(c)) {
                    (Some(b), _) => add(EdgeKind::Command, s, b, c),
                    (None, Some(h)) => add(EdgeKind::Command, s, h, c),
                    (None, None) => {}
                }
            }
            for e in &spec.publishes {
                match self.broker {
                    Some(b) => add(EdgeKind::Event, s, b, e),
                    None => {
                        for &sub in self.subscribers.get(e).into_iter().flatten() {
                            add(EdgeKind::Event, s, sub, e);
                        }
                    }
                }
            }
            for pattern in &spec.calls {
                let Ok((method, segments)) = parse_pattern(pattern) else {
                    continue;
                };
                let shape = shape_of(&method, &segments);
                if let Some(entry) = self.routes.iter().find(|r| r.shape == shape) {
                    add(EdgeKind::Query, s, entry.server, &entry.pattern);
                }
            }
        }
        if let Some(b) = self.broker {
            for (c, &h) in &self.handlers {
                add(EdgeKind::Command, b, h, c);
            }
            for (e, subs) in &self.subscribers {
                for &sub in subs {
                    add(EdgeKind::Event, b, sub, e);
                }
            }
        }
        map.into_iter()
            .map(|((kind, from, to), types)| Edge {
                kind,
                from,
                to,
                types: types.into_iter().collect(),
            })
            .collect()
    }

    /// Events that some service publishes but nobody subscribes to (legal: dead ends).
    pub fn unsubscribed_events(&self) -> Vec<String> {
        let set: SortedSet<&String> = set_of(
            self.services
                .iter()
                .flat_map(|s| s.publishes.iter())
                .filter(|e| self.subscribers.get(*e).is_none_or(Vec::is_empty)),
        );
        set.into_iter().cloned().collect()
    }
}

impl Topology {
    /// Records what decided the kind of `message` (a command's or event's name, a query's
    /// route).
    pub fn set_kind_rule(&mut self, message: &str, rule: KindRule) {
        match self.kind_rules.iter_mut().find(|(m, _)| m == message) {
            Some((_, r)) => *r = rule,
            None => self.kind_rules.push((message.to_string(), rule)),
        }
    }

    /// What decided the kind of `message`, when the model said.
    pub fn kind_rule(&self, message: &str) -> Option<KindRule> {
        self.kind_rules
            .iter()
            .find(|(m, _)| m == message)
            .map(|(_, r)| *r)
    }
}
