//! The same golden transcripts as the native tier, produced by the simulation compiled to
//! wasm and run in the browser: native and wasm runs must do exactly the same.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/golden.rs"]
mod golden;

const PINNED: [(&str, &str); 4] = [
    ("book_fl123.txt", include_str!("golden/book_fl123.txt")),
    (
        "check_johns_points.txt",
        include_str!("golden/check_johns_points.txt"),
    ),
    ("list_tiers.txt", include_str!("golden/list_tiers.txt")),
    (
        "traffic_2_per_s_10_s.txt",
        include_str!("golden/traffic_2_per_s_10_s.txt"),
    ),
];

#[wasm_bindgen_test]
fn the_wasm_runs_match_the_golden_transcripts() {
    assert_eq!(PINNED.map(|(name, _)| name), golden::RUNS);
    for (name, pinned) in PINNED {
        assert!(golden::transcript(name) == pinned, "{name} differs in wasm");
    }
}
