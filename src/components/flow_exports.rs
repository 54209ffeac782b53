use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::file_save::{save_svg_as_png, save_text};
use crate::flow::svg_export::LEGEND_HEIGHT;
use crate::geometry::{VIEW_HEIGHT, VIEW_WIDTH};
use crate::link_codec;

/// What an export button asks the page to write out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowExport {
    /// A Mermaid `sequenceDiagram` of the selected message's action, or of what is in view.
    Mermaid,
    /// The diagram with its legend and the tokens in flight, as a standalone SVG.
    Svg,
    /// The run as OpenTelemetry traces (OTLP/JSON).
    Otlp,
    /// The log as JSON Lines of envelopes.
    Log,
}

/// The Export menu: the flow as Mermaid (copied, or opened in Mermaid Live), the diagram as
/// SVG or PNG, the run as OpenTelemetry traces, and the log as JSON Lines.
#[component]
pub fn FlowExports(
    /// Writes an export's text from the simulation, or says why there is nothing to write.
    make: Callback<FlowExport, Result<String, String>>,
    /// The downloaded files' names start with this (the model's name, as a file name).
    file_stem: String,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let mermaid_text = RwSignal::new(String::new());
    let live_link = RwSignal::new(String::new());
    let stem = StoredValue::new(file_stem);
    let made = move |what: FlowExport| match make.run(what) {
        Ok(text) => Some(text),
        Err(why) => {
            status.set(why);
            None
        }
    };
    let copy_mermaid = move |_| {
        let Some(text) = made(FlowExport::Mermaid) else {
            return;
        };
        let lines = text.lines().count();
        mermaid_text.set(text.clone());
        spawn_local(async move {
            let copied = match web_sys::window() {
                Some(w) => wasm_bindgen_futures::JsFuture::from(
                    w.navigator().clipboard().write_text(&text),
                )
                .await
                .is_ok(),
                None => false,
            };
            let _ = status.try_set(if copied {
                format!("Copied {lines} lines of Mermaid.")
            } else {
                "The clipboard is not allowed here: copy the Mermaid text from the field.".into()
            });
        });
    };
    let open_live = move |_| {
        let Some(code) = made(FlowExport::Mermaid) else {
            return;
        };
        mermaid_text.set(code.clone());
        // mermaid.live's own state: the code and its configuration, as a JSON string.
        let state =
            serde_json::json!({"code": code, "mermaid": "{\"theme\":\"default\"}"}).to_string();
        spawn_local(async move {
            let fragment = match link_codec::pack(&state).await {
                Ok(fragment) => fragment,
                Err(why) => {
                    let _ = status.try_set(format!("No Mermaid Live link: {why}."));
                    return;
                }
            };
            let url = format!("https://mermaid.live/edit{fragment}");
            let _ = live_link.try_set(url.clone());
            let opened = web_sys::window()
                .and_then(|w| {
                    w.open_with_url_and_target_and_features(&url, "_blank", "noopener")
                        .ok()
                })
                .is_some();
            let _ = status.try_set(if opened {
                "Opened in Mermaid Live, in a new tab.".into()
            } else {
                "The browser kept the tab from opening: use the link below.".into()
            });
        });
    };
    let download = move |what: FlowExport, suffix: &'static str, mime: &'static str| {
        move |_| {
            if let Some(text) = made(what) {
                let name = format!("{}{suffix}", stem.get_value());
                save_text(&text, &name, mime);
                status.set(format!("Saved {name}."));
            }
        }
    };
    let download_png = move |_| {
        let Some(svg) = made(FlowExport::Svg) else {
            return;
        };
        let name = format!("{}.png", stem.get_value());
        spawn_local(async move {
            let said =
                match save_svg_as_png(&svg, &name, VIEW_WIDTH, VIEW_HEIGHT + LEGEND_HEIGHT).await {
                    Ok(()) => format!("Saved {name}."),
                    Err(why) => format!("No PNG: {why}."),
                };
            let _ = status.try_set(said);
        });
    };
    view! {
        <details class="flow-exports">
            <summary>"Export"</summary>
            <div class="flow-export-menu" role="group" aria-label="Export">
                <div class="flow-export-buttons">
                    <button on:click=copy_mermaid title="A sequenceDiagram of the selected message's action, or of what the sequence shows">"Copy Mermaid"</button>
                    <button on:click=open_live>"Open in Mermaid Live"</button>
                    <button on:click=download(FlowExport::Svg, ".svg", "image/svg+xml")>"Download SVG"</button>
                    <button on:click=download_png>"Download PNG"</button>
                    <button on:click=download(FlowExport::Otlp, "-traces.json", "application/json") title="OpenTelemetry traces (OTLP/JSON), for Jaeger or Grafana">"Download OTLP"</button>
                    <button on:click=download(FlowExport::Log, "-log.jsonl", "application/x-ndjson") title="Every kept message's envelope, one JSON object per line">"Download log"</button>
                </div>
                <p class="flow-export-status" role="status">{move || status.get()}</p>
                <Show when=move || !live_link.with(String::is_empty)>
                    <a class="mermaid-live-link" href=move || live_link.get() target="_blank" rel="noopener">"The Mermaid Live link"</a>
                </Show>
                <Show when=move || !mermaid_text.with(String::is_empty)>
                    <textarea class="mermaid-text" readonly aria-label="Mermaid text" rows="8" prop:value=move || mermaid_text.get()></textarea>
                </Show>
            </div>
        </details>
    }
}
