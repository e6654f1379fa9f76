//! `linzhang`: the Smart Forest Chief platform in one binary.

mod config;
mod imagery;
mod import;
mod raster;
mod user;

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use linzhang_domain::{Clock, SystemClock};
use linzhang_store::{SqlStore, Store};

use crate::config::{Config, ConfigArgs};

/// 智慧林长信息平台 — the Smart Forest Chief platform.
#[derive(Debug, Parser)]
#[command(name = "linzhang", version, about)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the web app (migrates the database first).
    Serve,
    /// Create or upgrade the database schema and publish the default code tables.
    Migrate,
    /// Load the Wuxi demo city (grids, chiefs, rangers, areas, logins) into the database.
    Demo {
        /// Seed of the generator; the same seed gives the same city.
        #[arg(long, default_value_t = 2021)]
        seed: u64,
        /// Sub-compartments to generate per survey year (0: no map layers).
        #[arg(long, default_value_t = 30_000)]
        subcompartments: usize,
    },
    /// Write the demo's generated sub-compartments to a GIS file (.gpkg, .shp.zip or .geojson),
    /// to try imports or to benchmark them.
    Sample {
        #[arg(long, default_value_t = 2021)]
        seed: u64,
        #[arg(long, default_value_t = 30_000)]
        subcompartments: usize,
        #[arg(long, default_value_t = 2025)]
        year: i32,
        out: std::path::PathBuf,
    },
    /// Import a NASA FIRMS active-fire CSV (MODIS or VIIRS): detections in the city are kept
    /// once; those on or near forest land raise fire incidents.
    Hotspots { file: std::path::PathBuf },
    /// Write a spectral index (NDVI, NBR, NDMI) of a scene as a Float32 GeoTIFF.
    Index(raster::IndexArgs),
    /// Find change patches between two scenes of the same place (GeoJSON out).
    Detect(raster::DetectArgs),
    /// Make a batch of change spots (疑似变化图斑) from the patches `linzhang detect` wrote:
    /// clipped to forest land, placed on villages and areas, ready for field verification.
    Spots {
        /// The batch's name, e.g. 2026年第1期.
        #[arg(long)]
        batch: String,
        /// Smallest spot kept once clipped to forest land, m².
        #[arg(long = "min-area", default_value_t = 666.7)]
        min_area_m2: f64,
        patches: std::path::PathBuf,
    },
    /// Look for smoke and fire in camera frames (JPEG or PNG) with the built-in detector (or
    /// the ONNX model of `--fire-model`):
    /// one line per image, `path<TAB>fire|smoke|none<TAB>score`.
    SmokeFire {
        #[arg(required = true)]
        images: Vec<std::path::PathBuf>,
    },
    /// Import a GIS file into a layer: every feature or none (exit 1 lists the refused ones).
    Import(import::ImportArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Register imagery scenes for the one map, or list them.
    #[command(subcommand)]
    Imagery(imagery::ImageryCommand),
    /// Print the effective configuration (secrets hidden).
    Config,
    /// Print the OpenAPI document.
    Openapi,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LINZHANG_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens the configured database, migrated and with the default code tables.
pub async fn open_store(config: &Config, clock: &dyn Clock) -> anyhow::Result<SqlStore> {
    let url = config.database.as_str();
    let store = if url.starts_with("sqlite:") {
        linzhang_store_sqlite::open(url).await?
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        linzhang_store_postgres::open(url).await?
    } else {
        anyhow::bail!(
            "unsupported database URL {}: use sqlite://PATH or postgres://…",
            config::redact_url(url)
        );
    };
    linzhang_store::ensure_defaults(&store, clock.now()).await?;
    Ok(store)
}

fn out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::resolve(&cli.config)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Config => out(&config.to_redacted_toml()?),
        Command::Openapi => out(&format!(
            "{}\n",
            linzhang_server::openapi().to_pretty_json()?
        )),
        Command::Migrate => {
            let store = open_store(&config, clock.as_ref()).await?;
            out(&format!(
                "database {} is up to date\n",
                config::redact_url(&config.database)
            ))?;
            store.close().await;
            Ok(())
        }
        Command::Serve => serve(&config, clock).await,
        Command::Demo {
            seed,
            subcompartments,
        } => demo(&config, clock.as_ref(), seed, subcompartments).await,
        Command::Sample {
            seed,
            subcompartments,
            year,
            out: path,
        } => {
            let opts = linzhang_demo::DemoOptions {
                seed,
                subcompartments,
                ..linzhang_demo::DemoOptions::default()
            };
            let n = linzhang_demo::write_subcompartments(&path, &opts, year)?;
            out(&format!(
                "wrote {n} sub-compartments to {}\n",
                path.display()
            ))
        }
        Command::SmokeFire { images } => smoke_fire(&images, config.fire_model.as_deref()),
        Command::Spots {
            batch,
            min_area_m2,
            patches,
        } => {
            let store = open_store(&config, clock.as_ref()).await?;
            let result = spots(&store, clock.as_ref(), &batch, min_area_m2, &patches).await;
            store.close().await;
            out(&result?)
        }
        Command::Index(args) => out(&raster::index(&args)?),
        Command::Detect(args) => out(&raster::detect_patches(&args)?),
        Command::Hotspots { file } => {
            let store = open_store(&config, clock.as_ref()).await?;
            let result = hotspots(&store, clock.as_ref(), &file).await;
            store.close().await;
            out(&result?)
        }
        Command::Import(args) => {
            let store = open_store(&config, clock.as_ref()).await?;
            let result = import::run(&store, clock.as_ref(), args).await;
            store.close().await;
            out(&result?)
        }
        Command::Imagery(cmd) => {
            let store = open_store(&config, clock.as_ref()).await?;
            let result = imagery::run(&store, clock.as_ref(), cmd).await;
            store.close().await;
            out(&result?)
        }
        Command::User(cmd) => {
            let store = open_store(&config, clock.as_ref()).await?;
            let result = user::run(&store, clock.as_ref(), cmd).await;
            store.close().await;
            out(&result?)
        }
    }
}

async fn serve(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let store = open_store(config, clock.as_ref()).await?;
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    out(&format!("listening on http://{addr}\n"))?;
    let mut state = linzhang_server::AppState::new(
        Arc::new(store.clone()) as Arc<dyn Store>,
        clock,
        linzhang_server::ServerConfig {
            public_base_url: config.public_base_url.clone(),
            secure_cookies: config.secure_cookies,
            firms_url: config.firms_url.clone(),
            firms_every: std::time::Duration::from_secs(config.firms_every_minutes * 60),
            camera_poll_every: (config.camera_poll_seconds > 0)
                .then(|| std::time::Duration::from_secs(config.camera_poll_seconds)),
            data_dir: config.data_dir.clone(),
            zone: config.zone(),
        },
        linzhang_server::open_files(&config.files_url(), &[])
            .with_context(|| format!("cannot use {} for files", config.files_url()))?,
    );
    if let Some(model) = &config.fire_model {
        let detector = linzhang_raster::fire::OnnxDetector::load(model)?;
        out(&format!("smoke/fire detection: {}\n", model.display()))?;
        state = state.with_detector(Arc::new(detector));
    }
    linzhang_server::serve(listener, state).await?;
    store.close().await;
    Ok(())
}

async fn demo(
    config: &Config,
    clock: &dyn Clock,
    seed: u64,
    subcompartments: usize,
) -> anyhow::Result<()> {
    let store = open_store(config, clock).await?;
    let opts = linzhang_demo::DemoOptions {
        seed,
        subcompartments,
        ..linzhang_demo::DemoOptions::default()
    };
    let hash = |p: &str| linzhang_server::password::hash(p).map_err(|e| anyhow::anyhow!("{e}"));
    let summary = linzhang_demo::load(&store, &opts, clock.now(), &hash).await?;
    store.close().await;
    let mut text = String::new();
    if summary.already_loaded {
        writeln!(
            text,
            "The demo city is already in this database; nothing changed."
        )?;
    } else {
        let [city, county, town, village] = summary.grids_by_level;
        writeln!(
            text,
            "Loaded the Wuxi demo (town and village boundaries, villages, people and areas are generated): \
             {city} city, {county} counties, {town} towns, {village} villages, {} people, {} posts, {} staff, {} areas, \
             {} map features (sub-compartments of {:?}, ancient trees, reserves, wetlands, fire facilities).",
            summary.people,
            summary.posts,
            summary.staff,
            summary.areas,
            summary.features,
            linzhang_demo::SURVEY_YEARS
        )?;
    }
    writeln!(text, "Demo logins (password {}):", opts.password)?;
    for l in &summary.logins {
        writeln!(
            text,
            "  {:<16} {:<11} {} {}",
            l.username,
            l.role.as_str(),
            l.grid_code,
            l.grid_name
        )?;
    }
    out(&text)
}

async fn hotspots(
    store: &dyn Store,
    clock: &dyn Clock,
    path: &std::path::Path,
) -> anyhow::Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let (rows, bad) = linzhang_ingest::parse_firms(file);
    let mut text = String::new();
    for (line, reason) in &bad {
        writeln!(text, "{}:{line}: {reason}", path.display())?;
    }
    if rows.is_empty() && !bad.is_empty() {
        anyhow::bail!("{text}no row of {} could be read", path.display());
    }
    let r = linzhang_ingest::import_hotspots(store, clock.now(), rows).await?;
    writeln!(
        text,
        "{}: {} detections read, {} outside the city, {} seen before, {} stored ({} on or near forest land); \
         {} fire incidents raised, {} detections joined an open one",
        path.display(),
        r.read,
        r.outside,
        r.duplicates,
        r.stored,
        r.near_forest,
        r.incidents_raised,
        r.incidents_joined
    )?;
    Ok(text)
}

/// One line per image: path, verdict, score; with the built-in detector, or the ONNX model
/// given by `--fire-model`.
fn smoke_fire(
    images: &[std::path::PathBuf],
    model: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use linzhang_raster::fire::{ClassicalDetector, Detector, OnnxDetector, detect_file};
    let detector: Box<dyn Detector> = match model {
        Some(path) => Box::new(OnnxDetector::load(path)?),
        None => Box::new(ClassicalDetector::default()),
    };
    let mut text = String::new();
    let mut failed = Vec::new();
    for path in images {
        match detect_file(path, detector.as_ref()) {
            Ok(d) => writeln!(text, "{}\t{}\t{:.3}", path.display(), d.verdict, d.score)?,
            Err(e) => failed.push(format!("{}: {e}", path.display())),
        }
    }
    out(&text)?;
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{}", failed.join("\n"))
    }
}

async fn spots(
    store: &dyn Store,
    clock: &dyn Clock,
    batch: &str,
    min_area_m2: f64,
    path: &std::path::Path,
) -> anyhow::Result<String> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let patches: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not GeoJSON", path.display()))?;
    let (new, report) =
        linzhang_ingest::spots_from_patches(store, batch, &patches, min_area_m2).await?;
    let ctx = linzhang_store::WriteCtx {
        actor: linzhang_domain::audit::Actor::system("cli"),
        at: clock.now(),
    };
    let stored = store.create_change_batch(&ctx, &new).await?;
    Ok(format!(
        "batch {} ({}): {} of {} patches kept as change spots, {} off forest land, outside the city or too small\n",
        stored.name, stored.id, report.kept, report.read, report.dropped
    ))
}
