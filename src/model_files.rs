//! What the model picker's controls do: open a model file or pasted text, open a gallery
//! model, save the model in use, and import or export AsyncAPI (in the AsyncAPI worker).
//! All of it is one part, fetched the first time a control is used, so that the first load
//! carries only the controls themselves (`ModelPicker`).

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use crate::asyncapi_worker::{self, Bundled};
use crate::loaded::Start;
use crate::model_reader::{read_gallery_model, read_model_text, read_model_value};
use crate::on_demand::{on_demand, PartMissing};
use crate::page_run::PageRun;

/// What the person asked of the model picker.
pub(crate) enum ModelJob {
    /// A file picked or dropped: a Contrail model, or one AsyncAPI document in JSON.
    File(web_sys::File),
    /// Text pasted as a model.
    Text(String),
    /// A gallery model, by its key.
    Gallery(String),
    /// The model in use saved as a file named `name`.
    Save { name: String, run: PageRun },
    /// AsyncAPI files picked or dropped (a JavaScript array of `File`s).
    AsyncApiFiles(JsValue),
    /// A set of AsyncAPI documents that ships with the page.
    AsyncApiBundled(Bundled),
    /// The model in use exported as a zip the browser saves as `file_name`.
    AsyncApiExport { run: PageRun, file_name: String },
}

/// Runs a job. A model it opens starts the page on it (saying how it was read, for
/// AsyncAPI); what fails is explained by `on_invalid`, and the page keeps its model.
/// `status` (the AsyncAPI controls' live region, when they asked) is emptied at the end.
pub(crate) fn run_model_job(
    job: ModelJob,
    status: Option<web_sys::Element>,
    on_start: Callback<Start>,
    on_invalid: Callback<String>,
) {
    spawn_local(async move {
        let kept = status.clone();
        match on_demand!(model_files_part(job, status, on_start, on_invalid)).await {
            Ok(running) => running.await,
            Err(missing) => {
                say(kept.as_ref(), "");
                let _ = on_invalid.try_run(missing.to_string());
            }
        }
    });
}

/// Says `text` in the AsyncAPI controls' live region.
pub(crate) fn say(status: Option<&web_sys::Element>, text: &str) {
    if let Some(status) = status {
        status.set_text_content(Some(text));
    }
}

/// The jobs' code, fetched with the first one.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(model_files, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn model_files_part(
    job: ModelJob,
    status: Option<web_sys::Element>,
    on_start: Callback<Start>,
    on_invalid: Callback<String>,
) -> Result<Pin<Box<dyn Future<Output = ()>>>, PartMissing> {
    Ok(Box::pin(async move {
        match job {
            ModelJob::File(file) => open_file(file, on_start, on_invalid).await,
            ModelJob::Text(text) => open_text(text, on_start, on_invalid).await,
            ModelJob::Gallery(key) => {
                // The page may have been replaced meanwhile: then nobody listens.
                let _ = match on_demand!(read_gallery_model(key)).await {
                    Ok(Some(model)) => on_start.try_run(Start::fresh(model)),
                    Ok(None) => None,
                    Err(missing) => on_invalid.try_run(refusal(&missing.to_string())),
                };
            }
            ModelJob::Save { name, run } => {
                let Some(text) = run.model_json() else {
                    return;
                };
                if download(&name, &text).is_none() {
                    let _ = on_invalid.try_run("The browser could not save the model.".into());
                }
            }
            ModelJob::AsyncApiExport { run, file_name } => {
                let Some(model_json) = run.model_json() else {
                    return;
                };
                let done = asyncapi_worker::export(&model_json, &file_name).await;
                say(status.as_ref(), "");
                if let Err(why) = done {
                    let _ = on_invalid.try_run(format!(
                        "The model could not be exported as AsyncAPI: {why}."
                    ));
                }
            }
            ModelJob::AsyncApiFiles(files) => {
                let count = files.unchecked_ref::<web_sys::js_sys::Array>().length();
                let reply = asyncapi_worker::import_files(&files).await;
                say(status.as_ref(), "");
                open_import(reply, files_in_words(count), on_start, on_invalid).await;
            }
            ModelJob::AsyncApiBundled(set) => {
                let what = format!("the bundled {}", files_in_words(set.files.len() as u32));
                let reply = asyncapi_worker::import_bundled(set).await;
                open_import(reply, what, on_start, on_invalid).await;
            }
        }
    }))
}

/// What a model that cannot be opened leaves: the one the person had.
fn refusal(why: &str) -> String {
    format!("This model could not be opened: {why}. The model you had stays loaded.")
}

/// Reads a file's text and opens it as a model, or, if it says it is AsyncAPI, imports it.
async fn open_file(file: web_sys::File, on_start: Callback<Start>, on_invalid: Callback<String>) {
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|t| t.as_string());
    let is_asyncapi = text.as_deref().is_some_and(|t| {
        serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.get("asyncapi").is_some())
    });
    if is_asyncapi {
        let files = web_sys::js_sys::Array::of1(&file).into();
        let reply = asyncapi_worker::import_files(&files).await;
        open_import(reply, files_in_words(1), on_start, on_invalid).await;
        return;
    }
    let Some(text) = text else {
        let _ = on_invalid.try_run(refusal("the file is not text"));
        return;
    };
    open_text(text, on_start, on_invalid).await;
}

/// Reads a model's text and opens it, or says why it cannot be opened.
async fn open_text(text: String, on_start: Callback<Start>, on_invalid: Callback<String>) {
    let read = on_demand!(read_model_text(text))
        .await
        .unwrap_or_else(|missing| Err(missing.to_string()));
    // The page may have been replaced while the text was read: then nobody listens.
    let _ = match read {
        Ok(model) => on_start.try_run(Start::fresh(model)),
        Err(why) => on_invalid.try_run(refusal(&why)),
    };
}

/// Opens the model an AsyncAPI import gave, saying how it was read; or says why it could
/// not, and the page keeps its model.
async fn open_import(
    reply: Result<asyncapi_worker::ImportReply, String>,
    what: String,
    on_start: Callback<Start>,
    on_invalid: Callback<String>,
) {
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
}

/// How many files, in words.
fn files_in_words(n: u32) -> String {
    if n == 1 {
        "1 AsyncAPI file".into()
    } else {
        format!("{n} AsyncAPI files")
    }
}

/// Offers the download of `text` as a file named `name`.
fn download(name: &str, text: &str) -> Option<()> {
    let parts = web_sys::js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let link = document()
        .create_element("a")
        .ok()?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // Some browsers cancel a download whose URL is revoked before it starts.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Some(())
}
