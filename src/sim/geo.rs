//! Airports and great-circle distance, for the Loyalty service's points-per-mile rule.

use super::decimal::clamped;
use super::trig::{cos, sin};

/// Mean Earth radius in statute miles.
pub const EARTH_RADIUS_MI: f64 = 3958.8;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Airport {
    pub code: &'static str,
    pub name: &'static str,
    pub city: &'static str,
    pub lat: f64,
    pub lon: f64,
}

/// Every airport the seed flights use.
pub const AIRPORTS: [Airport; 7] = [
    Airport {
        code: "JFK",
        name: "John F. Kennedy International",
        city: "New York",
        lat: 40.6413,
        lon: -73.7781,
    },
    Airport {
        code: "LAX",
        name: "Los Angeles International",
        city: "Los Angeles",
        lat: 33.9416,
        lon: -118.4085,
    },
    Airport {
        code: "ORD",
        name: "O'Hare International",
        city: "Chicago",
        lat: 41.9742,
        lon: -87.9073,
    },
    Airport {
        code: "SFO",
        name: "San Francisco International",
        city: "San Francisco",
        lat: 37.6213,
        lon: -122.3790,
    },
    Airport {
        code: "SEA",
        name: "Seattle-Tacoma International",
        city: "Seattle",
        lat: 47.4502,
        lon: -122.3088,
    },
    Airport {
        code: "BOS",
        name: "Logan International",
        city: "Boston",
        lat: 42.3656,
        lon: -71.0096,
    },
    Airport {
        code: "MIA",
        name: "Miami International",
        city: "Miami",
        lat: 25.7959,
        lon: -80.2870,
    },
];

pub fn airport(code: &str) -> Option<&'static Airport> {
    AIRPORTS.iter().find(|a| a.code == code)
}

/// Great-circle distance in miles between two points given in degrees (haversine formula).
pub fn haversine_miles(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = sin(dp / 2.0).powi(2) + cos(p1) * cos(p2) * sin(dl / 2.0).powi(2);
    // Clamped because rounding can push `a` a hair above 1 for antipodal points.
    2.0 * EARTH_RADIUS_MI * clamped(a, 0.0, 1.0).sqrt().asin()
}

/// Distance between two airports by code; `None` if either is unknown.
pub fn miles_between(from: &str, to: &str) -> Option<f64> {
    let (a, b) = (airport(from)?, airport(to)?);
    Some(haversine_miles(a.lat, a.lon, b.lat, b.lon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sim_geo_jfk_lax() {
        // Haversine on a 3958.8 mi sphere gives 2469.57 mi; the often quoted 2,475 mi is the
        // ellipsoidal distance, 0.2% longer.
        let m = miles_between("JFK", "LAX").unwrap();
        assert!((m - 2469.57).abs() < 0.01, "{m}");
        assert_eq!(miles_between("JFK", "XXX"), None);
        assert_eq!(miles_between("JFK", "JFK"), Some(0.0));
    }
}
