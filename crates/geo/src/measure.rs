//! Areas on the CGCS2000/WGS84 ellipsoid, unit conversions and bounding boxes.

use geo::{BoundingRect, GeodesicArea, LineString, MultiPolygon, Polygon};

/// Square metres in one mu (亩): 1 mu = 10 000 / 15 m² ≈ 666.67 m².
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// Square metres in one hectare (公顷).
pub const M2_PER_HA: f64 = 10_000.0;

/// Area of `mp` in square metres on the WGS84 ellipsoid (used for CGCS2000,
/// whose ellipsoid differs from WGS84 by far less than a millimetre).
///
/// The result is unsigned and does not depend on ring orientation: each
/// polygon counts as the area of its exterior ring minus the areas of its
/// holes. Every polygon is assumed to be smaller than half the Earth.
///
/// Edges are geodesics, as in `GeographicLib` and `PostGIS`'s geography type. An
/// edge along a parallel is therefore not quite the parallel: splitting a
/// 30 km east–west edge at latitude 31° into pieces changes the area by about
/// 0.1 km². Real boundaries with short edges are not affected noticeably.
pub fn geodesic_area_m2(mp: &MultiPolygon<f64>) -> f64 {
    mp.0.iter()
        .map(|p| {
            let holes: f64 = p.interiors().iter().map(ring_area_m2).sum();
            (ring_area_m2(p.exterior()) - holes).max(0.0)
        })
        .sum()
}

/// Unsigned geodesic area enclosed by one ring, in m².
fn ring_area_m2(ring: &LineString<f64>) -> f64 {
    // The signed area is small and negative for a clockwise ring, whereas the
    // unsigned one would be "the rest of the Earth"; take the absolute value.
    Polygon::new(ring.clone(), vec![])
        .geodesic_area_signed()
        .abs()
}

/// Convert square metres to mu (亩).
pub fn m2_to_mu(m2: f64) -> f64 {
    m2 / M2_PER_MU
}

/// Convert square metres to hectares (公顷).
pub fn m2_to_ha(m2: f64) -> f64 {
    m2 / M2_PER_HA
}

/// An axis-aligned bounding box in lon/lat degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    /// Westernmost longitude.
    pub min_x: f64,
    /// Southernmost latitude.
    pub min_y: f64,
    /// Easternmost longitude.
    pub max_x: f64,
    /// Northernmost latitude.
    pub max_y: f64,
}

/// The bounding box of `mp`, or `None` when it has no coordinates.
pub fn bbox(mp: &MultiPolygon<f64>) -> Option<Bbox> {
    mp.bounding_rect().map(|r| Bbox {
        min_x: r.min().x,
        min_y: r.min().y,
        max_x: r.max().x,
        max_y: r.max().y,
    })
}

/// The field of view of a camera on the ground: a circular sector from the camera at
/// (`lon`, `lat`), centred on `heading_deg` (clockwise from north), `fov_deg` wide, out to
/// `range_m` metres on the ellipsoid. A 360° view is a circle.
pub fn sector(lon: f64, lat: f64, heading_deg: f64, fov_deg: f64, range_m: f64) -> Polygon<f64> {
    use geo::{Destination, Geodesic, Point};
    let origin = Point::new(lon, lat);
    let fov = fov_deg.clamp(1.0, 360.0);
    let steps = 32_u32;
    let arc = (0..=steps).map(|i| {
        let bearing = heading_deg - fov / 2.0 + fov * f64::from(i) / f64::from(steps);
        let p = Geodesic.destination(origin, bearing, range_m);
        (p.x(), p.y())
    });
    let ring: Vec<(f64, f64)> = if fov >= 360.0 {
        arc.collect()
    } else {
        std::iter::once((lon, lat))
            .chain(arc)
            .chain(std::iter::once((lon, lat)))
            .collect()
    };
    Polygon::new(LineString::from(ring), vec![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geojson_io::multipolygon_from_geojson;
    use geo::polygon;

    fn rel_diff(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    fn one_degree_cell() -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0),
            (x: 1.0, y: 0.0),
            (x: 1.0, y: 1.0),
            (x: 0.0, y: 1.0),
            (x: 0.0, y: 0.0),
        ]])
    }

    #[test]
    fn one_degree_cell_at_equator() {
        // Reference: pyproj 3 `Geod(ellps="WGS84").geometry_area_perimeter`
        // (GeographicLib) of the polygon (0 0, 1 0, 1 1, 0 1) gives
        // 12_308_778_361.469 m².
        let area = geodesic_area_m2(&one_degree_cell());
        assert!(rel_diff(area, 12_308_778_361.469) < 1e-9, "area {area}");
    }

    #[test]
    fn orientation_does_not_change_area() {
        let ccw = one_degree_cell();
        let cw = MultiPolygon(vec![Polygon::new(
            ccw.0[0].exterior().clone().into_iter().rev().collect(),
            vec![],
        )]);
        assert!(rel_diff(geodesic_area_m2(&cw), geodesic_area_m2(&ccw)) < 1e-12);
    }

    #[test]
    fn holes_are_subtracted_whatever_their_orientation() {
        let outer = one_degree_cell().0[0].exterior().clone();
        let hole_forward: LineString<f64> = vec![
            (0.25, 0.25),
            (0.75, 0.25),
            (0.75, 0.75),
            (0.25, 0.75),
            (0.25, 0.25),
        ]
        .into();
        let hole_reversed: LineString<f64> = hole_forward.clone().into_iter().rev().collect();
        let hole_area = geodesic_area_m2(&MultiPolygon(vec![Polygon::new(
            hole_forward.clone(),
            vec![],
        )]));
        let full = geodesic_area_m2(&one_degree_cell());
        for hole in [hole_forward, hole_reversed] {
            let holed = MultiPolygon(vec![Polygon::new(outer.clone(), vec![hole])]);
            let area = geodesic_area_m2(&holed);
            assert!(rel_diff(area, full - hole_area) < 1e-12, "area {area}");
        }
        // A quarter of the cell's side squared: about a quarter of its area.
        assert!((hole_area / full - 0.25).abs() < 0.01);
    }

    #[test]
    fn wuxi_city_area_matches_pyproj() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/wuxi/wuxi_city.geojson"
        ))
        .expect("shared Wuxi city boundary is present");
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let city = multipolygon_from_geojson(&value).expect("valid city polygon");
        // Reference: pyproj 3.7.2 (PROJ 9.5.1) `Geod(ellps="WGS84")
        // .geometry_area_perimeter(shapely.geometry.shape(geometry))` on this
        // file's single feature gives -4_600_528_665.391 m² (negative because
        // the file's rings are clockwise).
        let expected = 4_600_528_665.391;
        let area = geodesic_area_m2(&city);
        assert!(rel_diff(area, expected) < 1e-4, "area {area} vs {expected}");
        // Much tighter in practice: both use GeographicLib's algorithm.
        assert!(rel_diff(area, expected) < 1e-9, "area {area} vs {expected}");
    }

    #[test]
    fn unit_conversions() {
        assert!((m2_to_mu(666_666.666_666_7) - 1000.0).abs() < 1e-6);
        assert!((m2_to_mu(M2_PER_MU) - 1.0).abs() < 1e-12);
        assert!((m2_to_ha(25_000.0) - 2.5).abs() < 1e-12);
        // 1 ha = 15 mu.
        assert!((m2_to_mu(10_000.0) - 15.0).abs() < 1e-12);
    }

    #[test]
    fn bbox_of_polygons() {
        let mp = MultiPolygon(vec![
            polygon![(x: 120.0, y: 31.0), (x: 121.0, y: 31.0), (x: 120.5, y: 32.0), (x: 120.0, y: 31.0)],
            polygon![(x: 119.5, y: 30.5), (x: 119.8, y: 30.5), (x: 119.8, y: 30.9), (x: 119.5, y: 30.5)],
        ]);
        assert_eq!(
            bbox(&mp),
            Some(Bbox {
                min_x: 119.5,
                min_y: 30.5,
                max_x: 121.0,
                max_y: 32.0
            })
        );
        assert_eq!(bbox(&MultiPolygon(vec![])), None);
    }

    #[test]
    fn a_camera_sector_has_the_area_of_its_slice() {
        let s = super::sector(120.0, 31.0, 90.0, 60.0, 1_000.0);
        let area = geodesic_area_m2(&MultiPolygon(vec![s]));
        let expected = std::f64::consts::PI * 1_000.0 * 1_000.0 / 6.0;
        assert!((area / expected - 1.0).abs() < 0.01, "{area} vs {expected}");
    }
}
