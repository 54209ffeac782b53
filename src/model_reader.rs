//! Reading a model other than the airline: a gallery model, a file, pasted text, an
//! imported or edited model, or a shared link. The reader and its rules are a part of their
//! own (`split` feature, see `on_demand.rs`): the airline starts from its model as Rust
//! (`sim/airline/model_literal.rs`), so a visitor who stays with it never fetches them.
//! Each function answers `Err(PartMissing)` when the part could not be fetched.

use serde_json::Value;

use crate::loaded::{LoadedModel, Start};
use crate::on_demand::PartMissing;

/// A model's text as a model the page can run, or why not.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(model_reader, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn read_model_text(text: String) -> Result<Result<LoadedModel, String>, PartMissing> {
    Ok(LoadedModel::from_text(&text))
}

/// A model as JSON (an import's, an edit's) as a model the page can run, or why not.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(model_reader, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn read_model_value(doc: Value) -> Result<Result<LoadedModel, String>, PartMissing> {
    Ok(LoadedModel::from_value(&doc))
}

/// A gallery model by its key.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(model_reader, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn read_gallery_model(key: String) -> Result<Option<LoadedModel>, PartMissing> {
    Ok(LoadedModel::gallery(&key))
}

/// The start a shared link's JSON text describes, or why it cannot be opened.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(model_reader, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn read_link(text: String) -> Result<Result<Start, String>, PartMissing> {
    Ok(Start::from_link(&text))
}
