//! What every handler shares.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDate, Utc};
use linzhang_domain::{Clock, Zone};
use linzhang_raster::fire::{ClassicalDetector, Detector};
use linzhang_store::Store;

/// Server settings that handlers and jobs need.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Base of the public pages that QR codes open, e.g. `https://lz.wuxi.gov.cn`.
    pub public_base_url: String,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// A NASA FIRMS active-fire CSV to fetch on a schedule (an area URL of the FIRMS API, for
    /// a box around the city); none: hotspots arrive only by upload.
    pub firms_url: Option<String>,
    /// How often the FIRMS URL is fetched.
    pub firms_every: StdDuration,
    /// How often cameras with a snapshot URL are polled; none: never.
    pub camera_poll_every: Option<StdDuration>,
    /// Where the server keeps files it is given (uploaded imagery under `imagery/`).
    pub data_dir: std::path::PathBuf,
    /// The city's civil time: whose days, months and years the rules count.
    pub zone: Zone,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            public_base_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            firms_url: None,
            // FIRMS near-real-time data arrive within about three hours of a pass.
            firms_every: StdDuration::from_hours(1),
            camera_poll_every: Some(StdDuration::from_mins(1)),
            data_dir: "./data".into(),
            zone: Zone::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ServerConfig>,
    /// Live events for `/api/v1/events` (each subscriber filters its own).
    pub events: tokio::sync::broadcast::Sender<crate::notify::LiveEvent>,
    /// Each camera's last frame and debounce window.
    pub cameras: Arc<crate::api::cameras::CameraMemory>,
    /// The smoke and fire detector camera frames go through: the classical one unless an
    /// ONNX model is configured ([`AppState::with_detector`]).
    pub detector: Arc<dyn Detector>,
    /// Outbound HTTP (FIRMS feeds, camera snapshots, chat robots).
    pub http: reqwest::Client,
    /// Text messages for urgent notifications ([`crate::outbound::LoggingSms`] unless a
    /// gateway is plugged in with [`AppState::with_sms`]).
    pub sms: Arc<dyn crate::outbound::SmsSender>,
    /// Wakes the robot delivery job when a message is stored.
    pub deliveries: Arc<tokio::sync::Notify>,
    /// Uploaded files (photos and videos of incidents).
    pub files: Arc<dyn object_store::ObjectStore>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: ServerConfig,
        files: Arc<dyn object_store::ObjectStore>,
    ) -> Self {
        Self {
            store,
            clock,
            config: Arc::new(config),
            events: tokio::sync::broadcast::channel(1024).0,
            cameras: Arc::default(),
            detector: Arc::new(ClassicalDetector::default()),
            http: reqwest::Client::builder()
                .user_agent(concat!("linzhang/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(StdDuration::from_secs(10))
                .build()
                .unwrap_or_default(),
            sms: Arc::new(crate::outbound::LoggingSms),
            deliveries: Arc::default(),
            files,
        }
    }

    /// Today in the city's calendar.
    pub fn today(&self) -> NaiveDate {
        self.config.zone.date(self.clock.now())
    }

    /// The city's calendar day at an instant.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        self.config.zone.date(at)
    }

    /// The instant a day of the city's calendar begins.
    pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        self.config.zone.start_of(day)
    }

    /// The same state with another text-message sender (an operator's gateway).
    #[must_use]
    pub fn with_sms(mut self, sms: Arc<dyn crate::outbound::SmsSender>) -> Self {
        self.sms = sms;
        self
    }

    /// The same state with another smoke and fire detector (an ONNX model, say).
    #[must_use]
    pub fn with_detector(mut self, detector: Arc<dyn Detector>) -> Self {
        self.detector = detector;
        self
    }
}
