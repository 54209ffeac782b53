use leptos::prelude::*;

use crate::components::dead_letter_list::{dead_letter_list_part, NONE_YET};
use crate::live::LiveSim;
use crate::on_demand::{on_demand, part_holder};
use crate::sim::DeadLetterOp;

/// Messages every attempt of which failed, newest first: each one's error, attempts and
/// payload, with Retry (back to its queue, same message id, a new attempt) and Discard.
/// A run has none until a fault is set, so the list is a part of its own, fetched with the
/// first dead letter; the count and Retry all are here from the start.
#[component]
pub fn DeadLetters(
    /// The running simulation.
    live: LiveSim,
    /// Retries or discards dead letters.
    on_dead_letter: Callback<DeadLetterOp>,
) -> impl IntoView {
    let count = Memo::new(move |_| live.read(|s| s.dead_letters().len()).unwrap_or_default());
    // Once there has been a dead letter, the list stays mounted (it says when it is empty).
    let listed = Memo::new(move |was: Option<&bool>| was == Some(&true) || count.get() > 0);
    view! {
        <section class="panel dead-letters" role="region" aria-label="Dead letters">
            <header class="panel-header">
                <h2>{move || format!("Dead letters ({})", count.get())}</h2>
                <button
                    disabled=move || count.get() == 0
                    on:click=move |_| on_dead_letter.run(DeadLetterOp::RetryAll)
                >
                    "Retry all"
                </button>
            </header>
            <Show
                when=move || listed.get()
                fallback=|| view! { <p class="empty">{NONE_YET}</p> }
            >
                {part_holder(Box::pin(on_demand!(dead_letter_list_part(live, on_dead_letter))))}
            </Show>
        </section>
    }
}
