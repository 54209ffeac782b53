use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::clicked_attribute;
use crate::dom_patch::patch_children;
use crate::flow::chain::{step, Chain, ChainStep};
use crate::flow::trace_tree::{trace_markup, trace_rows};
use crate::live::LiveSim;
use crate::markup::Node;
use crate::on_demand::{on_demand, part_holder, PartMissing};
use crate::sim::MessageId;

/// The selected message's user action as a tree of causes and effects, each message with
/// its service and times (queue wait, processing, blocked on a query, total), as Jaeger
/// shows a trace. ← goes to the cause, → to the first effect, ↑ and ↓ to the siblings.
#[component]
pub fn TracePanel(
    /// The running simulation, read in the Flow lane.
    live: LiveSim,
    /// The selected message: set by a click on a row and by the arrow keys.
    selected: RwSignal<Option<MessageId>>,
    /// The chain around the selected message.
    #[prop(into)]
    chain: Signal<Option<Chain>>,
) -> impl IntoView {
    // The tree and its keys are a part of their own, fetched once something is selected.
    let opened =
        Memo::new(move |was: Option<&bool>| was == Some(&true) || chain.with(Option::is_some));
    view! {
        <section class="panel trace-panel" role="region" aria-label="Trace">
            <header class="panel-header">
                <h2>"Trace"</h2>
            </header>
            <Show when=move || opened.get()>
                {part_holder(Box::pin(on_demand!(trace_tree_part(live, selected, chain))))}
            </Show>
            // Shown while the tree is empty (see the stylesheet).
            <p class="empty trace-empty">
                "Select a message in the diagram, the log or the sequence to see what caused it and what it caused, with where the time went."
            </p>
        </section>
    }
}

/// The tree itself: rows patched as the chain changes, ← → ↑ ↓ to walk it.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(trace_tree, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn trace_tree_part(
    live: LiveSim,
    selected: RwSignal<Option<MessageId>>,
    chain: Signal<Option<Chain>>,
) -> Result<AnyView, PartMissing> {
    let holder = NodeRef::<Div>::new();
    let applied = StoredValue::new_local(Vec::<Node>::new());
    Effect::new(move |_| {
        let markup = chain
            .with(|chain| {
                let chain = chain.as_ref()?;
                live.read(|sim| vec![trace_markup(&trace_rows(sim, chain))])
            })
            .unwrap_or_default();
        let Some(holder) = holder.get() else {
            return;
        };
        applied.update_value(|applied| {
            patch_children(&holder, applied, &markup);
            *applied = markup;
        });
    });
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let how = match ev.key().as_str() {
            "ArrowLeft" => ChainStep::Parent,
            "ArrowRight" => ChainStep::FirstChild,
            "ArrowDown" => ChainStep::NextSibling,
            "ArrowUp" => ChainStep::PreviousSibling,
            _ => return,
        };
        ev.prevent_default();
        let Some(from) = clicked_attribute::<MessageId>(&ev, "data-message-id")
            .or_else(|| selected.get_untracked())
        else {
            return;
        };
        let Some(to) = live.peek(|sim| step(sim, from, how)).flatten() else {
            return;
        };
        selected.set(Some(to));
        // The tree is patched when the selection's chain is; focus follows in the next task.
        set_timeout(
            move || {
                let row = holder
                    .get_untracked()
                    .and_then(|h| {
                        h.query_selector(&format!("[data-message-id=\"{to}\"]"))
                            .ok()
                            .flatten()
                    })
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(row) = row {
                    let _ = row.focus();
                }
            },
            std::time::Duration::ZERO,
        );
    };
    Ok(view! {
        <div
            class="trace-holder"
            node_ref=holder
            on:keydown=on_key
            on:click=move |ev| {
                if let Some(id) = clicked_attribute::<MessageId>(&ev, "data-message-id") {
                    selected.set(Some(id));
                }
            }
        ></div>
    }
    .into_any())
}
