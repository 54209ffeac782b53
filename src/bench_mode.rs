//! Benchmark mode, chosen by the page's URL (`?bench=N` or `?bench=sim`). The scenes and
//! the hooks the harness in `bench/` reads are in `bench_hooks`, built only with the
//! `bench` feature; the user build keeps only the performance mark, which costs nothing.

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

/// The mode this page was opened in. A build without the `bench` feature has only the
/// airline, and says so when a benchmark is asked for.
pub fn current_mode() -> (Mode, Option<String>) {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    if cfg!(feature = "bench") {
        return mode_from_query(&query);
    }
    // Whatever the benchmark asked for, this build has none: reading its value would only
    // add code to the page.
    let asked = query
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair.starts_with("bench="));
    (
        Mode::Airline,
        asked.then(|| {
            "This build leaves the benchmark scenes out: the bench suite builds them with the `bench` feature."
                .into()
        }),
    )
}

/// Marks the moment the diagram is first on screen, for time-to-first-diagram.
pub fn mark_diagram_drawn() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("contrail:diagram");
    }
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
