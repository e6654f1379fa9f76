//! The store conformance suite on SQLite (always runs).

use linzhang_store::SqlStore;
use tempfile::TempDir;

async fn open() -> Option<(SqlStore, TempDir)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = linzhang_store_sqlite::open_path(&dir.path().join("test.db"))
        .await
        .expect("open sqlite");
    Some((store, dir))
}

async fn close(store: SqlStore, dir: TempDir) {
    store.close().await;
    drop(dir);
}

linzhang_store::conformance_tests!(open, close);

#[tokio::test]
async fn wal_and_full_sync_are_on() {
    let (store, dir) = open().await.expect("store");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(store.pool())
        .await
        .expect("pragma");
    assert_eq!(sync, 2, "synchronous = FULL");
    close(store, dir).await;
}

#[test]
fn urls_name_files() {
    assert_eq!(
        linzhang_store_sqlite::path_of("sqlite://./data/linzhang.db").expect("path"),
        std::path::PathBuf::from("./data/linzhang.db")
    );
    assert!(linzhang_store_sqlite::path_of("postgres://x").is_err());
}
