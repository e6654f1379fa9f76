//! Geometry for linzhang (林长制): the areas that forest chiefs are
//! responsible for.
//!
//! Areas are [`geo::MultiPolygon<f64>`] in longitude/latitude degrees of
//! CGCS2000 (EPSG:4490), whose ellipsoid is treated as WGS84 for areas.
//!
//! - [`geojson_io`]: read and write `GeoJSON`;
//! - [`wkb_io`]: read and write WKB, the storage format;
//! - [`validate`](mod@validate): check areas and orient their rings;
//! - [`measure`]: geodesic area in m², 亩 (mu) and hectares; bounding boxes;
//! - [`partition`]: random points inside an area and Voronoi partitions;
//! - [`track`]: patrol GPS tracks: filtering, distance, duration, coverage;
//! - [`gis`]: reading GIS files through GDAL (any format and CRS it knows);
//! - [`gcj02`]: the GCJ-02 ("Mars") offset of Chinese web maps, and its removal;
//! - [`tile`]: Web Mercator tiles and Mapbox Vector Tile encoding.
//!
//! ```
//! use linzhang_geo::{geodesic_area_m2, m2_to_mu, multipolygon_from_geojson, voronoi_partition};
//!
//! # fn main() -> Result<(), linzhang_geo::GeoError> {
//! let square = serde_json::json!({
//!     "type": "Polygon",
//!     "coordinates": [[[120.0, 31.0], [120.01, 31.0], [120.01, 31.01], [120.0, 31.01], [120.0, 31.0]]]
//! });
//! let area = multipolygon_from_geojson(&square)?;
//! let mu = m2_to_mu(geodesic_area_m2(&area));
//! assert!((1_500.0..1_600.0).contains(&mu)); // about 1 km², i.e. 1 500 mu
//!
//! let bytes = linzhang_geo::to_wkb(&area);
//! assert_eq!(linzhang_geo::from_wkb(&bytes)?, area);
//!
//! let cells = voronoi_partition(&area, 4, 42);
//! assert_eq!(cells.len(), 4);
//! # Ok(())
//! # }
//! ```

pub mod error;
pub mod gcj02;
pub mod geojson_io;
pub mod gis;
pub mod measure;
pub mod overlay;
pub mod partition;
pub mod tile;
pub mod track;
pub mod validate;
pub mod wkb_io;

pub use error::GeoError;
/// The `geo` crate this crate is built on, for its types (`MultiPolygon`, `Point`...).
pub use geo;
pub use geojson_io::{
    Properties, multipolygon_from_geojson, multipolygon_to_geojson, read_feature_collection,
};
pub use measure::{Bbox, M2_PER_HA, M2_PER_MU, bbox, geodesic_area_m2, m2_to_ha, m2_to_mu, sector};
pub use overlay::OverlapIndex;
pub use partition::{sample_points_inside, voronoi_partition};
pub use track::{
    FilterResult, FilterRules, Rejected, Rejection, TrackPoint, coverage, distance_m, duration,
    filter, length_m, moving_time,
};
pub use validate::{orient, validate};
pub use wkb_io::{from_wkb, geometry_from_wkb, geometry_to_wkb, to_wkb};
