use leptos::prelude::*;

use crate::live::LiveSim;
use crate::sim::{DeadLetterOp, Sim};

/// One dead letter as the panel shows it.
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

/// Messages every attempt of which failed, newest first: each one's error, attempts and
/// payload, with Retry (back to its queue, same message id, a new attempt) and Discard.
#[component]
pub fn DeadLetters(
    /// The running simulation.
    live: LiveSim,
    /// Retries or discards dead letters.
    on_dead_letter: Callback<DeadLetterOp>,
) -> impl IntoView {
    let list = Memo::new(move |_| live.read(entries).unwrap_or_default());
    view! {
        <section class="panel dead-letters" role="region" aria-label="Dead letters">
            <header class="panel-header">
                <h2>{move || format!("Dead letters ({})", list.with(Vec::len))}</h2>
                <button
                    disabled=move || list.with(Vec::is_empty)
                    on:click=move |_| on_dead_letter.run(DeadLetterOp::RetryAll)
                >
                    "Retry all"
                </button>
            </header>
            <Show
                when=move || !list.with(Vec::is_empty)
                fallback=|| view! { <p class="empty">"No dead letters. A message lands here when every attempt to handle it failed."</p> }
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
        </section>
    }
}
