use leptos::prelude::*;

use crate::sim::Preset;

/// The preset caption before any preset plays.
pub const NO_PRESET: &str =
    "Each button starts the run over with a fault and a short story. Reset clears every fault.";

/// The what-if lab's presets: one button per story, each starting the run over with its
/// faults, and what to notice in the one playing.
#[component]
pub fn WhatIf(
    /// Starts a preset from a fresh run.
    on_preset: Callback<Preset>,
    /// The preset playing now, if any, whose button shows pressed.
    #[prop(into)]
    playing: Signal<Option<Preset>>,
) -> impl IntoView {
    // The buttons are fixed markup with one click handler; which one is pressed is written
    // where it shows. A view of each button, with its own handler and binding, cost more.
    let buttons = crate::markup::to_html(
        &Preset::ALL
            .into_iter()
            .enumerate()
            .map(|(index, preset)| {
                crate::markup::Element::new("button")
                    .attr("type", "button")
                    .attr("data-preset", index.to_string())
                    .attr("aria-pressed", "false")
                    .text(preset.label())
                    .into()
            })
            .collect::<Vec<_>>(),
    );
    let holder = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let playing = playing.get();
        let Some(holder) = holder.get() else {
            return;
        };
        for (index, preset) in Preset::ALL.into_iter().enumerate() {
            if let Ok(Some(button)) = holder.query_selector(&format!("[data-preset=\"{index}\"]")) {
                crate::dom_patch::set_attribute(
                    &button,
                    "aria-pressed",
                    if playing == Some(preset) {
                        "true"
                    } else {
                        "false"
                    },
                );
            }
        }
    });
    view! {
        <section class="panel what-if" role="region" aria-label="What if">
            <header class="panel-header"><h2>"What if"</h2></header>
            <div
                class="preset-buttons"
                node_ref=holder
                inner_html=buttons
                on:click=move |ev| {
                    if let Some(preset) = crate::components::clicked_attribute::<usize>(&ev, "data-preset")
                        .and_then(|i| Preset::ALL.get(i))
                    {
                        on_preset.run(*preset);
                    }
                }
            ></div>
            <p class="preset-caption" aria-live="polite">
                // The page writes the playing preset's story here once the engine that
                // plays it has arrived, and this again on Reset.
                {NO_PRESET}
            </p>
        </section>
    }
}
