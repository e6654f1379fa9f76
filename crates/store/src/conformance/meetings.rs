//! Stories of meetings: recorded at a grid in scope, counted per grid for the compliance board.

use linzhang_domain::Scope;
use uuid::Uuid;

use super::{code, ctx, date, seed_tree};
use crate::patrols::Meeting;
use crate::{SqlStore, Store, StoreError};

pub async fn chief_meetings_are_counted_per_grid(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let meeting = |n: u128, grid: &str, kind: &str, day: &str| Meeting {
        id: Uuid::from_u128(n),
        grid_code: code(grid),
        kind: kind.into(),
        title: "林长会议".into(),
        held_on: date(day),
        minutes: "研究森林防火工作".into(),
        attendees: vec!["王林长".into()],
        decisions: vec!["开展春季防火检查".into()],
    };
    s.create_meeting(
        &ctx(),
        &all,
        &meeting(1, "320205001", "chief", "2026-03-01"),
    )
    .await
    .unwrap();
    s.create_meeting(
        &ctx(),
        &all,
        &meeting(2, "320205001", "office", "2026-04-01"),
    )
    .await
    .unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    let r = s
        .create_meeting(
            &ctx(),
            &jiangyin,
            &meeting(3, "320205001", "chief", "2026-05-01"),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::NotFound { .. })),
        "outside the scope"
    );
    let r = s
        .create_meeting(
            &ctx(),
            &all,
            &meeting(4, "320205001", "party", "2026-05-01"),
        )
        .await;
    assert!(matches!(r, Err(StoreError::Rejected(_))));

    let (from, to) = (date("2026-01-01"), date("2027-01-01"));
    let counts = s.meeting_counts(&all, from, to).await.unwrap();
    let town = counts
        .iter()
        .find(|c| c.grid_code == code("320205001"))
        .unwrap();
    assert_eq!(
        town.meetings, 1,
        "office meetings do not count as chief meetings"
    );
    assert!(
        counts.iter().all(|c| c.grid_code.as_str().len() <= 9),
        "no villages"
    );
    assert_eq!(s.meetings(&all, from, to).await.unwrap().len(), 2);
    assert!(s.meetings(&jiangyin, from, to).await.unwrap().is_empty());
    let last_year = s
        .meeting_counts(&all, date("2025-01-01"), from)
        .await
        .unwrap();
    assert_eq!(
        last_year
            .iter()
            .find(|c| c.grid_code == code("320205001"))
            .unwrap()
            .meetings,
        0
    );
}
