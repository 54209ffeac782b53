use leptos::prelude::*;

/// A message about something the user tried that could not be done, with a way to
/// dismiss it. Nothing the user had is touched by whatever caused it.
#[component]
pub fn Notice(
    /// The message to show; `None` hides the notice.
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <Show when=move || message.with(Option::is_some)>
            <div class="notice" role="alert">
                <span>{move || message.get().unwrap_or_default()}</span>
                <button class="link" on:click=move |_| message.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}
