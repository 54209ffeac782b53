//! The `#pako:` share link: base64url of zlib-deflated JSON, made and read by the browser's
//! own `CompressionStream` / `DecompressionStream` ("deflate" is zlib, as pako and
//! mermaid.live write it), so compression costs the wasm nothing.

use wasm_bindgen::prelude::*;

use crate::share::MAX_LINK_BYTES;

/// What comes before the compressed run in the URL's fragment.
pub const LINK_PREFIX: &str = "#pako:";

#[wasm_bindgen(inline_js = r#"
export async function deflate_base64url(text) {
  const stream = new Blob([new TextEncoder().encode(text)]).stream()
    .pipeThrough(new CompressionStream("deflate"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
export async function inflate_base64url(text, maxBytes) {
  let b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  while (b64.length % 4) b64 += "=";
  let binary;
  try { binary = atob(b64); } catch { throw new Error("its text is not base64url"); }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const reader = new Blob([bytes]).stream()
    .pipeThrough(new DecompressionStream("deflate")).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new Error(`it unpacks to more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (String(error.message).startsWith("it unpacks")) throw error;
    throw new Error("it does not unpack (cut short or corrupted)");
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) { all.set(chunk, at); at += chunk.length; }
  try { return new TextDecoder("utf-8", { fatal: true }).decode(all); }
  catch { throw new Error("it does not unpack to text"); }
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn deflate_base64url(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn inflate_base64url(text: &str, max_bytes: f64) -> Result<JsValue, JsValue>;
}

/// The `message` of an error a JavaScript promise rejected with, or `otherwise`.
pub(crate) fn error_message(error: JsValue, otherwise: &str) -> String {
    web_sys::js_sys::Reflect::get(&error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .unwrap_or_else(|| otherwise.into())
}

fn reason(error: JsValue) -> String {
    error_message(error, "the browser could not read it")
}

/// The fragment (`#pako:…`) for a run's JSON text.
pub async fn pack(json: &str) -> Result<String, String> {
    let packed = deflate_base64url(json).await.map_err(reason)?;
    Ok(format!(
        "{LINK_PREFIX}{}",
        packed.as_string().unwrap_or_default()
    ))
}

/// The run's JSON text from a fragment, or why it cannot be read. `None` when the fragment
/// is not a share link at all (then the page ignores it).
pub async fn unpack(fragment: &str) -> Option<Result<String, String>> {
    let packed = fragment.strip_prefix(LINK_PREFIX)?;
    Some(
        inflate_base64url(packed, MAX_LINK_BYTES as f64)
            .await
            .map(|text| text.as_string().unwrap_or_default())
            .map_err(reason),
    )
}
