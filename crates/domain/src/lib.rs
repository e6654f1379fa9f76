//! The forest chief system (林长制) as types and rules.
//!
//! Nothing here performs I/O: storage, HTTP and files live in the crates that depend on this
//! one. Names follow `docs/glossary.md`.

pub mod access;
pub mod account;
pub mod area;
pub mod attachment;
pub mod audit;
pub mod camera;
pub mod change_spot;
pub mod clock;
pub mod codes;
pub mod contact_sheet;
pub mod grid;
pub mod hotspot;
pub mod ids;
pub mod incident;
pub mod layer;
pub mod notice;
pub mod org;
pub mod patrol;
pub mod public;
pub mod report;
pub mod task;
pub mod webhook;

pub use access::{Action, Role, Scope};
pub use area::{AreaCode, FourSides};
pub use clock::{Clock, ManualClock, SystemClock, Zone};
pub use grid::{GridCode, GridCodeError, Level};
pub use incident::{IncidentAction, IncidentSource, IncidentState, Priority};
pub use org::{PostKind, StaffKind, TeamLevel};
