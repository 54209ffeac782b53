use leptos::prelude::*;

use crate::live::LiveSim;
use crate::on_demand::PartMissing;
use crate::sim::{DeadLetterOp, Sim};

// Here rather than in the shell beside it, so the shell uses the part and not the other way.
/// What the panel says while there is no dead letter.
pub(crate) const NONE_YET: &str =
    "No dead letters. A message lands here when every attempt to handle it failed.";

/// One dead letter as the list shows it.
#[derive(Clone, PartialEq)]
struct Entry {
    message: u64,
    consumer: usize,
    type_name: String,
    consumer_name: String,
    error: String,
    attempts: u32,
    payload: String,
}

fn entries(sim: &Sim) -> Vec<Entry> {
    sim.dead_letters()
        .rev()
        .map(|d| Entry {
            message: d.message.message_id,
            consumer: d.consumer,
            type_name: d.message.type_name.clone(),
            consumer_name: sim.topology().id(d.consumer).to_string(),
            error: d.error.clone(),
            attempts: d.attempts,
            payload: serde_json::to_string_pretty(&d.message.payload).unwrap_or_default(),
        })
        .collect()
}

/// The dead letters, newest first: each one's error, attempts and payload, with Retry and
/// Discard; when all have been retried or discarded, it says so.
#[component]
pub fn DeadLetterList(
    /// The running simulation.
    live: LiveSim,
    /// Retries or discards one dead letter.
    on_dead_letter: Callback<DeadLetterOp>,
) -> impl IntoView {
    let list = Memo::new(move |_| live.read(entries).unwrap_or_default());
    view! {
        <Show
            when=move || !list.with(Vec::is_empty)
            fallback=|| view! { <p class="empty">{NONE_YET}</p> }
        >
            <ol>
                <For
                    each=move || list.get()
                    key=|e| (e.message, e.consumer, e.attempts)
                    children=move |e| {
                        let (id, c) = (e.message, e.consumer);
                        view! {
                            <li data-message-id=id.to_string() data-consumer=e.consumer_name.clone()>
                                <p class="message-title">
                                    <strong>{e.type_name}</strong>
                                    {format!(" #{id} at {} · {} attempts", e.consumer_name, e.attempts)}
                                </p>
                                <p class="dead-letter-error">{e.error}</p>
                                <pre class="json" tabindex="0" role="region" aria-label=format!("Payload of #{id}")>{e.payload}</pre>
                                <button on:click=move |_| on_dead_letter.run(DeadLetterOp::Retry(id, c))>"Retry"</button>
                                " "
                                <button on:click=move |_| on_dead_letter.run(DeadLetterOp::Discard(id, c))>"Discard"</button>
                            </li>
                        }
                    }
                />
            </ol>
        </Show>
    }
}

/// The list, mounted: a part of its own, fetched when the first dead letter appears.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(dead_letter_list, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn dead_letter_list_part(
    live: LiveSim,
    on_dead_letter: Callback<DeadLetterOp>,
) -> Result<AnyView, PartMissing> {
    Ok(view! { <DeadLetterList live on_dead_letter /> }.into_any())
}
