//! What every handler shares.

use std::sync::Arc;

use linzhang_domain::Clock;
use linzhang_store::Store;

/// Server settings that handlers need.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Base of the public pages that QR codes open, e.g. `https://lz.wuxi.gov.cn`.
    pub public_base_url: String,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
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
            files,
        }
    }
}
