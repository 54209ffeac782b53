//! When the views refresh. Tokens move every frame; the views (diagram statuses, the log,
//! the panels) need not, and refreshing them all in one frame made that frame miss its
//! deadline under traffic. So the views are split into lanes, and each frame refreshes at
//! most one lane. A new view joins a lane by reading the simulation through
//! `LiveSim::lane`; it then costs only the frames of its lane.
//!
//! Pure: the animation loop feeds it each frame's elapsed time and whether the simulation
//! changed, and it answers which lane, if any, to refresh now.

/// The shortest time between two refreshes of one lane's views, in milliseconds.
pub const VIEW_REFRESH_MS: f64 = 100.0;

/// A group of views refreshed together, in a frame of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// The diagram's statuses and marks, and the header's counts.
    Diagram,
    /// The message log.
    Log,
    /// The inspectors, the what-if controls and the dead letters.
    Panels,
    /// The sequence view and the Trace panel.
    Flow,
}

impl Lane {
    pub const ALL: [Lane; 4] = [Lane::Diagram, Lane::Log, Lane::Panels, Lane::Flow];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Which lanes are due and whose turn is next.
#[derive(Clone, Debug, Default)]
pub struct RefreshSchedule {
    /// The simulation changed since the lanes were last made due.
    stale: bool,
    /// Lanes whose views have not seen the latest change yet.
    due: [bool; Lane::ALL.len()],
    since_ms: f64,
    /// Where the round-robin continues, so no lane waits behind another twice.
    next: usize,
}

impl RefreshSchedule {
    /// One animation frame: `elapsed_ms` since the last, and whether the simulation changed
    /// in it. Answers the one lane to refresh in this frame.
    pub fn frame(&mut self, elapsed_ms: f64, changed: bool) -> Option<Lane> {
        self.stale |= changed;
        self.since_ms += elapsed_ms;
        if self.since_ms >= VIEW_REFRESH_MS {
            self.since_ms = 0.0;
            if self.stale {
                self.stale = false;
                self.due = [true; Lane::ALL.len()];
            }
        }
        let lanes = Lane::ALL.len();
        let index = (0..lanes)
            .map(|k| (self.next + k) % lanes)
            .find(|&k| self.due[k])?;
        self.due[index] = false;
        self.next = (index + 1) % lanes;
        Some(Lane::ALL[index])
    }

    /// Every lane was refreshed at once (after a user's action, which shows at once).
    pub fn refreshed_all(&mut self) {
        self.stale = false;
        self.due = [false; Lane::ALL.len()];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: f64 = 1000.0 / 60.0;

    /// Runs `frames` frames, the simulation changing in every one; the lanes refreshed.
    fn run(schedule: &mut RefreshSchedule, frames: usize, changed: bool) -> Vec<Option<Lane>> {
        (0..frames)
            .map(|_| schedule.frame(FRAME, changed))
            .collect()
    }

    #[test]
    fn each_frame_refreshes_at_most_one_lane_and_every_lane_gets_its_turn() {
        let mut schedule = RefreshSchedule::default();
        // 100 ms of frames: the sixth frame makes every lane due.
        let first = run(&mut schedule, 9, true);
        assert_eq!(first[..5], [None; 5]);
        assert_eq!(
            first[5..],
            [
                Some(Lane::Diagram),
                Some(Lane::Log),
                Some(Lane::Panels),
                Some(Lane::Flow)
            ]
        );
    }

    #[test]
    fn under_constant_change_every_lane_refreshes_once_per_period() {
        let mut schedule = RefreshSchedule::default();
        let lanes = run(&mut schedule, 600, true);
        for lane in Lane::ALL {
            let count = lanes.iter().filter(|&&l| l == Some(lane)).count();
            // 10 s of frames at one refresh per lane every 100 ms or so.
            assert!((90..=100).contains(&count), "{lane:?}: {count}");
        }
        assert!(lanes.windows(2).all(|w| w[0].is_none() || w[0] != w[1]));
    }

    #[test]
    fn nothing_changed_means_nothing_refreshes() {
        let mut schedule = RefreshSchedule::default();
        assert!(run(&mut schedule, 600, false).iter().all(Option::is_none));
    }

    #[test]
    fn a_refresh_of_every_lane_at_once_leaves_nothing_due() {
        let mut schedule = RefreshSchedule::default();
        run(&mut schedule, 6, true); // the Diagram lane refreshed; three lanes still due
        schedule.refreshed_all();
        assert!(run(&mut schedule, 5, false).iter().all(Option::is_none));
    }

    #[test]
    fn a_change_during_the_round_is_caught_by_the_next_round() {
        let mut schedule = RefreshSchedule::default();
        run(&mut schedule, 6, true);
        // Changes while the other lanes take their turns, then none.
        let rest = run(&mut schedule, 3, true);
        assert_eq!(
            rest,
            [Some(Lane::Log), Some(Lane::Panels), Some(Lane::Flow)]
        );
        let later = run(&mut schedule, 12, false);
        assert_eq!(
            later.iter().flatten().copied().collect::<Vec<_>>(),
            Lane::ALL.to_vec()
        );
    }
}
