//! One feature at a time: normalise, validate, measure and place.

use linzhang_domain::Scope;
use linzhang_domain::codes::CodeTable;
use linzhang_domain::layer::{self, GeometryKind, LayerSpec, normalise, volume_m3};
use linzhang_geo::geo::{BoundingRect, Coord, CoordsIter, Geometry, MultiPolygon};
use linzhang_geo::gis::SourceFeature;
use linzhang_store::{NewFeature, Store};
use serde::Serialize;

use crate::IngestError;
use crate::place::Placer;

/// A feature that was refused, by its zero-based index in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub index: u64,
    /// `invalid_geometry`, `wrong_geometry_type`, `outside_scope` or `unreadable`.
    pub code: String,
    pub reason: String,
}

/// A value kept as it came, by feature index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureWarning {
    pub index: u64,
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// Everything prepared from one source.
#[derive(Debug, Default)]
pub struct Prepared {
    pub read: u64,
    pub features: Vec<NewFeature>,
    pub rejected: Vec<Rejection>,
    pub warnings: Vec<FeatureWarning>,
}

/// Prepares the features of one source for one layer.
#[derive(Debug)]
pub struct Preparer {
    spec: &'static LayerSpec,
    tables: Vec<CodeTable>,
    placer: Placer,
    out: Prepared,
}

impl Preparer {
    /// Loads what preparing needs: the layer, the code tables in force, the scope's grids and
    /// areas.
    pub async fn load(
        store: &dyn Store,
        scope: &Scope,
        layer_key: &str,
    ) -> Result<Self, IngestError> {
        let spec =
            layer::layer(layer_key).ok_or_else(|| IngestError::UnknownLayer(layer_key.into()))?;
        let tables = store
            .code_tables()
            .await?
            .into_iter()
            .map(|v| v.table)
            .collect();
        let placer = Placer::load(store, scope).await?;
        Ok(Self::new(spec, tables, placer))
    }

    pub fn new(spec: &'static LayerSpec, tables: Vec<CodeTable>, placer: Placer) -> Self {
        Self {
            spec,
            tables,
            placer,
            out: Prepared::default(),
        }
    }

    /// Takes one source feature.
    pub fn push(&mut self, f: SourceFeature) {
        self.out.read += 1;
        let index = f.index;
        let reject = |code: &str, reason: String| Rejection {
            index,
            code: code.into(),
            reason,
        };
        let geometry = match f.geometry {
            Ok(g) => g,
            Err(reason) => {
                self.out.rejected.push(reject("unreadable", reason));
                return;
            }
        };
        let geometry = match conform(self.spec.geometry, geometry) {
            Ok(g) => g,
            Err((code, reason)) => {
                self.out.rejected.push(reject(code, reason));
                return;
            }
        };
        let placement = self.placer.place(&geometry);
        if placement.grids.is_empty() {
            self.out.rejected.push(reject(
                "outside_scope",
                "the feature lies outside your grids (is the coordinate system right?)".into(),
            ));
            return;
        }
        // Rejected features are not stored, so their attributes need no work.
        if !self.out.rejected.is_empty() {
            return;
        }
        let n = normalise(
            self.spec,
            &self.tables,
            f.attributes.iter().map(|(k, v)| (k.as_str(), v.clone())),
        );
        self.out
            .warnings
            .extend(n.warnings.into_iter().map(|w| FeatureWarning {
                index,
                field: w.field,
                value: w.value,
                reason: w.reason,
            }));
        let area_m2 = match &geometry {
            Geometry::MultiPolygon(mp) => linzhang_geo::geodesic_area_m2(mp),
            _ => 0.0,
        };
        let bbox = geometry
            .bounding_rect()
            .map_or([0.0; 4], |r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        let volume = volume_m3(&n.properties, area_m2);
        self.out.features.push(NewFeature {
            id: linzhang_domain::ids::new_id(),
            source_index: i64::try_from(index).unwrap_or(i64::MAX),
            geometry: linzhang_geo::geometry_to_wkb(&geometry),
            bbox,
            area_m2,
            volume_m3: volume,
            properties: n.properties,
            placement,
        });
    }

    pub fn finish(self) -> Prepared {
        self.out
    }
}

/// Checks a geometry against the layer's kind: polygons become valid, oriented
/// multipolygons; points and lines must have finite lon/lat coordinates.
fn conform(kind: GeometryKind, g: Geometry<f64>) -> Result<Geometry<f64>, (&'static str, String)> {
    let found = geometry_name(&g);
    let wrong = || {
        (
            "wrong_geometry_type",
            format!("expected a {kind:?} geometry, found {found}").to_lowercase(),
        )
    };
    match kind {
        GeometryKind::Polygon => {
            let mp = match g {
                Geometry::Polygon(p) => MultiPolygon(vec![p]),
                Geometry::MultiPolygon(mp) => mp,
                _ => return Err(wrong()),
            };
            let mp = linzhang_geo::orient(&mp);
            linzhang_geo::validate(&mp).map_err(|e| ("invalid_geometry", e.to_string()))?;
            Ok(Geometry::MultiPolygon(mp))
        }
        GeometryKind::Point | GeometryKind::Line => {
            let ok = matches!(
                (&g, kind),
                (
                    Geometry::Point(_) | Geometry::MultiPoint(_),
                    GeometryKind::Point
                ) | (
                    Geometry::LineString(_) | Geometry::MultiLineString(_),
                    GeometryKind::Line
                )
            );
            if !ok {
                return Err(wrong());
            }
            let bad = g.coords_iter().find(|c: &Coord| {
                !(c.x.is_finite()
                    && c.y.is_finite()
                    && (-180.0..=180.0).contains(&c.x)
                    && (-90.0..=90.0).contains(&c.y))
            });
            match bad {
                Some(c) => Err((
                    "invalid_geometry",
                    format!("coordinate ({}, {}) is not a longitude/latitude", c.x, c.y),
                )),
                None if g.coords_count() == 0 => {
                    Err(("invalid_geometry", "the geometry is empty".into()))
                }
                None => Ok(g),
            }
        }
    }
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}
