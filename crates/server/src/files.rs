//! Where uploaded files live: an object store (DESIGN: local folder by default, S3-compatible
//! when configured). Handlers see only `dyn ObjectStore`, so another backend is a matter of
//! configuration. Files travel as streams: uploads are received while they stream in (a photo
//! is kept in memory for its thumbnail, at most 20 MB; a video is written through in parts and
//! is never whole in memory), and files are served as streams, with byte ranges so that a
//! browser can seek in a video.
//!
//! The store is a folder or an S3-compatible bucket ([`open_files`]): `MinIO`, Ceph and the
//! Chinese clouds' object storage speak the S3 protocol.

use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use linzhang_domain::attachment::{MediaKind, MediaType, SNIFF_BYTES};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetRange, ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// Files kept in a folder on this machine (created when missing).
pub fn local_files(dir: &Path) -> std::io::Result<Arc<dyn ObjectStore>> {
    std::fs::create_dir_all(dir)?;
    let store = LocalFileSystem::new_with_prefix(dir).map_err(std::io::Error::other)?;
    Ok(Arc::new(store))
}

/// Opens where uploaded files live: a folder (`/srv/lz/files`, `file:///srv/lz/files`) or an
/// S3-compatible bucket (`s3://bucket` or `s3://bucket/prefix`), its endpoint, region and keys
/// from the standard `AWS_*` environment variables (`AWS_ENDPOINT`, `AWS_REGION`,
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP` …) with `options` (the
/// same keys in lower case without `aws_`, e.g. `endpoint`) taking precedence.
pub fn open_files(
    location: &str,
    options: &[(&str, &str)],
) -> std::io::Result<Arc<dyn ObjectStore>> {
    let Some(rest) = location.strip_prefix("s3://") else {
        let dir = location.strip_prefix("file://").unwrap_or(location);
        return local_files(Path::new(dir));
    };
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(std::io::Error::other(format!(
            "{location}: an S3 location names its bucket: s3://bucket[/prefix]"
        )));
    }
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    for (key, value) in options {
        let key: AmazonS3ConfigKey = key
            .parse()
            .map_err(|e| std::io::Error::other(format!("S3 option {key}: {e}")))?;
        builder = builder.with_config(key, *value);
    }
    let s3 = builder
        .build()
        .map_err(|e| std::io::Error::other(format!("{location}: {e}")))?;
    let prefix = prefix.trim_matches('/');
    Ok(if prefix.is_empty() {
        Arc::new(s3)
    } else {
        Arc::new(PrefixStore::new(s3, prefix))
    })
}

/// Parts a video is written in.
const PART_BYTES: usize = 8 * 1024 * 1024;

/// An upload as received.
pub struct Received {
    pub media: MediaType,
    pub size: u64,
    pub sha256: String,
    /// Where the file is (or is to be) stored: `{stem}.{jpeg|png|webp|mp4}`.
    pub key: String,
    /// A photo's bytes, not yet stored (its thumbnail is made first); `None`: a video, stored.
    pub photo: Option<Bytes>,
}

fn unsupported() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "only JPEG, PNG and WebP photos and MP4 videos are accepted",
    )
}

fn too_large(m: MediaType) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        format!(
            "a {} may be at most {} MB",
            m.as_str(),
            m.max_bytes() / (1024 * 1024)
        ),
    )
}

fn cut_off() -> ApiError {
    ApiError::bad_request("body_unreadable", "the upload was cut off; send it again")
}

pub fn object_failed(e: &object_store::Error) -> ApiError {
    tracing::error!(error = %e, "object store failure");
    ApiError::internal()
}

/// Where a video is being written.
struct Writing {
    out: WriteMultipart,
    size: u64,
    hash: Sha256,
}

impl Writing {
    fn add(&mut self, bytes: &[u8], media: MediaType) -> ApiResult<()> {
        self.size += bytes.len() as u64;
        if self.size > media.max_bytes() {
            return Err(too_large(media));
        }
        self.hash.update(bytes);
        self.out.write(bytes);
        Ok(())
    }
}

/// Receives an upload: refuses what is not an accepted format as soon as its first bytes are
/// in and what grows beyond the limit of its format; writes a video to `{stem}.mp4` as it
/// arrives (a cut-off or refused one leaves nothing behind).
pub async fn receive(files: &dyn ObjectStore, stem: &str, body: Body) -> ApiResult<Received> {
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    // The first bytes, enough to tell the format.
    while head.len() < SNIFF_BYTES {
        match stream.next().await {
            Some(chunk) => head.extend_from_slice(&chunk.map_err(|_| cut_off())?),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_file",
            "the upload is empty",
        ));
    }
    let media = MediaType::sniff(&head).ok_or_else(unsupported)?;
    let key = format!("{stem}.{}", media.as_str());
    if media.kind() == MediaKind::Photo {
        let mut data = head;
        while let Some(chunk) = stream.next().await {
            data.extend_from_slice(&chunk.map_err(|_| cut_off())?);
            if data.len() as u64 > media.max_bytes() {
                return Err(too_large(media));
            }
        }
        if data.len() as u64 > media.max_bytes() {
            return Err(too_large(media));
        }
        return Ok(Received {
            media,
            size: data.len() as u64,
            sha256: hex::encode(Sha256::digest(&data)),
            key,
            photo: Some(Bytes::from(data)),
        });
    }
    let upload = files
        .put_multipart(&ObjectPath::from(key.as_str()))
        .await
        .map_err(|e| object_failed(&e))?;
    let mut w = Writing {
        out: WriteMultipart::new_with_chunk_size(upload, PART_BYTES),
        size: 0,
        hash: Sha256::new(),
    };
    let mut next = Some(Bytes::from(head));
    let result = loop {
        let Some(bytes) = next.take() else {
            break Ok(());
        };
        if let Err(e) = w.add(&bytes, media) {
            break Err(e);
        }
        if let Err(e) = w.out.wait_for_capacity(2).await {
            break Err(object_failed(&e));
        }
        next = match stream.next().await {
            Some(Ok(b)) => Some(b),
            Some(Err(_)) => break Err(cut_off()),
            None => None,
        };
    };
    if let Err(e) = result {
        if let Err(err) = w.out.abort().await {
            tracing::warn!(error = %err, key, "an unfinished upload could not be dropped");
        }
        return Err(e);
    }
    let (size, sha256) = (w.size, hex::encode(w.hash.finalize()));
    w.out.finish().await.map_err(|e| object_failed(&e))?;
    Ok(Received {
        media,
        size,
        sha256,
        key,
        photo: None,
    })
}

/// Serves a stored file as a stream, whole or the one byte range asked for (`Range: bytes=…`,
/// 206; 416 when it lies outside the file). Several ranges at once are served whole.
pub async fn serve(
    files: &dyn ObjectStore,
    key: &str,
    mime: &str,
    range: Option<&HeaderValue>,
) -> ApiResult<Response> {
    let path = ObjectPath::from(key);
    let meta = files.head(&path).await.map_err(|e| match e {
        object_store::Error::NotFound { .. } => {
            tracing::error!(key, "a file is missing from the object store");
            ApiError::not_found("file")
        }
        other => object_failed(&other),
    })?;
    let asked = range
        .and_then(|v| v.to_str().ok())
        .map(|v| http_range_header::parse_range_header(v).and_then(|r| r.validate(meta.size)));
    let wanted = match asked {
        Some(Ok(ranges)) if ranges.len() == 1 => Some(ranges[0].clone()),
        Some(Err(_)) => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{}", meta.size))],
            )
                .into_response());
        }
        _ => None,
    };
    let opts = GetOptions {
        range: wanted
            .as_ref()
            .map(|r| GetRange::Bounded(*r.start()..*r.end() + 1)),
        ..GetOptions::default()
    };
    let got = files
        .get_opts(&path, opts)
        .await
        .map_err(|e| object_failed(&e))?;
    let length = got.range.end - got.range.start;
    let mut response = Response::new(Body::from_stream(got.into_stream()));
    let headers = response.headers_mut();
    let value = |s: String| HeaderValue::from_str(&s).map_err(|_| ApiError::internal());
    headers.insert(header::CONTENT_TYPE, value(mime.to_owned())?);
    headers.insert(header::CONTENT_LENGTH, value(length.to_string())?);
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    // The bytes under an id never change; only the signed-in may fetch them.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(r) = wanted {
        headers.insert(
            header::CONTENT_RANGE,
            value(format!("bytes {}-{}/{}", r.start(), r.end(), meta.size))?,
        );
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
    }
    Ok(response)
}
