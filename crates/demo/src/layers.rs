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
    let owned = plan
        .grids
        .iter()
        .filter(|g| g.code.as_str().len() == 12)
        .filter_map(|g| {
            let mp = linzhang_geo::from_wkb(&g.boundary.as_ref()?.wkb).ok()?;
            let code = g.code.as_str().to_owned();
            Some((code.clone(), g.name.clone(), code[..6].to_owned(), mp))
        })
        .collect::<Vec<_>>();
    let villages: Vec<VillageShape<'_>> = owned
        .iter()
        .map(|(code, name, county, boundary)| VillageShape {
            code,
            name,
            county,
            boundary,
        })
        .collect();
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
