//! Inspections (督察): findings kept with the inspection, each of which may become one contact
//! sheet to the inspected grid; the result circulated (通报) once.

use linzhang_domain::contact_sheet::InspectionKind;
use linzhang_domain::{GridCode, Scope};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{
    date, found, get, get_date, get_instant, get_json, get_parsed, get_uuid, ms, some,
};
use super::{SqlStore, audit, sheets};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::sheets::{ContactSheet, Finding, Inspection, NewContactSheet, NewInspection};

const SELECT: &str = "SELECT i.id, i.kind, i.title, i.by_grid, i.target_grid, \
    gt.name AS target_grid_name, i.inspected_on, i.inspectors, i.findings, i.circulated_at, \
    i.created_by, i.created_at FROM inspections i JOIN grids gt ON gt.code = i.target_grid \
    JOIN grids gb ON gb.code = i.by_grid";

const IN_SCOPE: &str = "(gt.path LIKE $1 OR gb.path LIKE $1)";

fn from_row(r: &AnyRow) -> StoreResult<Inspection> {
    let circulated: Option<i64> = get(r, "circulated_at")?;
    Ok(Inspection {
        id: get_uuid(r, "id")?,
        kind: get_parsed(r, "kind", some(InspectionKind::parse))?,
        title: get(r, "title")?,
        by_grid: get_parsed(r, "by_grid", GridCode::parse)?,
        target_grid: get_parsed(r, "target_grid", GridCode::parse)?,
        target_grid_name: get(r, "target_grid_name")?,
        inspected_on: get_date(r, "inspected_on")?,
        inspectors: get_json(r, "inspectors")?,
        findings: get_json(r, "findings")?,
        circulated_at: circulated.map(super::rows::from_ms).transpose()?,
        created_by: get(r, "created_by")?,
        created_at: get_instant(r, "created_at")?,
    })
}

pub async fn one(conn: &mut AnyConnection, scope: &Scope, id: Uuid) -> StoreResult<Inspection> {
    let sql = format!("{SELECT} WHERE i.id = $2 AND {IN_SCOPE}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    found(row.as_ref(), from_row, "inspection")
}

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Rejected(e.to_string()))
}

pub async fn create(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    n: &NewInspection,
) -> StoreResult<Inspection> {
    if n.title.trim().is_empty() {
        return Err(StoreError::Rejected("an inspection needs a title".into()));
    }
    if n.findings.iter().any(|f| f.text.trim().is_empty()) {
        return Err(StoreError::Rejected("a finding needs text".into()));
    }
    let findings: Vec<Finding> = n
        .findings
        .iter()
        .map(|f| Finding {
            sheet_id: None,
            ..f.clone()
        })
        .collect();
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &n.by_grid).await?;
    path_in_scope(&mut tx, scope, &n.target_grid).await?;
    sqlx::query(
        "INSERT INTO inspections (id, kind, title, by_grid, target_grid, inspected_on, \
         inspectors, findings, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(n.id.to_string())
    .bind(n.kind.as_str())
    .bind(n.title.trim())
    .bind(n.by_grid.as_str())
    .bind(n.target_grid.as_str())
    .bind(date(n.inspected_on))
    .bind(to_json(&n.inspectors)?)
    .bind(to_json(&findings)?)
    .bind(ctx.actor.username.clone())
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "inspection"))?;
    let e = audit::entry(
        ctx,
        "inspection.create",
        format!("inspection:{}", n.id),
        None,
        audit::json(n),
    );
    audit::insert(&mut tx, &e).await?;
    let out = one(&mut tx, scope, n.id).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn list(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<Inspection>> {
    let sql =
        format!("{SELECT} WHERE {IN_SCOPE} ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1000");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn sheet_from_finding(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
    index: usize,
    sheet: &NewContactSheet,
) -> StoreResult<ContactSheet> {
    let mut tx = db.begin().await?;
    let inspection = one(&mut tx, scope, id).await?;
    let mut findings = inspection.findings.clone();
    let finding = findings
        .get_mut(index)
        .ok_or(StoreError::not_found("finding"))?;
    if finding.sheet_id.is_some() {
        return Err(StoreError::Conflict {
            what: "contact sheet of this finding",
        });
    }
    finding.sheet_id = Some(sheet.id);
    let created = sheets::create(&mut tx, ctx, scope, sheet).await?;
    sqlx::query("UPDATE inspections SET findings = $1 WHERE id = $2")
        .bind(to_json(&findings)?)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn circulate(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
) -> StoreResult<Inspection> {
    let mut tx = db.begin().await?;
    let before = one(&mut tx, scope, id).await?;
    if before.circulated_at.is_some() {
        return Err(StoreError::Rejected(
            "the inspection's result was circulated already".into(),
        ));
    }
    sqlx::query("UPDATE inspections SET circulated_at = $1 WHERE id = $2")
        .bind(ms(ctx.at))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let e = audit::entry(
        ctx,
        "inspection.circulate",
        format!("inspection:{id}"),
        None,
        None,
    );
    audit::insert(&mut tx, &e).await?;
    let out = one(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(out)
}
