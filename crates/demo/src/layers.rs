//! The demo's map layers: generated sub-compartments for two survey years (so that years can
//! be compared), ancient trees, nature reserves, wetlands and fire facilities, imported through
//! the same path as a GIS file.

use anyhow::Context;
use linzhang_domain::Scope;
use linzhang_geo::gis::SourceFeature;
use linzhang_ingest::{ImportTarget, import_features};
use linzhang_store::{Store, WriteCtx};

use crate::forest::{ForestOptions, VillageShape, generate};
use crate::plan::Plan;

/// The survey years of the demo's sub-compartments; the other layers are of the last one.
pub const SURVEY_YEARS: [i32; 2] = [2024, 2025];

/// Generates and imports the layers; answers how many features were stored.
pub async fn load(
    store: &dyn Store,
    ctx: &WriteCtx,
    plan: &Plan,
    seed: u64,
    subcompartments: usize,
) -> anyhow::Result<usize> {
    if subcompartments == 0 {
        return Ok(0);
    }
    let owned = villages(plan);
    let villages = shapes(&owned);
    let mut stored = 0;
    for year in SURVEY_YEARS {
        let data = generate(
            &villages,
            &ForestOptions {
                seed,
                subcompartments,
                survey_year: year,
            },
        );
        stored += import(store, ctx, "subcompartment", year, data.subcompartments).await?;
        if year == SURVEY_YEARS[SURVEY_YEARS.len() - 1] {
            stored += import(store, ctx, "ancient_tree", year, data.ancient_trees).await?;
            stored += import(store, ctx, "nature_reserve", year, data.nature_reserves).await?;
            stored += import(store, ctx, "wetland", year, data.wetlands).await?;
            stored += import(store, ctx, "fire_facility", year, data.fire_facilities).await?;
        }
    }
    Ok(stored)
}

async fn import(
    store: &dyn Store,
    ctx: &WriteCtx,
    layer: &str,
    year: i32,
    features: Vec<SourceFeature>,
) -> anyhow::Result<usize> {
    let target = ImportTarget {
        layer: layer.into(),
        year,
        source: format!("demo generator ({layer}, {year})"),
    };
    let report = import_features(store, ctx, &Scope::everything(), &target, features)
        .await
        .with_context(|| format!("cannot import the demo {layer}"))?;
    if report.import.is_none() {
        anyhow::bail!(
            "the demo {layer} were refused: {} of {} features, first: {:?}",
            report.rejected_total,
            report.read,
            report.rejected.first()
        );
    }
    usize::try_from(report.accepted).context("feature count")
}

/// Writes the demo's sub-compartments for `year` to a GIS file (format by extension:
/// `.gpkg`, `.shp.zip`, `.geojson`), with the columns real datasets have: for trying imports
/// and for benchmarks. Answers how many were written.
pub fn write_subcompartments(
    path: &std::path::Path,
    opts: &crate::DemoOptions,
    year: i32,
) -> anyhow::Result<u64> {
    use linzhang_geo::gis::{
        ExportFeature, ExportField, ExportFieldKind, ExportFormat, ExportGeometry, write_features,
    };
    let plan = crate::plan::build(opts).context("cannot plan the demo city")?;
    let owned = villages(&plan);
    let shapes = shapes(&owned);
    let data = generate(
        &shapes,
        &ForestOptions {
            seed: opts.seed,
            subcompartments: opts.subcompartments,
            survey_year: year,
        },
    );
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let format = [
        ExportFormat::GeoPackage,
        ExportFormat::Shapefile,
        ExportFormat::GeoJson,
    ]
    .into_iter()
    .find(|f| name.ends_with(&format!(".{}", f.extension())))
    .context("the file name must end in .gpkg, .shp.zip or .geojson")?;
    let Some(first) = data.subcompartments.first() else {
        anyhow::bail!("no sub-compartments were generated");
    };
    let fields: Vec<ExportField> = first
        .attributes
        .iter()
        .map(|(k, v)| ExportField {
            name: k.clone(),
            kind: match v {
                serde_json::Value::Number(n) if n.is_i64() => ExportFieldKind::Integer,
                serde_json::Value::Number(_) => ExportFieldKind::Real,
                _ => ExportFieldKind::Text,
            },
        })
        .collect();
    let rows = data.subcompartments.into_iter().filter_map(|f| {
        let wkb = linzhang_geo::geometry_to_wkb(&f.geometry.ok()?);
        Some(ExportFeature {
            wkb,
            values: f.attributes.into_iter().map(|(_, v)| v).collect(),
        })
    });
    write_features(
        path,
        format,
        "xiaoban",
        ExportGeometry::Polygon,
        &fields,
        rows,
    )
    .map_err(anyhow::Error::from)
}

/// A village of the demo plan: code, name, county code, boundary.
pub(crate) type OwnedVillage = (String, String, String, linzhang_geo::geo::MultiPolygon<f64>);

pub(crate) fn villages(plan: &Plan) -> Vec<OwnedVillage> {
    plan.grids
        .iter()
        .filter(|g| g.code.as_str().len() == 12)
        .filter_map(|g| {
            let mp = linzhang_geo::from_wkb(&g.boundary.as_ref()?.wkb).ok()?;
            let code = g.code.as_str().to_owned();
            Some((code.clone(), g.name.clone(), code[..6].to_owned(), mp))
        })
        .collect()
}

pub(crate) fn shapes(owned: &[OwnedVillage]) -> Vec<VillageShape<'_>> {
    owned
        .iter()
        .map(|(code, name, county, boundary)| VillageShape {
            code,
            name,
            county,
            boundary,
        })
        .collect()
}
