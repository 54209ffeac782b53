//! The code that runs a model, as a part of the page: the engine that processes what is
//! due, the airline's Rust behaviours, scenarios, what-if presets, replaying a run, and
//! telling in words what a run did (narration) and listing the messages it sent (the
//! message log), which only a run that runs has to tell or list.
//!
//! Before anything is fed to it, a run only draws and keeps time, which the first load
//! does with the model at rest ([`Sim::at_rest`], [`Journal::rest_to`]). In the release
//! build (`split` feature) the engine is a part of its own: the page fetches it at the
//! first sign of a person (a pointer, a key, a touch) or the first input, whichever comes
//! first, and holds inputs fed meanwhile until it is there. Every other build has it at
//! once. The page reaches it only through [`Engine`], so that no call from the first load
//! links its code there.

use std::cell::Cell;

use leptos::prelude::AnyView;

use crate::components::message_log::LogHandles;
use crate::loaded::LoadedModel;
use crate::narration::{self, Digest};
use crate::on_demand::PartMissing;
use crate::sim::{Happening, Input, Journal, Preset, Replayed, Sim, SimConfig, SimError, Topology};

/// What the page asks of the engine; one implementation, reached through a reference.
pub trait Engine {
    /// A fresh run of `model`, behaviours and all.
    fn start(&self, model: &LoadedModel, config: &SimConfig) -> Result<Sim, SimError>;

    /// Feeds `input` to `sim` through the journal (see [`Journal::apply`]).
    fn apply(
        &self,
        journal: &mut Journal,
        sim: &mut Sim,
        input: Input,
    ) -> Result<Vec<Happening>, SimError>;

    /// Rebuilds a run from its inputs (see [`Journal::replay`]).
    fn replay(
        &self,
        fresh: Sim,
        inputs: Vec<Input>,
        observe: &mut dyn FnMut(&Sim, &[Happening]),
    ) -> Result<Replayed, (usize, SimError)>;

    /// The input a scenario button feeds the run.
    fn scenario_input(
        &self,
        model: &LoadedModel,
        name: &str,
        topology: &Topology,
    ) -> Result<Input, SimError>;

    /// What `happenings` did, in words: the step caption's, and what narration says.
    fn tell(&self, sim: &Sim, happenings: &[Happening]) -> (String, String);

    /// Counts `happenings` into the digest narration speaks while the run plays.
    fn digest(&self, digest: &mut Digest, sim: &Sim, happenings: &[Happening]);

    /// The digest in words, if anything happened since it was last said.
    fn summary(&self, digest: &Digest, sim: &Sim) -> Option<String>;

    /// The message log, which lists what the run did: the page shows its empty page until
    /// the engine arrives.
    fn message_log(&self, log: LogHandles) -> AnyView;

    /// What to notice in a what-if preset's story: told once it plays, so it comes with
    /// the engine that plays it.
    fn preset_caption(&self, preset: Preset) -> &'static str;

    /// Why the run refused an input, in words: only the engine refuses, so the texts of
    /// its refusals come with it.
    fn explain(&self, error: &SimError) -> String;
}

struct Full;

impl Engine for Full {
    fn start(&self, model: &LoadedModel, config: &SimConfig) -> Result<Sim, SimError> {
        model.start(config)
    }

    fn apply(
        &self,
        journal: &mut Journal,
        sim: &mut Sim,
        input: Input,
    ) -> Result<Vec<Happening>, SimError> {
        journal.apply(sim, input)
    }

    fn replay(
        &self,
        fresh: Sim,
        inputs: Vec<Input>,
        observe: &mut dyn FnMut(&Sim, &[Happening]),
    ) -> Result<Replayed, (usize, SimError)> {
        Journal::replay(fresh, inputs, observe)
    }

    fn scenario_input(
        &self,
        model: &LoadedModel,
        name: &str,
        topology: &Topology,
    ) -> Result<Input, SimError> {
        model.scenario_input(name, topology)
    }

    fn tell(&self, sim: &Sim, happenings: &[Happening]) -> (String, String) {
        (
            narration::caption(sim, happenings),
            narration::narrate_step(sim, happenings),
        )
    }

    fn digest(&self, digest: &mut Digest, sim: &Sim, happenings: &[Happening]) {
        digest.absorb(sim, happenings);
    }

    fn summary(&self, digest: &Digest, sim: &Sim) -> Option<String> {
        digest.summary(sim)
    }

    fn message_log(&self, log: LogHandles) -> AnyView {
        log.view()
    }

    fn preset_caption(&self, preset: Preset) -> &'static str {
        preset.caption()
    }

    fn explain(&self, error: &SimError) -> String {
        error.to_string()
    }
}

/// The engine, fetched in the release build (see [`fetch`]).
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(engine, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn engine() -> Result<&'static dyn Engine, PartMissing> {
    Ok(&Full)
}

thread_local! {
    /// The engine once it has arrived, so that a page built later (another model, a link)
    /// starts with it instead of at rest.
    static ARRIVED: Cell<Option<&'static dyn Engine>> = const { Cell::new(None) };
}

/// Fetches the engine (at once in builds without parts); a failed fetch is asked again.
pub async fn fetch() -> Result<&'static dyn Engine, PartMissing> {
    let e = crate::on_demand::on_demand!(engine()).await?;
    ARRIVED.set(Some(e));
    Ok(e)
}

/// The engine without a fetch: always in builds without parts; in the release build, once
/// a page has fetched it.
pub fn engine_at_hand() -> Option<&'static dyn Engine> {
    #[cfg(all(feature = "split", target_arch = "wasm32"))]
    return ARRIVED.get();
    #[cfg(not(all(feature = "split", target_arch = "wasm32")))]
    Some(&Full)
}
