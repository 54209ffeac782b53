//! Numbers written with a fixed count of decimals, by integer arithmetic. `format!("{:.1}")`
//! pulls the standard library's exact float formatting (Grisu and Dragon, several KB of
//! wasm) into the first load for SVG coordinates and sizes that need none of its precision.

use std::fmt::Write;

/// `x` with `places` decimals (at most 6), rounded half away from zero: `fixed(2.46, 1)` is
/// "2.5", `fixed(-0.04, 1)` is "0.0". Not for values beyond 10^12, where a coordinate or a
/// size never goes.
pub fn fixed(x: f64, places: u32) -> String {
    let places = places.min(6);
    let scale = 10_u64.pow(places);
    let scaled = (x.abs() * scale as f64).round();
    let n = if scaled.is_finite() { scaled as u64 } else { 0 };
    let mut out = String::new();
    if x < 0.0 && n != 0 {
        out.push('-');
    }
    let _ = write!(out, "{}", n / scale);
    if places > 0 {
        let _ = write!(out, ".{:0width$}", n % scale, width = places as usize);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn writes_what_the_standard_formatter_writes_away_from_ties() {
        for x in [
            0.0,
            1.0,
            2.46,
            -2.46,
            12.04,
            599.99,
            1000.0 / 3.0,
            -7.55001,
            0.96,
        ] {
            for places in 0..=3 {
                let expected = format!("{x:.prec$}", prec = places as usize);
                assert_eq!(fixed(x, places), expected, "{x} to {places} places");
            }
        }
    }

    #[test]
    fn ties_round_away_from_zero_and_no_negative_zero() {
        assert_eq!(fixed(0.25, 1), "0.3");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.06, 1), "-0.1");
        assert_eq!(fixed(9.96, 1), "10.0");
        assert_eq!(fixed(f64::NAN, 1), "0.0");
    }
}
