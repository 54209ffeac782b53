//! What the message log lists, as plain functions of the simulation: the filters, the page
//! of rows they select, and the text of each row. The log component only binds the results.

use crate::sim::{
    iso_time, CorrelationId, Delivery, DeliveryEnd, Envelope, MessageId, MessageKind, Outcome, Sim,
    SimTime, Topology,
};

/// Which kinds of message the log shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KindFilter {
    #[default]
    All,
    Commands,
    Events,
    Queries,
}

impl KindFilter {
    pub fn admits(self, kind: MessageKind) -> bool {
        match self {
            KindFilter::All => true,
            KindFilter::Commands => kind == MessageKind::Command,
            KindFilter::Events => kind == MessageKind::Event,
            KindFilter::Queries => matches!(kind, MessageKind::Query | MessageKind::QueryResponse),
        }
    }

    /// Its value in the log's kind menu.
    pub fn value(self) -> &'static str {
        match self {
            KindFilter::All => "all",
            KindFilter::Commands => "command",
            KindFilter::Events => "event",
            KindFilter::Queries => "query",
        }
    }

    /// The value of the log's kind menu; anything else shows every kind.
    pub fn parse(value: &str) -> Self {
        match value {
            "command" => KindFilter::Commands,
            "event" => KindFilter::Events,
            "query" => KindFilter::Queries,
            _ => KindFilter::All,
        }
    }
}

/// Everything that narrows the log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogFilter {
    pub kind: KindFilter,
    /// A service id: messages it sent or that went to it. An unknown id matches nothing.
    pub service: Option<String>,
    /// Only messages with a hop on the wire now: the tokens on the diagram.
    pub in_flight_only: bool,
}

impl LogFilter {
    /// This filter with one of the log's controls changed: `control` is the control's
    /// `data-filter` (`kind`, `service`, `in-flight`), `value` its value and `checked`
    /// whether it is checked.
    pub fn changed(&self, control: Option<&str>, value: String, checked: bool) -> LogFilter {
        let mut next = self.clone();
        match control {
            Some("kind") => next.kind = KindFilter::parse(&value),
            Some("service") => next.service = Some(value).filter(|s| !s.is_empty()),
            _ => next.in_flight_only = checked,
        }
        next
    }
}

/// The log's count before any message: also what it shows until the engine arrives.
pub const NO_MESSAGES: &str = "No messages yet";
/// Where the rows would be, before any message.
pub const NO_MESSAGES_NOTE: &str = "No messages yet: press a scenario button.";

/// One line about a message: a row of the log, and the head of the payload inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub id: MessageId,
    pub kind: MessageKind,
    pub type_name: String,
    /// Its user action, so a row can be marked as part of a selected chain.
    pub correlation: CorrelationId,
    pub from: String,
    pub to: String,
    pub time: String,
    pub outcome: String,
    /// The message's outcome as the automation contract names it (`data-outcome`).
    pub status: &'static str,
    /// The deliveries worth a row of their own: retries, duplicates, dead-letterings.
    pub deliveries: Vec<DeliveryLine>,
}

/// One delivery attempt in the log, under its message.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryLine {
    pub attempt: u32,
    pub status: &'static str,
    pub text: String,
}

/// A retry, a duplicate or a delivery that did not simply succeed: the rest are told by
/// the message's own row.
fn delivery_lines(sim: &Sim, id: MessageId) -> Vec<DeliveryLine> {
    let deliveries = sim.deliveries_of(id);
    let worth = |d: &Delivery| {
        d.attempt > 1
            || d.duplicate
            || matches!(
                d.ended,
                Some((_, DeliveryEnd::Failed(_) | DeliveryEnd::DeadLettered(_)))
                    | Some((_, DeliveryEnd::DuplicateIgnored | DeliveryEnd::Discarded(_)))
            )
    };
    if !deliveries.iter().any(worth) {
        return Vec::new();
    }
    let topology = sim.topology();
    deliveries
        .iter()
        .filter(|d| worth(d))
        .map(|d| {
            let policy = sim.faults(d.consumer).policy;
            let of = if d.attempt <= policy.attempts() {
                format!(" of {}", policy.attempts())
            } else {
                String::new()
            };
            let copy = if d.duplicate { ", duplicate" } else { "" };
            let what = match &d.ended {
                None if d.pulled.is_some() => "being handled".to_string(),
                None => "queued".to_string(),
                Some((_, DeliveryEnd::Failed(error))) => match policy.retry_after(d.attempt) {
                    Some(0) => format!("failed: {error}; retried at once"),
                    Some(ms) => format!("failed: {error}; next in {}", seconds(ms)),
                    None => format!("failed: {error}"),
                },
                Some((_, end)) => outcome_words(end),
            };
            DeliveryLine {
                attempt: d.attempt,
                status: d.ended.as_ref().map_or("pending", |(_, e)| e.as_str()),
                text: format!(
                    "{}: attempt {}{of}{copy}: {what}",
                    topology.id(d.consumer),
                    d.attempt
                ),
            }
        })
        .collect()
}

fn outcome_words(end: &DeliveryEnd) -> String {
    match end {
        DeliveryEnd::Handled => "handled".into(),
        DeliveryEnd::Rejected(reason) => format!("rejected: {reason}"),
        DeliveryEnd::Refused(reason) => format!("refused: {reason}"),
        DeliveryEnd::Failed(error) => format!("failed: {error}"),
        DeliveryEnd::DeadLettered(error) => format!("dead-lettered: {error}"),
        DeliveryEnd::Discarded(_) => "discarded from the dead letters".into(),
        DeliveryEnd::DuplicateIgnored => "duplicate ignored".into(),
    }
}

/// A simulated wait in words: "2 s", "1.5 s".
pub fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{}.{} s", ms / 1000, ms % 1000 / 100)
    }
}

/// One page of the log: up to `limit` matching messages, oldest first, and where it sits
/// among all the matching messages the core still keeps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    /// Matching messages in the kept history, this page included.
    pub matched: usize,
    /// Matching messages older than this page's first row.
    pub older: usize,
    /// Matching messages newer than this page's last row (0 on the newest page).
    pub newer: usize,
    /// Where the page after this one ends (`before` for [`log_page`]); `None` when it is
    /// the newest page, which follows new messages as they come.
    pub newer_before: Option<MessageId>,
    /// This is the newest page: it takes in new messages as they come.
    pub newest: bool,
    /// Messages the core still keeps, matching or not.
    pub kept: usize,
    /// The history no longer reaches back before this page's anchor: its messages are gone.
    pub history_passed: bool,
}

/// Where the log stands: the page the reader chose with the pager, and where it holds
/// still while they read the newest page. Kept by the app, so Reset can clear both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogPlace {
    /// Set by the pager: the page of messages older than this one.
    pub chosen: Option<MessageId>,
    /// Set while the reader points at, keyboard-focuses or has scrolled up the newest page:
    /// the first message id that page did not yet show. New messages then wait below it
    /// instead of moving the rows under the reader.
    pub held: Option<MessageId>,
}

impl LogPlace {
    /// The `before` of the page to show.
    pub fn before(self) -> Option<MessageId> {
        self.chosen.or(self.held)
    }
}

/// "a, b and c".
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What the log shows for a stretch of its page: one message, or a run of identical
/// refusals folded into one line that opens to them.
#[derive(Clone, Debug, PartialEq)]
pub enum LogItem {
    One(LogRow),
    Refusals {
        /// "CreateBooking refused: booking's queue is full"; the count is `rows.len()`.
        text: String,
        rows: Vec<LogRow>,
    },
}

/// Runs shorter than this stay as single rows.
pub const FOLD_AT_LEAST: usize = 3;

/// Folds each run of at least [`FOLD_AT_LEAST`] consecutive rows that were refused for the
/// same reason, whatever their type: a full queue refuses CreateBooking and CancelBooking
/// alike, and it is one story. Under back-pressure nearly every row is one refusal
/// repeated; folded, the messages that got through stay in view.
pub fn fold_refusals(rows: &[LogRow]) -> Vec<LogItem> {
    // The engine's reasons explain themselves after the first clause (a count, the
    // broker's part); the row keeps the gist and the messages keep the whole.
    fn gist(row: &LogRow) -> Option<&str> {
        let reason = row.outcome.strip_prefix("refused: ")?;
        let end = reason
            .bytes()
            .position(|b| b == b'(' || b == b';')
            .unwrap_or(reason.len());
        Some(reason[..end].trim_end())
    }
    let mut items = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let reason = gist(&rows[start]);
        let run = match reason {
            Some(_) => rows[start..]
                .iter()
                .take_while(|r| gist(r) == reason)
                .count(),
            None => 1,
        };
        match reason {
            Some(reason) if run >= FOLD_AT_LEAST => {
                let mut types: Vec<String> = Vec::new();
                for row in &rows[start..start + run] {
                    if !types.contains(&row.type_name) {
                        types.push(row.type_name.clone());
                    }
                }
                items.push(LogItem::Refusals {
                    text: format!("{} refused: {reason}", list(&types)),
                    rows: rows[start..start + run].to_vec(),
                });
            }
            _ => items.extend(rows[start..start + run].iter().cloned().map(LogItem::One)),
        }
        start += run;
    }
    items
}

/// The log's three paging buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pager {
    Older,
    Newer,
    Newest,
}

impl LogPage {
    /// The anchor for the page before this one, if there are older matching messages.
    pub fn older_before(&self) -> Option<MessageId> {
        (self.older > 0)
            .then(|| self.rows.first().map(|r| r.id))
            .flatten()
    }

    /// Where a paging button leads from this page (the `before` of that page), or `None`
    /// when the button has nowhere to go.
    pub fn go(&self, button: Pager) -> Option<Option<MessageId>> {
        match button {
            Pager::Older => self.older_before().map(Some),
            Pager::Newer | Pager::Newest if self.newest => None,
            Pager::Newer => Some(self.newer_before),
            Pager::Newest => Some(None),
        }
    }
}

/// The newest `limit` messages that pass `filter` and are older than `before` (all of
/// them when `before` is `None` or beyond the newest message, as after a reset).
///
/// Paging by message id rather than by position keeps a page still while new messages
/// arrive at 1,000 and more a second: without pages, the log could only ever show the
/// newest few of the messages in flight.
pub fn log_page(sim: &Sim, filter: &LogFilter, before: Option<MessageId>, limit: usize) -> LogPage {
    let newest = sim.messages().next_back().map(|m| m.message_id);
    let oldest = sim.messages().next().map(|m| m.message_id);
    let before = before.filter(|&b| newest.is_some_and(|n| b <= n));
    let mut page = LogPage {
        newest: before.is_none(),
        kept: sim.messages().len(),
        history_passed: before.zip(oldest).is_some_and(|(b, o)| b <= o),
        ..LogPage::default()
    };
    let service = match filter.service.as_deref() {
        None => None,
        Some(id) => match sim.topology().index_of(id) {
            Some(s) => Some(s),
            None => return page,
        },
    };
    let matches = |m: &Envelope| {
        filter.kind.admits(m.kind)
            && service.is_none_or(|s| m.source == s || m.destination.contains(&s))
            && (!filter.in_flight_only || sim.hops_in_flight(m.message_id) > 0)
    };

    // The matching messages just after the page, nearest last: the newer page is the
    // `limit` nearest, so it ends before the (limit + 1)-th.
    let mut newer_window = std::collections::VecDeque::with_capacity(limit + 1);
    for message in sim.messages().rev() {
        if !matches(message) {
            continue;
        }
        page.matched += 1;
        if before.is_some_and(|b| message.message_id >= b) {
            page.newer += 1;
            newer_window.push_back(message.message_id);
            if newer_window.len() > limit + 1 {
                newer_window.pop_front();
            }
        } else if page.rows.len() < limit {
            page.rows.push(log_row(sim, message));
        } else {
            page.older += 1;
        }
    }
    page.rows.reverse();
    page.newer_before = (newer_window.len() > limit)
        .then(|| newer_window.front().copied())
        .flatten();
    page
}

pub fn log_row(sim: &Sim, message: &Envelope) -> LogRow {
    let topology = sim.topology();
    LogRow {
        id: message.message_id,
        kind: message.kind,
        type_name: message.type_name.clone(),
        correlation: message.correlation_id,
        from: topology.id(message.source).to_string(),
        to: destination_text(topology, message),
        time: clock_time(message.timestamp),
        outcome: match sim.outcome_of(message.message_id) {
            // Consumed by nobody: the event ended at the broker, and "delivered" would say
            // someone got it.
            Some(Outcome::Consumed) if message.destination.is_empty() => {
                "published; no subscribers".into()
            }
            Some(outcome) => outcome_text(outcome),
            None => String::new(),
        },
        status: sim
            .outcome_of(message.message_id)
            .map_or("pending", |o| o.as_str()),
        deliveries: delivery_lines(sim, message.message_id),
    }
}

/// The short line above the log's rows: which of the matching messages it shows.
pub fn summary(page: &LogPage) -> String {
    let shown = page.rows.len();
    if page.kept == 0 {
        return NO_MESSAGES.into();
    }
    if shown == 0 {
        return format!("0 of {}", grouped(page.matched));
    }
    if page.matched == 1 {
        return "1 message".into();
    }
    if page.older == 0 && page.newer == 0 {
        return format!("{} messages", grouped(page.matched));
    }
    if page.newest {
        return format!("Newest {} of {}", grouped(shown), grouped(page.matched));
    }
    format!(
        "{} to {} of {}",
        grouped(page.older + 1),
        grouped(page.older + shown),
        grouped(page.matched)
    )
}

/// Why a page has no rows, said where the rows would be.
pub fn empty_note(page: &LogPage, filter: &LogFilter, history_limit: usize) -> Option<String> {
    if !page.rows.is_empty() {
        return None;
    }
    Some(if page.kept == 0 {
        NO_MESSAGES_NOTE.into()
    } else if page.matched == 0 && filter.in_flight_only {
        "No matching message is in flight now.".into()
    } else if page.matched == 0 {
        "No message matches these filters.".into()
    } else if page.history_passed {
        format!(
            "The messages before this page are gone: the core keeps the newest {}.",
            grouped(history_limit)
        )
    } else {
        "No older message matches now: see the newer pages.".into()
    })
}

/// "4,321": counts as people read them.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Who a message went to, by service id; an event nobody subscribes to says so.
pub fn destination_text(topology: &Topology, message: &Envelope) -> String {
    if message.destination.is_empty() {
        return "(no subscribers)".to_string();
    }
    let ids: Vec<&str> = message
        .destination
        .iter()
        .map(|&d| topology.id(d))
        .collect();
    ids.join(", ")
}

/// "12:00:03.250" out of the simulation's ISO timestamps: the date never changes in a session.
pub fn clock_time(at: SimTime) -> String {
    let iso = iso_time(at);
    iso.split('T')
        .nth(1)
        .unwrap_or(&iso)
        .trim_end_matches('Z')
        .to_string()
}

pub fn outcome_text(outcome: Outcome) -> String {
    match outcome {
        Outcome::Pending => "pending".into(),
        Outcome::Accepted => "accepted".into(),
        Outcome::Rejected(reason) => format!("rejected: {reason}"),
        Outcome::Refused(reason) => format!("refused: {reason}"),
        Outcome::Failed(error) => format!("failed: {error}"),
        Outcome::DeadLettered(error) => format!("dead-lettered: {error}"),
        Outcome::Discarded => "discarded".into(),
        Outcome::Consumed => "delivered".into(),
        Outcome::Answered => "answered".into(),
        Outcome::TimedOut => "timed out".into(),
    }
}

pub fn kind_badge(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Command => "CMD",
        MessageKind::Event => "EVT",
        MessageKind::Query => "QRY",
        MessageKind::QueryResponse => "RSP",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sim::{SimConfig, UserAction};

    fn busy_sim() -> Sim {
        let mut sim = Sim::airline(SimConfig::default());
        for _ in 0..4 {
            sim.act(UserAction::ListTiers).unwrap();
            sim.act(UserAction::CheckPoints {
                customer_id: "C12345".into(),
            })
            .unwrap();
        }
        sim.run_until_idle(100_000);
        sim
    }

    fn ids(page: &LogPage) -> Vec<MessageId> {
        page.rows.iter().map(|r| r.id).collect()
    }

    #[test]
    fn pages_walk_back_and_forth_through_every_matching_message() {
        let sim = busy_sim();
        let all: Vec<MessageId> = sim.messages().map(|m| m.message_id).collect();
        assert_eq!(all.len(), 16, "eight queries and their answers");
        let filter = LogFilter::default();

        let newest = log_page(&sim, &filter, None, 5);
        assert_eq!(ids(&newest), all[11..]);
        assert_eq!((newest.matched, newest.older, newest.newer), (16, 11, 0));
        assert_eq!(newest.newer_before, None);

        let mut seen = ids(&newest);
        let mut page = newest.clone();
        while let Some(before) = page.older_before() {
            page = log_page(&sim, &filter, Some(before), 5);
            assert!(page.rows.len() <= 5);
            seen.splice(0..0, ids(&page));
        }
        assert_eq!(seen, all, "every message once, in order");
        assert_eq!(ids(&page), all[..1]);
        assert_eq!((page.older, page.newer), (0, 15));

        assert_eq!(page.go(Pager::Older), None, "nothing older");
        assert_eq!(page.go(Pager::Newest), Some(None));
        assert_eq!(newest.go(Pager::Newer), None, "nothing newer");
        assert_eq!(newest.go(Pager::Newest), None);
        assert_eq!(newest.go(Pager::Older), Some(Some(all[11])));

        // Forward again from the oldest page: 1, then 2..=6, then 7..=11, then the newest.
        let next = log_page(&sim, &filter, page.newer_before, 5);
        assert_eq!(ids(&next), all[1..6]);
        let next = log_page(&sim, &filter, next.newer_before, 5);
        assert_eq!(ids(&next), all[6..11]);
        assert_eq!(next.newer_before, None, "the page after is the newest");
    }

    #[test]
    fn filters_combine_and_an_unknown_service_matches_nothing() {
        let sim = busy_sim();
        let queries = LogFilter {
            kind: KindFilter::Queries,
            service: Some("loyalty".into()),
            in_flight_only: false,
        };
        assert_eq!(log_page(&sim, &queries, None, 100).matched, 16);
        let commands = LogFilter {
            kind: KindFilter::Commands,
            ..LogFilter::default()
        };
        assert_eq!(log_page(&sim, &commands, None, 100).matched, 0);
        let nowhere = LogFilter {
            service: Some("no-such-service".into()),
            ..LogFilter::default()
        };
        let page = log_page(&sim, &nowhere, None, 100);
        assert_eq!((page.rows.len(), page.matched), (0, 0));
        assert_eq!(
            empty_note(&page, &nowhere, 5000).as_deref(),
            Some("No message matches these filters.")
        );
    }

    #[test]
    fn in_flight_only_lists_exactly_the_messages_on_the_wire() {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(UserAction::ListTiers).unwrap();
        let filter = LogFilter {
            in_flight_only: true,
            ..LogFilter::default()
        };
        let mut was_listed = 0;
        // Walk the query's round trip: request out, answer back, then nothing.
        while sim.next_due().is_some() {
            let hops = sim.step();
            let page = log_page(&sim, &filter, None, 100);
            let on_wire: Vec<MessageId> = sim
                .messages()
                .map(|m| m.message_id)
                .filter(|&id| sim.hops_in_flight(id) > 0)
                .collect();
            assert_eq!(ids(&page), on_wire, "after {hops:?}");
            was_listed += page.rows.len();
        }
        assert!(
            was_listed >= 2,
            "the request and then the response were listed"
        );
        assert_eq!(log_page(&sim, &filter, None, 100).matched, 0);
        assert!(log_page(&sim, &LogFilter::default(), None, 100).matched == 2);
    }

    #[test]
    fn a_page_older_than_the_kept_history_is_empty_and_says_why() {
        let mut sim = Sim::airline(SimConfig {
            history_limit: 4,
            ..SimConfig::default()
        });
        let mut first = None;
        for _ in 0..4 {
            let c = sim.act(UserAction::ListTiers).unwrap();
            sim.run_until_idle(1000);
            first = first.or(sim
                .messages()
                .find(|m| m.correlation_id == c)
                .map(|m| m.message_id));
        }
        let filter = LogFilter::default();
        let page = log_page(&sim, &filter, first, 5);
        assert!(page.rows.is_empty());
        assert_eq!((page.matched, page.newer, page.newest), (4, 4, false));
        assert!(page.history_passed);
        assert_eq!(summary(&page), "0 of 4");
        assert_eq!(
            empty_note(&page, &filter, 4).as_deref(),
            Some("The messages before this page are gone: the core keeps the newest 4.")
        );
        assert_eq!(
            page.newer_before, None,
            "Newer goes back to the newest page"
        );
    }

    #[test]
    fn an_anchor_past_the_newest_message_is_the_newest_page() {
        let sim = busy_sim();
        let page = log_page(&sim, &LogFilter::default(), Some(1_000_000), 5);
        assert_eq!(page, log_page(&sim, &LogFilter::default(), None, 5));
    }

    #[test]
    fn the_summary_says_where_the_page_is_and_an_empty_page_why() {
        let sim = busy_sim();
        let filter = LogFilter::default();
        let newest = log_page(&sim, &filter, None, 5);
        assert_eq!(summary(&newest), "Newest 5 of 16");
        assert_eq!(empty_note(&newest, &filter, 5000), None);
        let older = log_page(&sim, &filter, newest.older_before(), 5);
        assert_eq!(summary(&older), "7 to 11 of 16");
        let everything = log_page(&sim, &filter, None, 100);
        assert_eq!(summary(&everything), "16 messages");
        let one = LogPage {
            rows: everything.rows[..1].to_vec(),
            matched: 1,
            kept: 16,
            newest: true,
            ..LogPage::default()
        };
        assert_eq!(summary(&one), "1 message");

        let note = |page: &LogPage, filter: &LogFilter| empty_note(page, filter, 5000).unwrap();
        let in_flight = LogFilter {
            in_flight_only: true,
            ..LogFilter::default()
        };
        let idle = log_page(&sim, &in_flight, None, 5);
        assert_eq!(summary(&idle), "0 of 0");
        assert_eq!(
            note(&idle, &in_flight),
            "No matching message is in flight now."
        );
        let commands = LogFilter {
            kind: KindFilter::Commands,
            ..LogFilter::default()
        };
        let none = log_page(&sim, &commands, None, 5);
        assert_eq!(note(&none, &commands), "No message matches these filters.");
        let fresh = Sim::airline(SimConfig::default());
        let empty = log_page(&fresh, &filter, None, 5);
        assert_eq!(summary(&empty), "No messages yet");
        assert_eq!(
            note(&empty, &filter),
            "No messages yet: press a scenario button."
        );
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    /// A command's row from the Mobile App to Booking, for tests of what rows become.
    pub(crate) fn row(id: MessageId, type_name: &str, outcome: &str) -> LogRow {
        LogRow {
            id,
            kind: MessageKind::Command,
            type_name: type_name.into(),
            correlation: 1,
            from: "mobile-app".into(),
            to: "booking".into(),
            time: "12:00:01.000".into(),
            outcome: outcome.into(),
            status: if outcome.starts_with("refused") {
                "refused"
            } else {
                "handled"
            },
            deliveries: Vec::new(),
        }
    }

    #[test]
    fn runs_of_the_same_refusal_fold_into_one_line_and_the_rest_stay() {
        let full =
            "refused: booking's queue is full (1000 messages waiting); the broker refused it";
        let mut rows = vec![row(1, "CreateBooking", "accepted")];
        rows.extend((2..=5).map(|id| row(id, "CreateBooking", full)));
        rows.push(row(6, "BookingCreated", "pending"));
        rows.extend((7..=8).map(|id| row(id, "CreateBooking", full)));
        let items = fold_refusals(&rows);
        assert_eq!(items.len(), 5, "{items:?}");
        assert_eq!(items[0], LogItem::One(rows[0].clone()));
        match &items[1] {
            LogItem::Refusals { text, rows: folded } => {
                assert_eq!(text, "CreateBooking refused: booking's queue is full");
                assert_eq!(
                    folded.iter().map(|r| r.id).collect::<Vec<_>>(),
                    [2, 3, 4, 5]
                );
            }
            other => panic!("not folded: {other:?}"),
        }
        assert_eq!(items[2], LogItem::One(rows[5].clone()));
        // Two in a row are not yet "repeated".
        assert_eq!(items[3], LogItem::One(rows[6].clone()));
        assert_eq!(items[4], LogItem::One(rows[7].clone()));
        // One full queue refusing two types is one run, named by both.
        let mixed: Vec<LogRow> = (1..=4)
            .map(|id| {
                row(
                    id,
                    if id == 2 {
                        "CancelBooking"
                    } else {
                        "CreateBooking"
                    },
                    full,
                )
            })
            .collect();
        match &fold_refusals(&mixed)[..] {
            [LogItem::Refusals { text, rows }] => {
                assert_eq!(
                    text,
                    "CreateBooking and CancelBooking refused: booking's queue is full"
                );
                assert_eq!(rows.len(), 4);
            }
            other => panic!("not one fold: {other:?}"),
        }
        let mut three = mixed.clone();
        three[3].type_name = "FlightPriceAdjusted".into();
        match &fold_refusals(&three)[..] {
            [LogItem::Refusals { text, .. }] => assert_eq!(
                text,
                "CreateBooking, CancelBooking and FlightPriceAdjusted refused: booking's queue is full"
            ),
            other => panic!("not one fold: {other:?}"),
        }
        // A different reason starts a new run.
        let mut two_reasons = mixed.clone();
        two_reasons[3].outcome = "refused: booking is down".into();
        assert_eq!(fold_refusals(&two_reasons).len(), 2);
        // Accepted rows never fold, however many.
        let accepted: Vec<LogRow> = (1..=5)
            .map(|id| row(id, "CreateBooking", "accepted"))
            .collect();
        assert_eq!(fold_refusals(&accepted).len(), 5);
    }

    #[test]
    fn an_event_nobody_hears_says_so_instead_of_delivered() {
        let mut sim = Sim::airline(SimConfig::default());
        sim.act(crate::sim::Scenario::BookFl123.action()).unwrap();
        sim.run_until_idle(10_000);
        let outcome = |type_name: &str| {
            let m = sim.messages().find(|m| m.type_name == type_name).unwrap();
            log_row(&sim, m).outcome
        };
        assert_eq!(
            outcome("LoyaltyPointsCredited"),
            "published; no subscribers"
        );
        assert_eq!(outcome("BookingCreated"), "delivered");
    }

    #[test]
    fn a_held_place_shows_the_page_as_it_was_and_counts_what_came_since() {
        let mut sim = busy_sim();
        let filter = LogFilter::default();
        let newest = log_page(&sim, &filter, None, 100);
        let held = LogPlace {
            chosen: None,
            held: Some(sim.total_messages() + 1),
        };
        assert_eq!(
            log_page(&sim, &filter, held.before(), 100),
            newest,
            "nothing new yet"
        );
        sim.act(UserAction::ListTiers).unwrap();
        sim.run_until_idle(1000);
        let page = log_page(&sim, &filter, held.before(), 100);
        assert_eq!(page.rows, newest.rows, "the rows stay put");
        assert_eq!(page.newer, 2, "a query and its answer wait below");
        let chosen = LogPlace {
            chosen: Some(3),
            ..held
        };
        assert_eq!(chosen.before(), Some(3), "the pager's choice wins");
    }
}
