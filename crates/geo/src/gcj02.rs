//! GCJ-02, the obfuscated datum of Chinese web maps (Amap/高德, Tencent, `DataV` boundaries),
//! and its removal.
//!
//! GCJ-02 shifts WGS84 positions by a few hundred metres with a published closed-form
//! formula; the inverse has no closed form and is found by fixed-point iteration, which
//! converges to well under a millimetre in a handful of steps. Positions outside mainland
//! China are not shifted.

use geo::{Coord, MapCoords};

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// Whether GCJ-02 applies at this position (a rectangle around mainland China, as every
/// implementation uses).
pub fn in_china(lon: f64, lat: f64) -> bool {
    (72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat)
}

/// WGS84 → GCJ-02.
pub fn wgs84_to_gcj02(c: Coord) -> Coord {
    if !in_china(c.x, c.y) {
        return c;
    }
    let (dlon, dlat) = delta(c.x, c.y);
    Coord {
        x: c.x + dlon,
        y: c.y + dlat,
    }
}

/// GCJ-02 → WGS84, by iterating the forward formula until it reproduces the input.
pub fn gcj02_to_wgs84(c: Coord) -> Coord {
    if !in_china(c.x, c.y) {
        return c;
    }
    let mut guess = c;
    for _ in 0..30 {
        let shifted = wgs84_to_gcj02(guess);
        let (ex, ey) = (shifted.x - c.x, shifted.y - c.y);
        guess = Coord {
            x: guess.x - ex,
            y: guess.y - ey,
        };
        if ex.abs() < 1e-10 && ey.abs() < 1e-10 {
            break;
        }
    }
    guess
}

/// Removes the GCJ-02 offset from every coordinate of a geometry.
pub fn geometry_gcj02_to_wgs84(g: &geo::Geometry<f64>) -> geo::Geometry<f64> {
    g.map_coords(gcj02_to_wgs84)
}

fn delta(lon: f64, lat: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let x = lon - 105.0;
    let y = lat - 35.0;
    let dlat = transform_lat(x, y);
    let dlon = transform_lon(x, y);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    (
        (dlon * 180.0) / (A / sqrt_magic * rad.cos() * PI),
        (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI),
    )
}

fn transform_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_offset_in_wuxi_and_round_trip() {
        // Wuxi city centre: the GCJ-02 shift there is about +0.0045° lon, −0.0022° lat
        // (some 430 m east and 240 m south), as every published implementation gives.
        let wgs = Coord {
            x: 120.3119,
            y: 31.4912,
        };
        let gcj = wgs84_to_gcj02(wgs);
        assert!((gcj.x - wgs.x - 0.0045).abs() < 0.0005, "{gcj:?}");
        assert!((gcj.y - wgs.y + 0.0022).abs() < 0.0005, "{gcj:?}");
        let back = gcj02_to_wgs84(gcj);
        assert!((back.x - wgs.x).abs() < 1e-9 && (back.y - wgs.y).abs() < 1e-9);
    }

    #[test]
    fn outside_china_nothing_moves() {
        let paris = Coord { x: 2.35, y: 48.85 };
        assert_eq!(wgs84_to_gcj02(paris), paris);
        assert_eq!(gcj02_to_wgs84(paris), paris);
    }
}
