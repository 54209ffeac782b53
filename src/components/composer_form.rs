use leptos::prelude::*;
use serde_json::Value;

use crate::compose::{self, Choice};
use crate::live::LiveSim;
use crate::loaded::LoadedModel;
use crate::on_demand::PartMissing;
use crate::sim::{ServiceIdx, Topology, UserMessage};

/// The topology, read once: a run's model does not change under the composer.
fn topology_of(live: &LiveSim) -> Topology {
    live.peek(|s| s.topology().clone()).unwrap_or_default()
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The composer's form: pick a sender and one of its commands, events or queries, see where
/// it will go, edit the payload (pre-filled from the model's example) and send it. Broken
/// JSON is placed by line and column and the text stays as typed; a payload that differs
/// from its example gets a warning and may still be sent.
#[component]
pub fn ComposerForm(
    /// The running simulation: its model says who may send what and where it goes.
    live: LiveSim,
    /// The model, whose examples the form starts from: a payload, or a query's route
    /// parameters.
    model: StoredValue<LoadedModel>,
    /// Feeds the message to the run; `Err` says why the run refused it.
    on_send: Callback<UserMessage, Result<(), String>>,
) -> impl IntoView {
    let topology = StoredValue::new(topology_of(&live));
    let example = move |c: Choice| model.with_value(|m| m.example(&c));
    let senders = topology.with_value(compose::senders);
    let sender = RwSignal::new(senders.first().copied());
    let choices = Memo::new(move |_| {
        sender
            .get()
            .map(|s| topology.with_value(|t| compose::choices(t, s)))
            .unwrap_or_default()
    });
    let picked = RwSignal::new(0usize);
    let choice = move || choices.with(|c| c.get(picked.get()).cloned());
    let payload = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<String>);
    // A new choice starts from its example; what the user typed for another is not kept.
    let fill = move || {
        let text = choice()
            .and_then(example)
            .map(|v| pretty(&v))
            .unwrap_or_else(|| "{}".into());
        payload.set(text);
        refused.set(None);
        sent.set(None);
    };
    fill();
    let destination = move || {
        let (Some(s), Some(c)) = (sender.get(), choice()) else {
            return "This model has nobody who sends anything.".to_string();
        };
        topology.with_value(|t| compose::destination(t, s, &c))
    };
    // Checked as the user types: whether it reads as JSON, and how it differs from the example.
    let check = Memo::new(move |_| -> (&'static str, String) {
        match compose::read_payload(&payload.get()) {
            Err(error) => ("error", format!("Not JSON yet, {error}.")),
            Ok(value) => {
                let warning = choice()
                    .and_then(example)
                    .and_then(|e| compose::shape_warning(Some(&e), &value));
                match warning {
                    Some(w) => (
                        "warning",
                        format!("Warning: {w} (the example has it). It can still be sent."),
                    ),
                    None => ("ok", "Valid JSON with the example's fields.".into()),
                }
            }
        }
    });
    let send = move |_| {
        let (Some(s), Some(c)) = (sender.get_untracked(), choice()) else {
            return;
        };
        sent.set(None);
        let outcome = compose::read_payload(&payload.get_untracked())
            .map_err(|e| format!("The payload is not JSON: {e}. Nothing was sent."))
            .and_then(|value| {
                topology
                    .with_value(|t| compose::to_message(t, s, &c, value))
                    .map_err(|e| format!("Not sent: {e}."))
            })
            .and_then(|message| {
                on_send
                    .run(message)
                    .map_err(|e| format!("Refused: {e}. Nothing was sent."))
            });
        match outcome {
            Ok(()) => {
                refused.set(None);
                sent.set(Some(format!("Sent {}.", c.name)));
            }
            Err(why) => refused.set(Some(why)),
        }
    };
    let sender_options = senders
        .iter()
        .map(|&s| {
            let name = topology.with_value(|t| t.services()[s].name.clone());
            view! { <option value=s.to_string() selected=move || sender.get() == Some(s)>{name}</option> }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="composer-form">
            <div class="composer-pick">
                <label>
                    <span>"Sender"</span>
                    <select on:change:target=move |ev| {
                        sender.set(ev.target().value().parse::<ServiceIdx>().ok());
                        picked.set(0);
                        fill();
                    }>{sender_options}</select>
                </label>
                <label>
                    <span>"Message"</span>
                    <select on:change:target=move |ev| {
                        picked.set(ev.target().value().parse().unwrap_or(0));
                        fill();
                    }>
                        {move || {
                            choices
                                .get()
                                .into_iter()
                                .enumerate()
                                .map(|(i, c)| view! {
                                    <option value=i.to_string() selected=move || picked.get() == i>{c.label()}</option>
                                })
                                .collect::<Vec<_>>()
                        }}
                    </select>
                </label>
            </div>
            <p class="composer-route">{destination}</p>
            <label class="composer-payload">
                <span>"Payload"</span>
                <textarea
                    rows="8"
                    spellcheck="false"
                    prop:value=move || payload.get()
                    on:input:target=move |ev| payload.set(ev.target().value())
                ></textarea>
            </label>
            <p class="composer-check" data-check=move || check.get().0>{move || check.get().1}</p>
            <div class="composer-send">
                <button on:click=send>"Send"</button>
                <span class="composer-sent" role="status">{move || sent.get()}</span>
            </div>
            <Show when=move || refused.with(Option::is_some)>
                <p class="composer-refused" role="alert">{move || refused.get()}</p>
            </Show>
        </div>
    }
}

/// The form, mounted: a part of its own, fetched the first time the composer is opened.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(composer, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn composer_part(
    live: LiveSim,
    model: StoredValue<LoadedModel>,
    on_send: Callback<UserMessage, Result<(), String>>,
) -> Result<AnyView, PartMissing> {
    Ok(view! { <ComposerForm live model on_send /> }.into_any())
}
