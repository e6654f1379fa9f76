//! The embedded SQLite backend (the default): `sqlite://PATH`, created when missing, in WAL mode
//! with `synchronous=FULL` so an acknowledged write survives a crash or power cut.
//!
//! This links the system SQLite (sqlx's `sqlite-unbundled`): GDAL links it too, and two SQLite
//! copies in one process crash when GDAL closes a GeoPackage.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use linzhang_store::SqlStore;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{ConnectOptions, Executor};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("not a SQLite URL: {0} (expected sqlite://PATH)")]
    BadUrl(String),
    #[error("cannot create the folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The file a `sqlite://` URL names.
pub fn path_of(url: &str) -> Result<PathBuf, OpenError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| OpenError::BadUrl(url.to_owned()))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(OpenError::BadUrl(url.to_owned()));
    }
    Ok(PathBuf::from(path))
}

/// Opens (creating if needed) and migrates the database at `url`.
pub async fn open(url: &str) -> Result<SqlStore, OpenError> {
    let path = path_of(url)?;
    open_path(&path).await
}

/// Opens (creating if needed) and migrates the database file at `path`.
pub async fn open_path(path: &Path) -> Result<SqlStore, OpenError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| OpenError::Folder {
            path: dir.to_owned(),
            source,
        })?;
    }
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    pool.execute("PRAGMA journal_mode = WAL").await?;
    MIGRATOR.run(&pool).await?;
    tracing::debug!(path = %path.display(), "sqlite store open");
    Ok(SqlStore::new(pool, "sqlite", "BEGIN IMMEDIATE"))
}
