//! What every new database receives.

use chrono::{DateTime, Utc};
use linzhang_domain::audit::Actor;
use linzhang_domain::codes::default_tables;

use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::store::Store;

/// Publishes the default code tables that the database does not have yet; answers how many.
/// Tables an admin has edited are left as they are.
pub async fn ensure_defaults(store: &dyn Store, at: DateTime<Utc>) -> StoreResult<usize> {
    let ctx = WriteCtx {
        actor: Actor::system("bootstrap"),
        at,
    };
    let mut published = 0;
    for table in default_tables() {
        match store.code_table(&table.name, None).await {
            Ok(_) => {}
            Err(StoreError::NotFound { .. }) => {
                store.publish_code_table(&ctx, &table).await?;
                published += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(published)
}
