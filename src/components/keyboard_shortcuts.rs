use leptos::prelude::*;

/// The page's keys, for Play/Pause, Step, Step back and Reset, and the keys inside the
/// diagram, the log, the sequence and the Trace panel.
pub const SHORTCUTS: [(&str, &str); 14] = [
    ("P", "Play or pause"),
    ("S", "Step forward one happening"),
    ("B", "Step back"),
    ("R", "Reset"),
    ("D", "To the diagram"),
    (
        "I",
        "To the payload inspector, to read the selected message",
    ),
    ("?", "Show these shortcuts"),
    ("Tab", "Into the diagram, and on to the next control"),
    (
        "← ↑ → ↓",
        "In the diagram: to the nearest service or edge that way",
    ),
    (
        "Enter",
        "In the diagram: a service's inspector, or an edge's newest message",
    ),
    (
        "+ − 0",
        "In the diagram: zoom in, zoom out, the whole diagram",
    ),
    ("Shift and ← ↑ → ↓", "In the diagram, zoomed in: pan"),
    (
        "Escape",
        "Out of the diagram; out of Present mode; closes this list",
    ),
    (
        "↑ ↓ ← →",
        "In the sequence and the Trace panel: through the messages",
    ),
];

/// A button that opens the list of keyboard shortcuts, as a popover the browser keeps
/// keyboard-friendly: it takes the focus order after its button, and Escape closes it.
#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    view! {
        <button class="shortcuts-button" popovertarget="keyboard-shortcuts">"Keyboard shortcuts"</button>
        <div id="keyboard-shortcuts" class="shortcuts" popover="auto" role="dialog" aria-label="Keyboard shortcuts">
            <h2>"Keyboard shortcuts"</h2>
            <p>"The letter keys work anywhere but in a text field."</p>
            <dl>
                {SHORTCUTS
                    .into_iter()
                    .map(|(key, what)| view! { <dt><kbd>{key}</kbd></dt><dd>{what}</dd> })
                    .collect::<Vec<_>>()}
            </dl>
            <button popovertarget="keyboard-shortcuts" popovertargetaction="hide">"Close"</button>
        </div>
    }
}
