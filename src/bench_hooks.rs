//! What the benchmark harness in `bench/` drives and reads: the synthetic scenes, the
//! simulation-throughput run and the page's hooks. Built only with the `bench` feature, so
//! the user's first load does not carry them.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Function, Reflect};

use crate::bench_mode::{Mode, BENCH_EDGES, BENCH_SERVICES};
use crate::sim::{Sim, SimConfig};

fn set_global(name: &str, value: &JsValue) {
    if let Some(window) = web_sys::window() {
        let _ = Reflect::set(&window, &JsValue::from_str(name), value);
    }
}

/// Tells the harness the scene is up, and lets it read the wasm memory size, how many
/// tokens are on the diagram, and where in the window the `k`-th of them is now (so it can
/// click one).
pub fn expose_bench_hooks(
    in_flight: impl Fn() -> usize + 'static,
    token_at: impl Fn(usize) -> Option<(f64, f64)> + 'static,
) {
    set_global("__benchReady", &JsValue::TRUE);
    let at = Closure::<dyn Fn(f64) -> JsValue>::new(move |k: f64| match token_at(k as usize) {
        Some((x, y)) => {
            let point = web_sys::js_sys::Object::new();
            let _ = Reflect::set(&point, &JsValue::from_str("x"), &JsValue::from_f64(x));
            let _ = Reflect::set(&point, &JsValue::from_str("y"), &JsValue::from_f64(y));
            point.into()
        }
        None => JsValue::NULL,
    });
    set_global("__benchTokenAt", at.as_ref().unchecked_ref::<Function>());
    at.forget();
    let count = Closure::<dyn Fn() -> f64>::new(move || in_flight() as f64);
    set_global(
        "__benchInFlight",
        count.as_ref().unchecked_ref::<Function>(),
    );
    count.forget();
    let memory_bytes = Closure::<dyn Fn() -> f64>::new(|| {
        wasm_bindgen::memory()
            .dyn_into::<web_sys::js_sys::WebAssembly::Memory>()
            .map(|m| {
                m.buffer()
                    .unchecked_into::<web_sys::js_sys::ArrayBuffer>()
                    .byte_length() as f64
            })
            .unwrap_or(0.0)
    });
    set_global(
        "__contrailWasmMemoryBytes",
        memory_bytes.as_ref().unchecked_ref::<Function>(),
    );
    memory_bytes.forget();
}

/// Tells the harness which message a click on the diagram picked by its token, so a click
/// that missed every token (and perhaps selected an edge's last message) is not timed as a
/// token click.
pub fn note_token_picked(message: crate::sim::MessageId) {
    set_global("__benchPicked", &JsValue::from_f64(message as f64));
}

/// Builds the simulation the mode asks for. A synthetic scene the core refuses falls back
/// to the airline, with the core's reason.
pub fn build_sim(mode: Mode, config: &SimConfig) -> (Sim, Option<String>) {
    match mode {
        Mode::Tokens(tokens) => {
            match Sim::synthetic(BENCH_SERVICES, BENCH_EDGES, tokens, config.clone()) {
                Ok(sim) => (sim, None),
                Err(error) => (
                    Sim::airline(config.clone()),
                    Some(format!("Benchmark scene refused: {error}")),
                ),
            }
        }
        _ => (Sim::airline(config.clone()), None),
    }
}

/// Tokens in flight for the simulation-throughput run, as in the frames benchmark.
const THROUGHPUT_TOKENS: usize = 1_000;
/// Simulated time for the raw throughput figure, run in stretches of `THROUGHPUT_STRETCH_MS`:
/// the stretch criterion times natively (`benches/sim.rs`), so both sides do the same work per
/// call. One 300 s call built a Vec of 2,000,431 happenings (counted natively, same scene
/// and seed) that the native stretch never builds, and timed its reallocations and the wasm
/// memory growing with it.
const THROUGHPUT_SIM_MS: u64 = 300_000;
const THROUGHPUT_STRETCH_MS: u64 = 10_000;
/// Frames of 1/60 s for the per-frame step figure.
const STEP_FRAMES: usize = 1_800;

/// Times the simulation core alone, in this browser, and publishes the figures: events
/// (scheduler items) per second over a long stretch, and the p95 of one frame's step at
/// 1,000 tokens in flight. The wall clock is read here, never inside the core.
pub fn run_sim_benchmark(config: &SimConfig) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let Ok(mut sim) = Sim::synthetic(
        BENCH_SERVICES,
        BENCH_EDGES,
        THROUGHPUT_TOKENS,
        config.clone(),
    ) else {
        return;
    };
    sim.advance_by(5_000);
    let items_before = sim.processed_items();
    let started = performance.now();
    for _ in 0..THROUGHPUT_SIM_MS / THROUGHPUT_STRETCH_MS {
        drop(sim.advance_by(THROUGHPUT_STRETCH_MS));
    }
    let seconds = (performance.now() - started) / 1000.0;
    let events = sim.processed_items() - items_before;

    let mut steps: Vec<f64> = (0..STEP_FRAMES)
        .map(|_| {
            let before = performance.now();
            let happenings = sim.advance_by(16);
            let took = performance.now() - before;
            drop(happenings);
            took
        })
        .collect();
    steps.sort_by(f64::total_cmp);
    let p95 = steps[(steps.len() * 95 / 100).min(steps.len() - 1)];
    publish_sim_figures(events as f64 / seconds.max(1e-9), p95, steps.len());
}

/// Publishes the simulation throughput figures for the harness.
pub fn publish_sim_figures(events_per_sec: f64, step_p95_ms: f64, steps: usize) {
    let figures = web_sys::js_sys::Object::new();
    let _ = Reflect::set(&figures, &"eventsPerSec".into(), &events_per_sec.into());
    let _ = Reflect::set(&figures, &"stepP95Ms".into(), &step_p95_ms.into());
    let _ = Reflect::set(&figures, &"steps".into(), &(steps as f64).into());
    set_global("__simBench", &figures);
}
