//! `linzhang import`: a GIS file into a layer, all or nothing.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::Datelike;
use clap::Args;
use linzhang_domain::audit::Actor;
use linzhang_domain::{Clock, Scope};
use linzhang_geo::gis::ReadOptions;
use linzhang_ingest::{ImportReport, ImportTarget, import_file};
use linzhang_store::{Store, WriteCtx};

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(
        long,
        help = "The layer to import into: subcompartment, public_welfare_forest, wetland, \
                nature_reserve, forest_right, afforestation, ancient_tree, fire_facility, road, \
                water or place_name"
    )]
    layer: String,
    /// The survey year; this year by default.
    #[arg(long)]
    year: Option<i32>,
    /// The source CRS when the file states none or a wrong one, e.g. EPSG:4549.
    #[arg(long)]
    srs: Option<String>,
    /// The attribute encoding of a Shapefile without a .cpg, e.g. CP936.
    #[arg(long)]
    encoding: Option<String>,
    /// Remove the GCJ-02 offset (data traced on Amap, or boundaries from Aliyun DataV).
    #[arg(long)]
    gcj02: bool,
    /// The layer of a multi-layer source (GeoPackage, FileGDB).
    #[arg(long = "source-layer")]
    source_layer: Option<String>,
    /// Shapefile (.shp, its folder or a .zip), GeoPackage, FileGDB, GeoJSON, KML or CSV.
    file: PathBuf,
}

/// Runs the import; the text to print, or an error whose message lists the refused features.
pub async fn run(store: &dyn Store, clock: &dyn Clock, args: ImportArgs) -> anyhow::Result<String> {
    let target = ImportTarget {
        layer: args.layer.clone(),
        year: args.year.unwrap_or_else(|| clock.now().year()),
        source: args.file.file_name().map_or_else(
            || args.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    };
    let opts = ReadOptions {
        source_srs: args.srs,
        encoding: args.encoding,
        gcj02: args.gcj02,
        layer: args.source_layer,
    };
    let ctx = WriteCtx {
        actor: Actor::system("cli"),
        at: clock.now(),
    };
    let report = import_file(
        store,
        &ctx,
        &Scope::everything(),
        &target,
        &args.file,
        &opts,
    )
    .await?;
    let text = describe(&report, &args.file, &target);
    if report.import.is_some() {
        Ok(text)
    } else {
        anyhow::bail!("{text}")
    }
}

fn describe(r: &ImportReport, file: &std::path::Path, target: &ImportTarget) -> String {
    let mut t = String::new();
    let file = file.display();
    if let Some(i) = &r.import {
        let _ = writeln!(
            t,
            "imported {} features from {file} ({}, {}) into {} {} as import {}",
            r.accepted, r.driver, r.srs, target.layer, target.year, i.id
        );
    } else if r.rejected_total == 0 {
        let _ = writeln!(t, "{file}: no features to import");
    } else {
        let _ = writeln!(
            t,
            "{file}: refused, nothing was imported: {} of {} features are not acceptable",
            r.rejected_total, r.read
        );
        for x in &r.rejected {
            let _ = writeln!(t, "{file}: feature {}: {} ({})", x.index, x.reason, x.code);
        }
    }
    if r.warnings_total > 0 {
        let _ = writeln!(t, "{} values were kept as given:", r.warnings_total);
        for w in &r.warnings {
            let _ = writeln!(
                t,
                "{file}: feature {}: {} = {:?}: {}",
                w.index, w.field, w.value, w.reason
            );
        }
    }
    t
}
