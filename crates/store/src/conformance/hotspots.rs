//! Stories of satellite hotspots: each detection once, listed by scope, time and box.

use chrono::{DateTime, Duration};
use linzhang_domain::Scope;
use linzhang_domain::hotspot::Hotspot;

use super::{code, ctx, seed_tree};
use crate::layers::NewHotspot;
use crate::{SqlStore, Store, StoreError};

pub async fn hotspots_are_stored_once_and_scoped(s: &SqlStore) {
    seed_tree(s).await;
    let spot = Hotspot {
        lon: 120.055,
        lat: 31.505,
        acquired_at: DateTime::from_timestamp(1_690_898_100, 0).unwrap(),
        satellite: "T".into(),
        instrument: "MODIS".into(),
        confidence: 84,
        confidence_raw: "84".into(),
        frp_mw: Some(27.9),
        brightness_k: Some(311.9),
        daynight: Some("N".into()),
    };
    let new = NewHotspot {
        hotspot: spot.clone(),
        grid_code: code("320205001001"),
        land_class: Some("0111".into()),
        forest_distance_m: Some(0.0),
        incident_id: None,
    };
    assert!(s.record_hotspot(&ctx(), &new).await.unwrap());
    assert!(
        !s.record_hotspot(&ctx(), &new).await.unwrap(),
        "the same detection again"
    );
    let all = Scope::everything();
    let long_ago = spot.acquired_at - Duration::days(1);
    let listed = s.hotspots(&all, long_ago, None, 100).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].hotspot, spot);
    assert_eq!(listed[0].land_class.as_deref(), Some("0111"));
    let later = spot.acquired_at + Duration::hours(1);
    assert!(s.hotspots(&all, later, None, 100).await.unwrap().is_empty());
    let elsewhere = Some([100.0, 20.0, 101.0, 21.0]);
    assert!(
        s.hotspots(&all, long_ago, elsewhere, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    assert!(
        s.hotspots(&jiangyin, long_ago, None, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let id = listed[0].id;
    assert_eq!(s.hotspot(&all, id).await.unwrap().id, id);
    assert!(matches!(
        s.hotspot(&jiangyin, id).await,
        Err(StoreError::NotFound { .. })
    ));
}
