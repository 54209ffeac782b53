use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::bench_mode;
use crate::components::clicked_attribute;
use crate::diagram_focus::{next_item, position, DiagramItem};
use crate::diagram_markup::{diagram_svg, DiagramState};
use crate::dom_patch::patch_children;
use crate::flow::chain::{chain_edges, Chain};
use crate::geometry::{client_to_view, DiagramGeometry, Point, Viewport};
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
    /// The part of the diagram on screen: the zoom buttons, Ctrl and the wheel, a pinch, a
    /// drag and the keyboard change it; the canvas draws through it too.
    viewport: RwSignal<Viewport>,
    /// A drawing already on screen (index.html's, prerendered while the wasm loaded), taken
    /// over instead of built again when it is exactly what this diagram draws first: that
    /// keeps the building of its few hundred elements out of the task that shows the page.
    #[prop(optional_no_strip)]
    prerendered: Option<web_sys::Element>,
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    // Where a client point (relative to the diagram) is in the diagram, at the zoom now.
    let to_view = move |client: Point| {
        let rect = container.get_untracked()?.get_bounding_client_rect();
        let at = Point::new(client.x - rect.left(), client.y - rect.top());
        Some(client_to_view(
            at,
            (rect.width(), rect.height()),
            viewport.get_untracked(),
        ))
    };
    let zoom_by = move |factor: f64, about: Option<Point>| {
        viewport.update(|v| *v = v.zoomed(factor, about.unwrap_or_else(|| v.centre())));
    };
    // Pointers down on the diagram, for a drag (one) or a pinch (two), and whether the
    // gesture moved, so its ending click does not also pick.
    let pointers = StoredValue::new_local(Vec::<(i32, Point)>::new());
    let pressed_at = StoredValue::new_local(Point::new(0.0, 0.0));
    let dragged = StoredValue::new_local(false);
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
    // The diagram's one tab stop; the arrow keys move it, a click or Tab onto an item too.
    let focus = RwSignal::new(None::<DiagramItem>);
    let applied = StoredValue::new_local(None::<Vec<MarkupNode>>);
    let prerendered = StoredValue::new_local(prerendered);
    Effect::new(move |_| {
        let selected = selected_service.get();
        let marked = marked_message.get();
        let Some(markup) = live.read(|sim| {
            // The marked message's route, re-read as the simulation moves.
            let route = marked
                .and_then(|id| sim.message(id))
                .map(|m| geometry.with_value(|g| g.route(sim.topology(), m)));
            let mut state = DiagramState::of(sim, selected, route);
            state.chain = chain_marks.get();
            state.focus = focus.get();
            state.viewport = viewport.get();
            geometry.with_value(|g| vec![diagram_svg(sim.topology(), g, &state)])
        }) else {
            return;
        };
        let Some(host) = drawing.get() else {
            return;
        };
        let first = applied.with_value(Option::is_none);
        let taken_over = first
            && prerendered
                .try_update_value(Option::take)
                .flatten()
                .is_some_and(|svg| take_over(&host, svg, &markup));
        applied.update_value(|applied| {
            if taken_over {
                *applied = Some(markup);
                return;
            }
            patch_children(&host, applied.as_deref().unwrap_or_default(), &markup);
            *applied = Some(markup);
        });
        if first {
            // Time to first diagram: the nodes and edges are in the DOM now.
            bench_mode::mark_diagram_drawn();
        }
    });

    let pick = move |ev: web_sys::MouseEvent| {
        if dragged.get_value() {
            dragged.set_value(false);
            return;
        }
        // The zoom buttons are fixed markup; their clicks come here.
        if let Some(zoom) = clicked_attribute::<String>(&ev, "data-zoom") {
            match zoom.as_str() {
                "in" => zoom_by(ZOOM_STEP, None),
                "out" => zoom_by(1.0 / ZOOM_STEP, None),
                _ => viewport.set(Viewport::default()),
            }
            return;
        }
        if let Some(index) = clicked_attribute(&ev, "data-service-index") {
            on_select_service.run(index);
        }
        let client = Point::new(ev.client_x() as f64, ev.client_y() as f64);
        let Some(at) = to_view(client) else {
            return;
        };
        // One decision per click: a token rides on an edge, so letting the edge and the
        // token each select something would show the edge's message, then the token's.
        if on_pick.run(at) {
            return;
        }
        if let Some(index) = clicked_attribute(&ev, "data-edge-index") {
            on_select_edge.run(index);
        }
    };

    let item_of = |ev: &web_sys::Event| {
        clicked_attribute(ev, "data-service-index")
            .map(DiagramItem::Service)
            .or_else(|| clicked_attribute(ev, "data-edge-index").map(DiagramItem::Edge))
    };
    let keys_for_items = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            if let Some(element) = container.get_untracked() {
                focus_after(&element);
            }
            return;
        }
        let Some(here) = item_of(&ev) else {
            return;
        };
        if key == "Enter" || key == " " {
            ev.prevent_default();
            match here {
                DiagramItem::Service(index) => on_select_service.run(index),
                DiagramItem::Edge(index) => on_select_edge.run(index),
            }
            return;
        }
        let Some(next) = geometry.with_value(|g| next_item(g, here, &key)) else {
            return;
        };
        ev.prevent_default();
        focus.set(Some(next));
        // Zoomed in, the view follows the keyboard to an item out of sight.
        if let Some(at) = geometry.with_value(|g| position(g, next)) {
            viewport.update(|v| *v = v.showing(at, 60.0));
        }
        let selector = match next {
            DiagramItem::Service(i) => format!("[data-service-index=\"{i}\"]"),
            DiagramItem::Edge(i) => format!("[data-edge-index=\"{i}\"]"),
        };
        let found = drawing
            .get_untracked()
            .and_then(|d| d.query_selector(&selector).ok().flatten());
        if let Some(element) = found {
            let _ = element.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    let keys = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "+" | "=" => zoom_by(ZOOM_STEP, None),
            "-" | "_" => zoom_by(1.0 / ZOOM_STEP, None),
            "0" => viewport.set(Viewport::default()),
            _ if ev.shift_key() && key.starts_with("Arrow") => {
                let step = viewport.get_untracked().width / 8.0;
                let (dx, dy) = match key.as_str() {
                    "ArrowLeft" => (-step, 0.0),
                    "ArrowRight" => (step, 0.0),
                    "ArrowUp" => (0.0, -step),
                    _ => (0.0, step),
                };
                viewport.update(|v| *v = v.panned(dx, dy));
            }
            _ => {
                return keys_for_items(ev);
            }
        }
        ev.prevent_default();
    };

    let wheel = move |ev: web_sys::WheelEvent| {
        // Ctrl (and a trackpad's pinch, which arrives as Ctrl and the wheel) zooms;
        // the wheel alone scrolls the page as everywhere else.
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        ev.prevent_default();
        let about = to_view(Point::new(ev.client_x() as f64, ev.client_y() as f64));
        zoom_by((-ev.delta_y() * 0.002).exp(), about);
    };
    let pointer_down = move |ev: web_sys::PointerEvent| {
        let at = Point::new(ev.client_x() as f64, ev.client_y() as f64);
        pressed_at.set_value(at);
        dragged.set_value(false);
        pointers.update_value(|p| {
            p.retain(|(id, _)| *id != ev.pointer_id());
            p.push((ev.pointer_id(), at));
        });
    };
    let pointer_move = move |ev: web_sys::PointerEvent| {
        let at = Point::new(ev.client_x() as f64, ev.client_y() as f64);
        let id = ev.pointer_id();
        let before = pointers.with_value(Clone::clone);
        let Some(&(_, was)) = before.iter().find(|(p, _)| *p == id) else {
            return;
        };
        pointers.update_value(|p| {
            if let Some(slot) = p.iter_mut().find(|(p, _)| *p == id) {
                slot.1 = at;
            }
        });
        match before.as_slice() {
            [_] if viewport.get_untracked().zoom() > 1.0 => {
                // A click's small wobble is not a drag.
                if !dragged.get_value() && pressed_at.get_value().distance(at) < 4.0 {
                    return;
                }
                dragged.set_value(true);
                // Diagram units per client pixel, from the same mapping the view uses.
                let (Some(a), Some(b)) = (to_view(was), to_view(at)) else {
                    return;
                };
                viewport.update(|v| *v = v.panned(a.x - b.x, a.y - b.y));
            }
            [(p0, a0), (_, a1)] => {
                let other = if *p0 == id { *a1 } else { *a0 };
                let (before, after) = (was.distance(other), at.distance(other));
                if before < 1.0 {
                    return;
                }
                dragged.set_value(true);
                let middle = Point::new((at.x + other.x) / 2.0, (at.y + other.y) / 2.0);
                zoom_by(after / before, to_view(middle));
            }
            _ => {}
        }
    };

    view! {
        <div
            class="diagram"
            node_ref=container
            class:zoomed=move || is_zoomed(viewport.get())
            on:click=pick
            on:keydown=keys
            on:wheel=wheel
            on:pointerdown=pointer_down
            on:pointermove=pointer_move
            on:pointerup=move |ev| pointers.update_value(|p| p.retain(|(id, _)| *id != ev.pointer_id()))
            on:pointercancel=move |ev| pointers.update_value(|p| p.retain(|(id, _)| *id != ev.pointer_id()))
            on:pointerleave=move |ev| pointers.update_value(|p| p.retain(|(id, _)| *id != ev.pointer_id()))
            on:focusin=move |ev| {
                if let Some(item) = item_of(&ev) {
                    if focus.get_untracked() != Some(item) {
                        focus.set(Some(item));
                    }
                }
            }
        >
            // The SVG is patched in whole (see above); `display: contents` leaves the
            // layout as if it were the diagram's own child.
            <div class="diagram-drawing" node_ref=drawing></div>
            // The animation loop finds it by its class and draws the tokens on it.
            <canvas class="token-layer" aria-hidden="true"></canvas>
            <div class="zoom-controls" role="group" aria-label="Zoom" inner_html=ZOOM_BUTTONS></div>
        </div>
    }
}

/// Puts the prerendered drawing in `host` if it is exactly `markup`, and answers whether
/// it did. It is for the airline at rest, which the first page draws first
/// (`tests/prerender.rs` keeps the file equal to these functions' output); a bench scene,
/// or a browser that writes the markup back otherwise, gets the drawing built as usual.
fn take_over(host: &web_sys::HtmlDivElement, svg: web_sys::Element, markup: &[MarkupNode]) -> bool {
    if svg.outer_html() != crate::markup::to_html(markup) {
        return false;
    }
    // First, where `patch_children` keeps what it draws (Leptos may leave a comment after).
    host.insert_before(&svg, host.first_child().as_ref())
        .is_ok()
}

/// The zoom buttons, handled by the diagram's click handler: fixed markup, which costs the
/// page less than a view of each button.
const ZOOM_BUTTONS: &str = concat!(
    r#"<button type="button" data-zoom="in" aria-label="Zoom in" title="Zoom in (+, or Ctrl and the wheel)">+</button>"#,
    r#"<button type="button" data-zoom="out" aria-label="Zoom out" title="Zoom out (−)">−</button>"#,
    r#"<button type="button" data-zoom="fit" title="The whole diagram (0)">Fit</button>"#,
);

fn is_zoomed(viewport: Viewport) -> bool {
    viewport.zoom() > 1.0
}

/// One press of a zoom button or key.
const ZOOM_STEP: f64 = 1.5;

/// Moves the focus to the first control after `element` in the page, as Tab would from
/// its last item: Escape leaves the diagram without walking out of it item by item.
fn focus_after(element: &web_sys::Element) {
    let Ok(candidates) = document().query_selector_all(
        "button:not([disabled]), a[href], input:not([disabled]), select, textarea, [tabindex=\"0\"]",
    ) else {
        return;
    };
    for i in 0..candidates.length() {
        let Some(candidate) = candidates.item(i) else {
            continue;
        };
        let follows = element.compare_document_position(&candidate)
            & web_sys::Node::DOCUMENT_POSITION_FOLLOWING
            != 0;
        if follows && !element.contains(Some(&candidate)) {
            let _ = candidate
                .clone()
                .unchecked_into::<web_sys::HtmlElement>()
                .focus();
            // A hidden control cannot take the focus; the next one may.
            if document().active_element().as_ref() == Some(&candidate.unchecked_into()) {
                return;
            }
        }
    }
}
