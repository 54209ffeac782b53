use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::asyncapi_worker::{self, ImportReply};
use crate::components::clicked_attribute;
use crate::loaded::Start;
use crate::model_reader::read_model_value;
use crate::on_demand::on_demand;

/// What AsyncAPI files that cannot be opened leave: the model the person had.
fn refusal(why: &str) -> String {
    format!("These AsyncAPI files could not be opened: {why}. The model you had stays loaded.")
}

/// Waits for an import and starts the page on its model, saying how it was read; or says
/// why it could not, and the page keeps its model.
pub(crate) fn open_import(
    // Boxed: every caller's future shares one copy of this code in the wasm.
    reading: Pin<Box<dyn Future<Output = Result<ImportReply, String>>>>,
    what: String,
    on_start: Callback<Start>,
    on_invalid: Callback<String>,
) {
    spawn_local(async move {
        let opened = match reading.await {
            Ok(reply) => on_demand!(read_model_value(reply.model))
                .await
                .unwrap_or_else(|missing| Err(missing.to_string()))
                .map(|model| (model, reply.notes)),
            Err(why) => Err(why),
        };
        // The page may have been replaced meanwhile: then nobody listens.
        let _ = match opened {
            Ok((model, notes)) => {
                let mut notice = format!("Opened {what} as \"{}\".", model.title);
                for note in notes {
                    notice.push(' ');
                    notice.push_str(&note);
                }
                on_start.try_run(Start {
                    notice: Some(notice),
                    ..Start::fresh(model)
                })
            }
            Err(why) => on_invalid.try_run(refusal(&why)),
        };
    });
}

/// How many files, in words.
pub(crate) fn files_in_words(n: u32) -> String {
    if n == 1 {
        "1 AsyncAPI file".into()
    } else {
        format!("{n} AsyncAPI files")
    }
}

/// The controls, as fixed markup: one element and delegated handlers cost the first load
/// far less than a view per control. They fold under "AsyncAPI", as "Paste a model" does,
/// so the header keeps to one line.
const CONTROLS: &str = concat!(
    r#"<details class="asyncapi-menu"><summary>AsyncAPI</summary>"#,
    r#"<div class="asyncapi-buttons" role="group" aria-label="AsyncAPI">"#,
    r#"<button type="button" data-asyncapi="import">Import AsyncAPI</button>"#,
    r#"<input class="model-file" type="file" multiple accept=".yaml,.yml,.json,.zip,application/yaml,application/json,application/zip" aria-label="AsyncAPI files">"#,
    r#"<button type="button" data-asyncapi="export">Export AsyncAPI</button>"#,
    r#"</div></details>"#,
    r#"<span class="transfer-status" role="status"></span>"#,
);

fn status(holder: &web_sys::Element, text: &str) {
    if let Ok(Some(s)) = holder.query_selector(".transfer-status") {
        s.set_text_content(Some(text));
    }
}

/// AsyncAPI in and out: import a system's AsyncAPI documents (one per service, YAML or JSON,
/// or a zip of them) and export the model in use as AsyncAPI 3.0, one document per service,
/// in a zip. Both run in a worker that loads the first time either is used.
#[component]
pub fn AsyncApiTransfer(
    /// The model in use as a document, for Export AsyncAPI.
    model_json: Callback<(), String>,
    /// The model in use's name, for the zip's file name.
    title: String,
    /// Loads the imported model: the page is built again for it.
    on_start: Callback<Start>,
    /// Explains files that could not be imported or a model that could not be exported.
    on_invalid: Callback<String>,
) -> impl IntoView {
    let zip_name = format!("{}-asyncapi.zip", crate::loaded::file_slug(&title));
    let holder_of = |ev: &web_sys::Event| {
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(holder) = holder_of(&ev) else {
            return;
        };
        match clicked_attribute::<String>(&ev, "data-asyncapi").as_deref() {
            Some("import") => {
                if let Ok(Some(input)) = holder.query_selector("input") {
                    if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
                        input.click();
                    }
                }
            }
            Some("export") => {
                let json = model_json.run(());
                let name = zip_name.clone();
                status(&holder, "Exporting…");
                spawn_local(async move {
                    let done = asyncapi_worker::export(&json, &name).await;
                    status(&holder, "");
                    if let Err(why) = done {
                        let _ = on_invalid.try_run(format!(
                            "The model could not be exported as AsyncAPI: {why}."
                        ));
                    }
                });
            }
            _ => {}
        }
    };
    let picked = move |ev: leptos::ev::Event| {
        let (Some(holder), Some(input)) = (
            holder_of(&ev),
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()),
        ) else {
            return;
        };
        if let Some(files) = input.files().filter(|f| f.length() > 0) {
            let what = files_in_words(files.length());
            status(&holder, "Reading…");
            // Copied now: the list empties when the input is cleared or the drop event ends.
            let files: wasm_bindgen::JsValue = web_sys::js_sys::Array::from(&files).into();
            let reading = async move {
                let reply = asyncapi_worker::import_files(&files).await;
                status(&holder, "");
                reply
            };
            open_import(Box::pin(reading), what, on_start, on_invalid);
        }
        input.set_value("");
    };
    view! {
        <div class="asyncapi-transfer" inner_html=CONTROLS on:click=click on:change=picked></div>
    }
}
