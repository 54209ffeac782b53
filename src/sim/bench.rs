//! Headless entry points for benchmarks: no UI, just the engine running flat out.

use super::airline::{seed, UserAction};
use super::engine::{FaultChange, Sim, SimConfig};

/// Acts `n` bookings at time 0 (spread over customers, passengers and flights), runs to
/// quiescence, returns the number of happenings.
pub fn run_bookings(n: usize, seed: u64) -> usize {
    run_bookings_in(n, seed, false)
}

/// [`run_bookings`] with the what-if lab busy: every consumer fails 10 % of its messages
/// (and retries them by the default policy, dead-lettering some), and the broker delivers
/// 20 % of messages twice.
pub fn run_bookings_with_faults(n: usize, seed: u64) -> usize {
    run_bookings_in(n, seed, true)
}

fn run_bookings_in(n: usize, seed: u64, faults: bool) -> usize {
    let mut sim = Sim::airline(SimConfig {
        seed,
        ..SimConfig::default()
    });
    if faults {
        for s in 0..sim.topology().services().len() {
            // The broker refuses a failure rate; every other service takes it.
            let _ = sim.change_fault(FaultChange::FailurePercent(s, 10.0));
        }
        let _ = sim.change_fault(FaultChange::DuplicatePercent(20.0));
    }
    let customers = &seed::CUSTOMERS;
    let flights = &seed::FLIGHTS;
    for i in 0..n {
        let c = &customers[i % customers.len()];
        let f = &flights[(i + i / customers.len()) % flights.len()];
        let count = 1 + i % c.passengers.len();
        let action = UserAction::BookFlight {
            customer_id: c.id.into(),
            flight_number: f.number.into(),
            passenger_ids: c.passengers[..count].iter().map(|p| p.id.into()).collect(),
        };
        // Seed ids are well-formed, so this cannot be refused.
        let _ = sim.act(action);
    }
    let mut happenings = 0;
    while sim.next_due().is_some() {
        happenings += sim.step().len();
    }
    happenings
}

/// Runs the synthetic topology for `sim_ms` simulated milliseconds in 16 ms frames, returns
/// the number of happenings (0 if the parameters are invalid).
pub fn run_synthetic(
    services: usize,
    edges: usize,
    tokens: usize,
    sim_ms: u64,
    seed: u64,
) -> usize {
    let config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    let Ok(mut sim) = Sim::synthetic(services, edges, tokens, config) else {
        return 0;
    };
    let mut happenings = 0;
    while sim.now() < sim_ms {
        let dt = (sim_ms - sim.now()).min(16);
        happenings += sim.advance_by(dt).len();
    }
    happenings
}
