//! Photos and videos taken in the field: attachments of incidents (事件附件) and photos of the
//! field verification of change spots (核实照片). What a file is comes from its first bytes
//! (magic numbers), never from the name or the declared type, and each kind has its own size
//! limit.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Owner {
    /// An incident (事件附件).
    Incident(Uuid),
    /// A change spot, photographed during its field verification (核实照片).
    ChangeSpot(Uuid),
}

impl Owner {
    pub fn id(self) -> Uuid {
        match self {
            Self::Incident(id) | Self::ChangeSpot(id) => id,
        }
    }
}

/// Largest photo accepted.
pub const MAX_PHOTO_BYTES: u64 = 20 * 1024 * 1024;
/// Largest video accepted.
pub const MAX_VIDEO_BYTES: u64 = 200 * 1024 * 1024;
/// Bytes needed to recognise every accepted format.
pub const SNIFF_BYTES: usize = 12;
/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

/// The file formats an incident accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Jpeg,
    Png,
    Webp,
    Mp4,
}

/// Photo or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Photo,
    Video,
}

impl MediaType {
    /// Recognises a file by its first bytes ([`SNIFF_BYTES`] suffice); `None` for anything
    /// else (text, PDF, executables …).
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
            Some(Self::Mp4)
        } else {
            None
        }
    }

    pub fn kind(self) -> MediaKind {
        match self {
            Self::Jpeg | Self::Png | Self::Webp => MediaKind::Photo,
            Self::Mp4 => MediaKind::Video,
        }
    }

    /// The MIME type the file is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Mp4 => "video/mp4",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Mp4 => "mp4",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            "mp4" => Some(Self::Mp4),
            _ => None,
        }
    }

    /// The largest file of this type accepted.
    pub fn max_bytes(self) -> u64 {
        match self.kind() {
            MediaKind::Photo => MAX_PHOTO_BYTES,
            MediaKind::Video => MAX_VIDEO_BYTES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_their_first_bytes() {
        assert_eq!(
            MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(
            MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaType::Png)
        );
        assert_eq!(
            MediaType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(MediaType::Webp)
        );
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x18ftypmp42"),
            Some(MediaType::Mp4)
        );
        assert_eq!(MediaType::sniff(b"hello, this is text"), None);
        assert_eq!(MediaType::sniff(b"%PDF-1.7"), None);
        assert_eq!(MediaType::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(MediaType::sniff(&[]), None);
    }

    #[test]
    fn videos_may_be_larger_than_photos() {
        assert_eq!(MediaType::Jpeg.max_bytes(), MAX_PHOTO_BYTES);
        assert_eq!(MediaType::Mp4.max_bytes(), MAX_VIDEO_BYTES);
        assert_eq!(MediaType::Webp.kind(), MediaKind::Photo);
        for t in [
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Webp,
            MediaType::Mp4,
        ] {
            assert_eq!(MediaType::parse(t.as_str()), Some(t));
        }
    }
}
