use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::asyncapi_worker::ask;
use crate::components::clicked_attribute;
use crate::file_save::{save_svg_as_png, save_text};
use crate::flow::sequence::Window;
use crate::flow::svg_export::LEGEND_HEIGHT;
use crate::geometry::{VIEW_HEIGHT, VIEW_WIDTH};
use crate::link_codec;
use crate::on_demand::{on_demand, PartMissing};
use crate::page_run::PageRun;
use crate::sim::MessageId;

/// The PNG's size in CSS pixels: the diagram's view and the legend under it.
const PNG_SIZE: (f64, f64) = (VIEW_WIDTH, VIEW_HEIGHT + LEGEND_HEIGHT);

/// The menu, as fixed markup: one element and a delegated handler cost the first load far
/// less than a view per button. Each button names the export (`data-export`) and what to do
/// with it (`data-then`).
const MENU: &str = concat!(
    r#"<details class="flow-exports"><summary>Export</summary>"#,
    r#"<div class="flow-export-menu" role="group" aria-label="Export"><div class="flow-export-buttons">"#,
    r#"<button type="button" data-export="mermaid" data-then="copy" title="A sequenceDiagram of the selected message's action, or of what the sequence shows">Copy Mermaid</button>"#,
    r#"<button type="button" data-export="mermaid" data-then="live" title="The same diagram, in the Mermaid Live editor">Open in Mermaid Live</button>"#,
    r#"<button type="button" data-export="svg" data-then=".svg" title="The diagram, its legend and the tokens in flight">Download SVG</button>"#,
    r#"<button type="button" data-export="svg" data-then="png" title="The same picture, as an image">Download PNG</button>"#,
    r#"<button type="button" data-export="otlp" data-then="-traces.json" title="OpenTelemetry traces (OTLP/JSON), for Jaeger or Grafana">Download OTLP</button>"#,
    r#"<button type="button" data-export="log" data-then="-log.jsonl" title="Every kept message's envelope, one JSON object per line">Download log</button>"#,
    r#"</div><p class="flow-export-status" role="status"></p>"#,
    r#"<a class="mermaid-live-link" target="_blank" rel="noopener" hidden>The Mermaid Live link</a>"#,
    r#"<textarea class="mermaid-text" readonly aria-label="Mermaid text" rows="8" hidden></textarea>"#,
    r#"</div></details>"#,
);

/// The Export menu: the flow as Mermaid (copied, or opened in Mermaid Live), the diagram as
/// SVG or PNG, the run as OpenTelemetry traces, and the log as JSON Lines. The worker writes
/// each one from a replay of the run, so none of the writers weighs on the first load.
#[component]
pub fn FlowExports(
    /// The selected message, which the exports mark.
    #[prop(into)]
    selected: Signal<Option<MessageId>>,
    /// The part of the run the sequence shows, if it shows one: the Mermaid export's.
    #[prop(into)]
    window: Signal<Option<Window>>,
    /// The run so far, which the worker replays to write the export.
    run: PageRun,
    /// The downloaded files' names start with this (the model's name, as a file name).
    file_stem: String,
) -> impl IntoView {
    let click = move |ev: leptos::ev::MouseEvent| {
        let (Some(what), Some(then)) = (
            clicked_attribute::<String>(&ev, "data-export"),
            clicked_attribute::<String>(&ev, "data-then"),
        ) else {
            return;
        };
        let Some(menu) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let shown = (selected.get_untracked(), window.get_untracked());
        let stem = file_stem.clone();
        show(&menu, ".flow-export-status", "Writing it…", false);
        spawn_local(async move {
            let told = menu.clone();
            match on_demand!(export_part(told, what, shown, run, then, stem)).await {
                Ok(exporting) => exporting.await,
                Err(missing) => show(&menu, ".flow-export-status", &missing.to_string(), false),
            }
        });
    };
    view! { <div class="flow-exports-holder" inner_html=MENU on:click=click></div> }
}

/// Asks the worker for the export and copies, opens or saves it, telling how that went.
/// A part of its own, fetched on the first export.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(exports, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn export_part(
    menu: web_sys::Element,
    what: String,
    (selected, window): (Option<MessageId>, Option<Window>),
    run: PageRun,
    then: String,
    stem: String,
) -> Result<Pin<Box<dyn Future<Output = ()>>>, PartMissing> {
    let Some(run) = run.run_json() else {
        return Ok(Box::pin(async {}));
    };
    // The worker writes the export from the run so far, replayed, and what the page shows
    // (see `worker_ops`); the stylesheet only for an SVG.
    let request = crate::json!({
        "op": "flow-export",
        "selected": selected,
        "window": window.map(|w| [w.from, w.to]),
        "css": if what == "svg" { crate::file_save::diagram_css() } else { String::new() },
        "what": what,
        "run": run,
    })
    .to_string();
    Ok(Box::pin(async move {
        let said = match ask(&request).await {
            Ok(reply) => {
                let text = reply["text"].as_str().unwrap_or_default();
                finish(&menu, text, &then, &stem).await
            }
            Err(why) => why,
        };
        show(&menu, ".flow-export-status", &said, false);
    }))
}

/// Sets the text (or, for the link, the address) of the menu's element `selector`, and
/// shows it.
fn show(menu: &web_sys::Element, selector: &str, text: &str, link: bool) {
    let Ok(Some(element)) = menu.query_selector(selector) else {
        return;
    };
    let _ = element.remove_attribute("hidden");
    if link {
        let _ = element.set_attribute("href", text);
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(text);
    } else {
        element.set_text_content(Some(text));
    }
}

/// Copies, opens or saves the export's `text`; answers what to tell the person.
async fn finish(menu: &web_sys::Element, text: &str, then: &str, stem: &str) -> String {
    let window = web_sys::window();
    match then {
        "copy" => {
            show(menu, ".mermaid-text", text, false);
            let copied = match &window {
                Some(w) => {
                    wasm_bindgen_futures::JsFuture::from(w.navigator().clipboard().write_text(text))
                        .await
                        .is_ok()
                }
                None => false,
            };
            if copied {
                format!("Copied {} lines of Mermaid.", text.lines().count())
            } else {
                "The clipboard is not allowed here: copy the Mermaid text from the field.".into()
            }
        }
        "live" => {
            show(menu, ".mermaid-text", text, false);
            // mermaid.live's own state: the code, and its configuration as a JSON string.
            let state =
                crate::json!({"code": text, "mermaid": "{\"theme\":\"default\"}"}).to_string();
            let fragment = match link_codec::pack(&state).await {
                Ok(fragment) => fragment,
                Err(why) => return format!("No Mermaid Live link: {why}."),
            };
            let url = format!("https://mermaid.live/edit{fragment}");
            show(menu, ".mermaid-live-link", &url, true);
            let opened = window
                .and_then(|w| {
                    w.open_with_url_and_target_and_features(&url, "_blank", "noopener")
                        .ok()
                })
                .is_some();
            if opened {
                "Opened in Mermaid Live, in a new tab.".into()
            } else {
                "The browser kept the tab from opening: use the link below.".into()
            }
        }
        "png" => {
            let name = format!("{stem}.png");
            match save_svg_as_png(text, &name, PNG_SIZE.0, PNG_SIZE.1).await {
                Ok(()) => format!("Saved {name}."),
                Err(why) => format!("No PNG: {why}."),
            }
        }
        suffix => {
            let name = format!("{stem}{suffix}");
            let mime = match suffix {
                ".svg" => "image/svg+xml",
                "-log.jsonl" => "application/x-ndjson",
                _ => "application/json",
            };
            save_text(text, &name, mime);
            format!("Saved {name}.")
        }
    }
}
