//! Step back by replay: a run is a pure function of its seed and the inputs the host fed
//! it, so going back one step is starting a fresh simulation and feeding it every input
//! before the last step. Nothing is snapshotted; the journal holds only the inputs.

use super::airline::Preset;
use super::engine::{FaultChange, Happening, Sim, UserMessage};
use super::error::SimError;
use super::message::MessageId;
use super::time::SimTime;
use super::topology::ServiceIdx;

/// One thing the host did to the simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A user-level send: a scenario button, the composer, or a shared link's replay.
    Send(UserMessage),
    /// A model's scenario: sends, each after its delay from now.
    Script(Vec<(SimTime, UserMessage)>),
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

/// A run rebuilt from its inputs.
pub struct Replayed {
    /// The simulation after the last input.
    pub sim: Sim,
    /// The inputs, as the rebuilt run took them.
    pub journal: Journal,
    /// What the last step among the inputs did, as it did it the first time (empty when
    /// there was none): after a step back, the step the run now stands at.
    pub last_step: Vec<Happening>,
}

impl Journal {
    /// Feeds `input` to `sim` and records it if the simulation took it.
    pub fn apply(&mut self, sim: &mut Sim, input: Input) -> Result<Vec<Happening>, SimError> {
        let happenings = feed(sim, &input)?;
        if input == Input::Step && happenings.is_empty() {
            return Ok(happenings); // nothing was due: a step that did nothing is no step
        }
        self.record(input);
        Ok(happenings)
    }

    /// Moves the clock of a simulation with nothing to do, as [`Journal::apply`] with
    /// [`Input::AdvanceTo`] would, without the code that processes what is due: a page can
    /// keep its clock running before it has fetched that code. `false`, and nothing changes,
    /// when something is scheduled.
    pub fn rest_to(&mut self, sim: &mut Sim, t: SimTime) -> bool {
        let rested = sim.rest_to(t);
        if rested {
            self.record(Input::AdvanceTo(t));
        }
        rested
    }

    fn record(&mut self, input: Input) {
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
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.inputs.iter().filter(|i| **i == Input::Step).count()
    }

    /// The inputs before the last step: replayed onto the run's start, they return the run
    /// to where it stood after the step before (Step back). `None` when fewer than two
    /// steps were taken: there is no earlier step to return to. The replay ends at the
    /// input before the step taken back, which may be a clock advance after the step before.
    pub fn before_last_step(&self) -> Option<Vec<Input>> {
        if self.steps() < 2 {
            return None;
        }
        let last_step = self.inputs.iter().rposition(|i| *i == Input::Step)?;
        Some(self.inputs[..last_step].to_vec())
    }

    /// The inputs so far, oldest first: with the seed, all it takes to rebuild the run.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Rebuilds a run from `inputs` on `fresh`, which must be the run's starting simulation
    /// (same seed, same topology), as a shared link and Step back do. `observe` sees what
    /// each input did, in order, so the host can rebuild what it derives from happenings
    /// (the tokens in flight). An input the simulation refuses stops the replay: the error
    /// names it by its position, since the rest of the run depended on it.
    pub fn replay(
        fresh: Sim,
        inputs: Vec<Input>,
        mut observe: impl FnMut(&Sim, &[Happening]),
    ) -> Result<Replayed, (usize, SimError)> {
        let mut sim = fresh;
        let mut journal = Journal::default();
        let mut last_step = Vec::new();
        for (i, input) in inputs.into_iter().enumerate() {
            let step = input == Input::Step;
            let out = journal.apply(&mut sim, input).map_err(|e| (i, e))?;
            observe(&sim, &out);
            if step {
                last_step = out;
            }
        }
        Ok(Replayed {
            sim,
            journal,
            last_step,
        })
    }

    /// Forgets everything: the run starts over.
    pub fn clear(&mut self) {
        self.inputs.clear();
    }
}

fn feed(sim: &mut Sim, input: &Input) -> Result<Vec<Happening>, SimError> {
    Ok(match input {
        Input::Send(send) => {
            sim.send(send)?;
            sim.advance_by(0)
        }
        Input::Script(script) => {
            sim.send_script(script)?;
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
