//! Storage for linzhang.
//!
//! [`Store`] names operations of the domain (appoint a chief, list a grid's areas), not SQL. Every
//! read takes the caller's [`Scope`] and answers [`StoreError::NotFound`] for records outside it;
//! every write takes a [`WriteCtx`] and records itself in the audit log in the same transaction.
//!
//! [`SqlStore`] holds the SQL shared by the backends (the same text runs on SQLite and
//! PostgreSQL through sqlx's `Any` driver); each backend crate owns its connection setup and
//! migrations and hands back a `SqlStore`. [`conformance`] is the suite every backend passes.

mod attachments;
mod bootstrap;
mod cameras;
pub mod conformance;
mod error;
mod imagery;
mod layers;
mod model;
mod notices;
mod patrols;
mod reports;
mod sheets;
mod spots;
mod sql;
mod store;
mod tasks;
mod webhooks;

pub use attachments::Attachment;
pub use bootstrap::ensure_defaults;
pub use cameras::*;
pub use error::{StoreError, StoreResult};
pub use imagery::*;
pub use layers::*;
pub use linzhang_domain::Scope;
pub use model::*;
pub use notices::*;
pub use patrols::*;
pub use reports::*;
pub use sheets::*;
pub use spots::*;
pub use sql::SqlStore;
pub use store::Store;
pub use tasks::*;
pub use webhooks::*;
