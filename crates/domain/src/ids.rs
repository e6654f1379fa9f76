//! Record identifiers: `UUIDv7`, so servers and offline clients can both mint them and they sort
//! by creation time.

use uuid::Uuid;

/// A new time-ordered identifier.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
