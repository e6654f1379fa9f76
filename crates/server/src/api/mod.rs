//! The JSON API under `/api/v1`.

pub mod admin;
pub mod areas;
pub mod attachments;
pub mod cameras;
pub mod convert;
pub mod coverage;
pub mod grids;
pub mod hotspots;
pub mod imagery;
pub mod incidents;
pub mod inspections;
pub mod layers;
pub mod meetings;
pub mod notices;
pub mod org;
pub mod patrols;
pub mod reports;
pub mod sheets;
pub mod spots;
pub mod tasks;
pub mod views;
pub mod webhooks;
