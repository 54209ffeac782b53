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

/// `x` as `{}` writes a number of at most `places` decimals (0.25, 2, 1.5), without the
/// standard library's float formatting: `fixed` with the trailing zeros and dot cut.
pub fn plain(x: f64, places: u32) -> String {
    let mut out = fixed(x, places);
    if out.contains('.') {
        let kept = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(kept);
    }
    if out == "-0" {
        out.remove(0);
    }
    out
}

/// `x` as `{}` writes it (the shortest digits that read back to `x`: "74.5", "75", "0.1"),
/// for numbers from 10^-4 to 10^15, with serde_json's float writer, which the page has
/// anyway, rather than the standard library's. Outside that range serde_json writes an
/// exponent ("1e16") where `{}` writes every digit.
pub fn shortest(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // An `f64` alone, not a `Value`: writing a whole `Value` would link its writer for
    // strings, arrays and maps into the first load, which nothing else there needs.
    let mut text = serde_json::to_string(&x).unwrap_or_default();
    if text.ends_with(".0") {
        text.truncate(text.len() - 2);
    }
    text
}

/// `x.clamp(lo, hi)` without its check that `lo <= hi`, whose panic message writes both
/// bounds with `f64`'s `Debug` and so links Grisu and Dragon (11 KB of wasm) into the first
/// load. Like `clamp`, NaN stays NaN. The callers' bounds are in order by construction.
pub fn clamped(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// A number as a person types it ("2.5", "-3", ".5", "1e3"), without the standard
/// library's float parser (several KB of the first load, for a few form fields). Exact
/// (the same bits as `str::parse`) for up to 15 significant digits and exponents within
/// 10^±22; longer text is refused as no number, which no field here needs.
pub fn read_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, text) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut digits: u64 = 0;
    let mut significant = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        digits = digits * 10 + u64::from(b - b'0');
        if digits > 0 {
            significant += 1;
        }
        if significant > 15 {
            return None;
        }
    }
    let scale = exponent.checked_sub(i32::try_from(fraction.len()).ok()?)?;
    if scale.unsigned_abs() > 22 {
        return None;
    }
    // Both operands are exact doubles, so one correctly rounded operation gives the nearest.
    let power = 10_f64.powi(scale.abs());
    let value = if scale < 0 {
        digits as f64 / power
    } else {
        digits as f64 * power
    };
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::{clamped, fixed, plain, read_decimal, shortest};

    #[test]
    #[allow(clippy::disallowed_methods)] // the reference it is checked against
    fn clamped_is_clamp() {
        let bounds = [(0.0, 1.0), (-2.5, 7.0), (3.0, 3.0)];
        for (lo, hi) in bounds {
            for x in [
                -1e9,
                -2.5,
                -0.0,
                0.0,
                0.5,
                1.0,
                3.0,
                6.99,
                7.0,
                8.0,
                f64::INFINITY,
            ] {
                assert_eq!(
                    clamped(x, lo, hi).to_bits(),
                    x.clamp(lo, hi).to_bits(),
                    "{x} in {lo}..{hi}"
                );
            }
            assert!(clamped(f64::NAN, lo, hi).is_nan());
        }
    }

    #[test]
    fn shortest_writes_what_display_writes() {
        let mut x = 0.001_f64;
        while x < 1e15 {
            for y in [x, -x, x * 1.37, x / 3.0, x * 0.1 + 0.2] {
                assert_eq!(shortest(y), y.to_string(), "{y:e}");
            }
            x *= 7.3;
        }
        for y in [
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            0.0,
            -0.0,
            75.0,
            74.5,
            0.1,
            0.3,
            100.0,
            1.0 / 3.0,
            2.0 / 3.0 * 100.0,
        ] {
            assert_eq!(shortest(y), y.to_string(), "{y}");
        }
    }

    #[test]
    fn read_decimal_gives_the_bits_str_parse_gives() {
        for text in [
            "0",
            "2.5",
            " 2.5 ",
            "-3",
            "+4",
            ".5",
            "5.",
            "0.1",
            "0.3",
            "1e3",
            "2.5E-2",
            "50",
            "123456789012345",
            "0.000001",
            "-0.0",
        ] {
            let expected: f64 = text.trim().parse().unwrap();
            assert_eq!(
                read_decimal(text).map(f64::to_bits),
                Some(expected.to_bits()),
                "{text}"
            );
        }
        for text in [
            "",
            "-",
            ".",
            "abc",
            "1.2.3",
            "1e",
            "NaN",
            "inf",
            "1,5",
            "12345678901234567",
        ] {
            assert_eq!(read_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn plain_writes_what_display_writes_for_short_decimals() {
        for x in [
            0.0, 0.25, 0.5, 1.0, 1.25, 2.0, 4.0, 50.0, 12.5, -3.75, 1000.0, 0.001,
        ] {
            assert_eq!(plain(x, 3), x.to_string(), "{x}");
        }
        assert_eq!(plain(2.0004, 3), "2");
        assert_eq!(plain(-0.0001, 3), "0");
    }

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
