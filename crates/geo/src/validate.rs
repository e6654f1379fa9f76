//! Validation and safe repair of (multi)polygons in lon/lat degrees.

use geo::algorithm::orient::Direction;
use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::{Coord, LineString, MultiPolygon, Orient, Polygon, Validation};

use crate::GeoError;

/// Check that `mp` is usable as a forest-chief area.
///
/// In order, it must:
/// 1. have at least one polygon ([`GeoError::Empty`]);
/// 2. have only finite coordinates ([`GeoError::NonFiniteCoordinate`]) with
///    longitude in -180..=180 and latitude in -90..=90 ([`GeoError::OutOfRange`]);
/// 3. have closed rings ([`GeoError::RingNotClosed`]) of at least 4 points
///    ([`GeoError::TooFewPointsInRing`]);
/// 4. be valid in the OGC simple-features sense, as checked by geo's
///    [`Validation`]: no self-intersection ([`GeoError::SelfIntersection`]),
///    holes inside their shell ([`GeoError::HoleOutsideShell`]), rings not
///    crossing ([`GeoError::RingsIntersect`]) and polygons neither
///    overlapping ([`GeoError::PolygonsOverlap`]) nor sharing an edge
///    ([`GeoError::PolygonsShareEdge`]).
///
/// Ring orientation is not checked; see [`orient`].
pub fn validate(mp: &MultiPolygon<f64>) -> Result<(), GeoError> {
    if mp.0.is_empty() {
        return Err(GeoError::Empty);
    }
    for (p, polygon) in mp.0.iter().enumerate() {
        for (r, ring) in rings(polygon).enumerate() {
            for c in &ring.0 {
                check_coord(*c)?;
            }
            check_ring(p, r, &ring.0)?;
        }
    }
    mp.check_validation().map_err(from_geo_invalid)
}

/// Orient every polygon so that its exterior ring is counter-clockwise and
/// its holes are clockwise (the `GeoJSON` RFC 7946 convention).
///
/// This only reverses rings; it never moves, adds or removes a point, so it
/// is always safe to apply.
pub fn orient(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    mp.orient(Direction::Default)
}

/// Build a polygon from raw rings (exterior first), rejecting rings that are
/// too short or not closed *before* `geo` would silently close them.
pub(crate) fn build_polygon(polygon: usize, rings: Vec<Vec<Coord>>) -> Result<Polygon, GeoError> {
    let mut rings = rings.into_iter();
    let exterior = rings
        .next()
        .ok_or(GeoError::TooFewPointsInRing { polygon, ring: 0 })?;
    check_ring(polygon, 0, &exterior)?;
    let mut interiors = Vec::new();
    for (i, ring) in rings.enumerate() {
        check_ring(polygon, i + 1, &ring)?;
        interiors.push(LineString::new(ring));
    }
    Ok(Polygon::new(LineString::new(exterior), interiors))
}

/// All rings of a polygon, exterior first.
fn rings(polygon: &Polygon) -> impl Iterator<Item = &LineString> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors())
}

fn check_coord(c: Coord) -> Result<(), GeoError> {
    if !c.x.is_finite() || !c.y.is_finite() {
        return Err(GeoError::NonFiniteCoordinate);
    }
    if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
        return Err(GeoError::OutOfRange { lon: c.x, lat: c.y });
    }
    Ok(())
}

fn check_ring(polygon: usize, ring: usize, coords: &[Coord]) -> Result<(), GeoError> {
    if coords.len() < 4 {
        return Err(GeoError::TooFewPointsInRing { polygon, ring });
    }
    if coords.first() != coords.last() {
        return Err(GeoError::RingNotClosed { polygon, ring });
    }
    Ok(())
}

fn ring_index(role: RingRole) -> usize {
    match role {
        RingRole::Exterior => 0,
        RingRole::Interior(k) => k + 1,
    }
}

fn from_geo_invalid(e: InvalidMultiPolygon) -> GeoError {
    match e {
        InvalidMultiPolygon::InvalidPolygon(idx, reason) => {
            let polygon = idx.0;
            match reason {
                InvalidPolygon::TooFewPointsInRing(role) => GeoError::TooFewPointsInRing {
                    polygon,
                    ring: ring_index(role),
                },
                InvalidPolygon::SelfIntersection(_) => GeoError::SelfIntersection { polygon },
                InvalidPolygon::NonFiniteCoord(..) => GeoError::NonFiniteCoordinate,
                InvalidPolygon::InteriorRingNotContainedInExteriorRing(role) => {
                    GeoError::HoleOutsideShell {
                        polygon,
                        ring: ring_index(role),
                    }
                }
                InvalidPolygon::IntersectingRingsOnALine(a, b)
                | InvalidPolygon::IntersectingRingsOnAnArea(a, b) => GeoError::RingsIntersect {
                    polygon,
                    first: ring_index(a),
                    second: ring_index(b),
                },
            }
        }
        InvalidMultiPolygon::ElementsOverlaps(a, b) => GeoError::PolygonsOverlap {
            first: a.0,
            second: b.0,
        },
        InvalidMultiPolygon::ElementsTouchOnALine(a, b) => GeoError::PolygonsShareEdge {
            first: a.0,
            second: b.0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Winding, coord, polygon};

    fn square(x0: f64, y0: f64, size: f64) -> Polygon {
        polygon![
            (x: x0, y: y0),
            (x: x0 + size, y: y0),
            (x: x0 + size, y: y0 + size),
            (x: x0, y: y0 + size),
            (x: x0, y: y0),
        ]
    }

    #[test]
    fn valid_square_passes() {
        let mp = MultiPolygon(vec![square(120.0, 31.0, 0.1)]);
        assert_eq!(validate(&mp), Ok(()));
    }

    #[test]
    fn empty_is_rejected() {
        assert_eq!(validate(&MultiPolygon(vec![])), Err(GeoError::Empty));
    }

    #[test]
    fn bow_tie_is_self_intersection() {
        let bow_tie = polygon![
            (x: 120.0, y: 31.0),
            (x: 121.0, y: 32.0),
            (x: 121.0, y: 31.0),
            (x: 120.0, y: 32.0),
            (x: 120.0, y: 31.0),
        ];
        let mp = MultiPolygon(vec![square(100.0, 10.0, 1.0), bow_tie]);
        assert_eq!(
            validate(&mp),
            Err(GeoError::SelfIntersection { polygon: 1 })
        );
    }

    #[test]
    fn three_point_ring_is_too_few_points() {
        // geo closes the ring [a, b, a] but it still has only 3 points.
        let tiny = Polygon::new(
            LineString::from(vec![(120.0, 31.0), (121.0, 31.0), (120.0, 31.0)]),
            vec![],
        );
        let mp = MultiPolygon(vec![tiny]);
        assert_eq!(
            validate(&mp),
            Err(GeoError::TooFewPointsInRing {
                polygon: 0,
                ring: 0
            })
        );
    }

    #[test]
    fn repeated_points_are_too_few_distinct_points() {
        let degenerate = Polygon::new(
            LineString::from(vec![
                (120.0, 31.0),
                (120.0, 31.0),
                (121.0, 31.0),
                (120.0, 31.0),
            ]),
            vec![],
        );
        assert_eq!(
            validate(&MultiPolygon(vec![degenerate])),
            Err(GeoError::TooFewPointsInRing {
                polygon: 0,
                ring: 0
            })
        );
    }

    #[test]
    fn latitude_95_is_out_of_range() {
        let mp = MultiPolygon(vec![square(120.0, 89.5, 5.5)]);
        assert_eq!(
            validate(&mp),
            Err(GeoError::OutOfRange {
                lon: 125.5,
                lat: 95.0
            })
        );
    }

    #[test]
    fn longitude_181_is_out_of_range() {
        let mp = MultiPolygon(vec![square(180.0, 0.0, 1.0)]);
        assert_eq!(
            validate(&mp),
            Err(GeoError::OutOfRange {
                lon: 181.0,
                lat: 0.0
            })
        );
    }

    #[test]
    fn nan_is_non_finite() {
        let mut p = square(120.0, 31.0, 1.0);
        p.exterior_mut(|ring| ring.0[1].y = f64::NAN);
        assert_eq!(
            validate(&MultiPolygon(vec![p])),
            Err(GeoError::NonFiniteCoordinate)
        );
    }

    #[test]
    fn hole_outside_shell_is_reported() {
        let hole = square(130.0, 31.0, 0.1).exterior().clone();
        let p = Polygon::new(square(120.0, 31.0, 1.0).exterior().clone(), vec![hole]);
        assert_eq!(
            validate(&MultiPolygon(vec![p])),
            Err(GeoError::HoleOutsideShell {
                polygon: 0,
                ring: 1
            })
        );
    }

    #[test]
    fn overlapping_polygons_are_reported() {
        let mp = MultiPolygon(vec![square(120.0, 31.0, 1.0), square(120.5, 31.5, 1.0)]);
        assert_eq!(
            validate(&mp),
            Err(GeoError::PolygonsOverlap {
                first: 0,
                second: 1
            })
        );
    }

    #[test]
    fn polygons_sharing_an_edge_are_reported() {
        let mp = MultiPolygon(vec![square(120.0, 31.0, 1.0), square(121.0, 31.0, 1.0)]);
        assert_eq!(
            validate(&mp),
            Err(GeoError::PolygonsShareEdge {
                first: 0,
                second: 1
            })
        );
    }

    #[test]
    fn build_polygon_rejects_unclosed_and_short_rings() {
        let open = vec![
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 1.0, y: 0.0 },
            coord! { x: 1.0, y: 1.0 },
            coord! { x: 0.0, y: 1.0 },
        ];
        assert_eq!(
            build_polygon(4, vec![open.clone()]),
            Err(GeoError::RingNotClosed {
                polygon: 4,
                ring: 0
            })
        );
        let mut closed = open;
        closed.push(coord! { x: 0.0, y: 0.0 });
        let short = vec![coord! { x: 0.2, y: 0.2 }, coord! { x: 0.2, y: 0.2 }];
        assert_eq!(
            build_polygon(0, vec![closed.clone(), short]),
            Err(GeoError::TooFewPointsInRing {
                polygon: 0,
                ring: 1
            })
        );
        assert_eq!(
            build_polygon(0, vec![]),
            Err(GeoError::TooFewPointsInRing {
                polygon: 0,
                ring: 0
            })
        );
        let ok = build_polygon(0, vec![closed]).expect("closed square is fine");
        assert_eq!(ok.exterior().0.len(), 5);
    }

    #[test]
    fn orient_makes_exterior_ccw_and_holes_cw() {
        // Exterior clockwise, hole counter-clockwise: the wrong way round.
        let exterior = LineString::from(vec![
            (0.0, 0.0),
            (0.0, 4.0),
            (4.0, 4.0),
            (4.0, 0.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (1.0, 1.0),
            (2.0, 1.0),
            (2.0, 2.0),
            (1.0, 2.0),
            (1.0, 1.0),
        ]);
        assert!(exterior.is_cw());
        assert!(hole.is_ccw());
        let mp = MultiPolygon(vec![Polygon::new(exterior.clone(), vec![hole])]);
        let fixed = orient(&mp);
        assert!(fixed.0[0].exterior().is_ccw());
        assert!(fixed.0[0].interiors()[0].is_cw());
        // Same points, just reversed.
        let mut reversed: Vec<Coord> = exterior.0.clone();
        reversed.reverse();
        assert_eq!(fixed.0[0].exterior().0, reversed);
        assert_eq!(validate(&fixed), Ok(()));
    }
}
