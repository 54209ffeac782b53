use leptos::prelude::*;

/// What happens, in words, for screen readers and for anyone who looks away from the
/// diagram: every step when stepping, a summary every few seconds when playing. A polite
/// live region, so it never interrupts; "Narrate" turns it off.
#[component]
pub fn Narration(
    /// The latest thing narration has to say.
    #[prop(into)]
    said: Signal<String>,
    /// Whether narration speaks.
    narrate: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <section
            class="narration"
            aria-label="Narration"
            aria-live=move || if narrate.get() { "polite" } else { "off" }
        >
            <label class="narrate-toggle">
                <input
                    type="checkbox"
                    prop:checked=narrate
                    on:change=move |ev| narrate.set(event_target_checked(&ev))
                />
                "Narrate"
            </label>
            <p class="narration-text">{move || if narrate.get() { said.get() } else { String::new() }}</p>
        </section>
    }
}
