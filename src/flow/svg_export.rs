//! The diagram as one standalone SVG file: the same markup the page draws, with the legend
//! and the tokens in flight drawn in, and the page's styles for it inlined, so it opens the
//! same in a browser, an editor or a slide outside the app.

use crate::diagram_markup::{dash_pattern, diagram_svg, token_shape, DiagramState, LEGEND_KINDS};
use crate::geometry::{DiagramGeometry, VIEW_HEIGHT, VIEW_WIDTH};
use crate::markup::{to_html, Element, Node};
use crate::sim::{fixed, MessageKind, Topology};
use crate::tokens::PlacedToken;

use super::sequence::edge_kind;

/// The legend's height under the diagram.
pub const LEGEND_HEIGHT: f64 = 84.0;

/// The file's text. `css` holds the page's rules for the diagram (the page reads them from
/// its own stylesheet, so the file and the page cannot drift apart).
pub fn standalone_svg(
    topology: &Topology,
    geometry: &DiagramGeometry,
    state: &DiagramState,
    tokens: &[PlacedToken],
    css: &str,
) -> String {
    let Node::Element(mut svg) = diagram_svg(topology, geometry, state) else {
        unreachable!("the diagram is an element");
    };
    let height = VIEW_HEIGHT + LEGEND_HEIGHT;
    svg.attrs
        .retain(|(name, _)| !matches!(*name, "viewBox" | "class"));
    svg = svg
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("class", "diagram-svg")
        .attr("width", fixed(VIEW_WIDTH, 0))
        .attr("height", fixed(height, 0))
        .attr(
            "viewBox",
            format!("0 0 {} {}", fixed(VIEW_WIDTH, 0), fixed(height, 0)),
        );
    // Variables the page sets on its own elements; the file's root stands in for them.
    let style = Element::new("style").text(format!("{css}\n:root{{--text-scale:1}}\n"));
    let background = Element::new("rect")
        .attr("width", "100%")
        .attr("height", "100%")
        .attr("fill", "#ffffff");
    let mut head = vec![Node::from(style), Node::from(background)];
    head.append(&mut svg.children);
    svg.children = head;
    let mut layer = Element::new("g").attr("class", "tokens");
    for token in tokens {
        let kind = edge_kind(token.kind);
        let mut shape = Element::new("path")
            .attr("class", format!("token-shape token-{}", kind.as_str()))
            .attr("d", token_shape(kind))
            .attr(
                "transform",
                format!(
                    "translate({} {})",
                    fixed(token.at.x, 1),
                    fixed(token.at.y, 1)
                ),
            )
            .attr("data-message-id", token.message.to_string());
        if token.kind == MessageKind::QueryResponse {
            // The answer travels back as a hollow triangle, as on the page's canvas.
            shape = shape.attr("fill", "#ffffff");
        }
        if token.opacity < 1.0 {
            shape = shape.attr("opacity", fixed(token.opacity, 2));
        }
        layer = layer.child(shape);
        if let Some(tag) = token.tag() {
            layer = layer.child(
                Element::new("text")
                    .attr("class", "edge-label")
                    .attr("x", fixed(token.at.x + 9.0, 1))
                    .attr("y", fixed(token.at.y - 8.0, 1))
                    .text(tag),
            );
        }
    }
    svg = svg.child(layer).child(legend(VIEW_HEIGHT + 8.0));
    to_html(&[svg.into()])
}

/// The legend as SVG: each kind's line and arrowhead, token, name and meaning.
fn legend(top: f64) -> Element {
    let mut g = Element::new("g")
        .attr("class", "legend")
        .attr("transform", format!("translate(24 {})", fixed(top, 0)));
    for (row, (kind, name, look, meaning)) in LEGEND_KINDS.into_iter().enumerate() {
        let y = row as f64 * 24.0 + 10.0;
        let kind_name = kind.as_str();
        g = g
            .child(
                Element::new("path")
                    .attr("class", format!("edge-line edge-{kind_name}"))
                    .attr("d", format!("M0 {y} L54 {y}"))
                    .attr("stroke-dasharray", dash_pattern(kind))
                    .attr("marker-end", format!("url(#end-{kind_name})")),
            )
            .child(
                Element::new("path")
                    .attr("class", format!("token-shape token-{kind_name}"))
                    .attr("d", token_shape(kind))
                    .attr("transform", format!("translate(76 {y})")),
            )
            .child(
                Element::new("text")
                    .attr("class", "legend-text")
                    .attr("x", "96")
                    .attr("y", fixed(y + 4.0, 0))
                    .attr("font-size", "13")
                    .child(Element::new("tspan").attr("font-weight", "700").text(name))
                    .text(format!("  {meaning} ({look})")),
            );
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scenario, Sim, SimConfig};
    use crate::tokens::TokenLayer;

    #[test]
    fn the_file_holds_every_service_the_legend_the_tokens_and_the_styles() {
        let mut sim = Sim::airline(SimConfig::default());
        let geometry = DiagramGeometry::new(sim.topology());
        let mut layer = TokenLayer::new(geometry.edges.len());
        sim.act(Scenario::BookFl123.action()).unwrap();
        let happened = sim.advance_by(300);
        layer.absorb(&geometry, &happened, |_| None);
        let tokens: Vec<PlacedToken> = layer.placed(&geometry, sim.now(), false).collect();
        assert_eq!(tokens.len(), 1, "CreateBooking is on its way");
        let state = DiagramState::of(&sim, None, None);
        let svg = standalone_svg(
            sim.topology(),
            &geometry,
            &state,
            &tokens,
            ".edge-line{fill:none}",
        );
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        for s in sim.topology().services() {
            assert!(
                svg.contains(&format!("data-service=\"{}\"", s.id)),
                "{}",
                s.id
            );
        }
        for (_, name, _, meaning) in LEGEND_KINDS {
            assert!(svg.contains(name) && svg.contains(meaning));
        }
        assert!(svg.contains("<style>.edge-line{fill:none}"));
        assert!(svg.contains("class=\"token-shape token-command\""));
        assert!(
            svg.contains("<marker id=\"end-command\""),
            "the arrowheads travel with it"
        );
    }
}
