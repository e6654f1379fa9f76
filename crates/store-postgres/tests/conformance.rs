//! The store conformance suite on PostgreSQL. Runs when `LINZHANG_TEST_PG` names a server
//! (e.g. `postgres://postgres@127.0.0.1:5432`); each test gets a database of its own, dropped
//! afterwards. CI always sets it, and `.ci/run` fails when the server is not reachable.

use linzhang_store::SqlStore;
use sqlx::Connection;

fn server() -> Option<String> {
    std::env::var("LINZHANG_TEST_PG")
        .ok()
        .map(|s| s.trim_end_matches('/').to_owned())
        .filter(|s| !s.is_empty())
}

async fn admin(server: &str) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to LINZHANG_TEST_PG")
}

async fn open() -> Option<(SqlStore, String)> {
    let Some(server) = server() else {
        eprintln!("LINZHANG_TEST_PG is not set: PostgreSQL conformance skipped");
        return None;
    };
    let name = format!("linzhang_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = admin(&server).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let store = linzhang_store_postgres::open(&format!("{server}/{name}"))
        .await
        .expect("open postgres");
    Some((store, name))
}

async fn close(store: SqlStore, name: String) {
    store.close().await;
    if let Some(server) = server() {
        let mut conn = admin(&server).await;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .execute(&mut conn)
        .await
        .expect("drop test database");
    }
}

linzhang_store::conformance_tests!(open, close);
