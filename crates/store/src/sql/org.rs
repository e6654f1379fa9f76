//! People, posts with their terms, ranger teams and grid staff.

use chrono::NaiveDate;
use linzhang_domain::ids::new_id;
use linzhang_domain::org::{CurrentTerm, plan_appointment};
use linzhang_domain::{GridCode, PostKind, Scope, StaffKind, TeamLevel};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{
    date, found, get, get_date, get_opt_date, get_opt_uuid, get_parsed, get_uuid, ms, some,
};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::{
    NewPerson, NewPost, NewStaff, NewTeam, PeopleFilter, Person, PersonRef, Post, PostWithHolder,
    Staff, Team, Term, WriteCtx,
};

// --- people ---

fn person_from_row(r: &AnyRow) -> StoreResult<Person> {
    Ok(Person {
        id: get_uuid(r, "id")?,
        name: get(r, "name")?,
        phone: get(r, "phone")?,
        unit: get(r, "unit")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
    })
}

pub async fn create_person(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    p: &NewPerson,
) -> StoreResult<Person> {
    if p.name.trim().is_empty() {
        return Err(StoreError::Rejected("a person needs a name".into()));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &p.grid_code).await?;
    let person = Person {
        id: new_id(),
        name: p.name.trim().to_owned(),
        phone: p.phone.trim().to_owned(),
        unit: p.unit.trim().to_owned(),
        grid_code: p.grid_code.clone(),
    };
    sqlx::query(
        "INSERT INTO people (id, name, phone, unit, grid_code, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(person.id.to_string())
    .bind(person.name.as_str())
    .bind(person.phone.as_str())
    .bind(person.unit.as_str())
    .bind(person.grid_code.as_str())
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?;
    let e = audit::entry(
        ctx,
        "person.create",
        format!("person:{}", person.id),
        None,
        audit::json(&person),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(person)
}

pub(super) async fn person_in(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: Uuid,
) -> StoreResult<Person> {
    let row = sqlx::query(
        "SELECT p.id, p.name, p.phone, p.unit, p.grid_code FROM people p \
         JOIN grids g ON g.code = p.grid_code WHERE p.id = $1 AND g.path LIKE $2",
    )
    .bind(id.to_string())
    .bind(scope.like_pattern())
    .fetch_optional(conn)
    .await?;
    found(row.as_ref(), person_from_row, "person")
}

pub async fn person(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Person> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    person_in(&mut conn, scope, id).await
}

pub async fn people(db: &SqlStore, scope: &Scope, f: &PeopleFilter) -> StoreResult<Vec<Person>> {
    let pool = db.pool();
    let text = f.text.as_ref().map(|t| format!("%{}%", t.trim()));
    let rows = sqlx::query(
        "SELECT p.id, p.name, p.phone, p.unit, p.grid_code FROM people p \
         JOIN grids g ON g.code = p.grid_code \
         WHERE g.path LIKE $1 AND ($2 IS NULL OR p.grid_code = $2) \
           AND ($3 IS NULL OR p.name LIKE $3 OR p.phone LIKE $3) \
         ORDER BY p.grid_code, p.name LIMIT $4",
    )
    .bind(scope.like_pattern())
    .bind(f.grid.as_ref().map(GridCode::as_str))
    .bind(text)
    .bind(f.limit.unwrap_or(200).clamp(1, 1000))
    .fetch_all(pool)
    .await?;
    rows.iter().map(person_from_row).collect()
}

// --- posts and terms ---

const TERM_COLUMNS: &str = "t.id AS term_id, t.post_id, t.start_date, t.end_date, \
    pe.id AS person_id, pe.name AS person_name, pe.phone AS person_phone";

fn term_from_row(r: &AnyRow) -> StoreResult<Term> {
    Ok(Term {
        id: get_uuid(r, "term_id")?,
        post_id: get_uuid(r, "post_id")?,
        person: PersonRef {
            id: get_uuid(r, "person_id")?,
            name: get(r, "person_name")?,
            phone: get(r, "person_phone")?,
        },
        start_date: get_date(r, "start_date")?,
        end_date: get_opt_date(r, "end_date")?,
    })
}

fn post_from_row(r: &AnyRow) -> StoreResult<Post> {
    Ok(Post {
        id: get_uuid(r, "id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        kind: get_parsed(r, "kind", some(PostKind::parse))?,
        title: get(r, "title")?,
        duties: get(r, "duties")?,
    })
}

async fn current_term(conn: &mut AnyConnection, post_id: Uuid) -> StoreResult<Option<Term>> {
    let sql = format!(
        "SELECT {TERM_COLUMNS} FROM terms t JOIN people pe ON pe.id = t.person_id \
         WHERE t.post_id = $1 AND t.end_date IS NULL"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(post_id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(term_from_row).transpose()
}

async fn post_in(conn: &mut AnyConnection, scope: &Scope, id: Uuid) -> StoreResult<PostWithHolder> {
    let row = sqlx::query(
        "SELECT p.id, p.grid_code, p.kind, p.title, p.duties FROM posts p \
         JOIN grids g ON g.code = p.grid_code WHERE p.id = $1 AND g.path LIKE $2",
    )
    .bind(id.to_string())
    .bind(scope.like_pattern())
    .fetch_optional(&mut *conn)
    .await?;
    let post = found(row.as_ref(), post_from_row, "post")?;
    let holder = current_term(conn, post.id).await?;
    Ok(PostWithHolder { post, holder })
}

pub async fn create_post(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    p: &NewPost,
) -> StoreResult<PostWithHolder> {
    if !p.kind.allowed_at(p.grid_code.level()) {
        return Err(StoreError::Rejected(format!(
            "a {} post does not exist at the {} level",
            p.kind.as_str(),
            p.grid_code.level().as_str()
        )));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &p.grid_code).await?;
    let post = Post {
        id: new_id(),
        grid_code: p.grid_code.clone(),
        kind: p.kind,
        title: p.title.trim().to_owned(),
        duties: p.duties.trim().to_owned(),
    };
    sqlx::query(
        "INSERT INTO posts (id, grid_code, kind, title, duties, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(post.id.to_string())
    .bind(post.grid_code.as_str())
    .bind(post.kind.as_str())
    .bind(post.title.as_str())
    .bind(post.duties.as_str())
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?;
    let e = audit::entry(
        ctx,
        "post.create",
        format!("post:{}", post.id),
        None,
        audit::json(&post),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(PostWithHolder { post, holder: None })
}

pub async fn post(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<PostWithHolder> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    post_in(&mut conn, scope, id).await
}

pub async fn posts(
    db: &SqlStore,
    scope: &Scope,
    grid: &GridCode,
) -> StoreResult<Vec<PostWithHolder>> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    path_in_scope(&mut conn, scope, grid).await?;
    let rows = sqlx::query(
        "SELECT p.id, p.grid_code, p.kind, p.title, p.duties FROM posts p \
         WHERE p.grid_code = $1 ORDER BY \
         CASE p.kind WHEN 'chief_general' THEN 0 WHEN 'chief' THEN 1 \
         WHEN 'deputy_chief_general' THEN 2 ELSE 3 END, p.created_at, p.id",
    )
    .bind(grid.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let post = post_from_row(r)?;
        let holder = current_term(&mut conn, post.id).await?;
        out.push(PostWithHolder { post, holder });
    }
    Ok(out)
}

pub async fn post_history(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Vec<Term>> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    post_in(&mut conn, scope, id).await?;
    let sql = format!(
        "SELECT {TERM_COLUMNS} FROM terms t JOIN people pe ON pe.id = t.person_id \
         WHERE t.post_id = $1 ORDER BY t.start_date DESC, t.created_at DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(term_from_row).collect()
}

pub async fn appoint(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    post_id: Uuid,
    person_id: Uuid,
    start: NaiveDate,
) -> StoreResult<Term> {
    let mut tx = db.begin().await?;
    let post = post_in(&mut tx, scope, post_id).await?;
    let person = person_in(&mut tx, scope, person_id).await?;
    let current = post.holder.as_ref().map(|t| CurrentTerm {
        person_id: t.person.id,
        start_date: t.start_date,
    });
    let end_old = plan_appointment(current.as_ref(), person_id, start)
        .map_err(|e| StoreError::Rejected(e.to_string()))?;
    if let (Some(end), Some(old)) = (end_old, &post.holder) {
        sqlx::query("UPDATE terms SET end_date = $1 WHERE id = $2")
            .bind(date(end))
            .bind(old.id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    let term = Term {
        id: new_id(),
        post_id,
        person: PersonRef {
            id: person.id,
            name: person.name.clone(),
            phone: person.phone.clone(),
        },
        start_date: start,
        end_date: None,
    };
    sqlx::query(
        "INSERT INTO terms (id, post_id, person_id, start_date, end_date, created_at) \
         VALUES ($1, $2, $3, $4, NULL, $5)",
    )
    .bind(term.id.to_string())
    .bind(post_id.to_string())
    .bind(person_id.to_string())
    .bind(date(start))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "current term"))?;
    let e = audit::entry(
        ctx,
        "post.appoint",
        format!("post:{post_id}"),
        post.holder.as_ref().and_then(audit::json),
        audit::json(&term),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(term)
}

pub async fn holder_on(
    db: &SqlStore,
    scope: &Scope,
    post_id: Uuid,
    on: NaiveDate,
) -> StoreResult<Option<Term>> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    post_in(&mut conn, scope, post_id).await?;
    let sql = format!(
        "SELECT {TERM_COLUMNS} FROM terms t JOIN people pe ON pe.id = t.person_id \
         WHERE t.post_id = $1 AND t.start_date <= $2 AND (t.end_date IS NULL OR t.end_date > $2)"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(post_id.to_string())
        .bind(date(on))
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(term_from_row).transpose()
}

// --- ranger teams ---

fn team_from_row(r: &AnyRow) -> StoreResult<Team> {
    Ok(Team {
        id: get_uuid(r, "id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        level: get_parsed(r, "level", some(TeamLevel::parse))?,
        name: get(r, "name")?,
        parent_id: get_opt_uuid(r, "parent_id")?,
    })
}

pub async fn create_team(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    t: &NewTeam,
) -> StoreResult<Team> {
    if TeamLevel::for_grid(t.grid_code.level()) != Some(t.level) {
        return Err(StoreError::Rejected(format!(
            "a {} team does not belong to a {} grid",
            t.level.as_str(),
            t.grid_code.level().as_str()
        )));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &t.grid_code).await?;
    let team = Team {
        id: new_id(),
        grid_code: t.grid_code.clone(),
        level: t.level,
        name: t.name.trim().to_owned(),
        parent_id: t.parent_id,
    };
    sqlx::query(
        "INSERT INTO teams (id, grid_code, level, name, parent_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(team.id.to_string())
    .bind(team.grid_code.as_str())
    .bind(team.level.as_str())
    .bind(team.name.as_str())
    .bind(team.parent_id.map(|u| u.to_string()))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?;
    let e = audit::entry(
        ctx,
        "team.create",
        format!("team:{}", team.id),
        None,
        audit::json(&team),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(team)
}

pub async fn teams(db: &SqlStore, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<Team>> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    path_in_scope(&mut conn, scope, grid).await?;
    let rows = sqlx::query(
        "SELECT id, grid_code, level, name, parent_id FROM teams WHERE grid_code = $1 ORDER BY name",
    )
    .bind(grid.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(team_from_row).collect()
}

// --- staff ---

const STAFF_SELECT: &str = "SELECT s.id, s.grid_code, s.kind, s.unit, s.team_id, tm.name AS team_name, \
    s.start_date, s.end_date, pe.id AS person_id, pe.name AS person_name, pe.phone AS person_phone \
    FROM staff s JOIN people pe ON pe.id = s.person_id LEFT JOIN teams tm ON tm.id = s.team_id \
    JOIN grids g ON g.code = s.grid_code";

fn staff_from_row(r: &AnyRow) -> StoreResult<Staff> {
    Ok(Staff {
        id: get_uuid(r, "id")?,
        person: PersonRef {
            id: get_uuid(r, "person_id")?,
            name: get(r, "person_name")?,
            phone: get(r, "person_phone")?,
        },
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        kind: get_parsed(r, "kind", some(StaffKind::parse))?,
        unit: get(r, "unit")?,
        team_id: get_opt_uuid(r, "team_id")?,
        team_name: get(r, "team_name")?,
        start_date: get_date(r, "start_date")?,
        end_date: get_opt_date(r, "end_date")?,
    })
}

async fn staff_in(conn: &mut AnyConnection, scope: &Scope, id: Uuid) -> StoreResult<Staff> {
    let sql = format!("{STAFF_SELECT} WHERE s.id = $1 AND g.path LIKE $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(conn)
        .await?;
    found(row.as_ref(), staff_from_row, "staff")
}

pub async fn add_staff(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    s: &NewStaff,
) -> StoreResult<Staff> {
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &s.grid_code).await?;
    person_in(&mut tx, scope, s.person_id).await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO staff (id, person_id, grid_code, kind, unit, team_id, start_date, end_date, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)",
    )
    .bind(id.to_string())
    .bind(s.person_id.to_string())
    .bind(s.grid_code.as_str())
    .bind(s.kind.as_str())
    .bind(s.unit.trim())
    .bind(s.team_id.map(|u| u.to_string()))
    .bind(date(s.start_date))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?;
    let staff = staff_in(&mut tx, scope, id).await?;
    let e = audit::entry(
        ctx,
        "staff.add",
        format!("staff:{id}"),
        None,
        audit::json(&staff),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(staff)
}

pub async fn staff(
    db: &SqlStore,
    scope: &Scope,
    grid: &GridCode,
    include_ended: bool,
) -> StoreResult<Vec<Staff>> {
    let pool = db.pool();
    let sql = format!(
        "{STAFF_SELECT} WHERE s.grid_code = $1 AND g.path LIKE $2 AND ($3 = 1 OR s.end_date IS NULL) \
         ORDER BY s.kind, pe.name"
    );
    let mut conn = pool.acquire().await?;
    path_in_scope(&mut conn, scope, grid).await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(grid.as_str())
        .bind(scope.like_pattern())
        .bind(i64::from(include_ended))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(staff_from_row).collect()
}

pub async fn end_staff(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
    end: NaiveDate,
) -> StoreResult<Staff> {
    let mut tx = db.begin().await?;
    let before = staff_in(&mut tx, scope, id).await?;
    if before.end_date.is_some() {
        return Err(StoreError::Rejected(
            "this assignment has ended already".into(),
        ));
    }
    if end < before.start_date {
        return Err(StoreError::Rejected(
            "an assignment cannot end before it starts".into(),
        ));
    }
    sqlx::query("UPDATE staff SET end_date = $1 WHERE id = $2")
        .bind(date(end))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let after = staff_in(&mut tx, scope, id).await?;
    let e = audit::entry(
        ctx,
        "staff.end",
        format!("staff:{id}"),
        audit::json(&before),
        audit::json(&after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(after)
}
