use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};

use crate::bench_mode;
use crate::components::clicked_attribute;
use crate::geometry::{
    client_to_view, name_lines, node_half_size, DiagramGeometry, Point, BUSY_ABOVE, CROWDED_ABOVE,
    VIEW_HEIGHT, VIEW_WIDTH,
};
use crate::live::LiveSim;
use crate::sim::{EdgeKind, MessageId, Role, ServiceIdx, ServiceStatus, SimTime};

/// Above this many edges the per-edge labels would bury the diagram, so they are left to
/// the service inspector.
const MAX_LABELLED_EDGES: usize = 40;
/// The broker counts refusals over this much simulated time.
pub const REFUSAL_WINDOW_MS: SimTime = 5_000;
/// A service name's line height and average character width, in view units, at the
/// node name's font size.
const NAME_LINE_HEIGHT: f64 = 14.0;
const NAME_CHAR_WIDTH: f64 = 7.6;
/// The same in a busy diagram's smaller type (10 px against 12.5 px).
const BUSY_NAME_LINE_HEIGHT: f64 = 11.0;
const BUSY_NAME_CHAR_WIDTH: f64 = 6.1;

/// The airline drawn from the simulation's topology: a box per service, one curve per
/// (kind, sender, receiver) with a line style, arrowhead and token shape per kind, stubs for
/// events nobody hears, and a canvas on top where the animation loop draws the tokens.
#[component]
pub fn Diagram(
    /// The running simulation, for each service's status and queue depth.
    live: LiveSim,
    /// Layout and curves, computed once from the topology.
    geometry: StoredValue<DiagramGeometry, LocalStorage>,
    /// The service whose inspector is open, highlighted.
    #[prop(into)]
    selected_service: Signal<Option<ServiceIdx>>,
    /// The message whose route is marked: the selected one, or the one previewed from the
    /// log. Each edge it travels is drawn thicker and labelled with it.
    #[prop(into)]
    marked_message: Signal<Option<MessageId>>,
    /// Called with a service's index when its box is clicked.
    on_select_service: Callback<ServiceIdx>,
    /// Called with an edge's index (in `Topology::edges()`) when the edge is clicked where no
    /// token is.
    on_select_edge: Callback<usize>,
    /// Called with a click's position in diagram coordinates, to pick the token there;
    /// answers whether there was one.
    on_pick: Callback<Point, bool>,
    /// The canvas the animation loop draws tokens on.
    canvas: NodeRef<Canvas>,
    /// Whether to build the nodes and edges yet. Until then the diagram is its empty box,
    /// already at its final size: building them is a task of its own while the page loads.
    #[prop(into)]
    contents_ready: Signal<bool>,
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    let services = live
        .peek(|sim| sim.topology().services().to_vec())
        .unwrap_or_default();
    let (nodes, edges, dead_ends) =
        geometry.with_value(|g| (g.nodes.clone(), g.edges.clone(), g.dead_ends.clone()));
    let labelled = edges.len() <= MAX_LABELLED_EDGES;
    let node_count = services.len();
    let crowded = node_count > CROWDED_ABOVE;
    // A busy diagram (13 to 30 services) writes names smaller, on up to three lines.
    let busy = node_count > BUSY_ABOVE && !crowded;
    let (line_height, char_width) = if busy {
        (BUSY_NAME_LINE_HEIGHT, BUSY_NAME_CHAR_WIDTH)
    } else {
        (NAME_LINE_HEIGHT, NAME_CHAR_WIDTH)
    };

    // The marked message's route and its label, re-read as the simulation moves, but
    // redrawn only when it changes.
    let mark = Memo::new(move |_| {
        let id = marked_message.get()?;
        live.read(|sim| {
            let message = sim.message(id)?;
            let route = geometry.with_value(|g| g.route(sim.topology(), message));
            Some((route, format!("#{id} {}", message.type_name)))
        })
        .flatten()
    });
    let marks_edge = move |index: usize| {
        mark.with(|m| {
            m.as_ref()
                .is_some_and(|(route, _)| route.edges.contains(&index))
        })
    };
    let marks_stub = move |stub: usize| {
        mark.with(|m| {
            m.as_ref()
                .is_some_and(|(route, _)| route.dead_end == Some(stub))
        })
    };
    // Fn, not FnOnce: the reactive closure below may call it again (it does not, as
    // `contents_ready` only ever turns true once).
    let build_contents = move || {
        let id_of = |i: ServiceIdx| services.get(i).map(|s| s.id.clone()).unwrap_or_default();
        let edge_views = edges
            .iter()
            .map(|drawn| {
                let kind = drawn.edge.kind;
                let index = drawn.index;
                let d = drawn.path.svg_d();
                let label_id = format!("edge-label-path-{index}");
                let label_d = drawn.label_path.svg_d();
                let label_offset = format!("{:.1}%", drawn.label_along * 100.0);
                let label = labelled.then(|| edge_label(&drawn.edge.types));
                view! {
                    <g
                        class=format!("edge edge-{}", kind.as_str())
                        class:marked=move || marks_edge(index)
                        data-kind=kind.as_str()
                        data-from=id_of(drawn.edge.from)
                        data-to=id_of(drawn.edge.to)
                        data-types=drawn.edge.types.join(",")
                        data-edge-index=index.to_string()
                    >
                        <path class="edge-hit" d=d.clone() />
                        <path
                            class="edge-line"
                            d=d
                            stroke-dasharray=dash_pattern(kind)
                            marker-end=format!("url(#end-{})", kind.as_str())
                            marker-start=(kind == EdgeKind::Query).then_some("url(#start-query)")
                        />
                        {label.map(|text| view! {
                            <path id=label_id.clone() class="label-path" d=label_d />
                            <text class="edge-label" dy="-4">
                                <textPath href=format!("#{label_id}") startOffset=label_offset text-anchor="middle">{text}</textPath>
                            </text>
                        })}
                    </g>
                }
            })
            .collect::<Vec<_>>();

        let broker_id = services
            .iter()
            .find(|s| s.role == Role::Broker)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let dead_end_views = dead_ends
            .iter()
            .enumerate()
            .map(|(stub, (event, path))| {
                let end = path.end;
                view! {
                    <g class="edge edge-event dead-end" class:marked=move || marks_stub(stub) data-kind="event" data-from=broker_id.clone() data-to="" data-types=event.clone()>
                        <path class="edge-hit" d=path.svg_d() />
                        <path class="edge-line" d=path.svg_d() stroke-dasharray=dash_pattern(EdgeKind::Event) marker-end="url(#end-nobody)" />
                        <text class="edge-label dead-end-label" x=format!("{:.1}", end.x + 12.0) y=format!("{:.1}", end.y + 4.0)>
                            {format!("{event}: no subscribers")}
                        </text>
                    </g>
                }
            })
            .collect::<Vec<_>>();

        let node_views = services
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let at = nodes[index];
                let (hw, hh) = node_half_size(spec.role, node_count);
                let role = spec.role;
                let status = move || live.read(|sim| sim.service_status(index)).unwrap_or(ServiceStatus::Idle);
                let queued = move || {
                    live.read(|sim| {
                        if role == Role::Broker {
                            sim.queue_depths().iter().sum::<usize>()
                        } else {
                            sim.queue_depth(index)
                        }
                    })
                    .unwrap_or(0)
                };
                let dead_letters = move || live.read(|sim| sim.dead_letter_count(index)).unwrap_or(0);
                let name = spec.name.clone();
                let label = name.clone();
                // Long names take two lines rather than spill out of their box.
                let lines = if crowded {
                    vec![name.clone()]
                } else {
                    name_lines(&name, ((2.0 * hw - 10.0) / char_width) as usize)
                };
                let extra_lines = lines.len().saturating_sub(1) as f64;
                let (name_y, status_y) = if busy {
                    (-4.0 - line_height / 2.0 * extra_lines, 12.0 + line_height / 2.0 * extra_lines)
                } else {
                    (-4.0 - line_height / 2.0 * extra_lines, 15.0 + line_height / 2.0 * extra_lines)
                };
                let name_view = lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, line)| view! {
                        <tspan x="0" y=format!("{:.1}", name_y + line_height * i as f64)>{line}</tspan>
                    })
                    .collect_view();
                // Back-pressure at the broker: refusals in the last few seconds, as a mark
                // and a count under the box.
                let refused = move || {
                    if role != Role::Broker {
                        return 0;
                    }
                    live.read(|sim| sim.broker_refusals_since(sim.now().saturating_sub(REFUSAL_WINDOW_MS)))
                        .unwrap_or(0)
                };
                let refusals = (role == Role::Broker).then(|| view! {
                    <g class="refusals" class:none=move || refused() == 0 data-refused=move || refused().to_string()>
                        <path class="refusal-mark" transform=format!("translate({:.1} {:.1})", hw - 2.0, -hh + 2.0) d="M-5 -12 L5 -12 L12 -5 L12 5 L5 12 L-5 12 L-12 5 L-12 -5 Z" />
                        <text class="refusal-bang" x=format!("{:.1}", hw - 2.0) y=format!("{:.1}", -hh + 6.5) text-anchor="middle">"!"</text>
                        <text class="refusal-count" y=format!("{:.1}", hh + 16.0) text-anchor="middle">
                            {move || format!("{} refused in the last {} s: queues full", refused(), REFUSAL_WINDOW_MS / 1000)}
                        </text>
                    </g>
                });
                view! {
                    <g
                        class="node"
                        class:broker=role == Role::Broker
                        class:client=role == Role::Client
                        class:busy=move || status() == ServiceStatus::Busy
                        class:waiting=move || status() == ServiceStatus::Waiting
                        class:down=move || status() == ServiceStatus::Down
                        class:selected=move || selected_service.get() == Some(index)
                        data-service=spec.id.clone()
                        data-status=move || status_text(status())
                        data-queue-depth=move || queued().to_string()
                        data-dead-letters=move || dead_letters().to_string()
                        transform=format!("translate({:.1} {:.1})", at.x, at.y)
                        role="button"
                        tabindex="0"
                        aria-label=move || format!("{label}: {}, {} queued, {} dead letters", status_text(status()), queued(), dead_letters())
                        on:click=move |_| on_select_service.run(index)
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                on_select_service.run(index);
                            }
                        }
                    >
                        <rect class="node-box" x=-hw y=-hh width=2.0 * hw height=2.0 * hh rx="10" />
                        <text class="node-name" text-anchor="middle">{name_view}</text>
                        // Busy and waiting are told by an icon and words, not by colour alone.
                        <path class="status-icon busy-icon" transform=format!("translate({:.1} {:.1})", -hw + 13.0, status_y - 4.0) d="M-4 -5 L5 0 L-4 5 Z" />
                        <path class="status-icon waiting-icon" transform=format!("translate({:.1} {:.1})", -hw + 13.0, status_y - 4.0) d="M-4 -6 L4 -6 L0 0 L4 6 L-4 6 L0 0 Z" />
                        {refusals}
                        // Dead letters as a second badge, in words, below the box.
                        <text class="dead-letter-badge" class:none=move || dead_letters() == 0 y=format!("{:.1}", hh + 16.0) text-anchor="middle">
                            {move || format!("✉ {} dead letters", dead_letters())}
                        </text>
                        <text class="node-status" y=format!("{status_y:.1}") text-anchor="middle">
                            {move || {
                                let queued = queued();
                                // The icon beside it says the rest; the full words are in
                                // the node's accessible name and `data-status`.
                                let status = match status() {
                                    ServiceStatus::Waiting => "waiting",
                                    other => status_text(other),
                                };
                                if queued > 0 { format!("{status} · {queued} queued") } else { status.to_string() }
                            }}
                        </text>
                    </g>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <g class="edges">{edge_views}{dead_end_views}</g>
            <g class="nodes">{node_views}</g>
        }
    };
    // Built and mounted by hand, once, into the SVG: a reactive `move || ...` here would
    // compile the code to rebuild this large view in place (about 18 KB of wasm) for a
    // change that never comes.
    let contents_host = NodeRef::<leptos::svg::G>::new();
    let contents_state = StoredValue::new_local(None::<Box<dyn std::any::Any>>);
    // The component's owner, not the effect's, owns what the contents create (their status
    // and selection bindings), so they live exactly as long as the diagram.
    let owner = Owner::current();
    Effect::new(move |_| {
        if !contents_ready.get() || contents_state.with_value(Option::is_some) {
            return;
        }
        let Some(host) = contents_host.get_untracked() else {
            return;
        };
        let build = || {
            let mut state = build_contents().build();
            state.mount(&host, None);
            state
        };
        let state = match &owner {
            Some(owner) => owner.with(build),
            None => build(),
        };
        contents_state.set_value(Some(Box::new(state)));
        // Time to first diagram: the nodes and edges are in the DOM now.
        bench_mode::mark_diagram_drawn();
    });

    let pick = move |ev: web_sys::MouseEvent| {
        let Some(element) = container.get_untracked() else {
            return;
        };
        let rect = element.get_bounding_client_rect();
        let client = Point::new(
            ev.client_x() as f64 - rect.left(),
            ev.client_y() as f64 - rect.top(),
        );
        // One decision per click: a token rides on an edge, so letting the edge and the
        // token each select something would show the edge's message, then the token's.
        if on_pick.run(client_to_view(client, (rect.width(), rect.height()))) {
            return;
        }
        if let Some(index) = clicked_attribute(&ev, "data-edge-index") {
            on_select_edge.run(index);
        }
    };

    view! {
        <div class="diagram" node_ref=container on:click=pick>
            <svg
                class="diagram-svg"
                class:crowded=crowded
                class:busy=busy
                viewBox=format!("0 0 {VIEW_WIDTH} {VIEW_HEIGHT}")
                role="group"
                aria-label="Diagram of the services and how they interact"
            >
                <defs>
                    <marker id="end-command" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path class="marker-command" d="M0 0 L10 5 L0 10 z" />
                    </marker>
                    <marker id="end-event" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                        <path class="marker-event" d="M1 1 L9 5 L1 9" />
                    </marker>
                    <marker id="end-query" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path class="marker-query" d="M1 5 L5 1 L9 5 L5 9 z" />
                    </marker>
                    <marker id="start-query" viewBox="0 0 10 10" refX="2" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <circle class="marker-query-start" cx="5" cy="5" r="3.5" />
                    </marker>
                    <marker id="end-nobody" viewBox="0 0 12 12" refX="6" refY="6" markerWidth="10" markerHeight="10" orient="auto">
                        <circle class="marker-nobody" cx="6" cy="6" r="4.5" />
                        <path class="marker-nobody" d="M3 9 L9 3" />
                    </marker>
                </defs>
                <g class="diagram-contents" node_ref=contents_host></g>
            </svg>
            <canvas class="token-layer" node_ref=canvas aria-hidden="true"></canvas>
        </div>
    }
}

/// Line styles that tell the kinds apart without colour: solid, dashed, dotted.
pub fn dash_pattern(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Command => "none",
        EdgeKind::Event => "9 5",
        EdgeKind::Query => "2 4",
    }
}

fn status_text(status: ServiceStatus) -> &'static str {
    match status {
        ServiceStatus::Idle => "idle",
        ServiceStatus::Busy => "busy",
        ServiceStatus::Waiting => "waiting for a reply",
        ServiceStatus::Down => "down",
    }
}

/// An edge's label: its message types, with routes shortened to their last segment
/// ("GET …/points · …/tiers"); the full routes are in the service inspector.
pub fn edge_label(types: &[String]) -> String {
    let mut verb_shown = false;
    types
        .iter()
        .map(|message_type| match message_type.split_once(' ') {
            Some((verb, route)) if route.starts_with('/') => {
                let last = route.rsplit('/').next().unwrap_or(route);
                let prefix = if verb_shown {
                    String::new()
                } else {
                    format!("{verb} ")
                };
                verb_shown = true;
                format!("{prefix}…/{last}")
            }
            _ => message_type.clone(),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::edge_label;

    #[test]
    fn edge_labels_shorten_routes_and_keep_message_names() {
        let types = [
            "GET /api/loyalty/customers/{customerId}/points",
            "GET /api/loyalty/tiers",
        ];
        let types: Vec<String> = types.iter().map(|t| t.to_string()).collect();
        assert_eq!(edge_label(&types), "GET …/points · …/tiers");
        assert_eq!(
            edge_label(&["BookingCreated".to_string()]),
            "BookingCreated"
        );
    }
}
