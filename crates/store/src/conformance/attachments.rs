//! Stories of attachments, told for each owner (incidents and change spots): a retried upload
//! is stored once, scope hides them, an id cannot move to another owner.

use linzhang_domain::Scope;
use linzhang_domain::attachment::{MediaType, Owner};

use super::{
    IncidentSource, NewIncident, Priority, SqlStore, Store, StoreError, Uuid, code, ctx,
    is_not_found, seed_tree, t0,
};
use crate::Attachment;
use crate::spots::{NewChangeBatch, NewChangeSpot};

fn incident(grid: &str) -> NewIncident {
    NewIncident {
        id: linzhang_domain::ids::new_id(),
        grid_code: code(grid),
        kind: "fire".into(),
        pest: None,
        source: IncidentSource::Ranger,
        priority: Priority::Urgent,
        title: "山林冒烟".into(),
        description: String::new(),
        lon: Some(120.31),
        lat: Some(31.62),
        due: chrono::Duration::hours(2),
    }
}

fn photo(owner: Owner) -> Attachment {
    let id = linzhang_domain::ids::new_id();
    let o = owner.id();
    Attachment {
        id,
        owner,
        media_type: MediaType::Jpeg,
        size_bytes: 48_213,
        sha256: "ab".repeat(32),
        object_key: format!("files/{o}/{id}"),
        thumbnail_key: Some(format!("files/{o}/{id}.thumb.jpg")),
        width: Some(1024),
        height: Some(768),
        file_name: Some("IMG_0001.jpg".into()),
        uploaded_by: None,
        uploaded_at: t0(),
    }
}

/// The story, for two owners of one kind in `village`; `other` does not see them.
async fn stored_once_and_scoped(
    s: &SqlStore,
    village: &Scope,
    other: &Scope,
    first: Owner,
    second: Owner,
) {
    let a = photo(first);
    let (stored, created) = s.attach(&ctx(), village, &a).await.unwrap();
    assert!(created);
    assert_eq!(stored.owner, first);
    assert_eq!(stored.media_type, MediaType::Jpeg);
    assert_eq!(stored.width, Some(1024));
    assert_eq!(stored.uploaded_by.as_deref(), Some("tester"));
    assert_eq!(stored.uploaded_at, t0());

    // The phone did not hear the answer and sends the photo again.
    let (again, created) = s.attach(&ctx(), village, &a).await.unwrap();
    assert!(!created);
    assert_eq!(again, stored);
    let list = s.attachments(village, first).await.unwrap();
    assert_eq!(list, vec![stored.clone()]);
    assert_eq!(s.attachment(village, first, a.id).await.unwrap(), stored);

    // The same id may not reappear on another owner.
    let mut moved = a.clone();
    moved.owner = second;
    assert!(matches!(
        s.attach(&ctx(), village, &moved).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(s.attachments(village, second).await.unwrap().is_empty());
    // Nor under the wrong owner when read.
    assert!(is_not_found(&s.attachment(village, second, a.id).await));

    // Outside the owner's scope nothing is seen or added.
    assert!(is_not_found(&s.attachments(other, first).await));
    assert!(is_not_found(&s.attachment(other, first, a.id).await));
    assert!(is_not_found(&s.attach(&ctx(), other, &photo(first)).await));
    // An empty file is refused.
    let mut empty = photo(first);
    empty.size_bytes = 0;
    assert!(matches!(
        s.attach(&ctx(), village, &empty).await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(s.attachments(village, first).await.unwrap().len(), 1);
}

pub async fn incident_attachments_are_stored_once_and_scoped(s: &SqlStore) {
    seed_tree(s).await;
    let village = s.scope_of(&code("320205001001")).await.unwrap();
    let other = s.scope_of(&code("320205002")).await.unwrap();
    let (inc, _) = s
        .report_incident(&ctx(), &village, &incident("320205001001"))
        .await
        .unwrap();
    let (second, _) = s
        .report_incident(&ctx(), &village, &incident("320205001001"))
        .await
        .unwrap();
    stored_once_and_scoped(
        s,
        &village,
        &other,
        Owner::Incident(inc.id),
        Owner::Incident(second.id),
    )
    .await;
}

fn spot(grid: &str) -> NewChangeSpot {
    NewChangeSpot {
        id: linzhang_domain::ids::new_id(),
        geometry: vec![1, 2, 3],
        lon: 120.05,
        lat: 31.5,
        area_m2: 1_500.0,
        grid_code: code(grid),
        area_code: None,
        suspected_cause: "采伐".into(),
        attributes: serde_json::Map::new(),
    }
}

pub async fn spot_photos_are_stored_once_and_scoped(s: &SqlStore) {
    seed_tree(s).await;
    let village = s.scope_of(&code("320205001001")).await.unwrap();
    let other = s.scope_of(&code("320205002")).await.unwrap();
    let batch = NewChangeBatch {
        id: Uuid::from_u128(700),
        name: "2026年第2期".into(),
        before_date: None,
        after_date: None,
        spots: vec![spot("320205001001"), spot("320205001001")],
    };
    s.create_change_batch(&ctx(), &batch).await.unwrap();
    let first = Owner::ChangeSpot(batch.spots[0].id);
    stored_once_and_scoped(
        s,
        &village,
        &other,
        first,
        Owner::ChangeSpot(batch.spots[1].id),
    )
    .await;
    // A spot's photos are its own: the incident of the same id has none.
    assert!(is_not_found(
        &s.attachments(&village, Owner::Incident(first.id())).await
    ));
}
