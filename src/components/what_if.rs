use leptos::prelude::*;

use crate::sim::Preset;

/// The what-if lab's presets: one button per story, each starting the run over with its
/// faults, and the caption of the one playing.
#[component]
pub fn WhatIf(
    /// Starts a preset from a fresh run.
    on_preset: Callback<Preset>,
    /// The preset playing now, if any, for its caption.
    #[prop(into)]
    playing: Signal<Option<Preset>>,
) -> impl IntoView {
    view! {
        <section class="panel what-if" role="region" aria-label="What if">
            <header class="panel-header"><h2>"What if"</h2></header>
            <div class="preset-buttons">
                {Preset::ALL
                    .into_iter()
                    .map(|preset| view! {
                        <button
                            aria-pressed=move || (playing.get() == Some(preset)).to_string()
                            on:click=move |_| on_preset.run(preset)
                        >
                            {preset.label()}
                        </button>
                    })
                    .collect_view()}
            </div>
            <p class="preset-caption" aria-live="polite">
                {move || playing.get().map_or(
                    "Each button starts the run over with a fault and a short story. Reset clears every fault.",
                    Preset::caption,
                )}
            </p>
        </section>
    }
}
