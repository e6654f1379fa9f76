//! Attachments: the record of a photo or video kept in the object store, of an incident (事件附件)
//! or of a change spot's field verification (核实照片).

use chrono::{DateTime, Utc};
use linzhang_domain::attachment::{MediaType, Owner};
use uuid::Uuid;

/// A file attached to an incident or a change spot; the bytes are in the object store under
/// `object_key` (and its thumbnail under `thumbnail_key`). The id is minted by the uploading
/// client, so a retried upload finds the stored record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Attachment {
    pub id: Uuid,
    pub owner: Owner,
    pub media_type: MediaType,
    pub size_bytes: i64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    /// Pixels, for images.
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// The file name the client gave, if any (shown, never used as a path).
    pub file_name: Option<String>,
    pub uploaded_by: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}
