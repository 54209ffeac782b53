use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::asyncapi_worker::{Bundled, BUNDLED};
use crate::components::asyncapi_transfer::{run_asyncapi, AsyncApiJob};
use crate::components::AsyncApiTransfer;
use crate::loaded::{LoadedModel, Start, GALLERY};
use crate::model_reader::{read_gallery_model, read_model_text};
use crate::on_demand::on_demand;

/// What a model that cannot be opened leaves: the one the person had.
fn refusal(why: &str) -> String {
    format!("This model could not be opened: {why}. The model you had stays loaded.")
}

/// Reads a dropped or picked file's text and opens it as a model.
fn open_file(file: web_sys::File, on_start: Callback<Start>, on_invalid: Callback<String>) {
    spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string());
        let is_asyncapi = text.as_deref().is_some_and(|t| {
            serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.get("asyncapi").is_some())
        });
        if is_asyncapi {
            let files = web_sys::js_sys::Array::of1(&file).into();
            run_asyncapi(AsyncApiJob::Files(files), None, on_start, on_invalid);
            return;
        }
        let Some(text) = text else {
            let _ = on_invalid.try_run(refusal("the file is not text"));
            return;
        };
        open_text(text, on_start, on_invalid).await;
    });
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

/// Whether a drag carries files (and not text being dragged into a text area).
fn carries_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer()
        .is_some_and(|d| d.types().includes(&"Files".into(), 0))
}

/// Which system the page simulates: a gallery model, a model file of the person's (picked,
/// dropped on the page or pasted), and the current model saved as a file. A model that
/// cannot be opened is explained, and the one the person had stays loaded.
#[component]
pub fn ModelPicker(
    /// The gallery key of the model in use, or `None` for one the person opened.
    current: Option<&'static str>,
    /// The model in use's name.
    title: String,
    /// The model in use as a document, for Save model.
    model_json: Callback<(), String>,
    /// Loads a model: the page is built again for it.
    on_start: Callback<Start>,
    /// Explains a model that could not be opened.
    on_invalid: Callback<String>,
) -> impl IntoView {
    let file_input = NodeRef::<Input>::new();
    let pasted = RwSignal::new(String::new());
    // A model file dropped anywhere on the page opens like a picked one.
    let drag_over = window_event_listener(leptos::ev::dragover, |ev| {
        if carries_files(&ev) {
            ev.prevent_default();
        }
    });
    let drop = window_event_listener(leptos::ev::drop, move |ev| {
        if !carries_files(&ev) {
            return;
        }
        ev.prevent_default();
        let Some(files) = ev.data_transfer().and_then(|d| d.files()) else {
            return;
        };
        match files.get(0) {
            // One .json file is a Contrail model (or, if it says so, AsyncAPI).
            Some(file)
                if files.length() == 1 && file.name().to_ascii_lowercase().ends_with(".json") =>
            {
                open_file(file, on_start, on_invalid)
            }
            Some(_) => {
                // Copied now: the list empties when the drop event ends.
                let files = web_sys::js_sys::Array::from(&files).into();
                run_asyncapi(AsyncApiJob::Files(files), None, on_start, on_invalid);
            }
            None => {}
        }
    });
    on_cleanup(move || {
        drag_over.remove();
        drop.remove();
    });
    let save_name = format!("{}.contrail.json", crate::loaded::file_slug(&title));
    let opened_title = title.clone();
    view! {
        <div class="model-picker" role="group" aria-label="Model choice">
            <select aria-label="Model" title="The system to simulate" on:change:target=move |ev| {
                    let value = ev.target().value();
                    // If the choice cannot be opened, the list goes back to the model in use.
                    let select = ev.target();
                    let kept = current.unwrap_or_default();
                    let refused = Callback::new(move |why: String| {
                        select.set_value(kept);
                        on_invalid.run(why);
                    });
                    if value == "airline" {
                        on_start.run(Start::fresh(LoadedModel::airline()));
                    } else if GALLERY.iter().any(|(key, _)| *key == value) {
                        spawn_local(async move {
                            let _ = match on_demand!(read_gallery_model(value)).await {
                                Ok(Some(model)) => on_start.try_run(Start::fresh(model)),
                                Ok(None) => Some(()),
                                Err(missing) => refused.try_run(refusal(&missing.to_string())),
                            };
                        });
                    } else if let Some(set) = Bundled::by_value(&value) {
                        run_asyncapi(AsyncApiJob::Bundled(set), None, on_start, refused);
                    }
                }>
                    {GALLERY
                        .into_iter()
                        .map(|(key, name)| (key.to_string(), name, current == Some(key)))
                        .chain(BUNDLED.into_iter().map(|set| (format!("asyncapi:{}", set.key), set.title, false)))
                        .map(|(value, name, selected)| view! { <option value=value selected=selected>{name}</option> })
                        .collect::<Vec<_>>()}
                    {current.is_none().then(|| view! { <option value="" selected>{format!("{opened_title} (opened)")}</option> })}
            </select>
            <button on:click=move |_| {
                if let Some(input) = file_input.get_untracked() {
                    input.click();
                }
            }>"Open model"</button>
            <input
                node_ref=file_input
                class="model-file"
                type="file"
                accept=".json,application/json"
                aria-label="Model file"
                on:change:target=move |ev| {
                    let input = ev.target();
                    if let Some(file) = input.files().and_then(|f| f.get(0)) {
                        open_file(file, on_start, on_invalid);
                    }
                    input.set_value("");
                }
            />
            <button on:click=move |_| {
                let _ = download(&save_name, &model_json.run(()));
            }>"Save model"</button>
            <AsyncApiTransfer model_json title=opened_title.clone() on_start on_invalid />
            <details class="paste-model">
                <summary>"Paste a model"</summary>
                <textarea
                    aria-label="Model text"
                    rows="6"
                    spellcheck="false"
                    prop:value=move || pasted.get()
                    on:input:target=move |ev| pasted.set(ev.target().value())
                ></textarea>
                <button on:click=move |_| {
                    spawn_local(open_text(pasted.get_untracked(), on_start, on_invalid));
                }>"Open pasted model"</button>
            </details>
        </div>
    }
}
