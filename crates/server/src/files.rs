//! Where uploaded files live: an object store (DESIGN: local folder by default, S3-compatible
//! when configured). Handlers see only `dyn ObjectStore`, so another backend is a matter of
//! configuration.
//!
//! TODO: an S3-compatible store (the `aws` feature of `object_store`, `AmazonS3Builder`) chosen when
//! the configuration names a bucket; only the local folder is wired up today.

use std::path::Path;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::local::LocalFileSystem;

/// Files kept in a folder on this machine (created when missing).
pub fn local_files(dir: &Path) -> std::io::Result<Arc<dyn ObjectStore>> {
    std::fs::create_dir_all(dir)?;
    let store = LocalFileSystem::new_with_prefix(dir).map_err(std::io::Error::other)?;
    Ok(Arc::new(store))
}
