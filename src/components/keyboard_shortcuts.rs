use leptos::prelude::*;

/// The page's keys, for Play/Pause, Step, Step back and Reset, and the keys inside the
/// diagram, the log, the sequence and the Trace panel, as the popover lists them: fixed
/// markup, which costs the page less than a view of each line.
const SHORTCUTS: &str = concat!(
    r#"<h2>Keyboard shortcuts</h2><p>The letter keys work anywhere but in a text field.</p><dl>"#,
    r#"<dt><kbd>P</kbd></dt><dd>Play or pause</dd>"#,
    r#"<dt><kbd>S</kbd></dt><dd>Step forward one happening</dd>"#,
    r#"<dt><kbd>B</kbd></dt><dd>Step back</dd>"#,
    r#"<dt><kbd>R</kbd></dt><dd>Reset</dd>"#,
    r#"<dt><kbd>D</kbd></dt><dd>To the diagram</dd>"#,
    r#"<dt><kbd>I</kbd></dt><dd>To the payload inspector, to read the selected message</dd>"#,
    r#"<dt><kbd>?</kbd></dt><dd>Show these shortcuts</dd>"#,
    r#"<dt><kbd>Tab</kbd></dt><dd>Into the diagram, and on to the next control</dd>"#,
    r#"<dt><kbd>← ↑ → ↓</kbd></dt><dd>In the diagram: to the nearest service or edge that way</dd>"#,
    r#"<dt><kbd>Enter</kbd></dt><dd>In the diagram: a service's inspector, or an edge's newest message</dd>"#,
    r#"<dt><kbd>+ − 0</kbd></dt><dd>In the diagram: zoom in, zoom out, the whole diagram</dd>"#,
    r#"<dt><kbd>Shift and ← ↑ → ↓</kbd></dt><dd>In the diagram, zoomed in: pan</dd>"#,
    r#"<dt><kbd>Escape</kbd></dt><dd>Out of the diagram; out of Present mode; closes this list</dd>"#,
    r#"<dt><kbd>↑ ↓ ← →</kbd></dt><dd>In the sequence and the Trace panel: through the messages</dd>"#,
    r#"</dl><button popovertarget="keyboard-shortcuts" popovertargetaction="hide">Close</button>"#,
);

/// A button that opens the list of keyboard shortcuts, as a popover the browser keeps
/// keyboard-friendly: it takes the focus order after its button, and Escape closes it.
#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    view! {
        <button class="shortcuts-button" popovertarget="keyboard-shortcuts">"Keyboard shortcuts"</button>
        <div id="keyboard-shortcuts" class="shortcuts" popover="auto" role="dialog" aria-label="Keyboard shortcuts" inner_html=SHORTCUTS></div>
    }
}
