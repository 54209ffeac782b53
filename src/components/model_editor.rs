use leptos::prelude::*;

use crate::json;
use crate::on_demand::PartMissing;
use leptos::task::spawn_local;
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::asyncapi_worker;
use crate::components::clicked_attribute;
use crate::loaded::{LoadedModel, Start};
use crate::model_reader::read_model_value;
use crate::on_demand::on_demand;

/// Changes to a model read from a document, each kept in the model (so Save model, Export
/// AsyncAPI and share links keep it): the **Message kinds** (each message's kind and what
/// decided it, for a model from AsyncAPI: the extension, a reply, a tag, who receives it,
/// or a guess from the name; choose another to override it) and the **Reactions** (what a
/// service does when it handles a message, which AsyncAPI cannot say; remove one or add one
/// the model allows). The panels and the changes come from the AsyncAPI worker, loaded when
/// the panel first opens, so the first load does not carry them.
#[component]
pub fn ModelEditor(
    /// The model in use as a document.
    model: Value,
    /// Open from the start (a model whose kinds were decided by rules); else on request.
    open: bool,
    /// Loads the changed model: the page is built again for it.
    on_start: Callback<Start>,
    /// Explains a change the model's rules refuse; the model stays as it was.
    on_invalid: Callback<String>,
) -> impl IntoView {
    let model = StoredValue::new(model);
    let loaded = StoredValue::new(false);
    let load = move |holder: web_sys::Element| {
        if loaded.get_value() {
            return;
        }
        loaded.set_value(true);
        let request = json!({ "op": "editor", "model": model.get_value() }).to_string();
        spawn_local(async move {
            let body = holder.query_selector(".model-editor-body").ok().flatten();
            match asyncapi_worker::ask(&request).await {
                Ok(reply) => {
                    if let Some(body) = body {
                        body.set_inner_html(reply["html"].as_str().unwrap_or_default());
                        let _ = body.remove_attribute("aria-busy");
                    }
                }
                Err(why) => {
                    loaded.set_value(false);
                    let _ = on_invalid.try_run(format!("The model editor could not load: {why}."));
                }
            }
        });
    };
    // One change at a time: the page is rebuilt on the changed model.
    // `choice`: the kind's select, put back to the kind kept when the change is refused.
    let change = move |edit: Value, choice: Option<web_sys::HtmlSelectElement>| {
        let mut request = json!({ "op": "edit", "model": model.get_value() });
        if let (Some(into), Some(from)) = (request.as_object_mut(), edit.as_object()) {
            into.extend(from.clone());
        }
        let request = request.to_string();
        spawn_local(async move {
            let changed = match asyncapi_worker::ask(&request).await {
                Ok(mut reply) => on_demand!(read_model_value(reply["model"].take()))
                    .await
                    .unwrap_or_else(|missing| Err(missing.to_string())),
                Err(why) => Err(why),
            };
            let _ = match changed {
                Ok(next) => on_start.try_run(Start::fresh(next)),
                Err(why) => {
                    if let Some(select) = choice {
                        let kept = select.query_selector("option[selected]").ok().flatten();
                        if let Some(kept) = kept.and_then(|o| o.get_attribute("value")) {
                            select.set_value(&kept);
                        }
                    }
                    on_invalid.try_run(format!("{why}. The model stays as it was."))
                }
            };
        });
    };
    let choose_kind = move |ev: leptos::ev::Event| {
        let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        else {
            return;
        };
        let Some(name) = select.get_attribute("data-message") else {
            return;
        };
        change(json!({ "kind": [name, select.value()] }), Some(select));
    };
    let holder_of = |ev: &web_sys::Event| {
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    };
    if open {
        // Loaded once the holder is in the page.
        request_animation_frame(move || {
            if let Some(holder) = document()
                .query_selector(".model-editor-holder")
                .ok()
                .flatten()
            {
                load(holder);
            }
        });
    }
    let click = move |ev: leptos::ev::MouseEvent| {
        let target_is_summary = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|t| t.tag_name().eq_ignore_ascii_case("summary"));
        if target_is_summary {
            if let Some(holder) = holder_of(&ev) {
                load(holder);
            }
            return;
        }
        if let Some(i) = clicked_attribute::<usize>(&ev, "data-remove-reaction") {
            change(json!({ "remove": i }), None);
        } else if clicked_attribute::<String>(&ev, "data-add-reaction").is_some() {
            let chosen = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|holder| holder.query_selector(".reaction-choice").ok().flatten())
                .and_then(|s| s.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .and_then(|s| s.value().parse::<usize>().ok());
            if let Some(i) = chosen {
                change(json!({ "add": i }), None);
            }
        }
    };
    let html = format!(
        r#"<details class="model-editor panel"{}><summary>Change this model: kinds and reactions</summary><div class="model-editor-body" aria-busy="true"></div></details>"#,
        if open { " open" } else { "" }
    );
    view! {
        <div class="model-editor-holder" inner_html=html on:change=choose_kind on:click=click></div>
    }
}

/// The editor, a part of its own: only models read from a document have it.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(model_editor, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn model_editor_part(
    model: StoredValue<LoadedModel>,
    open: bool,
    on_start: Callback<Start>,
    on_invalid: Callback<String>,
) -> Result<AnyView, PartMissing> {
    let model = model.with_value(LoadedModel::to_json);
    Ok(view! { <ModelEditor model open on_start on_invalid /> }.into_any())
}
