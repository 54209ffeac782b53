use leptos::prelude::*;

/// The legend's items: `diagram_markup::legend_markup`'s output, written to a file by
/// `tests/prerender.rs`, which fails when the two differ. The legend is the same for every
/// model, and as text it costs the page less than the code that builds it.
pub const LEGEND_ITEMS: &str = include_str!("../../assets/prerendered/legend-items.html");

/// Explains the three kinds of edge by line, arrowhead and token shape, and a service's
/// busy and waiting states by icon, so the diagram reads without colour. Its items are the
/// same markup index.html shows before the app has loaded (after them Leptos keeps an empty
/// comment of its own, which draws nothing).
#[component]
pub fn Legend() -> impl IntoView {
    view! { <ul class="legend" aria-label="Legend" inner_html=LEGEND_ITEMS></ul> }
}
