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
/// The legend's items alone, which the app's `Legend` shows as they are.
const LEGEND_FILE: &str = "assets/prerendered/legend-items.html";

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

/// Checks `file` holds `expected`, or writes it when asked to.
fn check(file: &str, expected: &str) {
    if std::env::var_os("UPDATE_PRERENDER").is_some() {
        std::fs::write(file, expected).expect("write the prerendered markup");
    }
    let on_disk = std::fs::read_to_string(file).unwrap_or_default();
    assert!(
        on_disk == expected,
        "{file} is not the app's diagram at rest: run UPDATE_PRERENDER=1 cargo test --test prerender"
    );
}

#[test]
fn the_prerendered_diagram_is_the_apps_own_at_rest() {
    check(FILE, &prerendered());
}

/// The legend is the same for every model, so the app carries its markup as text rather
/// than the code that builds it: the text is that code's output, checked here.
#[test]
fn the_legend_the_app_shows_is_the_legend_function_s_own() {
    check(LEGEND_FILE, &to_html(&legend_markup()));
}
