//! Accounts at the HTTP edge: password hashing, sessions (cookie or bearer), the caller
//! extractor that every protected handler takes, and the `/api/v1/auth` routes.

mod caller;
pub mod password;
pub mod routes;
mod tokens;

pub use caller::Caller;
