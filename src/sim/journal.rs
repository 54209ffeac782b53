//! Step back by replay: a run is a pure function of its seed and the inputs the host fed
//! it, so going back one step is starting a fresh simulation and feeding it every input
//! before the last step. Nothing is snapshotted; the journal holds only the inputs.

use super::airline::{Preset, UserAction};
use super::engine::{FaultChange, Happening, Sim};
use super::error::SimError;
use super::message::MessageId;
use super::time::SimTime;
use super::topology::ServiceIdx;

/// One thing the host did to the simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Act(UserAction),
    Traffic(f64),
    AdvanceTo(SimTime),
    Step,
    Fault(FaultChange),
    DeadLetter(DeadLetterOp),
    Preset(Preset),
}

/// What the user did with the dead letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadLetterOp {
    Retry(MessageId, ServiceIdx),
    Discard(MessageId, ServiceIdx),
    RetryAll,
}

/// The inputs of the run so far, in order.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    inputs: Vec<Input>,
}

/// Where a step back landed: which step the run is at now, and what that step did.
#[derive(Clone, Debug, PartialEq)]
pub struct SteppedBack {
    /// Steps taken in the run as it now is (1 = at the first step).
    pub step: usize,
    /// What the step the run is now at did, as it did it the first time.
    pub happenings: Vec<Happening>,
}

impl Journal {
    /// Feeds `input` to `sim` and records it if the simulation took it.
    pub fn apply(&mut self, sim: &mut Sim, input: Input) -> Result<Vec<Happening>, SimError> {
        let happenings = feed(sim, &input)?;
        if input == Input::Step && happenings.is_empty() {
            return Ok(happenings); // nothing was due: a step that did nothing is no step
        }
        // Two clock advances in a row are one: processing everything due by t1 and then
        // by t2 is processing everything due by t2. The animation loop advances every
        // frame, so this keeps the journal as short as the user's own actions.
        if let (Input::AdvanceTo(t), Some(Input::AdvanceTo(last))) =
            (&input, self.inputs.last_mut())
        {
            *last = (*last).max(*t);
        } else {
            self.inputs.push(input);
        }
        Ok(happenings)
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.inputs.iter().filter(|i| **i == Input::Step).count()
    }

    /// Returns the run to where it was after the step before the last one, by replaying
    /// every input before the last step onto `fresh`, which must be the run's starting
    /// simulation (same seed, same topology). `None`, and nothing changes, when fewer than
    /// two steps were taken: there is no earlier step to return to.
    /// `observe` sees everything the replay did, in order, so the host can rebuild what it
    /// derives from happenings (the tokens in flight).
    pub fn step_back(
        &mut self,
        fresh: Sim,
        mut observe: impl FnMut(&Sim, &[Happening]),
    ) -> Option<(Sim, SteppedBack)> {
        if self.steps() < 2 {
            return None;
        }
        let last_step = self.inputs.iter().rposition(|i| *i == Input::Step)?;
        self.inputs.truncate(last_step);
        let mut sim = fresh;
        let mut happenings = Vec::new();
        for input in &self.inputs {
            // Every input was accepted the first time, and the replay is the same run.
            let out = feed(&mut sim, input).unwrap_or_default();
            observe(&sim, &out);
            if *input == Input::Step {
                happenings = out;
            }
        }
        // The replay ends at the input before the removed step; that may be a clock
        // advance after the step, whose happenings were shown by the player, not a step.
        let step = self.steps();
        Some((sim, SteppedBack { step, happenings }))
    }

    /// Forgets everything: the run starts over.
    pub fn clear(&mut self) {
        self.inputs.clear();
    }
}

fn feed(sim: &mut Sim, input: &Input) -> Result<Vec<Happening>, SimError> {
    Ok(match input {
        Input::Act(action) => {
            sim.act(action.clone())?;
            sim.advance_by(0)
        }
        Input::Traffic(rate) => {
            sim.set_traffic(*rate)?;
            Vec::new()
        }
        Input::AdvanceTo(t) => sim.advance_to(*t),
        Input::Step => sim.step(),
        Input::Fault(change) => {
            sim.change_fault(change.clone())?;
            sim.advance_by(0)
        }
        Input::DeadLetter(op) => {
            match *op {
                DeadLetterOp::Retry(id, c) => sim.retry_dead_letter(id, c)?,
                DeadLetterOp::Discard(id, c) => sim.discard_dead_letter(id, c)?,
                DeadLetterOp::RetryAll => sim.retry_all_dead_letters(),
            }
            sim.advance_by(0)
        }
        Input::Preset(preset) => {
            sim.run_preset(*preset)?;
            sim.advance_by(0)
        }
    })
}
