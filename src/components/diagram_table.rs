use leptos::html::Div;
use leptos::prelude::*;

use crate::diagram_markup::DiagramState;
use crate::diagram_table::{diagram_table, every_service_lines};
use crate::dom_patch::patch_children;
use crate::live::LiveSim;
use crate::markup::Node as MarkupNode;

/// The diagram as a table: each service with its status, its queue, and what it sends and
/// receives by kind and counterparty. Always in the page for assistive technology; shown
/// on screen when "Show" asks for it.
#[component]
pub fn DiagramTable(
    /// The running simulation, for each service's status and queue depth.
    live: LiveSim,
    /// Whether the table is on screen, not only read out.
    #[prop(into)]
    shown: Signal<bool>,
) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let lines = StoredValue::new_local(
        live.peek(|sim| every_service_lines(sim.topology()))
            .unwrap_or_default(),
    );
    // Markup patched in place, like the diagram's: only the cells that changed are touched.
    let applied = StoredValue::new_local(Vec::<MarkupNode>::new());
    Effect::new(move |_| {
        let Some(markup) = live.read(|sim| {
            let state = DiagramState::of(sim, None, None);
            lines.with_value(|lines| vec![diagram_table(sim.topology(), lines, &state.nodes)])
        }) else {
            return;
        };
        let Some(host) = host.get() else {
            return;
        };
        applied.update_value(|applied| {
            patch_children(&host, applied, &markup);
            *applied = markup;
        });
    });
    view! {
        // On screen it may scroll sideways, so it takes the focus then, for the arrow keys.
        <div
            class="table-view"
            class:visually-hidden=move || !shown.get()
            role=move || shown.get().then_some("region")
            aria-label=move || shown.get().then_some("Table view")
            tabindex=move || shown.get().then_some("0")
            node_ref=host
        ></div>
    }
}
