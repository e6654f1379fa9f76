//! From connected runs to patches: polygons, lon/lat, area, statistics, cause.

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;

use super::DetectOptions;
use super::window::{IndexSums, RunStats};
use crate::change::patch::{Cause, IndexChange, Patch};
use crate::change::polygonize::{affine, trace};
use crate::change::runs::Run;
use crate::change::{ChangeError, Index};

pub(super) struct Context<'a> {
    pub runs: &'a [Run],
    pub stats: &'a [RunStats],
    pub transform: [f64; 6],
    pub wkt: &'a str,
    /// The indices both scenes have.
    pub available: &'a [Index],
    pub opts: &'a DetectOptions,
    pub before_date: Option<String>,
    pub after_date: Option<String>,
}

/// The patches of the components `groups` (indices into `runs`) at or above the minimum area.
pub(super) fn build(ctx: &Context<'_>, groups: &[Vec<usize>]) -> Result<Vec<Patch>, ChangeError> {
    let patches: Vec<Option<Patch>> = groups
        .par_iter()
        .map_init(
            || to_target(ctx.wkt, ctx.opts.target_epsg),
            |transform, members| {
                let transform = transform
                    .as_ref()
                    .map_err(|e| ChangeError::Transform(e.to_string()))?;
                patch(ctx, transform, members)
            },
        )
        .collect::<Result<_, _>>()?;
    Ok(patches.into_iter().flatten().collect())
}

/// The transformation from the scene's coordinate system to the (geographic) target, in
/// longitude/latitude order.
fn to_target(wkt: &str, epsg: u32) -> Result<CoordTransform, ChangeError> {
    let fail = |e: gdal::errors::GdalError| ChangeError::Transform(e.to_string());
    let mut source = SpatialRef::from_wkt(wkt).map_err(fail)?;
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target = SpatialRef::from_epsg(epsg).map_err(fail)?;
    if !target.is_geographic() {
        return Err(ChangeError::Transform(format!(
            "EPSG:{epsg} is not a geographic coordinate system: patches are in longitude/latitude"
        )));
    }
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    CoordTransform::new(&source, &target).map_err(fail)
}

#[expect(clippy::similar_names, reason = "NDVI and NDMI are the indices' names")]
fn patch(
    ctx: &Context<'_>,
    transform: &CoordTransform,
    members: &[usize],
) -> Result<Option<Patch>, ChangeError> {
    let pixels: u64 = members
        .iter()
        .map(|&i| u64::from(ctx.runs[i].x1 - ctx.runs[i].x0))
        .sum();
    let mut polygons = Vec::new();
    for p in trace(ctx.runs, members) {
        let exterior = ring_lonlat(&p.exterior, &ctx.transform, transform)?;
        let holes = p
            .holes
            .iter()
            .map(|h| ring_lonlat(h, &ctx.transform, transform))
            .collect::<Result<_, _>>()?;
        polygons.push(Polygon::new(exterior, holes));
    }
    let geometry = linzhang_geo::orient(&MultiPolygon(polygons));
    let area_m2 = linzhang_geo::geodesic_area_m2(&geometry);
    if area_m2 < ctx.opts.min_area_m2 {
        return Ok(None);
    }

    #[expect(
        clippy::cast_precision_loss,
        reason = "a pixel count far below 2^52 divides sums"
    )]
    let n = pixels as f64;
    let change = |index: Index| -> Option<IndexChange> {
        if !ctx.available.contains(&index) {
            return None;
        }
        let slot = Index::ALL.iter().position(|i| *i == index)?;
        let mut total = IndexSums {
            max_change: f32::NEG_INFINITY,
            ..IndexSums::default()
        };
        for &i in members {
            let s = ctx.stats[i].sums[slot];
            total.before += s.before;
            total.after += s.after;
            total.change += s.change;
            total.max_change = total.max_change.max(s.max_change);
        }
        Some(IndexChange {
            before: total.before / n,
            after: total.after / n,
            mean_change: total.change / n,
            max_change: f64::from(total.max_change),
        })
    };
    let [ndvi, nbr, ndmi] = Index::ALL.map(change);
    let cause = Cause::suggest(ndvi.as_ref(), nbr.as_ref(), &ctx.opts.cause);
    Ok(Some(Patch {
        geometry,
        area_m2,
        pixels,
        ndvi,
        nbr,
        ndmi,
        cause,
        before_date: ctx.before_date.clone(),
        after_date: ctx.after_date.clone(),
    }))
}

/// A ring of pixel corners in longitude/latitude, closed.
#[expect(
    clippy::cast_precision_loss,
    reason = "pixel coordinates are far below 2^52"
)]
fn ring_lonlat(
    ring: &[(i64, i64)],
    geo_transform: &[f64; 6],
    transform: &CoordTransform,
) -> Result<LineString<f64>, ChangeError> {
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = ring
        .iter()
        .chain(ring.first())
        .map(|&(x, y)| {
            let c = affine(geo_transform, x as f64, y as f64);
            (c.x, c.y)
        })
        .unzip();
    transform
        .transform_coords(&mut xs, &mut ys, &mut [])
        .map_err(|e| ChangeError::Transform(e.to_string()))?;
    Ok(xs
        .into_iter()
        .zip(ys)
        .map(|(x, y)| Coord { x, y })
        .collect())
}
