//! Stories of patrols: started once, points stored once however often a phone sends them,
//! actions that repeat safely, scope, check-ins, and chief patrol counts per post.

use chrono::Duration;
use linzhang_domain::patrol::{PatrolAction, PatrolKind, PatrolState};
use linzhang_domain::{PostKind, Role, Scope};
use uuid::Uuid;

use super::{code, ctx, date, person, seed_tree, t0};
use crate::model::{NewPost, NewUser};
use crate::patrols::{NewCheckin, NewPatrol, NewTrackPoint, PatrolFilter};
use crate::{SqlStore, Store, StoreError};

async fn user(s: &SqlStore, name: &str, role: Role, grid: &str, person_id: Option<Uuid>) -> Uuid {
    let u = NewUser {
        username: name.into(),
        password_hash: "$argon2id$fake".into(),
        role,
        grid_code: code(grid),
        must_change_password: false,
        person_id,
        department: None,
    };
    s.create_user(&ctx(), &u).await.unwrap().id
}

fn points(from: usize, n: usize) -> Vec<NewTrackPoint> {
    (from..from + n)
        .map(|i| {
            let k = f64::from(u32::try_from(i).unwrap());
            NewTrackPoint {
                id: Uuid::from_u128(0xabc0_0000 + i as u128),
                t: t0() + Duration::seconds(i64::try_from(i).unwrap() * 15),
                lon: 120.05 + k * 0.0001,
                lat: 31.505,
                accuracy_m: Some(5.0),
                speed_mps: Some(1.2),
            }
        })
        .collect()
}

pub async fn patrol_tracks_are_stored_once(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let ranger = user(s, "ranger.dt", Role::Ranger, "320205001001", None).await;
    let other = user(s, "ranger.x", Role::Ranger, "320205001001", None).await;
    let new = NewPatrol {
        id: Uuid::from_u128(7),
        user_id: ranger,
        person_id: None,
        grid_code: code("320205001001"),
        kind: PatrolKind::Ranger,
        started_at: t0(),
    };
    let (p, created) = s.start_patrol(&ctx(), &all, &new).await.unwrap();
    assert!(created);
    assert_eq!(p.state, PatrolState::Active);
    assert!(
        !s.start_patrol(&ctx(), &all, &new).await.unwrap().1,
        "a retried start"
    );
    let theirs = NewPatrol {
        user_id: other,
        ..new.clone()
    };
    assert!(matches!(
        s.start_patrol(&ctx(), &all, &theirs).await,
        Err(StoreError::Conflict { .. })
    ));

    // The same batch three times, then a batch cut off half way and sent again whole.
    for _ in 0..3 {
        s.add_track_points(&ctx(), new.id, ranger, &points(0, 4))
            .await
            .unwrap();
    }
    let up = s
        .add_track_points(&ctx(), new.id, ranger, &points(0, 4))
        .await
        .unwrap();
    assert_eq!((up.stored, up.duplicates), (0, 4));
    s.add_track_points(&ctx(), new.id, ranger, &points(4, 2))
        .await
        .unwrap();
    let up = s
        .add_track_points(&ctx(), new.id, ranger, &points(4, 5))
        .await
        .unwrap();
    assert_eq!((up.stored, up.duplicates), (3, 2));
    let stored = s.track_points(&all, new.id).await.unwrap();
    assert_eq!(stored.len(), 9);
    assert!(stored.windows(2).all(|w| w[0].t < w[1].t));
    check_last_points(s, new.id, ranger, &stored).await;
    assert!(matches!(
        s.add_track_points(&ctx(), new.id, other, &points(20, 1))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let mut bad = points(30, 1);
    bad[0].lat = 131.0;
    assert!(matches!(
        s.add_track_points(&ctx(), new.id, ranger, &bad).await,
        Err(StoreError::Rejected(_))
    ));

    check_actions(s, new.id, ranger).await;
    check_scope_and_checkins(s, new.id, ranger).await;
}

/// The latest point of each patrol in one read: by time whatever the arrival order, then by id;
/// none for a patrol without points or outside the scope.
async fn check_last_points(s: &SqlStore, id: Uuid, ranger: Uuid, stored: &[NewTrackPoint]) {
    let all = Scope::everything();
    let empty = NewPatrol {
        id: Uuid::from_u128(8),
        user_id: ranger,
        person_id: None,
        grid_code: code("320205001001"),
        kind: PatrolKind::Ranger,
        started_at: t0(),
    };
    s.start_patrol(&ctx(), &all, &empty).await.unwrap();
    let last = s.last_points(&all, &[id, empty.id]).await.unwrap();
    assert_eq!(last, vec![(id, stored[8])]);
    // An earlier point arriving late changes nothing; a second fix at the same instant with a
    // greater id is the last, as the track orders them.
    let mut late = points(2, 1);
    late[0].id = Uuid::from_u128(0xabc0_1000);
    let mut twin = points(8, 1);
    twin[0].id = Uuid::from_u128(0xfff0_0000);
    twin[0].lon += 0.001;
    s.add_track_points(&ctx(), id, ranger, &[twin[0], late[0]])
        .await
        .unwrap();
    let last = s.last_points(&all, &[id]).await.unwrap();
    assert_eq!(last, vec![(id, twin[0])]);
    let track = s.track_points(&all, id).await.unwrap();
    assert_eq!(track.last(), Some(&twin[0]));
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    assert!(s.last_points(&jiangyin, &[id]).await.unwrap().is_empty());
    assert!(s.last_points(&all, &[]).await.unwrap().is_empty());
}

async fn check_actions(s: &SqlStore, id: Uuid, ranger: Uuid) {
    let all = Scope::everything();
    assert_eq!(
        s.act_on_patrol(&ctx(), id, ranger, PatrolAction::Pause)
            .await
            .unwrap()
            .state,
        PatrolState::Paused
    );
    assert_eq!(
        s.act_on_patrol(&ctx(), id, ranger, PatrolAction::Pause)
            .await
            .unwrap()
            .state,
        PatrolState::Paused
    );
    let ended = s
        .act_on_patrol(&ctx(), id, ranger, PatrolAction::End)
        .await
        .unwrap();
    assert_eq!(ended.state, PatrolState::Ended);
    let stored = s.track_points(&all, id).await.unwrap();
    assert_eq!(ended.point_count, i64::try_from(stored.len()).unwrap());
    assert!(ended.ended_at.is_some());
    assert!(matches!(
        s.act_on_patrol(&ctx(), id, ranger, PatrolAction::Resume)
            .await,
        Err(StoreError::Rejected(_))
    ));
    s.set_patrol_figures(id, 123.4, 120).await.unwrap();
    assert!((s.patrol(&all, id).await.unwrap().distance_m - 123.4).abs() < 1e-9);
}

async fn check_scope_and_checkins(s: &SqlStore, id: Uuid, ranger: Uuid) {
    let all = Scope::everything();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    let filter = PatrolFilter {
        limit: 10,
        ..PatrolFilter::default()
    };
    assert!(s.patrols(&jiangyin, &filter).await.unwrap().is_empty());
    assert!(matches!(
        s.track_points(&jiangyin, id).await,
        Err(StoreError::NotFound { .. })
    ));
    let mine = PatrolFilter {
        user_id: Some(ranger),
        kind: Some(PatrolKind::Ranger),
        ..filter
    };
    assert_eq!(
        s.patrols(&all, &mine).await.unwrap().len(),
        2,
        "this one and the one without points"
    );

    let c = NewCheckin {
        id: Uuid::from_u128(9),
        user_id: ranger,
        at: t0(),
        lon: Some(120.05),
        lat: Some(31.5),
        accuracy_m: None,
    };
    assert!(
        s.record_checkin(&ctx(), &code("320205001001"), &c)
            .await
            .unwrap()
    );
    assert!(
        !s.record_checkin(&ctx(), &code("320205001001"), &c)
            .await
            .unwrap()
    );
}

pub async fn chief_patrols_are_counted_per_post(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let chief_person = person(s, "320205001001", "王村长").await;
    let post = NewPost {
        grid_code: code("320205001001"),
        kind: PostKind::Chief,
        title: "村党委书记".into(),
        duties: "负责本村森林资源保护".into(),
    };
    let post = s.create_post(&ctx(), &all, &post).await.unwrap();
    s.appoint(&ctx(), &all, post.post.id, chief_person, date("2021-12-01"))
        .await
        .unwrap();
    let chief = user(
        s,
        "chief.v",
        Role::Chief,
        "320205001001",
        Some(chief_person),
    )
    .await;
    let walk = NewPatrol {
        id: Uuid::from_u128(11),
        user_id: chief,
        person_id: Some(chief_person),
        grid_code: code("320205001001"),
        kind: PatrolKind::Chief,
        started_at: t0(),
    };
    s.start_patrol(&ctx(), &all, &walk).await.unwrap();
    let month = (t0() - Duration::days(1), t0() + Duration::days(1));
    let counted = s.chief_patrol_counts(&all, month.0, month.1).await.unwrap();
    let mine = counted.iter().find(|c| c.post_id == post.post.id).unwrap();
    assert_eq!(mine.patrols, 0, "a patrol counts once it has ended");
    s.act_on_patrol(&ctx(), walk.id, chief, PatrolAction::End)
        .await
        .unwrap();
    let counted = s.chief_patrol_counts(&all, month.0, month.1).await.unwrap();
    let mine = counted.iter().find(|c| c.post_id == post.post.id).unwrap();
    assert_eq!((mine.patrols, mine.person_name.as_str()), (1, "王村长"));
    let later = s
        .chief_patrol_counts(&all, month.1, month.1 + Duration::days(30))
        .await
        .unwrap();
    assert_eq!(
        later
            .iter()
            .find(|c| c.post_id == post.post.id)
            .unwrap()
            .patrols,
        0
    );
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    assert!(
        s.chief_patrol_counts(&jiangyin, month.0, month.1)
            .await
            .unwrap()
            .iter()
            .all(|c| c.post_id != post.post.id)
    );
}
