//! Stories of change spots: batches stored whole, counted and listed by scope, verified.

use linzhang_domain::Scope;
use linzhang_domain::change_spot::SpotState;
use serde_json::json;
use uuid::Uuid;

use super::{code, ctx, seed_tree};
use crate::spots::{NewChangeBatch, NewChangeSpot, Verification};
use crate::{SqlStore, Store, StoreError};

fn spot(n: u128, grid: &str) -> NewChangeSpot {
    NewChangeSpot {
        id: Uuid::from_u128(n),
        geometry: vec![1, 2, 3],
        lon: 120.05,
        lat: 31.5,
        area_m2: 1_500.0,
        grid_code: code(grid),
        area_code: None,
        suspected_cause: "采伐".into(),
        attributes: json!({"d_ndvi_mean": 0.42, "di_lei": "0111"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    }
}

pub async fn change_spots_are_batched_scoped_and_verified(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let batch = NewChangeBatch {
        id: Uuid::from_u128(100),
        name: "2026年第1期".into(),
        before_date: Some("2025-10-01".into()),
        after_date: Some("2026-04-01".into()),
        spots: vec![spot(1, "320205001001"), spot(2, "320281")],
    };
    let stored = s.create_change_batch(&ctx(), &batch).await.unwrap();
    assert_eq!(stored.spots, 2);
    let again = NewChangeBatch {
        id: Uuid::from_u128(101),
        spots: vec![],
        ..batch.clone()
    };
    assert!(matches!(
        s.create_change_batch(&ctx(), &again).await,
        Err(StoreError::Conflict { .. })
    ));

    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let listed = s.change_batches(&xishan).await.unwrap();
    assert_eq!(
        (listed.len(), listed[0].spots, listed[0].verified),
        (1, 1, 0)
    );
    let spots = s.change_spots(&all, batch.id, None).await.unwrap();
    assert_eq!(spots.iter().map(|p| p.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(spots[0].attributes["di_lei"], json!("0111"));
    assert!(matches!(
        s.change_spot(&xishan, Uuid::from_u128(2)).await,
        Err(StoreError::NotFound { .. })
    ));

    let v = Verification {
        cause: "20".into(),
        legal: Some(true),
        permit: Some("锡林采〔2026〕12号".into()),
        area_m2: Some(1_400.0),
        note: "持证采伐".into(),
        incident_id: None,
    };
    let done = s
        .verify_change_spot(&ctx(), &xishan, Uuid::from_u128(1), &v)
        .await
        .unwrap();
    assert_eq!(
        (done.state, done.legal, done.verified_cause.as_deref()),
        (SpotState::Verified, Some(true), Some("20"))
    );
    assert!(done.verified_at.is_some());
    assert!(matches!(
        s.verify_change_spot(&ctx(), &xishan, Uuid::from_u128(2), &v)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        s.change_spots(&all, batch.id, Some(SpotState::Pending))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.change_batches(&all).await.unwrap()[0].verified, 1);
}
