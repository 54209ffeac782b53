//! Sine and cosine for the angles Contrail uses: a ring of services, a great-circle distance.
//! `f64::sin` and `f64::cos` on wasm come from the libm port in `compiler_builtins`, whose
//! argument reduction also handles angles of up to 10^308 radians with a 1,200-bit table of
//! 2/π (5 KB of the page's wasm). These are the same algorithms (musl's `__sin`, `__cos` and
//! the "medium" reduction of `__rem_pio2`) without that large-argument path, so for angles
//! under about 1.6 million radians they return the same bits as libm; larger ones are first
//! brought within a turn, losing precision that nothing here needs.

const TO_INT: f64 = 1.5 / f64::EPSILON;
const INV_PIO2: f64 = f64::from_bits(0x3FE4_5F30_6DC9_C883);
const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5440_0000);
const PIO2_1T: f64 = f64::from_bits(0x3DD0_B461_1A62_6331);
const PIO2_2: f64 = f64::from_bits(0x3DD0_B461_1A60_0000);
const PIO2_2T: f64 = f64::from_bits(0x3BA3_198A_2E03_7073);
const PIO2_3: f64 = f64::from_bits(0x3BA3_198A_2E00_0000);
const PIO2_3T: f64 = f64::from_bits(0x397B_839A_2520_49C1);

/// The high word of `|x|`, as musl compares it with its thresholds.
fn high_word(x: f64) -> u32 {
    (x.to_bits() >> 32) as u32 & 0x7fff_ffff
}

/// `x` as `n·π/2 + (y0 + y1)` with `|y0 + y1| <= π/4`: (`n`, `y0`, `y1`).
fn reduce(x: f64) -> (i32, f64, f64) {
    let ix = high_word(x);
    // Up to 9π/4 libm takes off a small multiple of π/2 in one step, except near π/2, π,
    // 3π/2 and 2π, where that would cancel; the same here, for the same bits.
    let small = if ix > 0x401c_463b || (ix & 0xfffff) == 0x921fb {
        None
    } else if ix <= 0x4002_d97c {
        Some(1)
    } else if ix <= 0x400f_6a7a {
        Some(2)
    } else if ix <= 0x4015_fdbc {
        (ix != 0x4012_d97c).then_some(3)
    } else {
        (ix != 0x4019_21fb).then_some(4)
    };
    if let Some(k) = small {
        let (n, k) = if x.is_sign_negative() {
            (-k, -f64::from(k))
        } else {
            (k, f64::from(k))
        };
        let z = x - k * PIO2_1;
        let y0 = z - k * PIO2_1T;
        return (n, y0, (z - y0) - k * PIO2_1T);
    }
    medium(x, ix)
}

/// libm's reduction for angles beyond 9π/4, and near the multiples of π/2 below.
fn medium(x: f64, ix: u32) -> (i32, f64, f64) {
    let mut ix = ix;
    // Beyond 2^20·π/2 libm switches to its table; such an angle is first taken modulo 2π.
    let x = if ix < 0x4139_21fb {
        x
    } else {
        let x = x % std::f64::consts::TAU;
        ix = high_word(x);
        x
    };
    let f_n = x * INV_PIO2 + TO_INT - TO_INT;
    let n = f_n as i32;
    let mut r = x - f_n * PIO2_1;
    let mut w = f_n * PIO2_1T;
    let mut y0 = r - w;
    let exponent = |y: f64| (y.to_bits() >> 52) as i32 & 0x7ff;
    let ex = (ix >> 20) as i32;
    // Cancellation near a multiple of π/2: two more rounds with more of π/2's bits.
    if ex - exponent(y0) > 16 {
        let t = r;
        w = f_n * PIO2_2;
        r = t - w;
        w = f_n * PIO2_2T - ((t - r) - w);
        y0 = r - w;
        if ex - exponent(y0) > 49 {
            let t = r;
            w = f_n * PIO2_3;
            r = t - w;
            w = f_n * PIO2_3T - ((t - r) - w);
            y0 = r - w;
        }
    }
    (n, y0, (r - y0) - w)
}

/// sin(x + y) for |x + y| <= π/4, `y` the tail of `x` (musl's `__sin`).
fn kernel_sin(x: f64, y: f64, has_tail: bool) -> f64 {
    const S1: f64 = f64::from_bits(0xBFC5_5555_5555_5549);
    const S2: f64 = f64::from_bits(0x3F81_1111_1110_F8A6);
    const S3: f64 = f64::from_bits(0xBF2A_01A0_19C1_61D5);
    const S4: f64 = f64::from_bits(0x3EC7_1DE3_57B1_FE7D);
    const S5: f64 = f64::from_bits(0xBE5A_E5E6_8A2B_9CEB);
    const S6: f64 = f64::from_bits(0x3DE5_D93A_5ACF_D57C);
    let z = x * x;
    let w = z * z;
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * x;
    if has_tail {
        x - ((z * (0.5 * y - v * r) - y) - v * S1)
    } else {
        x + v * (S1 + z * r)
    }
}

/// cos(x + y) for |x + y| <= π/4, `y` the tail of `x` (musl's `__cos`).
fn kernel_cos(x: f64, y: f64) -> f64 {
    const C1: f64 = f64::from_bits(0x3FA5_5555_5555_554C);
    const C2: f64 = f64::from_bits(0xBF56_C16C_16C1_5177);
    const C3: f64 = f64::from_bits(0x3EFA_01A0_19CB_1590);
    const C4: f64 = f64::from_bits(0xBE92_7E4F_809C_52AD);
    const C5: f64 = f64::from_bits(0x3E21_EE9E_BDB4_B1C4);
    const C6: f64 = f64::from_bits(0xBDA8_FAE9_BE88_38D4);
    let z = x * x;
    let w = z * z;
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

/// The sine of `x` radians.
pub fn sin(x: f64) -> f64 {
    let ix = high_word(x);
    if ix <= 0x3fe9_21fb {
        return if ix < 0x3e50_0000 {
            x
        } else {
            kernel_sin(x, 0.0, false)
        };
    }
    if ix >= 0x7ff0_0000 {
        return f64::NAN; // of infinity or NaN
    }
    let (n, y0, y1) = reduce(x);
    match n & 3 {
        0 => kernel_sin(y0, y1, true),
        1 => kernel_cos(y0, y1),
        2 => -kernel_sin(y0, y1, true),
        _ => -kernel_cos(y0, y1),
    }
}

/// The cosine of `x` radians.
pub fn cos(x: f64) -> f64 {
    let ix = high_word(x);
    if ix <= 0x3fe9_21fb {
        return if ix < 0x3e46_a09e {
            1.0
        } else {
            kernel_cos(x, 0.0)
        };
    }
    if ix >= 0x7ff0_0000 {
        return f64::NAN; // of infinity or NaN
    }
    let (n, y0, y1) = reduce(x);
    match n & 3 {
        0 => kernel_cos(y0, y1),
        1 => -kernel_sin(y0, y1, true),
        2 => -kernel_cos(y0, y1),
        _ => kernel_sin(y0, y1, true),
    }
}

#[cfg(test)]
mod tests {
    use super::{cos, sin};
    use crate::sim::rng::SplitMix64;

    /// The angles checked: a dense sweep over a few turns, the multiples of π/4 and their
    /// neighbours (where reduction cancels), and random angles up to the medium range's end.
    fn angles() -> Vec<f64> {
        let mut all: Vec<f64> = (-20_000..=20_000).map(|i| f64::from(i) * 0.000_7).collect();
        for k in -64..=64 {
            let at = f64::from(k) * std::f64::consts::FRAC_PI_4;
            all.extend([at, at.next_up(), at.next_down()]);
        }
        let mut rng = SplitMix64::new(7);
        for _ in 0..20_000 {
            let scale = [1.0, 10.0, 1e3, 1e6][rng.index(4)];
            let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            all.push((unit * 2.0 - 1.0) * scale);
        }
        all.extend([0.0, -0.0, 1e-300, -1e-9, f64::MIN_POSITIVE]);
        all
    }

    #[test]
    fn the_same_bits_as_libm_which_wasm_uses() {
        for x in angles() {
            assert_eq!(sin(x).to_bits(), libm::sin(x).to_bits(), "sin({x:e})");
            assert_eq!(cos(x).to_bits(), libm::cos(x).to_bits(), "cos({x:e})");
        }
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // the platform's, to compare with
    fn within_an_ulp_of_the_platform() {
        for x in angles() {
            for (ours, theirs) in [(sin(x), x.sin()), (cos(x), x.cos())] {
                let apart = (ours.to_bits() as i64 - theirs.to_bits() as i64).abs();
                assert!(
                    apart <= 1 || (ours - theirs).abs() < 1e-300,
                    "{x:e}: {ours:e} against {theirs:e}"
                );
            }
        }
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // the platform's, to compare with
    fn outside_the_reduced_range_and_not_numbers() {
        assert!(sin(f64::NAN).is_nan() && cos(f64::INFINITY).is_nan());
        let far = 1e9 * std::f64::consts::TAU + 0.5;
        assert!((sin(far) - 0.5_f64.sin()).abs() < 1e-5, "{}", sin(far));
        assert!((cos(far) - 0.5_f64.cos()).abs() < 1e-5, "{}", cos(far));
    }
}
