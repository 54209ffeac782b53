// Trunk's post_build hook (Trunk.toml), after split-wasm.sh, for release builds only: minifies
// what the first load fetches besides the wasm, with esbuild. That is the stylesheet inlined in
// index.html, the wasm-bindgen glue, the parts' loader and the inline snippets. Trunk's own
// `minify` would also rewrite index.html's prerendered diagram, which must stay as the app
// draws it (tests/prerender.rs), so only the <style> element's text is touched there.
// The sources keep their comments; the release page does not carry them.
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) {
  console.error("minify: run by trunk as a hook (TRUNK_STAGING_DIR is not set)");
  process.exit(1);
}
if ((process.env.TRUNK_PROFILE ?? "release") !== "release") process.exit(0);

let before = 0;
let after = 0;
const rewrite = (path, minify) => {
  const text = readFileSync(path, "utf8");
  const out = minify(text);
  before += text.length;
  after += out.length;
  writeFileSync(path, out);
};

// The page's own scripts; the worker's glue (import_worker*.js) is fetched on demand and left as is.
const scripts = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (dir !== stage || name === "snippets") walk(path);
    } else if (name.endsWith(".js") && !name.startsWith("import_worker")) {
      scripts.push(path);
    }
  }
};
walk(stage);
for (const path of scripts) {
  // The glue names one module in several keys of its imports object; esbuild warns, and
  // keeps the last, which is the same module.
  rewrite(path, (code) => transformSync(code, { loader: "js", format: "esm", minify: true, logLevel: "error" }).code);
}

const page = join(stage, "index.html");
rewrite(page, (html) => {
  const open = html.indexOf("<style>");
  const close = html.indexOf("</style>", open);
  if (open < 0 || close < 0) throw new Error("minify: index.html has no inlined <style>");
  const css = html.slice(open + "<style>".length, close);
  const small = transformSync(css, { loader: "css", minify: true, logLevel: "error" }).code.trim();
  return html.slice(0, open + "<style>".length) + small + html.slice(close);
});
console.log(`minify: ${scripts.length} script(s) and index.html's style, ${before} to ${after} bytes`);
