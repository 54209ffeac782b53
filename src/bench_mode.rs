//! Benchmark mode, chosen by the page's URL (`?bench=N` or `?bench=sim`), and the few
//! hooks the benchmark harness in `bench/` reads from the page. In normal use none of
//! this runs except the performance mark, which costs nothing.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Function, Reflect};

/// Services and edges of the synthetic scene the benchmarks animate.
pub const BENCH_SERVICES: usize = 50;
pub const BENCH_EDGES: usize = 100;
/// The most tokens a benchmark may ask for; more would only measure swapping.
pub const BENCH_MAX_TOKENS: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The airline, as users see it.
    Airline,
    /// The synthetic scene with this many tokens kept in flight.
    Tokens(usize),
    /// A headless run of the simulation, timed, with nothing drawn.
    SimThroughput,
}

/// Reads the mode from a query string such as `?bench=1000`. Anything unrecognised,
/// including absurd token counts, falls back to the airline with an explanation.
pub fn mode_from_query(query: &str) -> (Mode, Option<String>) {
    let value = query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("bench="));
    match value {
        None => (Mode::Airline, None),
        Some("sim") => (Mode::SimThroughput, None),
        Some(n) => match n.parse::<usize>() {
            Ok(n) if n <= BENCH_MAX_TOKENS => (Mode::Tokens(n), None),
            _ => (
                Mode::Airline,
                Some(format!(
                    "Ignored bench={n}: give a token count up to {BENCH_MAX_TOKENS}, or \"sim\"."
                )),
            ),
        },
    }
}

pub fn current_mode() -> (Mode, Option<String>) {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    mode_from_query(&query)
}

/// Marks the moment the diagram is first on screen, for time-to-first-diagram.
pub fn mark_diagram_drawn() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("contrail:diagram");
    }
}

fn set_global(name: &str, value: &JsValue) {
    if let Some(window) = web_sys::window() {
        let _ = Reflect::set(&window, &JsValue::from_str(name), value);
    }
}

/// Tells the harness the scene is up, and lets it read the wasm memory size.
pub fn expose_bench_hooks() {
    set_global("__benchReady", &JsValue::TRUE);
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

/// Publishes the simulation throughput figures for the harness.
pub fn publish_sim_figures(events_per_sec: f64, step_p95_ms: f64, steps: usize) {
    let figures = web_sys::js_sys::Object::new();
    let _ = Reflect::set(&figures, &"eventsPerSec".into(), &events_per_sec.into());
    let _ = Reflect::set(&figures, &"stepP95Ms".into(), &step_p95_ms.into());
    let _ = Reflect::set(&figures, &"steps".into(), &(steps as f64).into());
    set_global("__simBench", &figures);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_picks_the_mode_and_absurd_counts_are_explained() {
        assert_eq!(mode_from_query(""), (Mode::Airline, None));
        assert_eq!(mode_from_query("?bench=1000"), (Mode::Tokens(1000), None));
        assert_eq!(
            mode_from_query("?x=1&bench=sim"),
            (Mode::SimThroughput, None)
        );
        let (mode, why) = mode_from_query("?bench=99999999");
        assert_eq!(mode, Mode::Airline);
        assert!(why.unwrap().contains("99999999"));
        assert!(mode_from_query("?bench=lots").1.is_some());
    }
}
