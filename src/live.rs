//! The UI's read handle on the simulation: the simulation lives in one `StoredValue`
//! (not a signal per field), and one counter bumped at most once per animation frame
//! tells the views that something happened. Reading through `LiveSim` subscribes to
//! that counter, so every view stays derived from the simulation, never synced.

use leptos::prelude::*;

use crate::sim::Sim;

#[derive(Clone, Copy)]
pub struct LiveSim {
    sim: StoredValue<Sim, LocalStorage>,
    version: ReadSignal<u64>,
}

impl LiveSim {
    pub fn new(sim: StoredValue<Sim, LocalStorage>, version: ReadSignal<u64>) -> Self {
        Self { sim, version }
    }

    /// Reads the simulation and re-runs the caller whenever it changes. `None` once the
    /// app has been unmounted and the simulation disposed.
    pub fn read<U>(&self, read: impl FnOnce(&Sim) -> U) -> Option<U> {
        self.version.track();
        self.sim.try_with_value(read)
    }

    /// Reads without subscribing: for event handlers, which run once.
    pub fn peek<U>(&self, read: impl FnOnce(&Sim) -> U) -> Option<U> {
        self.sim.try_with_value(read)
    }
}
