//! AsyncAPI 3 in and out: a system's AsyncAPI documents (one per service, YAML or JSON,
//! several at once) become one Contrail model, and any model becomes AsyncAPI documents
//! again. Pure functions over `serde_json::Value`, like the model reader: the page never
//! links them; the import worker (`src/bin/import_worker.rs`) does, so the YAML parser and
//! all of this stay out of the first load.
//!
//! The join follows the spec's own position (one document describes one application):
//! a `send` in one document and a `receive` in another on the same channel `address` make
//! an edge; messaging servers become the broker; an operation with a `reply` is a query.
//! Behaviour, which AsyncAPI cannot say, travels in `x-contrail-reactions` on receive
//! operations, and the rest of a Contrail model in `x-contrail-service` and
//! `x-contrail-system` at a document's root; every other tool ignores them.

mod classify;
mod export;
mod import;
mod instance;
mod refs;
mod source;
mod yaml_out;
mod zip;

use std::fmt;

pub use classify::{classify_name, NameGuess};
pub use export::{export, export_zip, ExportedFile};
pub use import::{import, Imported};
pub use instance::instance_of;
pub use source::{
    read_sources, Document, SourceFile, MAX_DEPTH, MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES,
};
pub use yaml_out::to_yaml;
pub use zip::{read_zip, write_zip};

/// Why AsyncAPI documents could not be imported: the file, the place in it (a JSON Pointer
/// or a line and column) and what is wrong, so the person can fix that one spot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// `at /operations/sendX/channel`, `line 3, column 7`, or empty for the whole file.
    pub place: String,
    pub reason: String,
}

impl ImportError {
    pub(crate) fn new(file: &str, place: impl Into<String>, reason: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            place: place.into(),
            reason: reason.into(),
        }
    }

    /// An error at a JSON Pointer in `file`.
    pub(crate) fn at(file: &str, pointer: &str, reason: impl Into<String>) -> Self {
        let place = if pointer.is_empty() {
            String::new()
        } else {
            format!("at {pointer}")
        };
        ImportError::new(file, place, reason)
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.file.is_empty(), self.place.is_empty()) {
            (true, _) => write!(f, "{}", self.reason),
            (false, true) => write!(f, "{}: {}", self.file, self.reason),
            (false, false) => write!(f, "{}, {}: {}", self.file, self.place, self.reason),
        }
    }
}

impl std::error::Error for ImportError {}
