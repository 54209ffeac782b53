//! The UI's read handle on the simulation: the simulation lives in one `StoredValue`
//! (not a signal per field), and one counter per refresh lane, bumped at most once per
//! animation frame, tells that lane's views that something happened. Reading through
//! `LiveSim` subscribes to its lane's counter, so every view stays derived from the
//! simulation, never synced.

use leptos::prelude::*;

use crate::refresh::Lane;
use crate::sim::Sim;

#[derive(Clone, Copy)]
pub struct LiveSim {
    sim: StoredValue<Sim, LocalStorage>,
    versions: [ReadSignal<u64>; Lane::ALL.len()],
    lane: Lane,
}

impl LiveSim {
    /// A handle in the Diagram lane; `lane` moves a copy to another.
    pub fn new(
        sim: StoredValue<Sim, LocalStorage>,
        versions: [ReadSignal<u64>; Lane::ALL.len()],
    ) -> Self {
        Self {
            sim,
            versions,
            lane: Lane::Diagram,
        }
    }

    /// The same simulation, read by views refreshed in `lane`.
    pub fn lane(self, lane: Lane) -> Self {
        Self { lane, ..self }
    }

    /// Reads the simulation and re-runs the caller whenever its lane refreshes. `None` once
    /// the app has been unmounted and the simulation disposed.
    pub fn read<U>(&self, read: impl FnOnce(&Sim) -> U) -> Option<U> {
        self.versions[self.lane.index()].track();
        self.sim.try_with_value(read)
    }

    /// Reads without subscribing: for event handlers, which run once.
    pub fn peek<U>(&self, read: impl FnOnce(&Sim) -> U) -> Option<U> {
        self.sim.try_with_value(read)
    }
}
