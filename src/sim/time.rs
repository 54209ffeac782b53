//! Simulated time: integer milliseconds since the article's timestamp. Integers keep the
//! schedule exact and identical on every platform; ISO strings are only for display/payloads.

/// Simulated milliseconds since [`EPOCH_ISO`].
pub type SimTime = u64;

/// The moment the simulation starts: the timestamp of the article's BookingCreated example.
pub const EPOCH_ISO: &str = "2024-01-29T12:00:00Z";

const MS_PER_DAY: i128 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix milliseconds of [`EPOCH_ISO`].
pub const EPOCH_UNIX_MS: i128 = days_from_civil(2024, 1, 29) as i128 * MS_PER_DAY + 12 * 3_600_000;

/// ISO-8601 UTC with milliseconds, e.g. `iso_time(1250) == "2024-01-29T12:00:01.250Z"`.
pub fn iso_time(t: SimTime) -> String {
    // i128 so that even `u64::MAX` formats (as a far-future year) instead of overflowing.
    let unix = EPOCH_UNIX_MS + t as i128;
    let days = unix.div_euclid(MS_PER_DAY) as i64;
    let ms_of_day = unix.rem_euclid(MS_PER_DAY) as u64;
    let (y, m, d) = civil_from_days(days);
    let h = ms_of_day / 3_600_000;
    let min = ms_of_day / 60_000 % 60;
    let s = ms_of_day / 1000 % 60;
    let ms = ms_of_day % 1000;
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{ms:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sim_iso_time_epoch_and_millis() {
        assert_eq!(iso_time(0), "2024-01-29T12:00:00.000Z");
        assert_eq!(iso_time(1250), "2024-01-29T12:00:01.250Z");
        // Crosses midnight, month end (Jan has 31 days) and the 2024 leap day.
        assert_eq!(iso_time(12 * 3_600_000), "2024-01-30T00:00:00.000Z");
        assert_eq!(iso_time(31 * 86_400_000), "2024-02-29T12:00:00.000Z");
        assert_eq!(iso_time(32 * 86_400_000), "2024-03-01T12:00:00.000Z");
    }

    #[test]
    fn sim_iso_time_never_panics() {
        assert!(iso_time(u64::MAX).ends_with('Z'));
    }
}
