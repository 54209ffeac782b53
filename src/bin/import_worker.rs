//! The AsyncAPI worker: trunk builds it as a web worker (`data-type="worker"`), and the page
//! starts it only when the person first imports or exports AsyncAPI, so the YAML parser, the
//! join and the exporter never weigh on the first load. It answers one request at a time:
//!
//! * `{op: "import", files: [File…]}` or `{op: "import", urls: [url…]}` → the JSON text
//!   `{"model": …, "notes": […]}`, the model in Contrail's own format;
//! * `{op: "export", model: "<model JSON>"}` → `{name, zip}` with the zip's bytes;
//! * the model editor's JSON text requests → `contrail::worker_ops::answer_text`;
//! * any of them → the JSON text `{"error": "…"}` when it cannot.
//!
//! It posts `"ready"` once it can take requests.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys::{Array, Object, Reflect, Uint8Array};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use contrail::asyncapi::{export_zip, import, read_sources, SourceFile, MAX_FILES};
use contrail::sim::model::Model;

fn scope() -> DedicatedWorkerGlobalScope {
    web_sys::js_sys::global().unchecked_into()
}

fn field(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn error_reply(reason: &str) -> JsValue {
    JsValue::from_str(&serde_json::json!({ "error": reason }).to_string())
}

async fn bytes_of(promise: web_sys::js_sys::Promise) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(promise).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The files a request names, read into memory.
async fn sources(request: &JsValue) -> Result<Vec<SourceFile>, String> {
    let mut out = Vec::new();
    let files = field(request, "files");
    if !files.is_undefined() {
        for file in Array::from(&files).iter().take(MAX_FILES + 1) {
            let file: web_sys::File = file.unchecked_into();
            let bytes = bytes_of(file.array_buffer())
                .await
                .map_err(|_| format!("{} could not be read", file.name()))?;
            out.push(SourceFile {
                name: file.name(),
                bytes,
            });
        }
    }
    let urls = field(request, "urls");
    if !urls.is_undefined() {
        for url in Array::from(&urls).iter().filter_map(|u| u.as_string()) {
            let name = url.rsplit('/').next().unwrap_or(&url).to_string();
            let fetched = async {
                let response: web_sys::Response = JsFuture::from(scope().fetch_with_str(&url))
                    .await?
                    .unchecked_into();
                if !response.ok() {
                    return Err(JsValue::from_str(&format!("HTTP {}", response.status())));
                }
                bytes_of(response.array_buffer()?).await
            };
            let bytes = fetched.await.map_err(|e| {
                format!(
                    "{name} could not be fetched ({})",
                    e.as_string().unwrap_or_else(|| "network error".into())
                )
            })?;
            out.push(SourceFile { name, bytes });
        }
    }
    Ok(out)
}

async fn answer(request: JsValue) -> JsValue {
    // The model editor's requests come as JSON text (see `contrail::worker_ops`).
    if let Some(text) = request.as_string() {
        return JsValue::from_str(&contrail::worker_ops::answer_text(&text));
    }
    match field(&request, "op").as_string().as_deref() {
        Some("import") => {
            let files = match sources(&request).await {
                Ok(files) => files,
                Err(why) => return error_reply(&why),
            };
            match read_sources(&files).and_then(|docs| import(&docs)) {
                Ok(imported) => JsValue::from_str(
                    &serde_json::json!({ "model": imported.model, "notes": imported.notes })
                        .to_string(),
                ),
                Err(e) => error_reply(&e.to_string()),
            }
        }
        Some("export") => {
            let text = field(&request, "model").as_string().unwrap_or_default();
            let model = match Model::parse(&text) {
                Ok(model) => model,
                Err(e) => return error_reply(&format!("the model cannot be exported: {e}")),
            };
            let reply = Object::new();
            let zip = Uint8Array::from(export_zip(&model).as_slice());
            let _ = Reflect::set(&reply, &"zip".into(), &zip);
            reply.into()
        }
        _ => error_reply("the worker does not know this request"),
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        wasm_bindgen_futures::spawn_local(async move {
            let reply = answer(event.data()).await;
            let _ = scope().post_message(&reply);
        });
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page needs it; its handler must too.
    on_message.forget();
    let _ = scope().post_message(&JsValue::from_str("ready"));
}
