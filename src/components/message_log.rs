use leptos::html::Div;
use leptos::prelude::*;

use crate::components::clicked_attribute;
use crate::listing::{empty_note, kind_badge, log_page, summary, KindFilter, LogFilter, Pager};
use crate::live::LiveSim;
use crate::sim::MessageId;

/// How many matching messages one page of the log shows.
pub const LOG_ROWS: usize = 100;

/// Every message in order: kind, type, from → to, simulated time and outcome, filterable by
/// kind and by service. Clicking an entry selects it for the payload inspector.
#[component]
pub fn MessageLog(
    /// The running simulation.
    live: LiveSim,
    /// The selected message; the log highlights it and sets it on click.
    selected: RwSignal<Option<MessageId>>,
    /// The page shown: messages older than this one, or `None` for the newest page, which
    /// follows new messages. The log's pager buttons set it.
    page_before: RwSignal<Option<MessageId>>,
) -> impl IntoView {
    let (kind, set_kind) = signal(KindFilter::All);
    let (service, set_service) = signal(String::new());
    let (in_flight_only, set_in_flight_only) = signal(false);
    let (service_ids, history_limit) = live
        .peek(|sim| {
            let ids = sim
                .topology()
                .services()
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>();
            (ids, sim.config().history_limit)
        })
        .unwrap_or_default();
    let filter = move || LogFilter {
        kind: kind.get(),
        service: Some(service.get()).filter(|s| !s.is_empty()),
        in_flight_only: in_flight_only.get(),
    };
    let listing = Memo::new(move |_| {
        let filter = filter();
        live.read(|sim| log_page(sim, &filter, page_before.get(), LOG_ROWS))
            .unwrap_or_default()
    });
    // The rows alone: on a page that stands still, the counts around it change with every
    // refresh while the rows do not, and they need not be rebuilt for that.
    let rows = Memo::new(move |_| listing.with(|page| page.rows.clone()));
    // A new filter starts from the newest messages: a page kept from before would mostly
    // show what the new filter leaves out.
    let refilter = move || page_before.set(None);
    let scroller = NodeRef::<Div>::new();
    // One view for the three buttons: each distinct view costs the wasm several KB.
    // aria-disabled rather than disabled: a button that disables itself under the keyboard
    // would drop the focus to the page.
    let pager_button = move |button: Pager, label: &'static str, title: &'static str| {
        view! {
            <button type="button" title=title
                aria-disabled=move || listing.with(|page| page.go(button).is_none()).to_string()
                on:click=move |_| {
                    let Some(before) = listing.with_untracked(|page| page.go(button)) else {
                        return;
                    };
                    page_before.set(before);
                    // Older continues upwards from the top of the page read so far, so it
                    // opens at its newest row; Newer opens at its oldest.
                    let to_top = button == Pager::Newer && before.is_some();
                    request_animation_frame(move || {
                        if let Some(element) = scroller.try_get_untracked().flatten() {
                            element.set_scroll_top(if to_top { 0 } else { element.scroll_height() });
                        }
                    });
                }
            >{label}</button>
        }
    };
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
                    <select aria-label="Filter by kind" on:change:target=move |ev| {
                        set_kind.set(KindFilter::parse(&ev.target().value()));
                        refilter();
                    }>
                        <option value="all">"All kinds"</option>
                        <option value="command">"Commands"</option>
                        <option value="event">"Events"</option>
                        <option value="query">"Queries"</option>
                    </select>
                    <select aria-label="Filter by service" on:change:target=move |ev| {
                        set_service.set(ev.target().value());
                        refilter();
                    }>
                        <option value="">"All services"</option>
                        {service_ids.into_iter().map(|id| view! { <option value=id.clone()>{id.clone()}</option> }).collect::<Vec<_>>()}
                    </select>
                    <label class="log-in-flight">
                        <input type="checkbox" on:change:target=move |ev| {
                            set_in_flight_only.set(ev.target().checked());
                            refilter();
                        } />
                        "In flight"
                    </label>
                </div>
            </header>
            <div class="log-pager" role="group" aria-label="Log pages">
                <p class="log-count">
                    {move || listing.with(summary)}
                </p>
                {pager_button(Pager::Older, "Older", "The page of older messages")}
                {pager_button(Pager::Newer, "Newer", "The page of newer messages")}
                {pager_button(Pager::Newest, "Newest", "The newest messages, following new ones as they come")}
            </div>
            <div class="log-scroll" node_ref=scroller>
                <p class="log-empty">
                    {move || listing.with(|page| empty_note(page, &filter(), history_limit))}
                </p>
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
                        rows
                            .get()
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
