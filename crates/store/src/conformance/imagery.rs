//! Stories of imagery scenes: registered with who and when, listed by footprint and date,
//! deleted once, audited.

use std::collections::BTreeMap;

use chrono::Duration;
use uuid::Uuid;

use super::{ctx, date, t0};
use crate::imagery::ImageryScene;
use crate::model::AuditFilter;
use crate::{SqlStore, Store, StoreError};

fn scene(id: u128, name: &str, bounds: [f64; 4], acquired: Option<&str>) -> ImageryScene {
    ImageryScene {
        id: Uuid::from_u128(id),
        name: name.into(),
        path: format!("/data/imagery/{id}.tif"),
        sensor: Some("Sentinel-2".into()),
        acquired_on: acquired.map(date),
        bands: BTreeMap::from([("red".into(), 3), ("nir".into(), 4)]),
        crs: "EPSG:32650".into(),
        bounds,
        width: 300,
        height: 200,
        resolution: 10.0,
        stretch: serde_json::json!([{"band": 3, "low": 210.0, "high": 1480.5}]),
        registered_by: "ignored".into(),
        registered_at: t0() - Duration::days(9),
    }
}

pub async fn imagery_scenes_are_registered_listed_and_deleted(s: &SqlStore) {
    let wuxi = scene(
        1,
        "无锡 2024",
        [120.0, 31.4, 120.6, 31.8],
        Some("2024-05-01"),
    );
    let stored = s.register_imagery(&ctx(), &wuxi).await.unwrap();
    assert_eq!(stored.registered_by, "tester");
    assert_eq!(stored.registered_at, t0());
    assert_eq!(s.imagery_scene(wuxi.id).await.unwrap(), stored);

    let later = scene(
        2,
        "无锡 2025",
        [120.2, 31.5, 120.4, 31.6],
        Some("2025-05-01"),
    );
    let undated = scene(3, "江阴航拍", [120.1, 31.8, 120.5, 32.0], None);
    let far = scene(
        4,
        "Patagonia",
        [-67.7, -47.9, -67.6, -47.8],
        Some("2023-01-01"),
    );
    for x in [&later, &undated, &far] {
        s.register_imagery(&ctx(), x).await.unwrap();
    }
    let names = |list: Vec<ImageryScene>| list.into_iter().map(|x| x.name).collect::<Vec<_>>();
    assert_eq!(
        names(s.imagery_scenes(None).await.unwrap()),
        ["无锡 2025", "无锡 2024", "Patagonia", "江阴航拍"]
    );
    // Boxes that meet, touch and miss the footprints.
    assert_eq!(
        names(
            s.imagery_scenes(Some([120.3, 31.55, 120.35, 31.58]))
                .await
                .unwrap()
        ),
        ["无锡 2025", "无锡 2024"]
    );
    assert_eq!(
        names(
            s.imagery_scenes(Some([120.5, 31.8, 121.0, 32.0]))
                .await
                .unwrap()
        ),
        ["无锡 2024", "江阴航拍"]
    );
    assert!(
        s.imagery_scenes(Some([0.0, 0.0, 1.0, 1.0]))
            .await
            .unwrap()
            .is_empty()
    );

    // The same id twice, a blank name or an inverted box change nothing.
    assert!(matches!(
        s.register_imagery(&ctx(), &wuxi).await,
        Err(StoreError::Conflict { .. })
    ));
    let blank = scene(5, " ", [0.0, 0.0, 1.0, 1.0], None);
    assert!(matches!(
        s.register_imagery(&ctx(), &blank).await,
        Err(StoreError::Rejected(_))
    ));
    let inverted = scene(6, "x", [1.0, 0.0, 0.0, 1.0], None);
    assert!(matches!(
        s.register_imagery(&ctx(), &inverted).await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(s.imagery_scenes(None).await.unwrap().len(), 4);

    let removed = s.delete_imagery(&ctx(), far.id).await.unwrap();
    assert_eq!(removed.path, far.path);
    assert!(matches!(
        s.imagery_scene(far.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.delete_imagery(&ctx(), far.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let filter = |action: &str| AuditFilter {
        action: Some(action.into()),
        limit: 10,
        ..AuditFilter::default()
    };
    assert_eq!(s.audit(&filter("imagery.register")).await.unwrap().len(), 4);
    assert_eq!(s.audit(&filter("imagery.delete")).await.unwrap().len(), 1);
}
