//! From store records to wire types.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use linzhang_store as store;
use uuid::Uuid;

use super::views::{GridSummary, PersonSummary, PostView, StaffView, TermView, UserView};
use crate::error::ApiError;
use crate::state::AppState;

pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_date(s: &str, field: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request("invalid_date", format!("{field} must be YYYY-MM-DD")))
}

pub fn parse_uuid(s: &str, field: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s)
        .map_err(|_| ApiError::bad_request("invalid_id", format!("{field} is not an id")))
}

pub fn parse_grid(s: &str) -> Result<linzhang_domain::GridCode, ApiError> {
    linzhang_domain::GridCode::parse(s)
        .map_err(|e| ApiError::bad_request("invalid_grid_code", e.to_string()))
}

pub fn grid(g: &store::Grid) -> GridSummary {
    GridSummary {
        code: g.code.to_string(),
        name: g.name.clone(),
        level: g.level,
        parent_code: g.parent_code.as_ref().map(ToString::to_string),
        child_count: g.child_count,
        generated: g.generated,
    }
}

fn person_ref(p: &store::PersonRef) -> PersonSummary {
    PersonSummary {
        id: p.id.to_string(),
        name: p.name.clone(),
        phone: p.phone.clone(),
    }
}

pub fn term(t: &store::Term) -> TermView {
    TermView {
        id: t.id.to_string(),
        person: person_ref(&t.person),
        start_date: date(t.start_date),
        end_date: t.end_date.map(date),
    }
}

/// Chinese labels of codes, from the current code tables.
#[derive(Debug, Default)]
pub struct Labels(std::collections::HashMap<(String, String), String>);

impl Labels {
    pub async fn load(state: &AppState, tables: &[&str]) -> Result<Self, ApiError> {
        let mut map = std::collections::HashMap::new();
        for name in tables {
            match state.store.code_table(name, None).await {
                Ok(t) => {
                    for e in t.table.entries {
                        map.insert(((*name).to_owned(), e.code), e.name_zh);
                    }
                }
                Err(store::StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Self(map))
    }

    /// Whether `table` has `code`.
    pub fn has(&self, table: &str, code: &str) -> bool {
        self.0.contains_key(&(table.to_owned(), code.to_owned()))
    }

    /// The label of `code` in `table`, or the code itself when the table lacks it.
    pub fn get(&self, table: &str, code: &str) -> String {
        self.0
            .get(&(table.to_owned(), code.to_owned()))
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }
}

pub fn post(p: &store::PostWithHolder, labels: &Labels) -> PostView {
    PostView {
        id: p.post.id.to_string(),
        grid_code: p.post.grid_code.to_string(),
        kind: p.post.kind,
        kind_name: labels.get("post_kind", p.post.kind.as_str()),
        title: p.post.title.clone(),
        duties: p.post.duties.clone(),
        holder: p.holder.as_ref().map(term),
    }
}

pub fn staff(s: &store::Staff, labels: &Labels) -> StaffView {
    StaffView {
        id: s.id.to_string(),
        person: person_ref(&s.person),
        kind: s.kind,
        kind_name: labels.get("staff_kind", s.kind.as_str()),
        unit: s.unit.clone(),
        team_name: s.team_name.clone(),
        start_date: date(s.start_date),
        end_date: s.end_date.map(date),
    }
}

pub fn user(u: &store::User) -> UserView {
    UserView {
        id: u.id.to_string(),
        username: u.username.clone(),
        role: u.role,
        grid_code: u.grid_code.to_string(),
        grid_name: u.grid_name.clone(),
        must_change_password: u.must_change_password,
        disabled: u.login.disabled,
        locked_until: u.login.locked_until.map(instant),
        person_id: u.person_id.map(|p| p.to_string()),
        department: u.department.clone(),
    }
}
