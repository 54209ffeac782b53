use leptos::prelude::*;

use crate::components::composer_form::composer_part;
use crate::live::LiveSim;
use crate::loaded::LoadedModel;
use crate::on_demand::{on_demand, part_holder};
use crate::sim::UserMessage;

/// Send any message the model allows. Closed at first: most people run the scenarios, so
/// the form (its checks, its JSON reading and writing) is a part of its own, fetched the
/// first time the composer is opened, and kept while the page lasts.
#[component]
pub fn Composer(
    /// The running simulation: its model says who may send what and where it goes.
    live: LiveSim,
    /// The model, whose examples the form starts from.
    model: StoredValue<LoadedModel>,
    /// Feeds the message to the run; `Err` says why the run refused it.
    on_send: Callback<UserMessage, Result<(), String>>,
) -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        <section class="panel composer" role="region" aria-label="Composer">
            <details on:toggle=move |_| opened.set(true)>
                <summary>
                    <h2>"Composer"</h2>
                    <span class="composer-hint">" Send any message the model allows"</span>
                </summary>
                <Show when=move || opened.get()>
                    {part_holder(Box::pin(on_demand!(composer_part(live, model, on_send))))}
                </Show>
            </details>
        </section>
    }
}
