use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::asyncapi_worker::{Bundled, BUNDLED};
use crate::components::clicked_attribute;
use crate::loaded::{LoadedModel, Start, GALLERY};
use crate::markup::escape;
use crate::model_files::{run_model_job, say, ModelJob};
use crate::page_run::PageRun;

/// The controls after the model list, as fixed markup: one element with delegated handlers
/// costs the first load far less than a view per control, and what they do is a part
/// (`crate::model_files`). The AsyncAPI controls and the pasted model fold away, so the
/// header keeps to one line.
const CONTROLS: &str = concat!(
    r#"<button type="button" data-model="open">Open model</button>"#,
    r#"<input class="model-file" type="file" accept=".json,application/json" aria-label="Model file">"#,
    r#"<button type="button" data-model="save">Save model</button>"#,
    r#"<div class="asyncapi-transfer"><details class="asyncapi-menu"><summary>AsyncAPI</summary>"#,
    r#"<div class="asyncapi-buttons" role="group" aria-label="AsyncAPI">"#,
    r#"<button type="button" data-model="import">Import AsyncAPI</button>"#,
    r#"<input class="model-file" type="file" multiple accept=".yaml,.yml,.json,.zip,application/yaml,application/json,application/zip" aria-label="AsyncAPI files" data-asyncapi>"#,
    r#"<button type="button" data-model="export">Export AsyncAPI</button>"#,
    r#"</div></details><span class="transfer-status" role="status"></span></div>"#,
    r#"<details class="paste-model"><summary>Paste a model</summary>"#,
    r#"<textarea aria-label="Model text" rows="6" spellcheck="false"></textarea>"#,
    r#"<button type="button" data-model="paste">Open pasted model</button></details>"#,
);

/// The picker's markup: the model list (the gallery, the bundled AsyncAPI sets, and the
/// model in use if the person opened it, by its name, as text), then the controls.
pub(crate) fn picker_markup(current: Option<&str>, title: &str) -> String {
    let mut html = String::from(r#"<select aria-label="Model" title="The system to simulate">"#);
    let gallery = GALLERY.map(|(key, name)| (key.to_string(), name));
    let bundled = BUNDLED.map(|set| (format!("asyncapi:{}", set.key), set.title));
    for (value, name) in gallery.iter().chain(&bundled) {
        let selected = if current == Some(value.as_str()) {
            " selected"
        } else {
            ""
        };
        html.push_str(&format!(
            r#"<option value="{value}"{selected}>{name}</option>"#
        ));
    }
    if current.is_none() {
        html.push_str(&format!(
            r#"<option value="" selected>{} (opened)</option>"#,
            escape(title)
        ));
    }
    html.push_str("</select>");
    html.push_str(CONTROLS);
    html
}

/// Whether a drag carries files (and not text being dragged into a text area).
fn carries_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer()
        .is_some_and(|d| d.types().includes(&"Files".into(), 0))
}

/// Which system the page simulates: a gallery model, a model file of the person's (picked,
/// dropped on the page or pasted), AsyncAPI documents imported, and the current model saved
/// as a file or exported as AsyncAPI. A model that cannot be opened is explained, and the
/// one the person had stays loaded.
#[component]
pub fn ModelPicker(
    /// The gallery key of the model in use, or `None` for one the person opened.
    current: Option<&'static str>,
    /// The model in use's name.
    title: String,
    /// The run, whose model Save model and Export AsyncAPI write out.
    run: PageRun,
    /// Loads a model: the page is built again for it.
    on_start: Callback<Start>,
    /// Explains a model that could not be opened.
    on_invalid: Callback<String>,
) -> impl IntoView {
    // Files dropped anywhere on the page: one .json file is a Contrail model (or, if it says
    // so, AsyncAPI); anything else is read as AsyncAPI.
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
        let job = match files.get(0) {
            Some(file)
                if files.length() == 1 && file.name().to_ascii_lowercase().ends_with(".json") =>
            {
                ModelJob::File(file)
            }
            // Copied now: the list empties when the drop event ends.
            Some(_) => ModelJob::AsyncApiFiles(web_sys::js_sys::Array::from(&files).into()),
            None => return,
        };
        run_model_job(job, None, on_start, on_invalid);
    });
    on_cleanup(move || {
        drag_over.remove();
        drop.remove();
    });
    let slug = crate::loaded::file_slug(&title);
    let markup = picker_markup(current, &title);
    let holder_of = |ev: &web_sys::Event| {
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    };
    let find = |holder: &web_sys::Element, selector: &str| {
        holder
            .query_selector(selector)
            .ok()
            .flatten()
            .map(|e| e.unchecked_into::<web_sys::HtmlElement>())
    };
    let click = move |ev: leptos::ev::MouseEvent| {
        let Some(holder) = holder_of(&ev) else {
            return;
        };
        let status = holder.query_selector(".transfer-status").ok().flatten();
        let job = match clicked_attribute::<String>(&ev, "data-model").as_deref() {
            Some("open") => {
                if let Some(input) = find(&holder, r#"input[aria-label="Model file"]"#) {
                    input.click();
                }
                return;
            }
            Some("import") => {
                if let Some(input) = find(&holder, "input[data-asyncapi]") {
                    input.click();
                }
                return;
            }
            Some("save") => ModelJob::Save {
                name: format!("{slug}.contrail.json"),
                run,
            },
            Some("paste") => {
                let Some(area) = find(&holder, "textarea") else {
                    return;
                };
                ModelJob::Text(
                    area.unchecked_into::<web_sys::HtmlTextAreaElement>()
                        .value(),
                )
            }
            Some("export") => {
                say(status.as_ref(), "Exporting…");
                ModelJob::AsyncApiExport {
                    run,
                    file_name: format!("{slug}-asyncapi.zip"),
                }
            }
            _ => return,
        };
        run_model_job(job, status, on_start, on_invalid);
    };
    let change = move |ev: leptos::ev::Event| {
        let (Some(holder), Some(target)) = (holder_of(&ev), ev.target()) else {
            return;
        };
        if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
            let value = select.value();
            // If the choice cannot be opened, the list goes back to the model in use.
            let select = select.clone();
            let kept = current.unwrap_or_default();
            let refused = Callback::new(move |why: String| {
                select.set_value(kept);
                on_invalid.run(why);
            });
            let job = if value == "airline" {
                on_start.run(Start::fresh(LoadedModel::airline()));
                return;
            } else if let Some(set) = Bundled::by_value(&value) {
                ModelJob::AsyncApiBundled(set)
            } else {
                ModelJob::Gallery(value)
            };
            run_model_job(job, None, on_start, refused);
            return;
        }
        let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() else {
            return;
        };
        let Some(files) = input.files().filter(|f| f.length() > 0) else {
            return;
        };
        if input.has_attribute("data-asyncapi") {
            let status = holder.query_selector(".transfer-status").ok().flatten();
            say(status.as_ref(), "Reading…");
            // Copied now: the list empties when the input is cleared.
            let files = web_sys::js_sys::Array::from(&files).into();
            run_model_job(ModelJob::AsyncApiFiles(files), status, on_start, on_invalid);
        } else if let Some(file) = files.get(0) {
            run_model_job(ModelJob::File(file), None, on_start, on_invalid);
        }
        input.set_value("");
    };
    view! {
        <div
            class="model-picker"
            role="group"
            aria-label="Model choice"
            inner_html=markup
            on:click=click
            on:change=change
        ></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_offers_every_gallery_model_and_bundled_set_and_selects_the_one_in_use() {
        let html = picker_markup(Some("saga"), "Order saga");
        for (key, name) in GALLERY {
            assert!(html.contains(&format!(r#"value="{key}""#)), "{key}");
            assert!(html.contains(name), "{name}");
        }
        for set in BUNDLED {
            assert!(html.contains(&format!(r#"value="asyncapi:{}""#, set.key)));
        }
        assert!(html.contains(r#"<option value="saga" selected>"#));
        assert_eq!(html.matches(" selected").count(), 1);
        assert!(!html.contains("(opened)"));
    }

    #[test]
    fn a_model_the_person_opened_is_listed_by_its_name_as_text() {
        let html = picker_markup(None, r#"<img src=x onerror="alert(1)"> & co"#);
        assert!(html.contains(
            r#"<option value="" selected>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co (opened)</option>"#
        ));
        assert!(!html.contains("<img"));
        assert_eq!(html.matches(" selected").count(), 1);
    }
}
