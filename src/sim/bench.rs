//! Headless entry points for benchmarks: no UI, just the engine running flat out.

use super::airline::{seed, UserAction};
use super::engine::{Sim, SimConfig};

/// Acts `n` bookings at time 0 (spread over customers, passengers and flights), runs to
/// quiescence, returns the number of happenings.
pub fn run_bookings(n: usize, seed: u64) -> usize {
    let mut sim = Sim::airline(SimConfig {
        seed,
        ..SimConfig::default()
    });
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
