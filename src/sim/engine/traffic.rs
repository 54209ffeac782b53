//! The traffic generator: user actions at a steady simulated rate, scheduled inside the
//! simulation so a run stays a pure function of its seed and inputs.

use super::{Item, Sim};
use crate::sim::behaviour::{Outgoing, ServiceBehaviour};
use crate::sim::decimal::clamped;
use crate::sim::error::SimError;
use crate::sim::rng::SplitMix64;
use crate::sim::topology::{ServiceIdx, Topology};

/// Upper bound for `set_traffic`, in simulated actions per second.
pub const MAX_TRAFFIC_PER_SEC: f64 = 10_000.0;

/// Produces one random, well-formed user action: who sends it and what. It may read the
/// services' behaviours (to cancel a booking that exists, say). `None` skips a beat.
pub(crate) type TrafficSource =
    fn(&Topology, &[Box<dyn ServiceBehaviour>], &mut SplitMix64) -> Option<(ServiceIdx, Outgoing)>;

impl Sim {
    /// User actions at `per_sec` simulated actions per second, scheduled inside the
    /// simulation. 0 or negative switches it off.
    pub fn set_traffic(&mut self, per_sec: f64) -> Result<(), SimError> {
        if !per_sec.is_finite() || per_sec > MAX_TRAFFIC_PER_SEC {
            return Err(SimError::InvalidTraffic { per_sec });
        }
        if per_sec <= 0.0 {
            self.traffic = 0.0;
            if let Some(key) = self.traffic_tick.take() {
                self.timers.cancel(key);
            }
            return Ok(());
        }
        if self.traffic_source.is_none() {
            return Err(SimError::InvalidTopology {
                reason: "this simulation has no traffic generator".into(),
            });
        }
        self.traffic = per_sec;
        self.schedule_traffic_tick();
        Ok(())
    }

    pub fn traffic(&self) -> f64 {
        self.traffic
    }

    fn schedule_traffic_tick(&mut self) {
        if let Some(key) = self.traffic_tick.take() {
            self.timers.cancel(key);
        }
        // Integer schedule with integer jitter (no ln/exp), so native and wasm runs agree.
        let mean = clamped(1000.0 / self.traffic, 1.0, 1e12) as u64;
        let period = (mean / 2 + self.traffic_rng.below(mean + 1)).max(1);
        self.traffic_period = period;
        let at = self.now.saturating_add(period);
        self.traffic_tick = Some(self.timers.set(at, Item::Traffic));
    }

    pub(super) fn on_traffic(&mut self) {
        self.traffic_tick = None;
        let Some(source) = self.traffic_source else {
            return;
        };
        // Credit carries fractions over, so the long-run rate is exact even at 0.3/s or
        // 10,000/s with millisecond ticks.
        self.traffic_credit += self.traffic * self.traffic_period as f64 / 1000.0;
        let n = self.traffic_credit.floor();
        self.traffic_credit -= n;
        for _ in 0..n as u64 {
            if let Some((from, out)) =
                source(&self.topology, &self.behaviours, &mut self.traffic_rng)
            {
                self.originate(from, out);
            }
        }
        self.schedule_traffic_tick();
    }
}
