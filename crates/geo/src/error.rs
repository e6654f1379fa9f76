//! Typed reasons why a geometry was rejected.
//!
//! Indices are zero-based. A `polygon` index is the position of the polygon
//! inside its `MultiPolygon`; a `ring` index is 0 for the exterior ring and
//! `k + 1` for the `k`-th hole (interior ring).

/// Why a geometry could not be read, written or accepted.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum GeoError {
    /// The `GeoJSON` geometry is not a `Polygon` or `MultiPolygon`.
    #[error("expected a Polygon or MultiPolygon geometry, found {found}")]
    NotPolygonal {
        /// The geometry type that was found instead (e.g. `Point`, or `null`).
        found: String,
    },

    /// A ring has fewer than 4 points (a closed triangle needs 4), or fewer
    /// than 3 distinct points.
    #[error(
        "ring {ring} of polygon {polygon} has too few points: a ring needs at least 4 points (3 distinct) and must end where it starts"
    )]
    TooFewPointsInRing {
        /// Index of the polygon.
        polygon: usize,
        /// Index of the ring (0 = exterior, k + 1 = k-th hole).
        ring: usize,
    },

    /// A ring's last point differs from its first point.
    #[error("ring {ring} of polygon {polygon} is not closed: its last point must equal its first")]
    RingNotClosed {
        /// Index of the polygon.
        polygon: usize,
        /// Index of the ring (0 = exterior, k + 1 = k-th hole).
        ring: usize,
    },

    /// A coordinate is NaN or infinite.
    #[error("a coordinate is not a finite number")]
    NonFiniteCoordinate,

    /// A coordinate lies outside longitude -180..=180 or latitude -90..=90.
    #[error(
        "coordinate ({lon}, {lat}) is out of range: longitude must be within -180..180 and latitude within -90..90 degrees"
    )]
    OutOfRange {
        /// Longitude of the offending coordinate, degrees.
        lon: f64,
        /// Latitude of the offending coordinate, degrees.
        lat: f64,
    },

    /// A ring of the polygon crosses or touches itself.
    #[error("polygon {polygon} intersects itself")]
    SelfIntersection {
        /// Index of the polygon.
        polygon: usize,
    },

    /// A hole is not inside the polygon's exterior ring.
    #[error("hole (ring {ring}) of polygon {polygon} is not inside the polygon's exterior ring")]
    HoleOutsideShell {
        /// Index of the polygon.
        polygon: usize,
        /// Index of the ring (k + 1 = k-th hole).
        ring: usize,
    },

    /// Two rings of one polygon cross or share an edge.
    #[error("rings {first} and {second} of polygon {polygon} intersect each other")]
    RingsIntersect {
        /// Index of the polygon.
        polygon: usize,
        /// Index of the first ring.
        first: usize,
        /// Index of the second ring.
        second: usize,
    },

    /// Two polygons of the multipolygon overlap.
    #[error("polygons {first} and {second} overlap each other")]
    PolygonsOverlap {
        /// Index of the first polygon.
        first: usize,
        /// Index of the second polygon.
        second: usize,
    },

    /// Two polygons of the multipolygon share (part of) an edge; they should
    /// be merged into a single polygon.
    #[error("polygons {first} and {second} share an edge and should be merged")]
    PolygonsShareEdge {
        /// Index of the first polygon.
        first: usize,
        /// Index of the second polygon.
        second: usize,
    },

    /// The geometry has no polygons (or no area).
    #[error("the geometry is empty")]
    Empty,

    /// The bytes are not valid WKB, or not a polygonal WKB geometry.
    #[error("invalid WKB: {0}")]
    Wkb(String),

    /// The JSON is not valid `GeoJSON`.
    #[error("invalid GeoJSON: {0}")]
    GeoJson(String),

    /// A feature of a `FeatureCollection` was rejected.
    #[error("feature {index}: {error}")]
    InFeature {
        /// Index of the feature in the collection.
        index: usize,
        /// Why the feature was rejected.
        error: Box<GeoError>,
    },
}

impl GeoError {
    /// The underlying reason, looking through [`GeoError::InFeature`] wrappers.
    pub fn reason(&self) -> &GeoError {
        match self {
            GeoError::InFeature { error, .. } => error.reason(),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::GeoError;

    #[test]
    fn display_messages_are_plain_english() {
        let e = GeoError::OutOfRange {
            lon: 120.0,
            lat: 95.0,
        };
        assert_eq!(
            e.to_string(),
            "coordinate (120, 95) is out of range: longitude must be within -180..180 and latitude within -90..90 degrees"
        );
        let e = GeoError::NotPolygonal {
            found: "Point".into(),
        };
        assert_eq!(
            e.to_string(),
            "expected a Polygon or MultiPolygon geometry, found Point"
        );
        let e = GeoError::TooFewPointsInRing {
            polygon: 2,
            ring: 1,
        };
        assert!(
            e.to_string()
                .starts_with("ring 1 of polygon 2 has too few points")
        );
    }

    #[test]
    fn reason_unwraps_feature_context() {
        let inner = GeoError::SelfIntersection { polygon: 0 };
        let e = GeoError::InFeature {
            index: 3,
            error: Box::new(GeoError::InFeature {
                index: 1,
                error: Box::new(inner.clone()),
            }),
        };
        assert_eq!(e.reason(), &inner);
        assert_eq!(
            e.to_string(),
            "feature 3: feature 1: polygon 0 intersects itself"
        );
        assert_eq!(inner.reason(), &inner);
    }
}
