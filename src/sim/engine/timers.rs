//! The one clock queue: every future thing the simulation will do (a hop landing, a
//! processing time ending, a query's deadline, a retry's backoff, a traffic tick, a scripted
//! step) is a timer here, and any of them can be cancelled outright.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::sim::time::SimTime;

/// Identifies a scheduled timer, so it can be cancelled. Ordered by due time, then by the
/// order timers were set: ties fire in insertion order, which keeps runs deterministic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimerKey {
    pub at: SimTime,
    seq: u64,
    /// Where the timer's item waits; `seq` alone orders, as no two timers share it.
    slot: u32,
}

/// Timers ordered by (due time, insertion order): a heap of keys, with the items in slots.
/// A cancelled timer's item leaves its slot at once, and a key whose slot no longer holds
/// its timer is dropped as soon as it reaches the top, so a cancelled timer never surfaces
/// as a step that does nothing, and the next due time is always a real one. Why not a
/// `BTreeMap`: its node code costs the first load several KB. Why not a sorted vector:
/// at 1,000 tokens every new timer would move hundreds of others.
#[derive(Debug)]
pub(crate) struct Timers<T> {
    keys: BinaryHeap<Reverse<TimerKey>>,
    slots: Vec<Option<(u64, T)>>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            keys: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<T> Timers<T> {
    pub fn set(&mut self, at: SimTime, item: T) -> TimerKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some((seq, item));
                slot
            }
            None => {
                self.slots.push(Some((seq, item)));
                (self.slots.len() - 1) as u32
            }
        };
        let key = TimerKey { at, seq, slot };
        self.keys.push(Reverse(key));
        key
    }

    /// Removes the timer if it has not fired yet; returns what it held.
    pub fn cancel(&mut self, key: TimerKey) -> Option<T> {
        let item = self.take(key)?;
        self.drop_stale_keys();
        Some(item)
    }

    pub fn next_due(&self) -> Option<SimTime> {
        self.keys.peek().map(|Reverse(k)| k.at)
    }

    /// The earliest timer due at or before `t`, removed.
    pub fn pop_due(&mut self, t: SimTime) -> Option<(SimTime, T)> {
        if self.next_due()? > t {
            return None;
        }
        let Reverse(key) = self.keys.pop()?;
        let item = self.take(key);
        self.drop_stale_keys();
        item.map(|item| (key.at, item))
    }

    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten().map(|(_, item)| item)
    }

    /// The timer's item, if its slot still holds this timer; the slot is freed.
    fn take(&mut self, key: TimerKey) -> Option<T> {
        let slot = self.slots.get_mut(key.slot as usize)?;
        if !matches!(slot, Some((seq, _)) if *seq == key.seq) {
            return None;
        }
        self.free.push(key.slot);
        slot.take().map(|(_, item)| item)
    }

    /// Keeps the heap's top a live timer: cancelled ones are dropped when they reach it.
    fn drop_stale_keys(&mut self) {
        while let Some(Reverse(top)) = self.keys.peek() {
            let live = matches!(
                self.slots.get(top.slot as usize),
                Some(Some((seq, _))) if *seq == top.seq
            );
            if live {
                break;
            }
            self.keys.pop();
        }
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

    #[test]
    fn a_cancelled_timers_slot_is_reused_without_reviving_its_key() {
        let mut timers = Timers::default();
        let early = timers.set(5, "cancelled");
        let _keep = timers.set(7, "kept");
        timers.cancel(early);
        // The new timer takes the freed slot; the old key must neither fire nor cancel it.
        timers.set(9, "reuses the slot");
        assert_eq!(timers.cancel(early), None);
        assert_eq!(timers.values().count(), 2);
        assert_eq!(timers.pop_due(100), Some((7, "kept")));
        assert_eq!(timers.pop_due(100), Some((9, "reuses the slot")));
        assert_eq!(timers.pop_due(100), None);
        assert_eq!(timers.next_due(), None);
    }

    #[test]
    fn a_cancelled_timer_deep_in_the_queue_is_skipped_when_it_would_be_next() {
        let mut timers = Timers::default();
        timers.set(1, "first");
        let middle = timers.set(2, "cancelled");
        timers.set(3, "last");
        timers.cancel(middle);
        assert_eq!(timers.pop_due(100), Some((1, "first")));
        assert_eq!(timers.next_due(), Some(3));
        assert_eq!(timers.pop_due(2), None);
        assert_eq!(timers.pop_due(3), Some((3, "last")));
    }
}
