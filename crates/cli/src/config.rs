//! Configuration: command-line flags, then environment variables, then an optional TOML file,
//! then defaults. `linzhang config` prints the result with secrets hidden.

use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use linzhang_server::ServerConfig;

pub const DEFAULT_DATABASE: &str = "sqlite://./data/linzhang.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
// The server's own settings (public URL, data folder, schedules, time zone) default to
// `ServerConfig::default()`: one set of defaults for the binary and the embedded server.

/// Settings as flags or environment variables give them (all optional).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// TOML configuration file.
    #[arg(long, env = "LINZHANG_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "LINZHANG_DATABASE", global = true)]
    pub database: Option<String>,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, env = "LINZHANG_LISTEN", global = true)]
    pub listen: Option<String>,
    /// Base URL of the public pages that area QR codes open.
    #[arg(long, env = "LINZHANG_PUBLIC_BASE_URL", global = true)]
    pub public_base_url: Option<String>,
    /// Mark session cookies Secure (when served over HTTPS).
    #[arg(long, env = "LINZHANG_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,
    /// NASA FIRMS active-fire CSV URL fetched on a schedule (e.g. the FIRMS area API for a box
    /// around the city; it holds your `MAP_KEY`).
    #[arg(long, env = "LINZHANG_FIRMS_URL", global = true)]
    pub firms_url: Option<String>,
    /// Minutes between FIRMS fetches (default 60).
    #[arg(long, env = "LINZHANG_FIRMS_EVERY_MINUTES", global = true)]
    pub firms_every_minutes: Option<u64>,
    /// Where uploaded photos and videos live: a folder, or an S3-compatible bucket
    /// `s3://bucket[/prefix]` (endpoint and keys from the `AWS_*` variables; default
    /// `DATA_DIR/files`).
    #[arg(long, env = "LINZHANG_FILES_URL", global = true)]
    pub files_url: Option<String>,
    /// The city's offset from UTC, whose days, months and years the rules count (default
    /// +08:00, China Standard Time).
    #[arg(long, env = "LINZHANG_UTC_OFFSET", global = true)]
    pub utc_offset: Option<String>,
    /// Seconds between snapshots of cameras that have a snapshot URL (default 60; 0: off).
    #[arg(long, env = "LINZHANG_CAMERA_POLL_SECONDS", global = true)]
    pub camera_poll_seconds: Option<u64>,
    /// An ONNX smoke/fire classifier to use instead of the built-in detector (see
    /// docs/detection.md for the model contract).
    #[arg(long, env = "LINZHANG_FIRE_MODEL", global = true)]
    pub fire_model: Option<PathBuf>,
    /// Folder for files the server is given: incident photos and videos under `files/`,
    /// uploaded imagery under `imagery/`. By default the SQLite database's folder, or `./data`.
    #[arg(long, env = "LINZHANG_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
}

/// The file's settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database: Option<String>,
    listen: Option<String>,
    public_base_url: Option<String>,
    secure_cookies: Option<bool>,
    firms_url: Option<String>,
    firms_every_minutes: Option<u64>,
    camera_poll_seconds: Option<u64>,
    fire_model: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    files_url: Option<String>,
    utc_offset: Option<String>,
}

/// The effective configuration.
#[derive(Clone, Serialize)]
pub struct Config {
    pub database: String,
    pub listen: String,
    pub public_base_url: String,
    pub secure_cookies: bool,
    pub firms_url: Option<String>,
    pub firms_every_minutes: u64,
    pub camera_poll_seconds: u64,
    pub fire_model: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// A folder or `s3://bucket[/prefix]`; none: `DATA_DIR/files`.
    pub files_url: Option<String>,
    /// `+08:00`.
    pub utc_offset: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database", &redact_url(&self.database))
            .field("listen", &self.listen)
            .field("public_base_url", &self.public_base_url)
            .field("secure_cookies", &self.secure_cookies)
            .field("firms_url", &self.firms_url.as_deref().map(redact_path))
            .field("firms_every_minutes", &self.firms_every_minutes)
            .field("camera_poll_seconds", &self.camera_poll_seconds)
            .field("fire_model", &self.fire_model)
            .field("data_dir", &self.data_dir)
            .field("files_url", &self.files_url)
            .field("utc_offset", &self.utc_offset)
            .finish()
    }
}

/// The folder of a SQLite database file, else `./data`.
fn default_data_dir(database: &str) -> PathBuf {
    database
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or(p))
        .and_then(|p| std::path::Path::new(p).parent())
        .map_or_else(
            || ServerConfig::default().data_dir,
            |d| {
                if d.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    d.to_path_buf()
                }
            },
        )
}

/// Hides the password in a URL like `postgres://user:secret@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Keeps a URL's scheme and host only: feed URLs carry keys in their paths.
pub fn redact_path(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or_default();
            format!("{scheme}://{host}/***")
        }
        None => "***".into(),
    }
}

impl Config {
    pub fn resolve(args: &ConfigArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("{}: invalid configuration", path.display()))?
            }
            None => FileConfig::default(),
        };
        let database = args
            .database
            .clone()
            .or(file.database)
            .unwrap_or_else(|| DEFAULT_DATABASE.into());
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| default_data_dir(&database));
        let server = ServerConfig::default();
        let utc_offset = args
            .utc_offset
            .clone()
            .or(file.utc_offset)
            .unwrap_or_else(|| server.zone.offset().to_string());
        if linzhang_domain::Zone::parse(&utc_offset).is_none() {
            anyhow::bail!("utc_offset {utc_offset:?} is not an offset such as +08:00");
        }
        Ok(Self {
            database,
            data_dir,
            listen: args
                .listen
                .clone()
                .or(file.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.into()),
            public_base_url: args
                .public_base_url
                .clone()
                .or(file.public_base_url)
                .unwrap_or(server.public_base_url),
            secure_cookies: args
                .secure_cookies
                .or(file.secure_cookies)
                .unwrap_or(server.secure_cookies),
            firms_url: args.firms_url.clone().or(file.firms_url),
            firms_every_minutes: args
                .firms_every_minutes
                .or(file.firms_every_minutes)
                .unwrap_or(server.firms_every.as_secs() / 60)
                .max(1),
            camera_poll_seconds: args
                .camera_poll_seconds
                .or(file.camera_poll_seconds)
                .unwrap_or(server.camera_poll_every.map_or(0, |d| d.as_secs())),
            fire_model: args.fire_model.clone().or(file.fire_model),
            files_url: args.files_url.clone().or(file.files_url),
            utc_offset,
        })
    }

    /// Where uploaded files live.
    pub fn files_url(&self) -> String {
        self.files_url
            .clone()
            .unwrap_or_else(|| self.data_dir.join("files").display().to_string())
    }

    /// The city's civil time.
    pub fn zone(&self) -> linzhang_domain::Zone {
        linzhang_domain::Zone::parse(&self.utc_offset).unwrap_or_default()
    }

    /// The configuration as TOML, secrets hidden.
    pub fn to_redacted_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.database = redact_url(&self.database);
        shown.firms_url = self.firms_url.as_deref().map(redact_path);
        Ok(toml::to_string(&shown)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://lz:s3cret@db:5432/lz"),
            "postgres://lz:***@db:5432/lz"
        );
        assert_eq!(redact_url("postgres://lz@db/lz"), "postgres://lz@db/lz");
        assert_eq!(redact_url("sqlite://./data/x.db"), "sqlite://./data/x.db");
        assert_eq!(
            redact_path("https://firms.example/api/area/csv/0123abcd/VIIRS_SNPP_NRT/world/1"),
            "https://firms.example/***"
        );
    }

    #[test]
    fn flags_beat_the_file_which_beats_defaults() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("lz.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\ndatabase = \"sqlite://f.db\"\n",
        )
        .expect("write");
        let args = ConfigArgs {
            config: Some(path.clone()),
            database: Some("sqlite://flag.db".into()),
            ..ConfigArgs::default()
        };
        let c = Config::resolve(&args).expect("config");
        assert_eq!(c.database, "sqlite://flag.db");
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.public_base_url, ServerConfig::default().public_base_url);
        assert_eq!((c.firms_every_minutes, c.camera_poll_seconds), (60, 60));
        assert_eq!(c.data_dir, PathBuf::from("."), "beside the database");
        assert_eq!(
            c.zone(),
            linzhang_domain::Zone::china(),
            "China time by default"
        );
        let bad = ConfigArgs {
            utc_offset: Some("Beijing".into()),
            ..ConfigArgs::default()
        };
        let e = Config::resolve(&bad).expect_err("not an offset");
        assert!(e.to_string().contains("+08:00"), "{e}");
        assert_eq!(
            default_data_dir("sqlite:///var/lib/lz/lz.db?mode=rwc"),
            PathBuf::from("/var/lib/lz")
        );
        assert_eq!(
            default_data_dir("postgres://lz@db/lz"),
            PathBuf::from("./data")
        );
        std::fs::write(&path, "bogus = 1\n").expect("write");
        let err = Config::resolve(&args).expect_err("unknown key");
        assert!(format!("{err:#}").contains("lz.toml"));
    }
}
