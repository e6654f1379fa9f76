//! Notifications leaving the platform: group-chat robots configured on a grid receive what its
//! people are told, in each robot's format, through an outbox that retries a robot that is
//! down; urgent messages are also texted. An "outside" HTTP server plays WeCom and DingTalk.

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::routing::post;
use common::{TestApp, code};
use linzhang_domain::Role;
use linzhang_server::ServerConfig;
use linzhang_server::outbound::{Round, SmsSender, deliver_due};
use serde_json::{Value, json};

type Posts = Arc<Mutex<Vec<(String, String)>>>;

/// Records a post; WeCom's first one fails with HTTP 500.
async fn record(
    State(posts): State<Posts>,
    OriginalUri(uri): OriginalUri,
    body: String,
) -> (StatusCode, String) {
    let mut all = posts.lock().expect("lock");
    all.push((uri.to_string(), body));
    let wecom_posts = all.iter().filter(|(u, _)| u.starts_with("/wecom")).count();
    if uri.path() == "/wecom" && wecom_posts == 1 {
        return (StatusCode::INTERNAL_SERVER_ERROR, "busy".into());
    }
    (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#.into())
}

/// WeCom at `/wecom` (fails its first post with HTTP 500), DingTalk at `/dingtalk`.
async fn robots() -> (String, Posts) {
    let posts: Posts = Arc::default();
    let app = Router::new()
        .route("/wecom", post(record))
        .route("/dingtalk", post(record))
        .with_state(posts.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, posts)
}

/// Keeps the text messages instead of sending them.
#[derive(Debug, Default)]
struct Texts(Mutex<Vec<(String, String)>>);

#[async_trait]
impl SmsSender for Texts {
    async fn send(&self, to: &str, text: &str) -> Result<(), String> {
        self.0
            .lock()
            .map_err(|e| e.to_string())?
            .push((to.into(), text.into()));
        Ok(())
    }
}

/// DingTalk's signature computed by Python's standard library, as DingTalk documents it.
fn python_sign(secret: &str, timestamp: &str) -> String {
    let script = "import base64,hashlib,hmac,sys;s,t=sys.argv[1],sys.argv[2];\
                  print(base64.b64encode(hmac.new(s.encode(),f'{t}\\n{s}'.encode(),hashlib.sha256).digest()).decode())";
    let out = std::process::Command::new("python3")
        .args(["-c", script, secret, timestamp])
        .output()
        .expect("python3 runs");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// Configures a WeCom robot (all messages) and a signed DingTalk robot (urgent only) on 锡山区
/// after the refusals; answers the WeCom robot as listed.
async fn configure(app: &TestApp, base: &str, office: &str, ranger: &str) -> Value {
    // Configuration: offices of the grid only, a real address.
    let wecom = json!({"grid_code": "320205", "kind": "wecom", "name": "锡山区林长办工作群",
        "url": format!("{base}/wecom?key=abc-123")});
    assert_eq!(
        app.post(ranger, "/api/v1/webhooks", &wecom).await.status(),
        403
    );
    let jiangyin = app.token("office.jy").await;
    assert_eq!(
        app.post(&jiangyin, "/api/v1/webhooks", &wecom)
            .await
            .status(),
        404
    );
    let mut bad = wecom.clone();
    bad["url"] = json!("ftp://robot");
    assert_eq!(
        code(app.post(office, "/api/v1/webhooks", &bad).await).await,
        "bad_url"
    );
    let r = app.post(office, "/api/v1/webhooks", &wecom).await;
    assert_eq!(r.status(), 201);
    let wecom_hook: Value = r.json().await.expect("json");
    assert!(
        !wecom_hook["url"].as_str().expect("url").contains("abc-123"),
        "the key is not shown: {wecom_hook}"
    );
    let ding = json!({"grid_code": "320205", "kind": "dingtalk", "name": "锡山区应急群",
        "url": format!("{base}/dingtalk?access_token=t0k"), "secret": "SECx9", "urgent_only": true});
    assert_eq!(
        app.post(office, "/api/v1/webhooks", &ding).await.status(),
        201
    );

    wecom_hook
}

/// WeCom got both messages (one twice) in its format; DingTalk the SOS, signed.
fn check_posts(posts: &[(String, String)]) {
    let wecom_bodies: Vec<Value> = posts
        .iter()
        .filter(|(u, _)| u.starts_with("/wecom"))
        .map(|(_, b)| serde_json::from_str(b).expect("json"))
        .collect();
    assert_eq!(
        wecom_bodies.len(),
        3,
        "two messages, one of them twice: {posts:?}"
    );
    let contents: Vec<&str> = wecom_bodies
        .iter()
        .map(|b| b["markdown"]["content"].as_str().expect("markdown"))
        .collect();
    assert!(contents.iter().any(|c| c.contains("东亭一村发现盗伐")));
    assert!(
        contents
            .iter()
            .any(|c| c.contains("<font color=\"warning\">")
                && c.contains("一键求助：扭伤")
                && c.contains("https://lz.example.cn/incidents/"))
    );
    let dings: Vec<&(String, String)> = posts
        .iter()
        .filter(|(u, _)| u.starts_with("/dingtalk"))
        .collect();
    assert_eq!(dings.len(), 1, "urgent only");
    let url = url::Url::parse(&format!("http://x{}", dings[0].0)).expect("url");
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["access_token"], "t0k");
    assert_eq!(q["sign"], python_sign("SECx9", &q["timestamp"]));
    let body: Value = serde_json::from_str(&dings[0].1).expect("json");
    assert_eq!(body["msgtype"], "markdown");
}

#[tokio::test]
async fn robots_get_the_grids_messages_once_with_retries_and_urgent_ones_are_texted() {
    let (base, posts) = robots().await;
    let texts = Arc::new(Texts::default());
    let sms = texts.clone();
    let app = TestApp::start_with_state(
        &[
            ("office.xs", Role::Office, "320205"),
            ("office.jy", Role::Office, "320281"),
            ("ranger.dt", Role::Ranger, "320205001001"),
        ],
        ServerConfig {
            public_base_url: "https://lz.example.cn".into(),
            ..ServerConfig::default()
        },
        move |s| s.with_sms(sms),
    )
    .await;
    app.person_with_account("chief.xs", Role::Chief, "320205")
        .await;
    let office = app.token("office.xs").await;
    let ranger = app.token("ranger.dt").await;

    let wecom_hook = configure(&app, &base, &office, &ranger).await;

    // A normal report reaches WeCom only; an SOS reaches both.
    for (kind, priority, title) in [
        ("illegal_logging", "normal", "东亭一村发现盗伐"),
        ("sos", "urgent", "一键求助：扭伤"),
    ] {
        let r = app
            .post(
                &ranger,
                "/api/v1/incidents",
                &json!({"id": uuid::Uuid::now_v7().to_string(), "grid_code": "320205001001",
                    "kind": kind, "priority": priority, "title": title, "description": "请尽快处置"}),
            )
            .await;
        assert_eq!(r.status(), 201, "{title}");
    }

    // Round one: WeCom is busy for its first post, the rest goes through.
    let round = deliver_due(&app.state).await.expect("delivered");
    assert_eq!(
        round,
        Round {
            sent: 2,
            retried: 1,
            given_up: 0
        }
    );
    assert_eq!(
        deliver_due(&app.state).await.expect("nothing due"),
        Round::default(),
        "the retry waits"
    );
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(
        deliver_due(&app.state).await.expect("retried").sent,
        1,
        "sent on the retry"
    );

    check_posts(&posts.lock().expect("lock").clone());

    // The log shows each delivery with its attempts.
    let id = wecom_hook["id"].as_str().expect("id");
    let log: Value = app
        .get(&office, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .json()
        .await
        .expect("json");
    let log = log.as_array().expect("list");
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d["state"] == "sent"));
    let mut attempts: Vec<i64> = log
        .iter()
        .map(|d| d["attempts"].as_i64().expect("n"))
        .collect();
    attempts.sort_unstable();
    assert_eq!(attempts, vec![1, 2]);

    // The SOS was texted to the chief on file (his registry person's mobile).
    let texts = texts.0.lock().expect("lock").clone();
    assert_eq!(
        texts,
        vec![(
            "13900000000".to_owned(),
            "【林长制】【紧急】一键求助：扭伤".to_owned()
        )]
    );

    // A test message goes to one robot; removing it removes its log.
    let r = app
        .post(&office, &format!("/api/v1/webhooks/{id}/test"), &json!({}))
        .await;
    assert_eq!(r.status(), 202);
    assert_eq!(deliver_due(&app.state).await.expect("sent").sent, 1);
    let r = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/webhooks/{id}")))
        .bearer_auth(&office)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    let hooks: Value = app
        .get(&office, "/api/v1/webhooks")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(hooks.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn an_unreachable_robot_is_logged_without_its_key() {
    // A port nobody listens on any more.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let app = TestApp::start(&[("office.xs", Role::Office, "320205")]).await;
    let office = app.token("office.xs").await;
    let r = app
        .post(
            &office,
            "/api/v1/webhooks",
            &json!({"grid_code": "320205", "kind": "dingtalk", "name": "锡山区应急群",
                "url": format!("http://{closed}/robot/send?access_token=k3y-5ecret"), "secret": "SECx9"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let hook: Value = r.json().await.expect("json");
    let id = hook["id"].as_str().expect("id");
    let r = app
        .post(&office, &format!("/api/v1/webhooks/{id}/test"), &json!({}))
        .await;
    assert_eq!(r.status(), 202);
    assert_eq!(
        deliver_due(&app.state).await.expect("tried").retried,
        1,
        "nobody answers: it will be retried"
    );

    let log: Value = app
        .get(&office, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .json()
        .await
        .expect("json");
    let d = &log.as_array().expect("list")[0];
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_i64()),
        (Some("pending"), Some(1))
    );
    let error = d["last_error"].as_str().expect("an error is logged");
    assert!(!error.is_empty());
    for secret in ["k3y-5ecret", "sign=", "timestamp="] {
        assert!(!error.contains(secret), "{secret} in the log: {error}");
    }
}
