//! Stories of group-chat robots: scoped configuration, an outbox that sends each message once,
//! retries that wait and give up.

use chrono::Duration;
use linzhang_domain::Scope;
use linzhang_domain::webhook::RobotKind;
use uuid::Uuid;

use super::{code, ctx, seed_tree, t0};
use crate::webhooks::{Attempt, DeliveryState, NewDelivery, Webhook};
use crate::{SqlStore, Store, StoreError};

fn robot() -> Webhook {
    Webhook {
        id: Uuid::from_u128(31),
        grid_code: code("320205"),
        kind: RobotKind::Dingtalk,
        name: "锡山区林长办群".into(),
        url: "https://oapi.dingtalk.com/robot/send?access_token=abc".into(),
        secret: Some("SECabc".into()),
        urgent_only: false,
        created_at: t0(),
    }
}

pub async fn webhook_deliveries_are_retried_then_given_up(s: &SqlStore) {
    seed_tree(s).await;
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    let hook = robot();
    // Only a user whose scope holds the grid may configure it.
    assert!(matches!(
        s.create_webhook(&ctx(), &jiangyin, &hook).await,
        Err(StoreError::NotFound { .. })
    ));
    s.create_webhook(&ctx(), &xishan, &hook).await.unwrap();
    assert_eq!(s.webhooks(&xishan).await.unwrap(), vec![hook.clone()]);
    assert!(s.webhooks(&jiangyin).await.unwrap().is_empty());
    let at = s
        .webhooks_at(&[code("320205001"), code("320205"), code("320200")])
        .await
        .unwrap();
    assert_eq!(at.len(), 1);
    assert_eq!(at[0].secret.as_deref(), Some("SECabc"));

    let d = NewDelivery {
        id: Uuid::from_u128(32),
        webhook_id: hook.id,
        title: "【紧急】一键求助".into(),
        payload: r#"{"msgtype":"markdown"}"#.into(),
    };
    s.enqueue_deliveries(&ctx(), std::slice::from_ref(&d))
        .await
        .unwrap();
    let due = s.due_deliveries(t0(), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].0.id, due[0].1.url.as_str()),
        (d.id, hook.url.as_str())
    );

    // A failure waits for its retry time.
    let later = t0() + Duration::minutes(1);
    s.record_attempt(
        d.id,
        t0(),
        &Attempt::Retry {
            error: "HTTP 502".into(),
            next_at: later,
        },
    )
    .await
    .unwrap();
    assert!(s.due_deliveries(t0(), 10).await.unwrap().is_empty());
    let due = s.due_deliveries(later, 10).await.unwrap();
    assert_eq!(due[0].0.attempts, 1);
    assert_eq!(due[0].0.last_error.as_deref(), Some("HTTP 502"));

    // Sent once: a second outcome for the same delivery is refused.
    s.record_attempt(d.id, later, &Attempt::Sent).await.unwrap();
    assert!(matches!(
        s.record_attempt(d.id, later, &Attempt::Sent).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        s.due_deliveries(later + Duration::hours(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let log = s.deliveries(&xishan, hook.id, 10).await.unwrap();
    assert_eq!(
        (log[0].state, log[0].attempts, log[0].sent_at),
        (DeliveryState::Sent, 2, Some(later))
    );
    assert!(
        s.deliveries(&jiangyin, hook.id, 10)
            .await
            .unwrap()
            .is_empty()
    );

    given_up_and_removed(s, &d).await;
}

/// A delivery given up is failed and never due again; removing the robot removes its log.
async fn given_up_and_removed(s: &SqlStore, d: &NewDelivery) {
    let all = Scope::everything();
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let hook = robot();
    let e = NewDelivery {
        id: Uuid::from_u128(33),
        ..d.clone()
    };
    s.enqueue_deliveries(&ctx(), std::slice::from_ref(&e))
        .await
        .unwrap();
    s.record_attempt(
        e.id,
        t0(),
        &Attempt::GaveUp {
            error: "errcode 310000: sign not match".into(),
        },
    )
    .await
    .unwrap();
    let log = s.deliveries(&all, hook.id, 10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .any(|x| x.id == e.id && x.state == DeliveryState::Failed)
    );
    assert!(
        s.due_deliveries(t0() + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty()
    );

    s.delete_webhook(&ctx(), &xishan, hook.id).await.unwrap();
    assert!(s.webhooks(&all).await.unwrap().is_empty());
    assert!(s.deliveries(&all, hook.id, 10).await.unwrap().is_empty());
}
