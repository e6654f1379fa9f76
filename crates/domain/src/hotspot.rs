//! Satellite fire hotspots (卫星火点, D3): NASA FIRMS active-fire detections from MODIS and
//! VIIRS, and the rules that turn them into fire incidents.
//!
//! A detection is the centre of a pixel (MODIS about 1 km, VIIRS 375 m) where the sensor saw
//! a thermal anomaly. The same detection arrives again when a file is downloaded twice; it is
//! recognised by satellite, time and position. Detections close in space and time are one
//! fire: they share an incident.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::incident::Priority;

/// One detection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hotspot {
    pub lon: f64,
    pub lat: f64,
    pub acquired_at: DateTime<Utc>,
    /// `T` (Terra), `A` (Aqua), `N` (Suomi NPP), `N20`, `N21`…
    pub satellite: String,
    /// `MODIS` or `VIIRS`.
    pub instrument: String,
    /// Detection confidence 0–100 (VIIRS' low/nominal/high read as 30/60/90).
    pub confidence: u8,
    /// The confidence as the file gave it.
    pub confidence_raw: String,
    /// Fire radiative power, MW.
    pub frp_mw: Option<f64>,
    /// Brightness temperature, K (MODIS band 21/22, VIIRS I-4).
    pub brightness_k: Option<f64>,
    /// `D` (day) or `N` (night).
    pub daynight: Option<String>,
}

impl Hotspot {
    /// What makes two records the same detection: satellite, minute and position to 1e-4°.
    pub fn dedup_key(&self) -> String {
        format!(
            "{}|{}|{:.4}|{:.4}",
            self.satellite,
            self.acquired_at.format("%Y-%m-%dT%H:%M"),
            self.lon,
            self.lat
        )
    }

    /// How urgent the fire incident is: high confidence or strong radiative power is urgent.
    pub fn priority(&self) -> Priority {
        let frp = self.frp_mw.unwrap_or(0.0);
        if self.confidence >= 80 || frp >= 50.0 {
            Priority::Urgent
        } else if self.confidence >= 50 || frp >= 10.0 {
            Priority::High
        } else {
            Priority::Normal
        }
    }
}

/// Reads a FIRMS confidence value: MODIS gives 0–100, VIIRS `l`/`n`/`h`.
pub fn parse_confidence(raw: &str) -> Option<u8> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "l" | "low" => Some(30),
        "n" | "nominal" => Some(60),
        "h" | "high" => Some(90),
        other => other.parse::<u8>().ok().filter(|c| *c <= 100),
    }
}

/// A hotspot within this distance (m) of forest land raises a fire incident: a MODIS pixel is
/// about 1 km wide, so its centre may lie half a pixel from the burning forest.
pub const NEAR_FOREST_M: f64 = 500.0;

/// Detections within this distance (m) of an earlier one…
pub const SAME_FIRE_M: f64 = 1_500.0;

/// …and within this time of it are the same fire and share its incident.
pub fn same_fire_window() -> Duration {
    Duration::hours(12)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spot(confidence: u8, frp: f64) -> Hotspot {
        Hotspot {
            lon: 119.8,
            lat: 31.3,
            acquired_at: DateTime::from_timestamp(1_690_898_100, 0).expect("t"),
            satellite: "T".into(),
            instrument: "MODIS".into(),
            confidence,
            confidence_raw: confidence.to_string(),
            frp_mw: Some(frp),
            brightness_k: None,
            daynight: None,
        }
    }

    #[test]
    fn confidence_of_both_sensors_and_priority() {
        assert_eq!(parse_confidence("84"), Some(84));
        assert_eq!(parse_confidence("h"), Some(90));
        assert_eq!(parse_confidence("n"), Some(60));
        assert_eq!(parse_confidence("101"), None);
        assert_eq!(parse_confidence("x"), None);
        assert_eq!(spot(90, 1.0).priority(), Priority::Urgent);
        assert_eq!(spot(40, 60.0).priority(), Priority::Urgent);
        assert_eq!(spot(60, 1.0).priority(), Priority::High);
        assert_eq!(spot(20, 1.0).priority(), Priority::Normal);
    }

    #[test]
    fn the_same_detection_has_the_same_key() {
        let a = spot(80, 5.0);
        let mut b = a.clone();
        b.lon += 0.000_01;
        assert_eq!(a.dedup_key(), b.dedup_key());
        b.lon += 0.001;
        assert_ne!(a.dedup_key(), b.dedup_key());
        assert_eq!(a.dedup_key(), "T|2023-08-01T13:55|119.8000|31.3000");
    }
}
