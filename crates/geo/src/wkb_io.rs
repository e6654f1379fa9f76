//! Well-Known Binary (ISO WKB) encoding, the storage format of areas.

use geo::{Coord, MultiPolygon};
use geo_traits::{
    CoordTrait, GeometryTrait, GeometryType, LineStringTrait, MultiPolygonTrait, PolygonTrait,
};
use wkb::Endianness;
use wkb::writer::{WriteOptions, multi_polygon_wkb_size, write_multi_polygon};

use crate::GeoError;
use crate::validate::{build_polygon, validate};

/// Encode `mp` as little-endian ISO WKB `MultiPolygon` (2D).
pub fn to_wkb(mp: &MultiPolygon<f64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(multi_polygon_wkb_size(mp));
    let options = WriteOptions {
        endianness: Endianness::LittleEndian,
    };
    // Writing into a Vec cannot fail for an XY geometry; the only other error
    // would be more than u32::MAX polygons, rings or points.
    write_multi_polygon(&mut out, mp, &options)
        .expect("WKB encoding of an in-memory 2D MultiPolygon cannot fail");
    out
}

/// Decode WKB (either byte order) holding a `Polygon` or `MultiPolygon`;
/// a `Polygon` becomes a one-polygon `MultiPolygon`. Z/M values are dropped.
///
/// Rings must be closed with at least 4 points, and the result must pass
/// [`validate`](crate::validate()). Other geometry types give
/// [`GeoError::NotPolygonal`], undecodable bytes [`GeoError::Wkb`].
pub fn from_wkb(bytes: &[u8]) -> Result<MultiPolygon<f64>, GeoError> {
    let geometry = wkb::reader::read_wkb(bytes).map_err(|e| GeoError::Wkb(e.to_string()))?;
    let raw: Vec<Vec<Vec<Coord>>> = match geometry.as_type() {
        GeometryType::Polygon(p) => vec![raw_rings(p)],
        GeometryType::MultiPolygon(mp) => mp.polygons().map(|p| raw_rings(&p)).collect(),
        GeometryType::Point(_) => return Err(not_polygonal("Point")),
        GeometryType::LineString(_) => return Err(not_polygonal("LineString")),
        GeometryType::MultiPoint(_) => return Err(not_polygonal("MultiPoint")),
        GeometryType::MultiLineString(_) => return Err(not_polygonal("MultiLineString")),
        GeometryType::GeometryCollection(_) => return Err(not_polygonal("GeometryCollection")),
        GeometryType::Rect(_) => return Err(not_polygonal("Rect")),
        GeometryType::Triangle(_) => return Err(not_polygonal("Triangle")),
        GeometryType::Line(_) => return Err(not_polygonal("Line")),
    };
    let polygons = raw
        .into_iter()
        .enumerate()
        .map(|(i, rings)| build_polygon(i, rings))
        .collect::<Result<Vec<_>, _>>()?;
    let mp = MultiPolygon(polygons);
    validate(&mp)?;
    Ok(mp)
}

/// Encode any geometry as little-endian ISO WKB (2D): the storage form of layer features.
pub fn geometry_to_wkb(geometry: &geo::Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::with_capacity(wkb::writer::geometry_wkb_size(geometry));
    let options = WriteOptions {
        endianness: Endianness::LittleEndian,
    };
    wkb::writer::write_geometry(&mut out, geometry, &options)
        .expect("WKB encoding of an in-memory 2D geometry cannot fail");
    out
}

/// Decode WKB of any geometry type (Z/M dropped), without validation: the reverse of
/// [`geometry_to_wkb`] and the way GDAL's geometries come in.
pub fn geometry_from_wkb(bytes: &[u8]) -> Result<geo::Geometry<f64>, GeoError> {
    use geo_traits::to_geo::ToGeoGeometry;
    let geometry = wkb::reader::read_wkb(bytes).map_err(|e| GeoError::Wkb(e.to_string()))?;
    geometry
        .try_to_geometry()
        .ok_or_else(|| GeoError::Wkb("an empty point or unsupported geometry".into()))
}

fn not_polygonal(found: &str) -> GeoError {
    GeoError::NotPolygonal {
        found: found.to_owned(),
    }
}

fn raw_rings(polygon: &impl PolygonTrait<T = f64>) -> Vec<Vec<Coord>> {
    polygon
        .exterior()
        .into_iter()
        .chain(polygon.interiors())
        .map(|ring| {
            ring.coords()
                .map(|c| Coord { x: c.x(), y: c.y() })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon, polygon};

    fn sample() -> MultiPolygon<f64> {
        let holed = Polygon::new(
            LineString::from(vec![
                (120.0, 31.0),
                (121.0, 31.0),
                (121.0, 32.0),
                (120.0, 32.0),
                (120.0, 31.0),
            ]),
            vec![LineString::from(vec![
                (120.2, 31.2),
                (120.2, 31.4),
                (120.4, 31.4),
                (120.4, 31.2),
                (120.2, 31.2),
            ])],
        );
        let triangle = polygon![(x: 125.0, y: 30.0), (x: 126.0, y: 30.0), (x: 125.5, y: 30.5), (x: 125.0, y: 30.0)];
        MultiPolygon(vec![holed, triangle])
    }

    /// Little-endian WKB header: byte order 1, then a u32 type code.
    fn header(code: u32) -> Vec<u8> {
        let mut v = vec![1u8];
        v.extend_from_slice(&code.to_le_bytes());
        v
    }

    fn push_point(v: &mut Vec<u8>, x: f64, y: f64) {
        v.extend_from_slice(&x.to_le_bytes());
        v.extend_from_slice(&y.to_le_bytes());
    }

    /// A little-endian WKB Polygon with one ring made of `points`.
    fn polygon_wkb(points: &[(f64, f64)]) -> Vec<u8> {
        let mut v = header(3);
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&u32::try_from(points.len()).expect("small").to_le_bytes());
        for &(x, y) in points {
            push_point(&mut v, x, y);
        }
        v
    }

    #[test]
    fn round_trip() {
        let mp = sample();
        let bytes = to_wkb(&mp);
        assert_eq!(from_wkb(&bytes), Ok(mp));
    }

    #[test]
    fn layout_is_little_endian_iso_multipolygon() {
        let bytes = to_wkb(&sample());
        assert_eq!(bytes[0], 1, "little-endian marker");
        assert_eq!(&bytes[1..5], &6u32.to_le_bytes(), "MultiPolygon type code");
        assert_eq!(&bytes[5..9], &2u32.to_le_bytes(), "two polygons");
        // 9-byte header; per polygon 9 bytes + 4 per ring + 16 per point.
        assert_eq!(bytes.len(), 9 + (9 + 4 * 2 + 16 * 10) + (9 + 4 + 16 * 4));
    }

    #[test]
    fn polygon_wkb_is_promoted() {
        let ring = [(120.0, 31.0), (121.0, 31.0), (121.0, 32.0), (120.0, 31.0)];
        let mp = from_wkb(&polygon_wkb(&ring)).expect("valid polygon");
        assert_eq!(mp.0.len(), 1);
        assert_eq!(mp.0[0].exterior().0.len(), 4);
        assert!((mp.0[0].exterior().0[1].x - 121.0).abs() < f64::EPSILON);
    }

    #[test]
    fn point_wkb_is_not_polygonal() {
        let mut v = header(1);
        push_point(&mut v, 120.0, 31.0);
        assert_eq!(
            from_wkb(&v),
            Err(GeoError::NotPolygonal {
                found: "Point".into()
            })
        );
    }

    #[test]
    fn garbage_is_a_wkb_error() {
        assert!(matches!(from_wkb(&[]), Err(GeoError::Wkb(_))));
        assert!(matches!(from_wkb(&[1, 6, 0, 0]), Err(GeoError::Wkb(_))));
        let mut truncated = to_wkb(&sample());
        truncated.truncate(40);
        assert!(matches!(from_wkb(&truncated), Err(GeoError::Wkb(_))));
    }

    #[test]
    fn invalid_rings_are_rejected() {
        let open = [(120.0, 31.0), (121.0, 31.0), (121.0, 32.0), (120.0, 32.0)];
        assert_eq!(
            from_wkb(&polygon_wkb(&open)),
            Err(GeoError::RingNotClosed {
                polygon: 0,
                ring: 0
            })
        );
        let bow_tie = [
            (120.0, 31.0),
            (121.0, 32.0),
            (121.0, 31.0),
            (120.0, 32.0),
            (120.0, 31.0),
        ];
        assert_eq!(
            from_wkb(&polygon_wkb(&bow_tie)),
            Err(GeoError::SelfIntersection { polygon: 0 })
        );
        let empty_multi = {
            let mut v = header(6);
            v.extend_from_slice(&0u32.to_le_bytes());
            v
        };
        assert_eq!(from_wkb(&empty_multi), Err(GeoError::Empty));
    }
}
