use leptos::html::Ul;
use leptos::prelude::*;

use crate::diagram_markup::legend_markup;
use crate::dom_patch::patch_children;

/// Explains the three kinds of edge by line, arrowhead and token shape, and a service's
/// busy and waiting states by icon, so the diagram reads without colour. Its items are the
/// same markup index.html shows before the app has loaded.
#[component]
pub fn Legend() -> impl IntoView {
    let list = NodeRef::<Ul>::new();
    Effect::new(move |_| {
        if let Some(list) = list.get() {
            patch_children(&list, &[], &legend_markup());
        }
    });
    view! { <ul class="legend" aria-label="Legend" node_ref=list></ul> }
}
