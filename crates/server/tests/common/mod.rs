//! A real server on a free loopback port over a fresh SQLite database, with an injected clock
//! and no background jobs.

#![allow(dead_code, reason = "each test file uses a part")]

use std::sync::Arc;

use chrono::DateTime;
use linzhang_domain::audit::Actor;
use linzhang_domain::{Clock, GridCode, ManualClock, Role, Scope};
use linzhang_server::{AppState, ServerConfig};
use linzhang_store::{NewPerson, NewUser, SqlStore, Store, WriteCtx};

pub const PASSWORD: &str = "Linzhang@2026";

pub struct TestApp {
    pub base: String,
    pub store: SqlStore,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    /// The database and the uploaded files live here.
    pub dir: tempfile::TempDir,
}

impl TestApp {
    /// A server over the conformance tree (无锡市 → 锡山区/江阴市 → 东亭/安镇 → villages) with
    /// one account per `(username, role, grid)`; a department account `dept.X` belongs to the
    /// department `X` (`nrp` when the name names none).
    pub async fn start(users: &[(&str, Role, &str)]) -> Self {
        Self::start_with(
            users,
            ServerConfig {
                public_base_url: "https://lz.example.cn".into(),
                ..ServerConfig::default()
            },
        )
        .await
    }

    /// The same with the given server settings (feeds, camera polling).
    pub async fn start_with(users: &[(&str, Role, &str)], config: ServerConfig) -> Self {
        Self::start_with_state(users, config, |s| s).await
    }

    /// The same with the application state changed before the server starts (another SMS
    /// sender, say).
    pub async fn start_with_state(
        users: &[(&str, Role, &str)],
        config: ServerConfig,
        change: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = linzhang_store_sqlite::open_path(&dir.path().join("api.db"))
            .await
            .expect("store");
        let clock = Arc::new(ManualClock::new(
            DateTime::from_timestamp(1_790_000_000, 0).expect("time"),
        ));
        linzhang_store::ensure_defaults(&store, clock.now())
            .await
            .expect("defaults");
        linzhang_store::conformance::seed_tree(&store).await;
        let hash = linzhang_server::password::hash(PASSWORD).expect("hash");
        let ctx = WriteCtx {
            actor: Actor::system("test"),
            at: clock.now(),
        };
        for (name, role, grid) in users {
            store
                .create_user(
                    &ctx,
                    &NewUser {
                        username: (*name).into(),
                        password_hash: hash.clone(),
                        role: *role,
                        grid_code: GridCode::parse(grid).expect("grid"),
                        must_change_password: false,
                        person_id: None,
                        department: department_of(name, *role),
                    },
                )
                .await
                .expect("user");
        }
        let state = AppState::new(
            Arc::new(store.clone()) as Arc<dyn Store>,
            clock.clone(),
            ServerConfig {
                data_dir: dir.path().join("data"),
                ..config
            },
            linzhang_server::local_files(&dir.path().join("files")).expect("files"),
        );
        let state = change(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        // The router without the background jobs: tests run a job when they mean to, with
        // the injected clock (`linzhang_server::jobs`).
        let app = linzhang_server::router(state.clone())
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base,
            store,
            clock,
            state,
            dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Logs in and answers the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let r = self.login(username, PASSWORD).await;
        assert_eq!(r.status(), 200, "login {username}");
        let body: serde_json::Value = r.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// An account that belongs to a new registry person of `grid`; answers the person's id.
    pub async fn person_with_account(&self, username: &str, role: Role, grid: &str) -> String {
        let ctx = WriteCtx {
            actor: Actor::system("test"),
            at: self.clock.now(),
        };
        let grid = GridCode::parse(grid).expect("grid");
        let person = self
            .store
            .create_person(
                &ctx,
                &Scope::everything(),
                &NewPerson {
                    name: username.into(),
                    phone: "13900000000".into(),
                    unit: "u".into(),
                    grid_code: grid.clone(),
                },
            )
            .await
            .expect("person");
        self.store
            .create_user(
                &ctx,
                &NewUser {
                    username: username.into(),
                    password_hash: linzhang_server::password::hash(PASSWORD).expect("hash"),
                    role,
                    grid_code: grid,
                    must_change_password: false,
                    person_id: Some(person.id),
                    department: None,
                },
            )
            .await
            .expect("user");
        person.id.to_string()
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("send")
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("send")
    }

    pub async fn post(
        &self,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("send")
    }
}

/// The error code of an error answer.
pub async fn code(r: reqwest::Response) -> String {
    let body: serde_json::Value = r.json().await.expect("json error body");
    assert!(
        body["message"].is_string(),
        "errors carry a message: {body}"
    );
    body["code"].as_str().expect("code").to_owned()
}

/// The department of a test account: `dept.police` → `police`; `dept` → `nrp`.
fn department_of(username: &str, role: Role) -> Option<String> {
    (role == Role::Department).then(|| username.strip_prefix("dept.").unwrap_or("nrp").to_owned())
}
