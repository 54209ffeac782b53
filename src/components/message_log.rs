use leptos::html::Div;
use leptos::prelude::*;

use crate::components::clicked_attribute;
use crate::live::LiveSim;
use crate::sim::{iso_time, Envelope, MessageId, MessageKind, Outcome, Sim, Topology};

/// How many of the newest matching messages the log keeps in the DOM.
pub const LOG_ROWS: usize = 100;

/// Which kinds of message the log shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindFilter {
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

    fn parse(value: &str) -> Self {
        match value {
            "command" => KindFilter::Commands,
            "event" => KindFilter::Events,
            "query" => KindFilter::Queries,
            _ => KindFilter::All,
        }
    }
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub id: MessageId,
    pub kind: MessageKind,
    pub type_name: String,
    pub from: String,
    pub to: String,
    pub time: String,
    pub outcome: String,
}

/// The newest `limit` messages that pass both filters, oldest first, and how many passed.
pub fn log_rows(
    sim: &Sim,
    kind: KindFilter,
    service: Option<&str>,
    limit: usize,
) -> (Vec<LogRow>, usize) {
    let topology = sim.topology();
    let service = service.and_then(|id| topology.index_of(id));
    let mut matched = 0;
    let mut rows = Vec::new();
    let all: Vec<_> = sim.messages().collect();
    for message in all.iter().rev() {
        let involves =
            service.is_none_or(|s| message.source == s || message.destination.contains(&s));
        if !kind.admits(message.kind) || !involves {
            continue;
        }
        matched += 1;
        if rows.len() < limit {
            let to = destination_text(topology, message);
            rows.push(LogRow {
                id: message.message_id,
                kind: message.kind,
                type_name: message.type_name.clone(),
                from: topology.id(message.source).to_string(),
                to,
                time: clock_time(message.timestamp),
                outcome: sim
                    .outcome_of(message.message_id)
                    .map(outcome_text)
                    .unwrap_or_default(),
            });
        }
    }
    rows.reverse();
    (rows, matched)
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
pub fn clock_time(at: crate::sim::SimTime) -> String {
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

/// Every message in order: kind, type, from → to, simulated time and outcome, filterable by
/// kind and by service. Clicking an entry selects it for the payload inspector.
#[component]
pub fn MessageLog(
    /// The running simulation.
    live: LiveSim,
    /// The selected message; the log highlights it and sets it on click.
    selected: RwSignal<Option<MessageId>>,
) -> impl IntoView {
    let (kind, set_kind) = signal(KindFilter::All);
    let (service, set_service) = signal(String::new());
    let service_ids = live
        .peek(|sim| {
            sim.topology()
                .services()
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let listing = Memo::new(move |_| {
        let service = service.get();
        let service = (!service.is_empty()).then_some(service.as_str());
        live.read(|sim| log_rows(sim, kind.get(), service, LOG_ROWS))
            .unwrap_or_default()
    });
    let scroller = NodeRef::<Div>::new();
    // Keep the newest entry in view while the reader is at the bottom; leave them alone
    // once they have scrolled up to read something.
    let follow_pending = StoredValue::new(false);
    Effect::new(move |_| {
        listing.track();
        // Reading scroll_height forces a synchronous layout of the whole page. In the next
        // animation frame that layout is the frame's own; done here it would be an extra one
        // in whatever task changed the log, the page's first task included.
        if follow_pending.get_value() {
            return;
        }
        follow_pending.set_value(true);
        request_animation_frame(move || {
            if follow_pending.try_set_value(false).is_some() {
                return; // unmounted meanwhile
            }
            if let Some(element) = scroller.try_get_untracked().flatten() {
                let distance =
                    element.scroll_height() - element.scroll_top() - element.client_height();
                if distance < 80 {
                    element.set_scroll_top(element.scroll_height());
                }
            }
        });
    });

    view! {
        <section class="panel message-log" aria-label="Message log">
            <header class="panel-header">
                <h2>"Message log"</h2>
                <div class="log-filters">
                    <select aria-label="Filter by kind" on:change:target=move |ev| set_kind.set(KindFilter::parse(&ev.target().value()))>
                        <option value="all">"All kinds"</option>
                        <option value="command">"Commands"</option>
                        <option value="event">"Events"</option>
                        <option value="query">"Queries"</option>
                    </select>
                    <select aria-label="Filter by service" on:change:target=move |ev| set_service.set(ev.target().value())>
                        <option value="">"All services"</option>
                        {service_ids.into_iter().map(|id| view! { <option value=id.clone()>{id.clone()}</option> }).collect::<Vec<_>>()}
                    </select>
                </div>
            </header>
            <p class="log-count">
                {move || {
                    let (rows, matched) = listing.get();
                    if matched == 0 {
                        "No messages yet: press a scenario button.".to_string()
                    } else if matched > rows.len() {
                        format!("Newest {} of {matched} messages", rows.len())
                    } else {
                        format!("{matched} messages")
                    }
                }}
            </p>
            <div class="log-scroll" node_ref=scroller>
                // One click handler for the whole list, and rows rebuilt in place from the
                // listing: a keyed list with a handler and an owner per row leaked wasm
                // memory at 1,600 messages a second (bench/run.sh memory section).
                <ol class="log-entries" on:click=move |ev| {
                    if let Some(id) = clicked_attribute(&ev, "data-message-id") {
                        selected.set(Some(id));
                    }
                }>
                    {move || {
                        let current = selected.get();
                        listing
                            .get()
                            .0
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <li
                                        class="log-entry"
                                        class:selected=current == Some(row.id)
                                        data-message-id=row.id.to_string()
                                        data-kind=row.kind.as_str()
                                        data-type=row.type_name.clone()
                                    >
                                        <button type="button">
                                            <span class=format!("kind-badge kind-{}", row.kind.as_str())>{kind_badge(row.kind)}</span>
                                            <span class="log-type">{row.type_name.clone()}</span>
                                            <span class="log-time">{row.time}</span>
                                            <span class="log-route">{format!("{} → {}", row.from, row.to)}</span>
                                            <span class="log-outcome" title=row.outcome.clone()>{row.outcome.clone()}</span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ol>
            </div>
        </section>
    }
}
