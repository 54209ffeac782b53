//! Native simulation throughput, the reference for the same code compiled to wasm
//! (`?bench=sim` in the app). Run with `cargo bench --bench sim`; `bench/run.sh` reads it.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use contrail::sim::{bench, Sim, SimConfig};
    use criterion::{BatchSize, Criterion, Throughput};

    /// The same scene as the app's benchmark mode and its wasm throughput run.
    const SERVICES: usize = 50;
    const EDGES: usize = 100;
    const TOKENS: usize = 1_000;
    const STRETCH_MS: u64 = 10_000;

    fn warmed() -> Sim {
        let mut sim = Sim::synthetic(SERVICES, EDGES, TOKENS, SimConfig::default())
            .expect("the benchmark scene is valid");
        sim.advance_by(5_000);
        sim
    }

    pub fn simulation(c: &mut Criterion) {
        // Every run from the same seed processes the same items, so the throughput is exact.
        let mut probe = warmed();
        let before = probe.processed_items();
        probe.advance_by(STRETCH_MS);
        let events = probe.processed_items() - before;

        let mut group = c.benchmark_group("synthetic_1000_tokens");
        group.throughput(Throughput::Elements(events));
        group.bench_function("events_10s_simulated", |b| {
            b.iter_batched(
                warmed,
                |mut sim| sim.advance_by(STRETCH_MS),
                BatchSize::LargeInput,
            )
        });
        group.finish();

        let mut sim = warmed();
        c.bench_function("step_one_frame_1000_tokens", |b| {
            b.iter(|| sim.advance_by(16))
        });
        // The same bookings with faults on, as events per second beside the run without
        // them: retries and duplicates add events, so time alone would not compare.
        let mut group = c.benchmark_group("airline_100_bookings");
        group.throughput(Throughput::Elements(bench::run_bookings(100, 7) as u64));
        group.bench_function("faults_off", |b| b.iter(|| bench::run_bookings(100, 7)));
        group.throughput(Throughput::Elements(
            bench::run_bookings_with_faults(100, 7) as u64,
        ));
        group.bench_function("faults_on", |b| {
            b.iter(|| bench::run_bookings_with_faults(100, 7))
        });
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group! {
    name = benches;
    config = criterion::Criterion::default().sample_size(20);
    targets = native::simulation
}
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
