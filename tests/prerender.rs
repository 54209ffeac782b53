//! The airline's diagram and legend are prerendered into index.html (through
//! `assets/prerendered/airline-diagram.html`, which trunk inlines), so they are on screen
//! at first paint. They must be exactly what the app draws at rest, from the same pure
//! functions: this test fails when they differ. `UPDATE_PRERENDER=1 cargo test --test
//! prerender` writes the file again after a change to the diagram, the legend or the
//! airline model.

use contrail::diagram_markup::{diagram_svg, legend_markup, DiagramState};
use contrail::geometry::DiagramGeometry;
use contrail::loaded::LoadedModel;
use contrail::markup::{to_html, Element};
use contrail::sim::SimConfig;

const FILE: &str = "assets/prerendered/airline-diagram.html";

/// The boot copy of the diagram and legend, in the elements the app puts them in.
fn prerendered() -> String {
    let sim = LoadedModel::airline()
        .start(&SimConfig::default())
        .expect("the airline starts");
    let topology = sim.topology();
    let geometry = DiagramGeometry::new(topology);
    let state = DiagramState::at_rest(topology.services().len());
    let mut drawing = Element::new("div").attr("class", "diagram-drawing");
    drawing.children = vec![diagram_svg(topology, &geometry, &state)];
    let diagram = Element::new("div")
        .attr("class", "diagram")
        .attr("id", "boot-diagram")
        .child(drawing);
    let mut legend = Element::new("ul")
        .attr("class", "legend")
        .attr("aria-label", "Legend");
    legend.children = legend_markup();
    format!(
        "<!-- Written by tests/prerender.rs from the app's own diagram functions: do not edit. -->\n{}\n{}\n",
        to_html(&[diagram.into()]),
        to_html(&[legend.into()])
    )
}

#[test]
fn the_prerendered_diagram_is_the_apps_own_at_rest() {
    let expected = prerendered();
    if std::env::var_os("UPDATE_PRERENDER").is_some() {
        std::fs::write(FILE, &expected).expect("write the prerendered diagram");
    }
    let on_disk = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(
        on_disk == expected,
        "{FILE} is not the app's diagram at rest: run UPDATE_PRERENDER=1 cargo test --test prerender"
    );
}
