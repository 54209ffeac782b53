//! The page's side of the AsyncAPI worker (`src/bin/import_worker.rs`): the worker is
//! started the first time the person imports or exports, and its replies come back here.
//! A few lines of JavaScript hold the worker, queue requests, and hand a zip to the browser
//! as a download, so none of that is wasm the first load carries.

use serde_json::Value;
use wasm_bindgen::prelude::*;

/// AsyncAPI documents that ship with the page (copied to `asyncapi/` in `dist/`), offered
/// beside the gallery. `tests/asyncapi.rs` checks the lists against `models/asyncapi/`.
pub const BUNDLED: [Bundled; 2] = [
    Bundled {
        key: "three-services",
        title: "Three services (AsyncAPI)",
        files: &[
            "mobile-app.asyncapi.yaml",
            "booking.asyncapi.yaml",
            "loyalty.asyncapi.yaml",
        ],
    },
    Bundled {
        key: "airline",
        title: "Airline (AsyncAPI export)",
        files: &[
            "mobile-app.asyncapi.yaml",
            "booking.asyncapi.yaml",
            "flights.asyncapi.yaml",
            "loyalty.asyncapi.yaml",
            "revenue.asyncapi.yaml",
        ],
    },
];

/// One bundled set of AsyncAPI documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bundled {
    /// Its folder under `asyncapi/`, and its value in the model list (`asyncapi:<key>`).
    pub key: &'static str,
    pub title: &'static str,
    pub files: &'static [&'static str],
}

impl Bundled {
    /// The set named by a model list value such as `asyncapi:three-services`.
    pub fn by_value(value: &str) -> Option<Bundled> {
        let key = value.strip_prefix("asyncapi:")?;
        BUNDLED.into_iter().find(|b| b.key == key)
    }

    /// Its files' addresses, relative to the page.
    pub fn urls(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|f| format!("asyncapi/{}/{f}", self.key))
            .collect()
    }
}

/// What an import gave: the model in Contrail's format, and notes for the person.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportReply {
    pub model: Value,
    pub notes: Vec<String>,
}

/// Reads a reply of the worker's (JSON text): its `error` as the reason, else the reply.
pub fn read_reply(text: &str) -> Result<Value, String> {
    let reply: Value = serde_json::from_str(text)
        .map_err(|_| "the worker gave an unreadable reply".to_string())?;
    match reply.get("error").and_then(Value::as_str) {
        Some(error) => Err(error.to_string()),
        None => Ok(reply),
    }
}

/// Reads the worker's reply to an import.
pub fn read_import_reply(text: &str) -> Result<ImportReply, String> {
    let mut reply = read_reply(text)?;
    let notes = reply
        .get("notes")
        .and_then(Value::as_array)
        .map(|n| {
            n.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    match reply.get_mut("model").map(Value::take) {
        Some(model) => Ok(ImportReply { model, notes }),
        None => Err("the importer gave no model".into()),
    }
}

#[wasm_bindgen(inline_js = r#"
let started = null;
let queue = Promise.resolve();
function start() {
  if (!started) {
    started = new Promise((resolve, reject) => {
      const worker = new Worker(new URL("import_worker_loader.js", document.baseURI));
      worker.onmessage = (e) => { if (e.data === "ready") resolve(worker); };
      worker.onerror = (e) => {
        e.preventDefault();
        started = null;
        reject(new Error("the AsyncAPI worker could not start (import_worker_loader.js did not load)"));
      };
    });
  }
  return started;
}
function ask(request) {
  const run = queue.then(async () => {
    const worker = await start();
    return new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        started = null;
        worker.terminate();
        reject(new Error("the AsyncAPI worker stopped while reading (" + (e.message || "no reason given") + ")"));
      };
      worker.postMessage(request);
    });
  });
  queue = run.catch(() => {});
  return run;
}
export function asyncapi_import_files(files) {
  return ask({ op: "import", files: Array.from(files) });
}
export function asyncapi_import_urls(urls) {
  return ask({ op: "import", urls: urls.split("\n").map((u) => new URL(u, document.baseURI).href) });
}
export function asyncapi_ask_text(text) {
  return ask(text);
}
export async function asyncapi_export(model, name) {
  const reply = await ask({ op: "export", model });
  if (typeof reply === "string") return reply;
  const url = URL.createObjectURL(new Blob([reply.zip], { type: "application/zip" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  // Some browsers cancel a download whose URL is revoked before it starts.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return "";
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn asyncapi_import_files(files: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn asyncapi_import_urls(urls: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn asyncapi_ask_text(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn asyncapi_export(model: &str, name: &str) -> Result<JsValue, JsValue>;
}

/// Asks the worker a JSON text request (`contrail::worker_ops`) and returns its JSON reply,
/// or its `error` as the reason.
pub async fn ask(request: &str) -> Result<Value, String> {
    let reply = asyncapi_ask_text(request).await.map_err(reason)?;
    read_reply(&reply.as_string().unwrap_or_default())
}

fn reason(error: JsValue) -> String {
    crate::link_codec::error_message(error, "the AsyncAPI worker failed")
}

/// Imports the files the person picked or dropped (a `FileList`).
pub async fn import_files(files: &JsValue) -> Result<ImportReply, String> {
    let reply = asyncapi_import_files(files).await.map_err(reason)?;
    read_import_reply(&reply.as_string().unwrap_or_default())
}

/// Imports a bundled set of documents.
pub async fn import_bundled(set: Bundled) -> Result<ImportReply, String> {
    let reply = asyncapi_import_urls(&set.urls().join("\n"))
        .await
        .map_err(reason)?;
    read_import_reply(&reply.as_string().unwrap_or_default())
}

/// Exports the model (its JSON text) as a zip of AsyncAPI documents the browser downloads
/// as `file_name`.
pub async fn export(model_json: &str, file_name: &str) -> Result<(), String> {
    let reply = asyncapi_export(model_json, file_name)
        .await
        .map_err(reason)?;
    match reply.as_string().filter(|t| !t.is_empty()) {
        None => Ok(()),
        Some(text) => read_reply(&text).map(|_| ()),
    }
}
