use leptos::html::Div;
use leptos::prelude::*;

use crate::components::clicked_attribute;
use crate::dom_patch::{patch_children, set_attribute, set_text};
use crate::flow::chain::Chain;
use crate::listing::{
    empty_note, fold_refusals, grouped, log_page, summary, LogFilter, LogPlace, Pager,
};
use crate::live::LiveSim;
use crate::log_markup::{log_header, log_markup, pager_markup, rows_frame};
use crate::markup::Node;
use crate::sim::MessageId;

/// The pager's buttons, in the order of their `data-pager` index (see [`pager_markup`]).
const PAGERS: [Pager; 3] = [Pager::Older, Pager::Newer, Pager::Newest];

/// How many matching messages one page of the log shows.
pub const LOG_ROWS: usize = 100;
/// Scrolled further than this from the bottom, in CSS pixels, the reader has left the
/// newest messages to read older ones, and the log stops following.
const FOLLOW_SLACK_PX: i32 = 24;

/// Every message in order: kind, type, from → to, simulated time and outcome, filterable by
/// kind and by service. Clicking an entry selects it for the payload inspector. It follows
/// the newest message until the reader scrolls up, points at it or focuses a row with the
/// keyboard; then the rows hold still and a "N new ↓" button counts what came since.
#[component]
pub fn MessageLog(
    /// The running simulation.
    live: LiveSim,
    /// The selected message; the log highlights it and sets it on click.
    selected: RwSignal<Option<MessageId>>,
    /// The selected message's causes and effects, marked on their rows.
    #[prop(into)]
    chain: Signal<Option<Chain>>,
    /// The message under the pointer or keyboard focus, for the diagram to preview.
    preview: WriteSignal<Option<MessageId>>,
    /// The page the pager chose and where the newest page holds still while read.
    place: RwSignal<LogPlace>,
    /// What the log shows, kept by the page: set before the log arrived, it holds.
    filter: RwSignal<LogFilter>,
    /// Takes the keyboard to the selected message's payload.
    on_read_payload: Callback<()>,
) -> impl IntoView {
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
    let header = log_header(&service_ids, &filter.get_untracked());
    let listing = Memo::new(move |_| {
        let filter = filter.get();
        live.read(|sim| log_page(sim, &filter, place.get().before(), LOG_ROWS))
            .unwrap_or_default()
    });
    // The rows alone: on a page that stands still, the counts around it change with every
    // refresh while the rows do not, and they need not be rebuilt for that.
    let rows = Memo::new(move |_| listing.with(|page| page.rows.clone()));
    let scroller = NodeRef::<Div>::new();
    // Why the newest page holds still: the reader points at the log, has a row in
    // keyboard focus, or has scrolled up. Plain values: they change what is shown only
    // through `place`.
    let pointer_over = StoredValue::new(false);
    let keyboard_in = StoredValue::new(false);
    let scrolled_away = StoredValue::new(false);
    // Where the log last scrolled itself. Its own scroll event arrives a frame later, when
    // new rows may already have grown the list below it; measured then, the log's own
    // scroll would look like the reader scrolling away.
    let own_scroll_top = StoredValue::new(None::<i32>);
    let scroll_to_bottom = move || {
        request_animation_frame(move || {
            // The reader may have scrolled up since this was asked for: browsers deliver
            // their scroll before the frame's callbacks, and the reader wins.
            if scrolled_away.try_get_value() != Some(false) {
                return;
            }
            if let Some(element) = scroller.try_get_untracked().flatten() {
                element.set_scroll_top(element.scroll_height());
                own_scroll_top.set_value(Some(element.scroll_top()));
            }
        });
    };
    let update_hold = move || {
        let reading =
            pointer_over.get_value() || keyboard_in.get_value() || scrolled_away.get_value();
        let current = place.get_untracked();
        if current.chosen.is_some() {
            return;
        }
        match (reading, current.held) {
            (true, None) => {
                // Hold before the next message to come: whatever arrives waits below.
                let next = live.peek(|sim| sim.total_messages() + 1).unwrap_or(1);
                place.set(LogPlace {
                    held: Some(next),
                    ..current
                });
            }
            (false, Some(_)) => {
                place.set(LogPlace {
                    held: None,
                    ..current
                });
                scroll_to_bottom();
            }
            _ => {}
        }
    };
    // A new filter starts from the newest messages: a page kept from before would mostly
    // show what the new filter leaves out.
    let refilter = move || {
        place.set(LogPlace::default());
        update_hold();
    };
    let show_newest = move || {
        scrolled_away.set_value(false);
        place.set(LogPlace::default());
        update_hold();
        scroll_to_bottom();
    };
    // The row under the pointer when it was pressed: rows may be rebuilt in place between
    // press and release, and the click must open what the reader pressed.
    let pressed = StoredValue::new(None::<MessageId>);
    let expanded = RwSignal::new(Vec::<MessageId>::new());

    // What the counts around the rows say (the summary, the note when no row shows, which
    // pager buttons lead anywhere and the "N new" button), written by one effect: these
    // change with every refresh, and a reactive binding each cost the wasm more.
    Effect::new(move |_| {
        let held = place.with(|p| p.held.is_some() && p.chosen.is_none());
        let filter = filter.get();
        let Some(root) = scroller
            .get()
            .and_then(|s| s.closest(".message-log").ok().flatten())
        else {
            return;
        };
        let find = |selector: &str| root.query_selector(selector).ok().flatten();
        listing.with(|page| {
            if let Some(count) = find(".log-count") {
                set_text(&count, &summary(page));
            }
            if let Some(empty) = find(".log-empty") {
                let note = empty_note(page, &filter, history_limit);
                set_text(&empty, note.as_deref().unwrap_or_default());
            }
            for (index, button) in PAGERS.into_iter().enumerate() {
                if let Some(element) = find(&format!("[data-pager=\"{index}\"]")) {
                    let nowhere = page.go(button).is_none();
                    set_attribute(
                        &element,
                        "aria-disabled",
                        if nowhere { "true" } else { "false" },
                    );
                }
            }
            if let Some(new) = find(".log-new") {
                let shown = held && page.newer > 0;
                let _ = new.toggle_attribute_with_force("hidden", !shown);
                if shown {
                    set_text(&new, &format!("{} new ↓", grouped(page.newer)));
                }
            }
        });
    });
    // Where a pager button leads; "N new" leads where Newest does.
    let turn_page = move |button: Pager| {
        if button == Pager::Newest {
            show_newest();
            return;
        }
        let Some(before) = listing.with_untracked(|page| page.go(button)) else {
            return;
        };
        place.set(LogPlace {
            chosen: before,
            held: None,
        });
        // Older continues upwards from the top of the page read so far, so it
        // opens at its newest row; Newer opens at its oldest.
        let to_top = button == Pager::Newer && before.is_some();
        request_animation_frame(move || {
            if let Some(element) = scroller.try_get_untracked().flatten() {
                element.set_scroll_top(if to_top { 0 } else { element.scroll_height() });
            }
        });
    };
    // Keep the newest entry in view while the reader follows. Whether they follow is decided
    // by their own scrolling, before new rows arrive: measured after, two new rows at once
    // looked like the reader had scrolled away, and the log stopped following for good.
    Effect::new(move |_| {
        listing.track();
        // A new selection resizes the inspector above, and with it this list's box.
        selected.track();
        if place.with_untracked(|p| p.before().is_none()) && !scrolled_away.get_value() {
            // In the next frame, where the layout that reading scroll_height forces is the
            // frame's own rather than an extra one in this task.
            scroll_to_bottom();
        }
    });

    // The rows are patched into the list by hand, from markup built by a pure function:
    // rebuilt as a view ten times a second with new contents in every row, they cost the
    // frame they landed in (see `markup`).
    let applied = StoredValue::new_local(Vec::<Node>::new());
    Effect::new(move |_| {
        let current = selected.get();
        let open = expanded.get();
        let markup = chain.with(|chain| {
            rows.with(|rows| log_markup(&fold_refusals(rows), current, chain.as_ref(), &open))
        });
        let Some(list) = scroller.get().and_then(|s| s.last_element_child()) else {
            return;
        };
        applied.update_value(|applied| {
            patch_children(&list, applied, &markup);
            *applied = markup;
        });
    });

    view! {
        <section
            class="panel message-log"
            class:has-chain=move || chain.with(Option::is_some)
            aria-label="Message log"
        >
            // Fixed markup with one handler for the filters' three controls, which costs the
            // page less than a view of each.
            <header class="panel-header" inner_html=header on:change=move |ev| {
                filter.update(|f| *f = filter_changed(&ev, f));
                refilter();
            }></header>
            <div
                class="log-pager"
                role="group"
                aria-label="Log pages"
                inner_html=pager_markup("", false)
                on:click=move |ev| {
                    if let Some(button) = clicked_attribute::<usize>(&ev, "data-pager").and_then(|i| PAGERS.get(i)) {
                        turn_page(*button);
                    }
                }
            ></div>
            <div
                class="log-body"
                // Over any part of the log, it holds; over a row, the diagram previews it.
                on:pointerover=move |ev| {
                    pointer_over.set_value(true);
                    update_hold();
                    preview.set(clicked_attribute(&ev, "data-message-id"));
                }
                on:pointerleave=move |_| {
                    pointer_over.set_value(false);
                    preview.set(None);
                    update_hold();
                }
                on:focusin=move |ev| {
                    use wasm_bindgen::JsCast;
                    // Focus from a click is not reading with the keyboard: the log would
                    // otherwise hold still after every click until focus went elsewhere.
                    let keyboard = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|e| e.matches(":focus-visible").unwrap_or(false));
                    keyboard_in.set_value(keyboard);
                    if keyboard {
                        if let Some(id) = clicked_attribute(&ev, "data-message-id") {
                            preview.set(Some(id));
                        }
                    }
                    update_hold();
                }
                on:focusout=move |_| {
                    keyboard_in.set_value(false);
                    preview.set(None);
                    update_hold();
                }
                on:pointerdown=move |ev| pressed.set_value(clicked_attribute(&ev, "data-message-id"))
                on:click=move |ev| {
                    let at_press = pressed.get_value();
                    pressed.set_value(None);
                    if clicked_attribute::<String>(&ev, "data-read-payload").is_some() {
                        on_read_payload.run(());
                    } else if clicked_attribute::<String>(&ev, "data-newest").is_some() {
                        show_newest();
                    // A row inside an open fold is a row; the fold's own line toggles it.
                    } else if let Some(id) = at_press.or_else(|| clicked_attribute(&ev, "data-message-id")) {
                        selected.set(Some(id));
                    } else if let Some(first) = clicked_attribute::<MessageId>(&ev, "data-fold") {
                        expanded.update(|open| match open.iter().position(|&f| f == first) {
                            Some(i) => {
                                open.remove(i);
                            }
                            None => open.push(first),
                        });
                    }
                }
            >
                <div
                    class="log-scroll"
                    node_ref=scroller
                    on:scroll=move |_| {
                        let Some(element) = scroller.get_untracked() else {
                            return;
                        };
                        let top = element.scroll_top();
                        if own_scroll_top.get_value() == Some(top) {
                            return; // the log's own scroll, not the reader's
                        }
                        own_scroll_top.set_value(None);
                        let distance = element.scroll_height() - top - element.client_height();
                        scrolled_away.set_value(distance > FOLLOW_SLACK_PX);
                        update_hold();
                    }
                    // The note when no row shows, and the list: one click handler for the whole
                    // list (on the log's body, below), and rows patched in place from the
                    // listing (above): a keyed list with a handler and an owner per row leaked
                    // wasm memory at 1,600 messages a second (bench/run.sh memory section).
                    inner_html=rows_frame("")
                ></div>
                <button type="button" class="log-new" data-newest hidden></button>
            </div>
        </section>
    }
}

/// `filter` with the change `ev` made to one of the log's filter controls: the empty log's
/// controls (see `log_at_rest`) and the log's own are the same markup, handled alike.
pub fn filter_changed(ev: &web_sys::Event, filter: &LogFilter) -> LogFilter {
    let control = clicked_attribute::<String>(ev, "data-filter");
    // Only the checkbox has `checked`: a select has none to read.
    let checked = control.as_deref() == Some("in-flight") && event_target_checked(ev);
    filter.changed(control.as_deref(), event_target_value(ev), checked)
}

/// The log's props as one value, which crosses into the engine's part, where the log is
/// built (see `engine.rs`): the same as [`MessageLog`]'s.
#[derive(Clone, Copy)]
pub struct LogHandles {
    pub live: LiveSim,
    pub selected: RwSignal<Option<MessageId>>,
    pub chain: Signal<Option<Chain>>,
    pub preview: WriteSignal<Option<MessageId>>,
    pub place: RwSignal<LogPlace>,
    pub filter: RwSignal<LogFilter>,
    pub on_read_payload: Callback<()>,
}

impl LogHandles {
    /// The log, built.
    pub fn view(self) -> AnyView {
        let LogHandles {
            live,
            selected,
            chain,
            preview,
            place,
            filter,
            on_read_payload,
        } = self;
        view! { <MessageLog live selected chain preview place filter on_read_payload /> }.into_any()
    }
}
