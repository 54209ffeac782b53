//! The page's run as a handle, written out only when asked: Copy link, an export, Save model
//! and Export AsyncAPI each write it inside a part fetched on demand, so the JSON writers
//! stay out of the first load.

use leptos::prelude::*;

use crate::loaded::LoadedModel;
use crate::share::SharedRun;
use crate::sim::{Journal, Sim, SimConfig};

/// Where the page keeps its model, its seed, every input and the simulation: a copy of the
/// handles, not of what they hold, so it crosses into a part for nothing.
#[derive(Clone, Copy)]
pub struct PageRun {
    pub model: StoredValue<LoadedModel>,
    pub config: StoredValue<SimConfig>,
    pub journal: StoredValue<Journal, LocalStorage>,
    pub sim: StoredValue<Sim, LocalStorage>,
}

impl PageRun {
    /// The run so far as a link's JSON: the model (a gallery model by its key, a model of
    /// the user's whole), the seed and every input, nothing derived. `None` once the page
    /// is gone (another model was loaded while a part was on its way).
    pub fn run_json(self) -> Option<String> {
        let run = SharedRun {
            model: self
                .model
                .try_with_value(|m| m.key.map_or_else(|| m.to_json(), Into::into))?,
            seed: self.config.try_with_value(|c| c.seed)?,
            inputs: self.journal.try_with_value(|j| j.inputs().to_vec())?,
        };
        self.sim.try_with_value(|s| run.to_json(s.topology()))
    }

    /// The model in use as a document, as Save model writes it; `None` once the page is gone.
    pub fn model_json(self) -> Option<String> {
        self.model
            .try_with_value(|m| serde_json::to_string_pretty(&m.to_json()).unwrap_or_default())
    }
}
