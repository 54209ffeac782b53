use leptos::html::{Canvas, Div};
use leptos::prelude::*;

use crate::bench_mode;
use crate::components::clicked_attribute;
use crate::diagram_markup::{diagram_svg, DiagramState};
use crate::dom_patch::patch_children;
use crate::flow::chain::{chain_edges, Chain};
use crate::geometry::{client_to_view, DiagramGeometry, Point};
use crate::live::LiveSim;
use crate::markup::Node as MarkupNode;
use crate::sim::{MessageId, ServiceIdx};

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
    /// The selected message's causes and effects: the edges they travelled are marked, and
    /// the rest of the diagram dims.
    #[prop(into)]
    chain: Signal<Option<Chain>>,
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
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    // The marked message's route, re-read as the simulation moves.
    let mark = Memo::new(move |_| {
        let id = marked_message.get()?;
        live.read(|sim| {
            let message = sim.message(id)?;
            Some(geometry.with_value(|g| g.route(sim.topology(), message)))
        })
        .flatten()
    });
    let chain_marks = Memo::new(move |_| {
        chain
            .with(|chain| {
                let chain = chain.as_ref()?;
                live.read(|sim| geometry.with_value(|g| chain_edges(sim, g, chain)))
            })
            .unwrap_or_default()
    });
    // Nodes and edges are markup from a pure function (the same that prerenders the
    // diagram into index.html), patched into the SVG whenever the Diagram lane refreshes:
    // only what changed is touched, and no view code is compiled per node and edge.
    let drawing = NodeRef::<Div>::new();
    let applied = StoredValue::new_local(None::<Vec<MarkupNode>>);
    Effect::new(move |_| {
        let selected = selected_service.get();
        let marked = mark.get();
        let Some(markup) = live.read(|sim| {
            let mut state = DiagramState::of(sim, selected, marked);
            state.chain = chain_marks.get();
            geometry.with_value(|g| vec![diagram_svg(sim.topology(), g, &state)])
        }) else {
            return;
        };
        let Some(host) = drawing.get() else {
            return;
        };
        let first = applied.with_value(Option::is_none);
        applied.update_value(|applied| {
            patch_children(&host, applied.as_deref().unwrap_or_default(), &markup);
            *applied = Some(markup);
        });
        if first {
            // Time to first diagram: the nodes and edges are in the DOM now.
            bench_mode::mark_diagram_drawn();
        }
    });

    let pick = move |ev: web_sys::MouseEvent| {
        if let Some(index) = clicked_attribute(&ev, "data-service-index") {
            on_select_service.run(index);
        }
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
        <div
            class="diagram"
            node_ref=container
            on:click=pick
            on:keydown=move |ev| {
                if ev.key() == "Enter" || ev.key() == " " {
                    if let Some(index) = clicked_attribute(&ev, "data-service-index") {
                        ev.prevent_default();
                        on_select_service.run(index);
                    }
                }
            }
        >
            // The SVG is patched in whole (see above); `display: contents` leaves the
            // layout as if it were the diagram's own child.
            <div class="diagram-drawing" node_ref=drawing></div>
            <canvas class="token-layer" node_ref=canvas aria-hidden="true"></canvas>
        </div>
    }
}
