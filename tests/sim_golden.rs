#![cfg(not(target_arch = "wasm32"))]
//! Today's behaviour, pinned: each run's transcript must equal its golden file. After a
//! deliberate change of behaviour, `UPDATE_GOLDEN=1 cargo test --test sim_golden` rewrites
//! the files, and the diff shows what changed.

#[path = "support/golden.rs"]
mod golden;

#[test]
fn the_runs_match_their_golden_transcripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for name in golden::RUNS {
        let now = golden::transcript(name);
        let path = dir.join(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &now).unwrap();
            continue;
        }
        let pinned =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if now != pinned {
            let line = now
                .lines()
                .zip(pinned.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(now.lines().count().min(pinned.lines().count()));
            panic!(
                "{name} differs from its golden file from line {}:\n  now:    {:?}\n  pinned: {:?}",
                line + 1,
                now.lines().nth(line),
                pinned.lines().nth(line)
            );
        }
    }
}

#[test]
fn the_traffic_run_is_long_enough_to_matter() {
    let traffic = golden::transcript("traffic_2_per_s_10_s.txt");
    let bookings = traffic.matches("\"type\":\"CreateBooking\"").count();
    assert!(bookings >= 10, "{bookings} bookings");
}
