use leptos::prelude::*;

use crate::components::inspected_message::{inspected_message_part, NOTHING_SELECTED};
use crate::live::LiveSim;
use crate::on_demand::{on_demand, part_holder};
use crate::sim::MessageId;

/// The Payload inspector: the selected message's envelope, payload and links (see
/// `InspectedMessage`). Until a message is first selected it only says how to select one;
/// the rest is a part of its own, fetched then, and kept while the page lasts.
#[component]
pub fn PayloadInspector(
    /// The running simulation.
    live: LiveSim,
    /// The selected message; the causation and correlation links change it.
    selected: RwSignal<Option<MessageId>>,
) -> impl IntoView {
    let wanted =
        Memo::new(move |was: Option<&bool>| was == Some(&true) || selected.with(Option::is_some));
    view! {
        <section
            class="panel payload-inspector"
            class:is-empty=move || selected.with(Option::is_none)
            role="region"
            aria-label="Payload inspector"
            // The log and the I key send the keyboard here.
            tabindex="-1"
        >
            <header class="panel-header"><h2>"Payload inspector"</h2></header>
            <Show when=move || wanted.get() fallback=|| view! { <p class="empty">{NOTHING_SELECTED}</p> }>
                {part_holder(Box::pin(on_demand!(inspected_message_part(live, selected))))}
            </Show>
        </section>
    }
}
