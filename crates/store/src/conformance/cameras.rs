//! Stories of cameras: unique device ids, scope, alarms decided once.

use linzhang_domain::Scope;
use uuid::Uuid;

use super::{code, ctx, seed_tree, t0};
use crate::cameras::{Camera, NewAlarm};
use crate::{SqlStore, Store, StoreError};

pub async fn camera_alarms_are_scoped_and_decided_once(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let cam = Camera {
        id: Uuid::from_u128(5),
        name: "东山瞭望塔".into(),
        device_id: "32020500001320000001".into(),
        grid_code: code("320205001001"),
        lon: 120.055,
        lat: 31.505,
        height_m: 30.0,
        heading_deg: 90.0,
        fov_deg: 60.0,
        range_m: 3_000.0,
        stream_url: None,
        snapshot_url: Some("http://10.0.0.5/snapshot.jpg".into()),
    };
    s.create_camera(&ctx(), &all, &cam).await.unwrap();
    let twin = Camera {
        id: Uuid::from_u128(6),
        ..cam.clone()
    };
    assert!(matches!(
        s.create_camera(&ctx(), &all, &twin).await,
        Err(StoreError::Conflict { .. })
    ));
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    assert!(s.cameras(&jiangyin).await.unwrap().is_empty());
    assert_eq!(s.cameras(&all).await.unwrap(), vec![cam.clone()]);

    let alarm = NewAlarm {
        id: Uuid::from_u128(7),
        camera_id: cam.id,
        at: t0(),
        verdict: "smoke".into(),
        score: 0.7,
        image: vec![137, 80, 78, 71],
    };
    s.record_alarm(&ctx(), &alarm).await.unwrap();
    let pending = s.alarms(&all, Some("pending")).await.unwrap();
    assert_eq!(
        (pending.len(), pending[0].camera_name.as_str()),
        (1, "东山瞭望塔")
    );
    assert_eq!(
        s.alarm(&all, alarm.id).await.unwrap().1,
        vec![137, 80, 78, 71]
    );
    assert!(matches!(
        s.alarm(&jiangyin, alarm.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let dismissed = s.decide_alarm(&ctx(), &all, alarm.id, None).await.unwrap();
    assert_eq!(dismissed.state, "dismissed");
    assert!(matches!(
        s.decide_alarm(&ctx(), &all, alarm.id, None).await,
        Err(StoreError::Rejected(_))
    ));
}
