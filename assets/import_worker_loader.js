// Starts the AsyncAPI worker (src/bin/import_worker.rs), which trunk builds for
// wasm-bindgen's no-modules target: the glue defines `wasm_bindgen`, which loads the wasm
// beside it. Hand-written rather than trunk's loader shim, whose call form wasm-bindgen
// now warns about in the console.
importScripts("./import_worker.js");
wasm_bindgen({ module_or_path: "./import_worker_bg.wasm" });
