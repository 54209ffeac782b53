use leptos::html::Div;
use leptos::prelude::*;

use crate::on_demand::PartMissing;

use crate::components::clicked_attribute;
use crate::dom_patch::{patch_children, patch_keyed};
use crate::flow::chain::Chain;
use crate::flow::sequence::{
    drawn_height, heads_markup, sequence, sequence_frame, sequence_markup, Lanes, SequenceMarkup,
    Window, PX_PER_MS,
};
use crate::listing::clock_time;
use crate::live::LiveSim;
use crate::markup::Node;
use crate::sim::{fixed, MessageId};

/// The flow as a timeline beside the diagram: a lifeline per service (the broker too), time
/// running down, each hop an arrow in the diagram's grammar, processing, queue waits and a
/// caller blocked on a query as bars. It follows the clock until the reader scrolls back,
/// then holds still there; only the messages in view are drawn. Clicking an arrow or bar
/// selects its message everywhere; with the keyboard, ↑ and ↓ select the previous and next
/// message in view.
#[component]
pub fn SequenceView(
    /// The running simulation, read in the Flow lane.
    live: LiveSim,
    /// The selected message: set by a click on an arrow, and by ↑ and ↓.
    selected: RwSignal<Option<MessageId>>,
    /// The selected message's causes and effects, marked on their arrows.
    #[prop(into)]
    chain: Signal<Option<Chain>>,
    /// Told the window of time on screen, for the exports of "what is in view".
    visible: WriteSignal<Option<Window>>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let spacer = NodeRef::<Div>::new();
    let drawing = NodeRef::<Div>::new();
    let heads = NodeRef::<Div>::new();
    let following = RwSignal::new(true);
    let scrolled = RwSignal::new(0u32);
    let one_in = RwSignal::new(1u64);
    // Where the view was last scrolled to, to tell the reader's scrolling up from the rest.
    let last_top = StoredValue::new_local(0i32);
    // What each part of the drawing was last patched to (see `SequenceMarkup`).
    let applied = StoredValue::new_local(SequenceMarkup::default());
    let applied_heads = StoredValue::new_local(Vec::<Node>::new());
    // The messages in view in the order their first arrow departs, for ↑ and ↓.
    let in_view = StoredValue::new_local(Vec::<MessageId>::new());

    Effect::new(move |_| {
        let follow = following.get();
        scrolled.track();
        let (Some(scroll), Some(spacer), Some(drawing), Some(heads)) =
            (scroller.get(), spacer.get(), drawing.get(), heads.get())
        else {
            return;
        };
        let svg = match drawing.first_element_child() {
            Some(svg) => svg,
            None => {
                patch_children(&drawing, &[], &[sequence_frame()]);
                let Some(svg) = drawing.first_element_child() else {
                    return;
                };
                svg
            }
        };
        let width = f64::from(scroll.client_width());
        let height =
            (f64::from(scroll.client_height()) - f64::from(heads.offset_height())).max(0.0);
        let top_now = f64::from(scroll.scroll_top());
        let Some((markup, head_markup, total, top, window, drawn_ids, omitted, lanes_width)) =
            chain.with(|chain| {
                live.read(|sim| {
                    let total = drawn_height(sim);
                    let bottom = (total - height).max(0.0);
                    let top = if follow { bottom } else { top_now.min(bottom) };
                    let window = Window::at(top, height);
                    // Half a screen more on each side, so a small scroll finds it drawn.
                    let margin = Window::at(top - height / 2.0, height * 2.0);
                    let lanes = Lanes::new(sim.topology(), width);
                    let drawn = sequence(sim, margin, chain.as_ref());
                    let mut ids: Vec<MessageId> = Vec::new();
                    for arrow in drawn
                        .arrows
                        .iter()
                        .filter(|a| window.meets(a.depart, a.arrive))
                    {
                        if !ids.contains(&arrow.message) {
                            ids.push(arrow.message);
                        }
                    }
                    let markup =
                        sequence_markup(sim.topology(), &lanes, margin, total.max(height), &drawn);
                    let head = heads_markup(sim.topology(), &lanes);
                    (
                        markup,
                        vec![head],
                        total,
                        top,
                        window,
                        ids,
                        drawn.one_in,
                        lanes.width,
                    )
                })
            })
        else {
            return;
        };
        let drawn_height = fixed(total.max(height), 0);
        // The scroll range is the run's length: scrolled to the bottom, the view ends now.
        let _ = spacer.set_attribute("style", &format!("height:{drawn_height}px"));
        let _ = svg.set_attribute("width", &fixed(lanes_width, 0));
        let _ = svg.set_attribute("height", &drawn_height);
        let _ = svg.set_attribute(
            "class",
            if markup.has_chain {
                "sequence-svg has-chain"
            } else {
                "sequence-svg"
            },
        );
        let _ = svg.set_attribute(
            "aria-label",
            &format!(
                "Messages from {} to {}",
                clock_time(window.from),
                clock_time(window.to)
            ),
        );
        applied_heads.update_value(|applied| {
            patch_children(&heads, applied, &head_markup);
            *applied = head_markup;
        });
        let groups = svg.children();
        applied.update_value(|applied| {
            if let (Some(lifelines), Some(ticks), Some(bars), Some(arrows)) = (
                groups.item(1),
                groups.item(2),
                groups.item(3),
                groups.item(4),
            ) {
                patch_children(&lifelines, &applied.lifelines, &markup.lifelines);
                patch_keyed(&ticks, &applied.ticks, &markup.ticks);
                patch_keyed(&bars, &applied.bars, &markup.bars);
                patch_keyed(&arrows, &applied.arrows, &markup.arrows);
            }
            *applied = markup;
        });
        if follow {
            scroll.set_scroll_top(top as i32);
            last_top.set_value(scroll.scroll_top());
        }
        in_view.set_value(drawn_ids);
        one_in.set(omitted);
        visible.set(Some(window));
    });

    // Gone from the page, the view shows no window: "what is in view" exports nothing then.
    on_cleanup(move || {
        let _ = visible.try_set(None);
    });

    // A message selected elsewhere (the log, the diagram, the Trace panel) is brought into
    // view, a little below the top, and the view holds still there.
    Effect::new(move |_| {
        let Some(id) = selected.get() else {
            return;
        };
        if in_view.with_value(|ids| ids.contains(&id)) {
            return;
        }
        let Some(scroll) = scroller.get_untracked() else {
            return;
        };
        let at = live
            .peek(|sim| Some(sim.message(id)?.timestamp as f64 * PX_PER_MS))
            .flatten();
        if let Some(y) = at {
            following.set(false);
            scroll.set_scroll_top((y - 40.0).max(0.0) as i32);
            last_top.set_value(scroll.scroll_top());
            scrolled.update(|n| *n = n.wrapping_add(1));
        }
    });

    let on_scroll = move |_| {
        let Some(scroll) = scroller.get_untracked() else {
            return;
        };
        // Only the reader scrolling up stops the following: the view's own scrolling
        // always goes down, and a change of layout must not stop it either.
        let top = scroll.scroll_top();
        let at_bottom = top + scroll.client_height() >= scroll.scroll_height() - 4;
        let went_up = top < last_top.get_value() - 2;
        last_top.set_value(top);
        if at_bottom && !following.get_untracked() {
            following.set(true);
        } else if went_up && following.get_untracked() {
            following.set(false);
        }
        scrolled.update(|n| *n = n.wrapping_add(1));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let step: isize = match ev.key().as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            _ => return,
        };
        ev.prevent_default();
        let ids = in_view.get_value();
        let at = selected
            .get_untracked()
            .and_then(|s| ids.iter().position(|&id| id == s));
        let next = match at {
            Some(i) => i.checked_add_signed(step),
            None if step > 0 => Some(0),
            None => ids.len().checked_sub(1),
        };
        if let Some(&id) = next.and_then(|i| ids.get(i)) {
            selected.set(Some(id));
        }
    };

    view! {
        <section class="panel sequence-panel" role="region" aria-label="Sequence">
            <header class="panel-header">
                <h2>"Sequence"</h2>
                <p class="sequence-note">
                    {move || match one_in.get() {
                        1 => String::new(),
                        n => format!("1 in {n} messages drawn"),
                    }}
                </p>
                <button
                    class="sequence-follow"
                    hidden=move || following.get()
                    on:click=move |_| following.set(true)
                >
                    "Follow live ↓"
                </button>
            </header>
            <div
                class="sequence-scroller"
                node_ref=scroller
                tabindex="0"
                role="group"
                aria-label="Messages over time, newest at the bottom. Up and Down select the previous and next message."
                on:scroll=on_scroll
                on:keydown=on_key
                on:click=move |ev| {
                    if let Some(id) = clicked_attribute::<MessageId>(&ev, "data-message-id") {
                        selected.set(Some(id));
                    }
                }
            >
                <div class="sequence-heads-holder" node_ref=heads></div>
                <div class="sequence-spacer" node_ref=spacer>
                    <div class="sequence-drawing" node_ref=drawing></div>
                </div>
            </div>
        </section>
    }
}

/// The sequence view, fetched as a chunk of its own the first time it is shown.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(sequence_view, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn sequence_view_part(
    live: LiveSim,
    selected: RwSignal<Option<MessageId>>,
    chain: Signal<Option<Chain>>,
    visible: WriteSignal<Option<Window>>,
) -> Result<AnyView, PartMissing> {
    Ok(view! { <SequenceView live selected chain visible /> }.into_any())
}
