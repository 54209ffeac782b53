use leptos::prelude::*;

use crate::diagram_markup::dash_pattern;
use crate::sim::EdgeKind;

/// Explains the three kinds of edge by line, arrowhead and token shape, and a service's
/// busy and waiting states by icon, so the diagram reads without colour.
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
            "dotted line, diamond ends, triangle token out, hollow triangle back",
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
                            <svg class="legend-token" viewBox="-9 -9 18 18" width="16" height="16" aria-hidden="true">
                                <path class=format!("token-shape token-{}", kind.as_str()) d=token_shape(kind) />
                            </svg>
                            <span class="legend-name">{name}</span>
                            <span class="legend-meaning">{meaning}</span>
                        </li>
                    }
                })
                .collect::<Vec<_>>()}
            <li class="legend-item legend-status" data-status="busy">
                <svg viewBox="-7 -7 14 14" width="14" height="14" aria-hidden="true"><path class="status-icon-sample busy-sample" d="M-4 -5 L5 0 L-4 5 Z" /></svg>
                <span class="legend-name">"Busy"</span>
                <span class="legend-meaning">"handling a message"</span>
            </li>
            <li class="legend-item legend-status" data-status="waiting">
                <svg viewBox="-7 -7 14 14" width="14" height="14" aria-hidden="true"><path class="status-icon-sample waiting-sample" d="M-4 -6 L4 -6 L0 0 L4 6 L-4 6 L0 0 Z" /></svg>
                <span class="legend-name">"Waiting"</span>
                <span class="legend-meaning">"blocked on a query's answer"</span>
            </li>
        </ul>
    }
}

/// The token's shape, as the canvas draws it: a square, a circle, a triangle.
fn token_shape(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Command => "M-6 -6 H6 V6 H-6 Z",
        EdgeKind::Event => "M6 0 A6 6 0 1 1 -6 0 A6 6 0 1 1 6 0 Z",
        EdgeKind::Query => "M0 -7.5 L7 5.5 L-7 5.5 Z",
    }
}
