//! Store errors: what callers branch on (not found, conflict, refused by a rule) and the database
//! failures they only log.

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record in the caller's scope (records outside scope are indistinguishable from
    /// missing ones).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The record exists already or conflicts with another.
    #[error("{what} already exists")]
    Conflict { what: &'static str },
    /// A domain rule refuses the change; the message is safe to show.
    #[error("{0}")]
    Rejected(String),
    /// The database failed; details are for logs only.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Stored data could not be read back (a bug or a hand-edited database).
    #[error("corrupt stored value in {0}")]
    Corrupt(String),
}

impl StoreError {
    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound { what }
    }

    /// Maps a unique-constraint violation to [`StoreError::Conflict`].
    pub fn conflict_on_unique(err: sqlx::Error, what: &'static str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict { what },
            _ => Self::Database(err),
        }
    }
}
