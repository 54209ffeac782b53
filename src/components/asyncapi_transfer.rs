use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use crate::asyncapi_worker::{self, Bundled};
use crate::components::clicked_attribute;
use crate::loaded::Start;
use crate::model_reader::read_model_value;
use crate::on_demand::{on_demand, PartMissing};

/// What the person asked of AsyncAPI.
pub(crate) enum AsyncApiJob {
    /// Import the files picked or dropped (a JavaScript array of `File`s).
    Files(JsValue),
    /// Import a set of documents that ships with the page.
    Bundled(Bundled),
    /// Export the model in use (its JSON text) as a zip the browser saves as `file_name`.
    Export {
        model_json: String,
        file_name: String,
    },
}

/// Runs an AsyncAPI job: its code is a part of its own, fetched the first time the person
/// imports or exports, so the first load carries only the controls. `status` (the controls'
/// live region, if the job came from them) is emptied when the job ends. An import starts
/// the page on its model, saying how it was read; what fails is explained by `on_invalid`,
/// and the page keeps its model.
pub(crate) fn run_asyncapi(
    job: AsyncApiJob,
    status: Option<web_sys::Element>,
    on_start: Callback<Start>,
    on_invalid: Callback<String>,
) {
    spawn_local(async move {
        let kept = status.clone();
        match on_demand!(asyncapi_part(job, status, on_start, on_invalid)).await {
            Ok(running) => running.await,
            Err(missing) => {
                say(kept.as_ref(), "");
                let _ = on_invalid.try_run(missing.to_string());
            }
        }
    });
}

/// The jobs' code, fetched on the first import or export.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(asyncapi, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn asyncapi_part(
    job: AsyncApiJob,
    status: Option<web_sys::Element>,
    on_start: Callback<Start>,
    on_invalid: Callback<String>,
) -> Result<Pin<Box<dyn Future<Output = ()>>>, PartMissing> {
    Ok(Box::pin(async move {
        let (what, reply) = match job {
            AsyncApiJob::Export {
                model_json,
                file_name,
            } => {
                let done = asyncapi_worker::export(&model_json, &file_name).await;
                say(status.as_ref(), "");
                if let Err(why) = done {
                    let _ = on_invalid.try_run(format!(
                        "The model could not be exported as AsyncAPI: {why}."
                    ));
                }
                return;
            }
            AsyncApiJob::Files(files) => {
                let count = files.unchecked_ref::<web_sys::js_sys::Array>().length();
                let reply = asyncapi_worker::import_files(&files).await;
                (files_in_words(count), reply)
            }
            AsyncApiJob::Bundled(set) => (
                format!("the bundled {}", files_in_words(set.files.len() as u32)),
                asyncapi_worker::import_bundled(set).await,
            ),
        };
        say(status.as_ref(), "");
        let opened = match reply {
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
            Err(why) => on_invalid.try_run(format!(
                "These AsyncAPI files could not be opened: {why}. The model you had stays loaded."
            )),
        };
    }))
}

/// How many files, in words.
fn files_in_words(n: u32) -> String {
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

/// Says `text` in the controls' live region.
fn say(status: Option<&web_sys::Element>, text: &str) {
    if let Some(status) = status {
        status.set_text_content(Some(text));
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
    // The controls' holder and its live region, for the event's handler.
    let parts_of = |ev: &web_sys::Event| {
        let holder = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
        let status = holder.query_selector(".transfer-status").ok().flatten();
        Some((holder, status))
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some((holder, status)) = parts_of(&ev) else {
            return;
        };
        match clicked_attribute::<String>(&ev, "data-asyncapi").as_deref() {
            Some("import") => {
                if let Ok(Some(input)) = holder.query_selector("input") {
                    input.unchecked_into::<web_sys::HtmlElement>().click();
                }
            }
            Some("export") => {
                say(status.as_ref(), "Exporting…");
                let job = AsyncApiJob::Export {
                    model_json: model_json.run(()),
                    file_name: zip_name.clone(),
                };
                run_asyncapi(job, status, on_start, on_invalid);
            }
            _ => {}
        }
    };
    let picked = move |ev: leptos::ev::Event| {
        let (Some((_, status)), Some(input)) = (
            parts_of(&ev),
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()),
        ) else {
            return;
        };
        if let Some(files) = input.files().filter(|f| f.length() > 0) {
            say(status.as_ref(), "Reading…");
            // Copied now: the list empties when the input is cleared.
            let files = web_sys::js_sys::Array::from(&files).into();
            run_asyncapi(AsyncApiJob::Files(files), status, on_start, on_invalid);
        }
        input.set_value("");
    };
    view! {
        <div class="asyncapi-transfer" inner_html=CONTROLS on:click=click on:change=picked></div>
    }
}
