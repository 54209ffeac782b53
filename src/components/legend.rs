use leptos::prelude::*;

use crate::components::diagram::dash_pattern;
use crate::sim::EdgeKind;

/// Explains the three kinds of edge by line, arrowhead and token shape, so the diagram
/// reads without colour.
#[component]
pub fn Legend() -> impl IntoView {
    let rows = [
        (
            EdgeKind::Command,
            "Command",
            "solid line, filled arrow, square token",
            "to exactly one handler; the sender goes on",
        ),
        (
            EdgeKind::Event,
            "Event",
            "dashed line, open arrow, round token",
            "a fact, to every subscriber (maybe none)",
        ),
        (
            EdgeKind::Query,
            "Query",
            "dotted line, diamond ends, triangle out, hollow triangle back",
            "request and answer; the caller waits",
        ),
    ];
    view! {
        <ul class="legend" aria-label="Legend">
            {rows
                .into_iter()
                .map(|(kind, name, look, meaning)| {
                    view! {
                        <li class=format!("legend-item legend-{}", kind.as_str()) data-kind=kind.as_str() title=look>
                            <svg class="legend-sample" viewBox="0 0 64 16" width="64" height="16" aria-hidden="true">
                                <path
                                    class=format!("edge-line edge-{}", kind.as_str())
                                    d="M9 8 L54 8"
                                    stroke-dasharray=dash_pattern(kind)
                                    marker-end=format!("url(#end-{})", kind.as_str())
                                    marker-start=(kind == EdgeKind::Query).then_some("url(#start-query)")
                                />
                            </svg>
                            <span class="legend-name">{name}</span>
                            <span class="legend-meaning">{meaning}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()}
        </ul>
    }
}
