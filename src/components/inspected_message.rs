use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::components::json_view::JsonView;
use crate::listing::{kind_badge, log_row, LogRow};
use crate::live::LiveSim;
use crate::on_demand::PartMissing;
use crate::sim::{MessageId, MessageKind, Sim};

// Here rather than in the shell beside it, so the shell uses the part and not the other way.
/// What the inspector says while no message is selected.
pub(crate) const NOTHING_SELECTED: &str =
    "Select a message in the log, a token or an edge to read its envelope and payload.";

/// What the inspector shows of one message, gathered in one read of the simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageDetails {
    /// What the log says of it: id, kind, type, route, time and outcome.
    pub line: LogRow,
    pub correlation_id: u64,
    /// The first retained message of the same user action.
    pub correlation_root: Option<MessageId>,
    pub causation_id: Option<MessageId>,
    pub children: Vec<MessageId>,
    pub envelope: Value,
    pub payload: Value,
    /// For a query or its response: the whole exchange.
    pub exchange: Option<Exchange>,
}

/// A query's request and, once it has arrived, its response.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    pub request_id: MessageId,
    pub request: Value,
    pub response: Option<(MessageId, Value)>,
}

pub fn message_details(sim: &Sim, id: MessageId) -> Option<MessageDetails> {
    let message = sim.message(id)?;
    let topology = sim.topology();
    let exchange = match message.kind {
        MessageKind::Query | MessageKind::QueryResponse => {
            let request_id = if message.kind == MessageKind::Query {
                Some(id)
            } else {
                sim.request_of(id)
            };
            request_id.and_then(|request_id| {
                let request = sim.message(request_id)?;
                let response = sim
                    .response_of(request_id)
                    .and_then(|r| sim.message(r))
                    .map(|r| (r.message_id, r.payload.clone()));
                Some(Exchange {
                    request_id,
                    request: request.payload.clone(),
                    response,
                })
            })
        }
        _ => None,
    };
    Some(MessageDetails {
        line: log_row(sim, message),
        correlation_id: message.correlation_id,
        correlation_root: sim
            .messages()
            .find(|m| m.correlation_id == message.correlation_id)
            .map(|m| m.message_id),
        causation_id: message.causation_id,
        children: sim.children_of(id),
        envelope: message.to_json(topology),
        payload: message.payload.clone(),
        exchange,
    })
}

/// The selected message: its envelope with links to the messages around it, its JSON
/// payload as a tree, a copy button, and for a query both the request and the response.
#[component]
pub fn InspectedMessage(
    /// The running simulation.
    live: LiveSim,
    /// The selected message; the causation and correlation links change it.
    selected: RwSignal<Option<MessageId>>,
) -> impl IntoView {
    let details = Memo::new(move |_| {
        selected
            .get()
            .map(|id| (id, live.read(|sim| message_details(sim, id)).flatten()))
    });
    let (copied, set_copied) = signal(None::<&'static str>);
    let link = move |id: MessageId| {
        view! {
            <button class="link" on:click=move |_| selected.set(Some(id))>{format!("#{id}")}</button>
        }
    };
    move || {
        match details.get() {
            None => view! { <p class="empty">{NOTHING_SELECTED}</p> }.into_any(),
            Some((id, None)) => view! { <p class="empty">{format!("Message #{id} is no longer kept: the log holds the newest messages only.")}</p> }.into_any(),
            Some((_, Some(d))) => {
                let copy_text = serde_json::to_string_pretty(&d.envelope).unwrap_or_default();
                let copy = move |_| {
                    copy_to_clipboard(&copy_text, move |status| {
                        let _ = set_copied.try_set(Some(status));
                        gloo_timers::callback::Timeout::new(2500, move || {
                            let _ = set_copied.try_set(None);
                        })
                        .forget();
                    });
                };
                let parent = d.causation_id.map(|p| view! { <dt>"Caused by"</dt><dd>{link(p)}</dd> });
                let root = d.correlation_root.filter(|&r| r != d.line.id).map(link);
                let children = (!d.children.is_empty()).then(|| view! {
                    <dt>"Caused"</dt><dd class="links">{d.children.iter().map(|&c| link(c)).collect::<Vec<_>>()}</dd>
                });
                let body = match d.exchange.clone() {
                    Some(Exchange { request_id, request, response }) => view! {
                        <h3 class="section-title">{format!("Request #{request_id}")}</h3>
                        <JsonView value=request />
                        <h3 class="section-title">
                            {match &response { Some((rid, _)) => format!("Response #{rid}"), None => "Response".to_string() }}
                        </h3>
                        {match response {
                            Some((_, payload)) => view! { <JsonView value=payload /> }.into_any(),
                            None => view! { <p class="pending">{if d.line.outcome == "timed out" { "Timed out: the caller stopped waiting." } else { "Waiting for the response…" }}</p> }.into_any(),
                        }}
                    }.into_any(),
                    None => view! {
                        <h3 class="section-title">"Payload"</h3>
                        <JsonView value=d.payload.clone() />
                    }.into_any(),
                };
                view! {
                    <div class="message-details" data-message-id=d.line.id.to_string() data-kind=d.line.kind.as_str()>
                        <p class="message-title">
                            <span class=format!("kind-badge kind-{}", d.line.kind.as_str())>{kind_badge(d.line.kind)}</span>
                            <strong class="message-type">{d.line.type_name.clone()}</strong>
                            <span class="message-id">{format!("#{} · {}", d.line.id, d.line.kind.as_str())}</span>
                        </p>
                        <dl class="envelope">
                            <dt>"From → to"</dt><dd>{format!("{} → {}", d.line.from, d.line.to)}</dd>
                            <dt>"Time"</dt><dd>{d.line.time.clone()}</dd>
                            <dt>"Outcome"</dt><dd>{d.line.outcome.clone()}</dd>
                            <dt>"Correlation"</dt><dd>{format!("action {} ", d.correlation_id)}{root.map(|r| view! { "started by " {r} })}</dd>
                            {parent}
                            {children}
                        </dl>
                        {body}
                        <div class="copy-row">
                            <button on:click=copy>"Copy JSON"</button>
                            <span class="copy-status" role="status">{move || copied.get().unwrap_or("")}</span>
                        </div>
                    </div>
                }.into_any()
            }
        }
    }
}

/// The inspected message, mounted: a part of its own, fetched when a message is first
/// selected (as the Trace tree is).
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(inspected_message, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn inspected_message_part(
    live: LiveSim,
    selected: RwSignal<Option<MessageId>>,
) -> Result<AnyView, PartMissing> {
    Ok(view! { <InspectedMessage live selected /> }.into_any())
}

/// Writes text to the clipboard where the browser offers one (secure contexts only) and
/// reports the outcome, which arrives later: the browser may still refuse.
fn copy_to_clipboard(text: &str, report: impl FnOnce(&'static str) + Clone + 'static) {
    let clipboard = window().navigator().clipboard();
    let js: &wasm_bindgen::JsValue = clipboard.as_ref();
    if !js.is_object() {
        report("Copy is not available here: select the text instead");
        return;
    }
    let failed = report.clone();
    let done = Closure::once(move |_: JsValue| report("Copied"));
    let refused = Closure::once(move |_: JsValue| failed("The browser refused the clipboard"));
    let _ = clipboard.write_text(text).then2(&done, &refused);
    // Only one of the two ever runs; both must outlive this call.
    done.forget();
    refused.forget();
}
