//! Browser tests for AsyncAPI (issue 13): the import itself runs in wasm here (the page
//! runs it in a worker), and the real page, mounted on the imported model, draws each edge
//! with the rule that decided its kind and opens the model editor.
#![cfg(target_arch = "wasm32")]

use contrail::asyncapi::{import, read_sources, SourceFile};
use contrail::loaded::{LoadedModel, Start};
use contrail::simulation_page::SimulationPage;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const THREE: [(&str, &str); 3] = [
    (
        "mobile-app.asyncapi.yaml",
        include_str!("../models/asyncapi/three-services/mobile-app.asyncapi.yaml"),
    ),
    (
        "booking.asyncapi.yaml",
        include_str!("../models/asyncapi/three-services/booking.asyncapi.yaml"),
    ),
    (
        "loyalty.asyncapi.yaml",
        include_str!("../models/asyncapi/three-services/loyalty.asyncapi.yaml"),
    ),
];

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn an_imported_model_draws_each_kind_with_its_rule() {
    let files: Vec<SourceFile> = THREE
        .iter()
        .map(|(name, text)| SourceFile {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let imported = import(&read_sources(&files).unwrap()).unwrap();
    let model = LoadedModel::from_value(&imported.model).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let container = document
        .create_element("div")
        .unwrap()
        .unchecked_into::<HtmlElement>();
    document.body().unwrap().append_child(&container).unwrap();
    let start = Start::fresh(model);
    let _handle = leptos::mount::mount_to(container.clone(), move || {
        view! { <SimulationPage start=start.clone() on_start=Callback::new(|_: Start| {}) /> }
    });
    // The panels arrive in the page's second task.
    TimeoutFuture::new(50).await;
    let edges: Vec<(String, String, String)> = all(&container, "g.edge")
        .iter()
        .map(|e| {
            (
                e.get_attribute("data-kind").unwrap_or_default(),
                e.get_attribute("data-kind-rule").unwrap_or_default(),
                e.get_attribute("data-types").unwrap_or_default(),
            )
        })
        .collect();
    for (kind, ty) in [
        ("command", "BookFlight"),
        ("event", "BookingCreated"),
        ("query", "GET /api/loyalty/customers/{customerId}/points"),
    ] {
        let found = edges.iter().find(|(k, _, t)| k == kind && t == ty);
        assert_eq!(
            found.map(|(_, rule, _)| rule.as_str()),
            Some("extension"),
            "{kind} {ty} in {edges:?}"
        );
    }
    // Kinds decided by rules: the editor is open from the start.
    let editor = all(&container, "details.model-editor[open]");
    assert_eq!(editor.len(), 1, "the model editor is open");
    // And the AsyncAPI controls are in the header, named as the automation contract says.
    let labels: Vec<String> = all(
        &container,
        ".asyncapi-transfer button, .asyncapi-transfer input",
    )
    .iter()
    .map(|e| {
        e.get_attribute("aria-label")
            .unwrap_or_else(|| e.text_content().unwrap_or_default())
    })
    .collect();
    assert_eq!(
        labels,
        ["Import AsyncAPI", "AsyncAPI files", "Export AsyncAPI"]
    );
}
