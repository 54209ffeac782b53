//! The one clock queue: every future thing the simulation will do (a hop landing, a
//! processing time ending, a query's deadline, a retry's backoff, a traffic tick, a scripted
//! step) is a timer here, and any of them can be cancelled outright.

use std::collections::BTreeMap;

use crate::sim::time::SimTime;

/// Identifies a scheduled timer, so it can be cancelled. Ordered by due time, then by the
/// order timers were set: ties fire in insertion order, which keeps runs deterministic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimerKey {
    pub at: SimTime,
    seq: u64,
}

/// Timers ordered by (due time, insertion order). A `BTreeMap` rather than a heap: a
/// cancelled timer is removed at once, so it never surfaces later as a step that does
/// nothing, and the next due time is always a real one.
#[derive(Debug)]
pub(crate) struct Timers<T> {
    due: BTreeMap<TimerKey, T>,
    next_seq: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            due: BTreeMap::new(),
            next_seq: 0,
        }
    }
}

impl<T> Timers<T> {
    pub fn set(&mut self, at: SimTime, item: T) -> TimerKey {
        let key = TimerKey {
            at,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.due.insert(key, item);
        key
    }

    /// Removes the timer if it has not fired yet; returns what it held.
    pub fn cancel(&mut self, key: TimerKey) -> Option<T> {
        self.due.remove(&key)
    }

    pub fn next_due(&self) -> Option<SimTime> {
        self.due.first_key_value().map(|(k, _)| k.at)
    }

    /// The earliest timer due at or before `t`, removed.
    pub fn pop_due(&mut self, t: SimTime) -> Option<(SimTime, T)> {
        if self.next_due()? > t {
            return None;
        }
        self.due.pop_first().map(|(k, item)| (k.at, item))
    }

    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.due.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_fire_in_time_order_and_ties_in_insertion_order() {
        let mut timers = Timers::default();
        timers.set(20, "late");
        timers.set(10, "first at 10");
        timers.set(10, "second at 10");
        assert_eq!(timers.pop_due(5), None);
        assert_eq!(timers.pop_due(30), Some((10, "first at 10")));
        assert_eq!(timers.pop_due(30), Some((10, "second at 10")));
        assert_eq!(timers.pop_due(30), Some((20, "late")));
        assert_eq!(timers.pop_due(30), None);
    }

    #[test]
    fn a_cancelled_timer_never_fires_and_the_next_due_time_skips_it() {
        let mut timers = Timers::default();
        let deadline = timers.set(5, "deadline");
        timers.set(9, "hop");
        assert_eq!(timers.cancel(deadline), Some("deadline"));
        assert_eq!(timers.cancel(deadline), None);
        assert_eq!(timers.next_due(), Some(9));
        assert_eq!(timers.pop_due(100), Some((9, "hop")));
    }
}
