//! `linzhang imagery …`: register scenes already on the server's disk, list them.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use linzhang_domain::Clock;
use linzhang_domain::audit::Actor;
use linzhang_ingest::{ImageryRequest, register_imagery};
use linzhang_raster::change::Bands;
use linzhang_store::{ImageryScene, Store, WriteCtx};

#[derive(Debug, clap::Subcommand)]
pub enum ImageryCommand {
    /// Register a scene (GeoTIFF or any raster GDAL reads) where it lies; the server draws it
    /// from there, so give a path the server can read.
    Add {
        /// The scene's file (made absolute).
        path: PathBuf,
        /// Its name on the map; the file's stem by default.
        #[arg(long)]
        name: Option<String>,
        /// Sentinel-2, GF-2, UAV…
        #[arg(long)]
        sensor: Option<String>,
        /// Acquisition date, YYYY-MM-DD.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Band roles, e.g. red=3,green=2,blue=1,nir=4 (the rest are guessed).
        #[arg(long, default_value = "")]
        bands: String,
        /// Build overviews (AVERAGE) when the file has none.
        #[arg(long)]
        overviews: bool,
    },
    /// List the registered scenes, newest first.
    List,
}

pub async fn run(
    store: &dyn Store,
    clock: &dyn Clock,
    cmd: ImageryCommand,
) -> anyhow::Result<String> {
    match cmd {
        ImageryCommand::Add {
            path,
            name,
            sensor,
            date,
            bands,
            overviews,
        } => {
            let bands: Bands = bands.parse()?;
            let path = std::fs::canonicalize(&path)
                .with_context(|| format!("cannot find {}", path.display()))?;
            let request = ImageryRequest {
                id: uuid::Uuid::now_v7(),
                name: name.unwrap_or_default(),
                sensor,
                acquired_on: date,
                bands,
                overviews,
            };
            let ctx = WriteCtx {
                actor: Actor::system("cli"),
                at: clock.now(),
            };
            let scene = register_imagery(store, &ctx, &path, &request).await?;
            Ok(format!("registered {}\n", line(&scene)))
        }
        ImageryCommand::List => {
            let mut text = String::new();
            for scene in store.imagery_scenes(None).await? {
                writeln!(text, "{}", line(&scene))?;
            }
            Ok(text)
        }
    }
}

/// `id<TAB>name<TAB>sensor<TAB>date<TAB>bands<TAB>bounds<TAB>path`.
fn line(s: &ImageryScene) -> String {
    let bands: Vec<String> = s.bands.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let [x0, y0, x1, y1] = s.bounds;
    format!(
        "{}\t{}\t{}\t{}\t{}\t{x0:.6},{y0:.6},{x1:.6},{y1:.6}\t{}",
        s.id,
        s.name,
        s.sensor.as_deref().unwrap_or("-"),
        s.acquired_on.map_or_else(|| "-".into(), |d| d.to_string()),
        bands.join(","),
        s.path
    )
}
