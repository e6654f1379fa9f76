//! Stories of incident attachments: a retried upload is stored once, scope hides them, an id
//! cannot move to another incident.

use linzhang_domain::incident::attachment::MediaType;

use super::{
    IncidentSource, NewIncident, Priority, SqlStore, Store, StoreError, Uuid, code, ctx,
    is_not_found, seed_tree, t0,
};
use crate::Attachment;

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

fn photo(incident: Uuid) -> Attachment {
    let id = linzhang_domain::ids::new_id();
    Attachment {
        id,
        incident_id: incident,
        media_type: MediaType::Jpeg,
        size_bytes: 48_213,
        sha256: "ab".repeat(32),
        object_key: format!("incidents/{incident}/{id}"),
        thumbnail_key: Some(format!("incidents/{incident}/{id}.thumb.jpg")),
        width: Some(1024),
        height: Some(768),
        file_name: Some("IMG_0001.jpg".into()),
        uploaded_by: None,
        uploaded_at: t0(),
    }
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

    let a = photo(inc.id);
    let (stored, created) = s.attach_to_incident(&ctx(), &village, &a).await.unwrap();
    assert!(created);
    assert_eq!(stored.media_type, MediaType::Jpeg);
    assert_eq!(stored.width, Some(1024));
    assert_eq!(stored.uploaded_by.as_deref(), Some("tester"));
    assert_eq!(stored.uploaded_at, t0());

    // The phone did not hear the answer and sends the photo again.
    let (again, created) = s.attach_to_incident(&ctx(), &village, &a).await.unwrap();
    assert!(!created);
    assert_eq!(again, stored);
    let list = s.incident_attachments(&village, inc.id).await.unwrap();
    assert_eq!(list, vec![stored.clone()]);
    assert_eq!(
        s.incident_attachment(&village, inc.id, a.id).await.unwrap(),
        stored
    );

    // The same id may not reappear on another incident.
    let mut moved = a.clone();
    moved.incident_id = second.id;
    assert!(matches!(
        s.attach_to_incident(&ctx(), &village, &moved).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(
        s.incident_attachments(&village, second.id)
            .await
            .unwrap()
            .is_empty()
    );
    // Nor under the wrong incident when read.
    assert!(is_not_found(
        &s.incident_attachment(&village, second.id, a.id).await
    ));

    // Outside the incident's scope nothing is seen or added.
    assert!(is_not_found(&s.incident_attachments(&other, inc.id).await));
    assert!(is_not_found(
        &s.incident_attachment(&other, inc.id, a.id).await
    ));
    assert!(is_not_found(
        &s.attach_to_incident(&ctx(), &other, &photo(inc.id)).await
    ));
    // An empty file is refused.
    let mut empty = photo(inc.id);
    empty.size_bytes = 0;
    assert!(matches!(
        s.attach_to_incident(&ctx(), &village, &empty).await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(
        s.incident_attachments(&village, inc.id)
            .await
            .unwrap()
            .len(),
        1
    );
}
