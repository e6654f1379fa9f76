//! The PostgreSQL backend, for production: `postgres://USER@HOST:PORT/DB`.

use std::str::FromStr;

use linzhang_store::SqlStore;
use sqlx::ConnectOptions;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Connects to and migrates the database at `url`.
pub async fn open(url: &str) -> Result<SqlStore, OpenError> {
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    tracing::debug!("postgres store open");
    Ok(SqlStore::new(pool, "postgres", "BEGIN"))
}
