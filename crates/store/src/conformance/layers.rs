//! Stories of the one map's layers: imports in one transaction, statistics at every level,
//! features by scope, box and property, withdrawal.

use linzhang_domain::Scope;
use linzhang_domain::layer::Placement;
use serde_json::json;

use super::{ctx, seed_tree};
use crate::layers::{FeatureFilter, NewFeature, NewLayerImport};
use crate::{SqlStore, Store, StoreError};

const VILLAGE_1: &str = "/320200/320205/320205001/320205001001/";
const VILLAGE_2: &str = "/320200/320205/320205001/320205001002/";
const JIANGYIN: &str = "/320200/320281/";

fn feature(
    index: i64,
    x: f64,
    props: &serde_json::Value,
    area: f64,
    grids: &[(&str, f64)],
) -> NewFeature {
    NewFeature {
        id: linzhang_domain::ids::new_id(),
        source_index: index,
        geometry: vec![1, 2, 3],
        bbox: [x, 31.5, x + 0.01, 31.51],
        area_m2: area,
        volume_m3: 50.0,
        properties: props.as_object().cloned().unwrap_or_default(),
        placement: Placement {
            grids: grids.iter().map(|(p, m2)| ((*p).to_owned(), *m2)).collect(),
            areas: vec![],
        },
    }
}

fn import(features: Vec<NewFeature>) -> NewLayerImport {
    NewLayerImport {
        id: linzhang_domain::ids::new_id(),
        layer: "subcompartment".into(),
        year: 2025,
        source: "xb.shp".into(),
        srs: "EPSG:4549".into(),
        warnings: 0,
        features,
    }
}

fn filter() -> FeatureFilter {
    FeatureFilter {
        layer: "subcompartment".into(),
        year: 2025,
        limit: 100,
        ..FeatureFilter::default()
    }
}

pub async fn layers_import_count_and_stay_in_scope(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let split = feature(
        0,
        120.0,
        &json!({"di_lei": "0111", "ling_zu": "2"}),
        1000.0,
        &[(VILLAGE_1, 600.0), (VILLAGE_2, 400.0)],
    );
    let split_id = split.id;
    let bamboo = feature(
        1,
        121.0,
        &json!({"di_lei": "0113"}),
        500.0,
        &[(JIANGYIN, 500.0)],
    );
    let done = s
        .import_layer(&ctx(), &all, &import(vec![split, bamboo]))
        .await
        .unwrap();
    assert_eq!(done.features, 2);
    assert_eq!(s.layer_years("subcompartment").await.unwrap(), vec![2025]);

    check_statistics(s).await;
    check_scope_and_filters(s, split_id, done.id).await;
    check_refusal_and_withdrawal(s, done.id).await;
}

async fn check_statistics(s: &SqlStore) {
    let all = Scope::everything();
    // Statistics at every level, split features by their share.
    let stat = |rows: &[crate::LayerStat], dim: &str, value: &str| {
        rows.iter()
            .find(|r| r.dimension == dim && r.value == value)
            .map(|r| (r.area_m2, r.volume_m3, r.features))
    };
    let town = s
        .layer_stats(&all, "subcompartment", 2025, "320205001")
        .await
        .unwrap();
    assert_eq!(stat(&town, "", ""), Some((1000.0, 50.0, 1)));
    let village = s
        .layer_stats(&all, "subcompartment", 2025, "320205001002")
        .await
        .unwrap();
    assert_eq!(stat(&village, "land_class", "0111"), Some((400.0, 20.0, 1)));
    let city = s
        .layer_stats(&all, "subcompartment", 2025, "320200")
        .await
        .unwrap();
    assert_eq!(stat(&city, "", ""), Some((1500.0, 100.0, 2)));
    assert_eq!(stat(&city, "land_class", "0113"), Some((500.0, 50.0, 1)));
    assert_eq!(stat(&city, "age_group", "2"), Some((1000.0, 50.0, 1)));
}

async fn check_scope_and_filters(s: &SqlStore, split_id: uuid::Uuid, import_id: uuid::Uuid) {
    let all = Scope::everything();
    let xishan = s.scope_of(&super::code("320205")).await.unwrap();
    // Scope: 锡山区 sees its feature and its statistics only.
    let r = s
        .layer_stats(&xishan, "subcompartment", 2025, "320281")
        .await;
    assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
    let seen = s.features(&xishan, &filter()).await.unwrap();
    assert_eq!(
        seen.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![split_id]
    );
    assert_eq!(s.feature_count(&all, &filter()).await.unwrap(), 2);
    let (one, placement) = s.feature(&xishan, split_id).await.unwrap();
    assert_eq!(one.properties["di_lei"], json!("0111"));
    assert_eq!(placement.grids.len(), 2);
    let r = s.feature(&xishan, import_id).await;
    assert!(matches!(r, Err(StoreError::NotFound { .. })));

    // Box and property filters.
    let near = FeatureFilter {
        bbox: Some([120.005, 31.505, 120.2, 31.6]),
        ..filter()
    };
    assert_eq!(s.features(&all, &near).await.unwrap().len(), 1);
    let far = FeatureFilter {
        bbox: Some([100.0, 20.0, 100.1, 20.1]),
        ..filter()
    };
    assert_eq!(s.feature_count(&all, &far).await.unwrap(), 0);
    let bamboo_only = FeatureFilter {
        properties: vec![("di_lei".into(), "0113".into())],
        ..filter()
    };
    assert_eq!(s.feature_count(&all, &bamboo_only).await.unwrap(), 1);
    let unknown = FeatureFilter {
        properties: vec![("nope".into(), "1".into())],
        ..filter()
    };
    assert!(matches!(
        s.features(&all, &unknown).await,
        Err(StoreError::Rejected(_))
    ));
    let first = s
        .features(
            &all,
            &FeatureFilter {
                limit: 1,
                ..filter()
            },
        )
        .await
        .unwrap();
    let rest = FeatureFilter {
        after: Some(first[0].id),
        ..filter()
    };
    let rest = s.features(&all, &rest).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].id > first[0].id);
    let paged = FeatureFilter {
        limit: 1,
        offset: 1,
        ..filter()
    };
    assert_eq!(s.features(&all, &paged).await.unwrap().len(), 1);
}

async fn check_refusal_and_withdrawal(s: &SqlStore, import_id: uuid::Uuid) {
    let all = Scope::everything();
    let xishan = s.scope_of(&super::code("320205")).await.unwrap();
    // A scoped import with a feature outside the scope changes nothing.
    let outside = feature(0, 121.0, &json!({}), 10.0, &[(JIANGYIN, 10.0)]);
    let r = s
        .import_layer(&ctx(), &xishan, &import(vec![outside]))
        .await;
    assert!(matches!(r, Err(StoreError::Rejected(_))), "{r:?}");
    assert_eq!(s.feature_count(&all, &filter()).await.unwrap(), 2);

    // Withdrawal: only within scope; it takes the features and the statistics with it.
    let r = s.withdraw_import(&ctx(), &xishan, import_id).await;
    assert!(matches!(r, Err(StoreError::NotFound { .. })));
    assert_eq!(
        s.layer_imports(&all, "subcompartment").await.unwrap().len(),
        1
    );
    s.withdraw_import(&ctx(), &all, import_id).await.unwrap();
    assert_eq!(s.feature_count(&all, &filter()).await.unwrap(), 0);
    assert!(
        s.layer_stats(&all, "subcompartment", 2025, "320200")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.layer_years("subcompartment").await.unwrap().is_empty());
    let audit = s.audit(&crate::AuditFilter::default()).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "layer.import"));
    assert!(audit.iter().any(|a| a.action == "layer.withdraw"));
}
