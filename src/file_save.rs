//! Saving what the page made as a file the browser downloads (text, or the diagram as a
//! PNG), and reading the page's own rules for the diagram so an exported SVG carries them.
//! Inline JavaScript, so none of it weighs on the wasm.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  // Some browsers cancel a download whose URL is revoked before it starts.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
export function save_text(text, name, type) {
  save(new Blob([text], { type }), name);
}
export async function save_png(svg, name, width, height) {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    // Twice the size, so it stays sharp on a slide.
    const canvas = document.createElement("canvas");
    canvas.width = width * 2;
    canvas.height = height * 2;
    const context = canvas.getContext("2d");
    context.scale(2, 2);
    context.drawImage(image, 0, 0, width, height);
    const png = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    if (!png) throw new Error("the browser could not make a PNG");
    save(png, name);
  } finally {
    URL.revokeObjectURL(url);
  }
}
const DIAGRAM_RULE = /(^|[\s,>(])(:root|\.(edge|node|marker|token|dead-end|label|status|refusal|queue|badge|diagram-svg|has-chain))/;
export function diagram_css() {
  let out = "";
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch { continue; }
    for (const rule of rules) {
      // Top-level rules only: the dark theme's media rules stay out, so the file is light.
      if (rule.selectorText && DIAGRAM_RULE.test(rule.selectorText)) out += rule.cssText + "\n";
    }
  }
  return out;
}
"#)]
extern "C" {
    /// Downloads `text` as the file `name` of MIME `mime`.
    pub fn save_text(text: &str, name: &str, mime: &str);
    #[wasm_bindgen(catch)]
    async fn save_png(svg: &str, name: &str, width: f64, height: f64) -> Result<JsValue, JsValue>;
    /// The page's stylesheet rules that style the diagram.
    pub fn diagram_css() -> String;
}

/// Draws the SVG text `svg` (`width` × `height`) into a PNG the browser downloads.
pub async fn save_svg_as_png(svg: &str, name: &str, width: f64, height: f64) -> Result<(), String> {
    save_png(svg, name, width, height)
        .await
        .map(|_| ())
        .map_err(|e| crate::link_codec::error_message(e, "the browser could not make a PNG"))
}
