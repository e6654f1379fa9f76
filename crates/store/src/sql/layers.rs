//! The one map's layers: imports (one transaction each), features by box and scope, and the
//! statistics rebuilt with every import or withdrawal.

use std::collections::HashMap;
use std::fmt::Write as _;

use linzhang_domain::layer::{self, Placement, Tally};
use linzhang_domain::{AreaCode, GridCode, Scope};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{get, get_instant, get_opt_uuid, get_uuid, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::layers::{Feature, FeatureFilter, LayerImport, LayerStat, NewLayerImport};
use crate::model::WriteCtx;

/// Rows per multi-row `INSERT` (SQLite allows 32 766 parameters, PostgreSQL 65 535).
const CHUNK: usize = 200;

/// The leaf grids of a scope (the deepest grids with a boundary): code, path and WKB.
pub async fn leaf_grids(
    db: &SqlStore,
    scope: &Scope,
) -> StoreResult<Vec<(String, String, Vec<u8>)>> {
    let rows = sqlx::query(
        "SELECT g.code, g.path, g.boundary FROM grids g \
         WHERE g.boundary IS NOT NULL AND g.path LIKE $1 AND NOT EXISTS \
         (SELECT 1 FROM grids c WHERE c.parent_code = g.code AND c.boundary IS NOT NULL) \
         ORDER BY g.path",
    )
    .bind(scope.like_pattern())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, "code")?, get(r, "path")?, get(r, "boundary")?)))
        .collect()
}

/// The responsibility areas of a scope: code and WKB.
pub async fn area_shapes(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<(String, Vec<u8>)>> {
    let rows = sqlx::query(
        "SELECT a.code, a.boundary FROM areas a JOIN grids g ON g.code = a.grid_code \
         WHERE g.path LIKE $1 ORDER BY a.code",
    )
    .bind(scope.like_pattern())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, "code")?, get(r, "boundary")?)))
        .collect()
}

pub async fn import(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    imp: &NewLayerImport,
) -> StoreResult<LayerImport> {
    if layer::layer(&imp.layer).is_none() {
        return Err(StoreError::Rejected(format!("unknown layer {}", imp.layer)));
    }
    if imp.features.is_empty() {
        return Err(StoreError::Rejected("the import holds no features".into()));
    }
    for f in &imp.features {
        let outside = f
            .placement
            .grids
            .iter()
            .any(|(p, _)| !scope.contains_path(p));
        if f.placement.grids.is_empty() || outside {
            return Err(StoreError::Rejected(format!(
                "feature {} lies outside your grids",
                f.source_index
            )));
        }
    }
    let mut tx = db.begin().await?;
    let features = i64::try_from(imp.features.len()).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO layer_imports (id, layer, year, source, srs, feature_count, warning_count, \
         scope_path, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(imp.id.to_string())
    .bind(&imp.layer)
    .bind(i64::from(imp.year))
    .bind(&imp.source)
    .bind(&imp.srs)
    .bind(features)
    .bind(imp.warnings)
    .bind(&scope.path)
    .bind(ctx.actor.user_id.map(|u| u.to_string()))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?;
    insert_features(&mut tx, imp).await?;
    rebuild_stats(&mut tx, &imp.layer, imp.year).await?;
    let after = serde_json::json!({
        "layer": imp.layer, "year": imp.year, "source": imp.source, "srs": imp.srs,
        "features": features, "warnings": imp.warnings,
    });
    let e = audit::entry(
        ctx,
        "layer.import",
        format!("import:{}", imp.id),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(LayerImport {
        id: imp.id,
        layer: imp.layer.clone(),
        year: imp.year,
        source: imp.source.clone(),
        srs: imp.srs.clone(),
        features,
        warnings: imp.warnings,
        created_by: ctx.actor.user_id,
        created_at: ctx.at,
    })
}

async fn insert_features(conn: &mut AnyConnection, imp: &NewLayerImport) -> StoreResult<()> {
    let id = imp.id.to_string();
    for chunk in imp.features.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO features (id, layer, year, import_id, source_index, geometry, min_x, \
             min_y, max_x, max_y, area_m2, volume_m3, properties) VALUES ",
        );
        values(&mut sql, chunk.len(), 13);
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for f in chunk {
            q = q
                .bind(f.id.to_string())
                .bind(&imp.layer)
                .bind(i64::from(imp.year))
                .bind(&id)
                .bind(f.source_index)
                .bind(f.geometry.clone())
                .bind(f.bbox[0])
                .bind(f.bbox[1])
                .bind(f.bbox[2])
                .bind(f.bbox[3])
                .bind(f.area_m2)
                .bind(f.volume_m3)
                .bind(serde_json::Value::Object(f.properties.clone()).to_string());
        }
        q.execute(&mut *conn).await?;

        let grids: Vec<_> = chunk
            .iter()
            .flat_map(|f| {
                f.placement
                    .grids
                    .iter()
                    .map(move |(path, m2)| (f.id, path, *m2))
            })
            .collect();
        for rows in grids.chunks(CHUNK) {
            let mut sql = String::from(
                "INSERT INTO feature_grids (feature_id, grid_code, grid_path, overlap_m2) VALUES ",
            );
            values(&mut sql, rows.len(), 4);
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (fid, path, m2) in rows {
                let leaf = GridCode::from_path(path)
                    .map_err(|_| StoreError::Rejected(format!("{path} is not a grid path")))?;
                q = q
                    .bind(fid.to_string())
                    .bind(leaf.as_str().to_owned())
                    .bind((*path).clone())
                    .bind(*m2);
            }
            q.execute(&mut *conn).await?;
        }
        let areas: Vec<_> = chunk
            .iter()
            .flat_map(|f| {
                f.placement
                    .areas
                    .iter()
                    .map(move |(code, m2)| (f.id, code, *m2))
            })
            .collect();
        for rows in areas.chunks(CHUNK) {
            let mut sql = String::from(
                "INSERT INTO feature_areas (feature_id, area_code, overlap_m2) VALUES ",
            );
            values(&mut sql, rows.len(), 3);
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (fid, code, m2) in rows {
                q = q.bind(fid.to_string()).bind((*code).clone()).bind(*m2);
            }
            q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Appends `($1, …, $cols), (…)` for `rows` rows.
fn values(sql: &mut String, rows: usize, cols: usize) {
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            n += 1;
            let _ = write!(sql, "{}${n}", if c == 0 { "" } else { ", " });
        }
        sql.push(')');
    }
}

/// Recomputes the statistics of one layer and year from its stored features.
async fn rebuild_stats(conn: &mut AnyConnection, layer_key: &str, year: i32) -> StoreResult<()> {
    let spec = layer::layer(layer_key)
        .ok_or_else(|| StoreError::Rejected(format!("unknown layer {layer_key}")))?;
    let year = i64::from(year);
    let mut placements: HashMap<String, Placement> = HashMap::new();
    let rows = sqlx::query(
        "SELECT fg.feature_id, fg.grid_path, fg.overlap_m2 FROM feature_grids fg \
         JOIN features f ON f.id = fg.feature_id WHERE f.layer = $1 AND f.year = $2",
    )
    .bind(layer_key)
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let p = placements.entry(get(r, "feature_id")?).or_default();
        p.grids.push((get(r, "grid_path")?, get(r, "overlap_m2")?));
    }
    let rows = sqlx::query(
        "SELECT fa.feature_id, fa.area_code, fa.overlap_m2 FROM feature_areas fa \
         JOIN features f ON f.id = fa.feature_id WHERE f.layer = $1 AND f.year = $2",
    )
    .bind(layer_key)
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let p = placements.entry(get(r, "feature_id")?).or_default();
        p.areas.push((get(r, "area_code")?, get(r, "overlap_m2")?));
    }
    let rows = sqlx::query(
        "SELECT id, properties, area_m2, volume_m3 FROM features WHERE layer = $1 AND year = $2",
    )
    .bind(layer_key)
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    let mut tally = Tally::default();
    for r in &rows {
        let id: String = get(r, "id")?;
        let props = properties(r)?;
        let placement = placements.remove(&id).unwrap_or_default();
        tally.add(
            spec,
            &props,
            get(r, "area_m2")?,
            get(r, "volume_m3")?,
            &placement,
        );
    }
    sqlx::query("DELETE FROM layer_stats WHERE layer = $1 AND year = $2")
        .bind(layer_key)
        .bind(year)
        .execute(&mut *conn)
        .await?;
    let stats = tally.rows();
    for chunk in stats.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO layer_stats (layer, year, target, dimension, value, area_m2, volume_m3, \
             features) VALUES ",
        );
        values(&mut sql, chunk.len(), 8);
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for s in chunk {
            q = q
                .bind(layer_key)
                .bind(year)
                .bind(s.target.clone())
                .bind(s.dimension.clone())
                .bind(s.value.clone())
                .bind(s.area_m2)
                .bind(s.volume_m3)
                .bind(s.features);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn properties(r: &AnyRow) -> StoreResult<serde_json::Map<String, serde_json::Value>> {
    let text: String = get(r, "properties")?;
    serde_json::from_str(&text).map_err(|_| StoreError::Corrupt("feature properties".into()))
}

fn import_from_row(r: &AnyRow) -> StoreResult<LayerImport> {
    let year: i64 = get(r, "year")?;
    Ok(LayerImport {
        id: get_uuid(r, "id")?,
        layer: get(r, "layer")?,
        year: i32::try_from(year).map_err(|_| StoreError::Corrupt("import year".into()))?,
        source: get(r, "source")?,
        srs: get(r, "srs")?,
        features: get(r, "feature_count")?,
        warnings: get(r, "warning_count")?,
        created_by: get_opt_uuid(r, "created_by")?,
        created_at: get_instant(r, "created_at")?,
    })
}

const IMPORT_COLUMNS: &str = "id, layer, year, source, srs, feature_count, warning_count, \
                              created_by, created_at";

/// The imports made within the caller's scope, newest first.
pub async fn imports(
    db: &SqlStore,
    scope: &Scope,
    layer_key: &str,
) -> StoreResult<Vec<LayerImport>> {
    let sql = format!(
        "SELECT {IMPORT_COLUMNS} FROM layer_imports WHERE layer = $1 AND scope_path LIKE $2 \
         ORDER BY created_at DESC, id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(layer_key)
        .bind(scope.like_pattern())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(import_from_row).collect()
}

/// Removes an import's features and rebuilds the statistics.
pub async fn withdraw(db: &SqlStore, ctx: &WriteCtx, scope: &Scope, id: Uuid) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let sql =
        format!("SELECT {IMPORT_COLUMNS} FROM layer_imports WHERE id = $1 AND scope_path LIKE $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::not_found("import"))?;
    let before = import_from_row(&row)?;
    for table in ["feature_grids", "feature_areas"] {
        let sql = format!(
            "DELETE FROM {table} WHERE feature_id IN (SELECT id FROM features WHERE import_id = $1)"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM features WHERE import_id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM layer_imports WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    rebuild_stats(&mut tx, &before.layer, before.year).await?;
    let e = audit::entry(
        ctx,
        "layer.withdraw",
        format!("import:{id}"),
        audit::json(&before),
        None,
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// The survey years a layer holds.
pub async fn years(db: &SqlStore, layer_key: &str) -> StoreResult<Vec<i32>> {
    let years: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT year FROM layer_imports WHERE layer = $1 ORDER BY year",
    )
    .bind(layer_key)
    .fetch_all(db.pool())
    .await?;
    years
        .into_iter()
        .map(|y| i32::try_from(y).map_err(|_| StoreError::Corrupt("import year".into())))
        .collect()
}

/// The statistics of a grid or a responsibility area (`target`) in the caller's scope.
pub async fn stats(
    db: &SqlStore,
    scope: &Scope,
    layer_key: &str,
    year: i32,
    target: &str,
) -> StoreResult<Vec<LayerStat>> {
    let mut conn = db.pool().acquire().await?;
    if let Ok(grid) = GridCode::parse(target) {
        path_in_scope(&mut conn, scope, &grid).await?;
    } else if let Ok(area) = AreaCode::parse(target) {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT a.code FROM areas a JOIN grids g ON g.code = a.grid_code \
             WHERE a.code = $1 AND g.path LIKE $2",
        )
        .bind(area.as_str())
        .bind(scope.like_pattern())
        .fetch_optional(&mut *conn)
        .await?;
        found.ok_or(StoreError::not_found("area"))?;
    } else {
        return Err(StoreError::not_found("grid or area"));
    }
    let rows = sqlx::query(
        "SELECT dimension, value, area_m2, volume_m3, features FROM layer_stats \
         WHERE layer = $1 AND year = $2 AND target = $3 ORDER BY dimension, area_m2 DESC, value",
    )
    .bind(layer_key)
    .bind(i64::from(year))
    .bind(target)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LayerStat {
                dimension: get(r, "dimension")?,
                value: get(r, "value")?,
                area_m2: get(r, "area_m2")?,
                volume_m3: get(r, "volume_m3")?,
                features: get(r, "features")?,
            })
        })
        .collect()
}

/// The `WHERE` clause of a feature query and its binds (all text or numbers), from `$1`.
struct Clause {
    sql: String,
    texts: Vec<String>,
    numbers: Vec<f64>,
}

fn clause(db: &SqlStore, scope: &Scope, filter: &FeatureFilter) -> StoreResult<Clause> {
    let spec = layer::layer(&filter.layer)
        .ok_or_else(|| StoreError::Rejected(format!("unknown layer {}", filter.layer)))?;
    let mut sql = String::from(
        "f.layer = $1 AND f.year = $2 AND EXISTS (SELECT 1 FROM feature_grids fg \
         WHERE fg.feature_id = f.id AND fg.grid_path LIKE $3)",
    );
    let mut texts = vec![scope.like_pattern()];
    let mut n = 3;
    for (key, _) in &filter.properties {
        let field = spec.fields.iter().find(|f| f.name == key).ok_or_else(|| {
            StoreError::Rejected(format!("layer {} has no field {key}", spec.key))
        })?;
        n += 1;
        let _ = write!(
            sql,
            " AND {} = ${n}",
            db.json_text("f.properties", field.name)
        );
    }
    texts.extend(filter.properties.iter().map(|(_, v)| v.clone()));
    if let Some(after) = filter.after {
        n += 1;
        let _ = write!(sql, " AND f.id > ${n}");
        texts.push(after.to_string());
    }
    let mut numbers = Vec::new();
    if let Some(b) = filter.bbox {
        let _ = write!(sql, " AND {}", db.bbox_clause("f", n + 1));
        numbers.extend(b);
    }
    Ok(Clause {
        sql,
        texts,
        numbers,
    })
}

/// Features of a layer and year in the caller's scope, in id (import) order.
pub async fn features(
    db: &SqlStore,
    scope: &Scope,
    filter: &FeatureFilter,
) -> StoreResult<Vec<Feature>> {
    let c = clause(db, scope, filter)?;
    let sql = format!(
        "SELECT f.id, f.layer, f.year, f.geometry, f.area_m2, f.volume_m3, f.properties \
         FROM features f WHERE {} ORDER BY f.id LIMIT {} OFFSET {}",
        c.sql,
        filter.limit.max(0),
        filter.offset.max(0)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(&filter.layer)
        .bind(i64::from(filter.year));
    for t in &c.texts {
        q = q.bind(t.clone());
    }
    for x in &c.numbers {
        q = q.bind(*x);
    }
    let rows = q.fetch_all(db.pool()).await?;
    rows.iter().map(feature_from_row).collect()
}

/// How many features [`features`] would list without paging.
pub async fn count(db: &SqlStore, scope: &Scope, filter: &FeatureFilter) -> StoreResult<i64> {
    let c = clause(db, scope, filter)?;
    let sql = format!("SELECT COUNT(*) FROM features f WHERE {}", c.sql);
    let mut q = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(&filter.layer)
        .bind(i64::from(filter.year));
    for t in &c.texts {
        q = q.bind(t.clone());
    }
    for x in &c.numbers {
        q = q.bind(*x);
    }
    Ok(q.fetch_one(db.pool()).await?)
}

/// One feature in the caller's scope, with the grids (leaf codes) and areas it overlaps.
pub async fn feature(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<(Feature, Placement)> {
    let row = sqlx::query(
        "SELECT f.id, f.layer, f.year, f.geometry, f.area_m2, f.volume_m3, f.properties \
         FROM features f WHERE f.id = $1 AND EXISTS (SELECT 1 FROM feature_grids fg \
         WHERE fg.feature_id = f.id AND fg.grid_path LIKE $2)",
    )
    .bind(id.to_string())
    .bind(scope.like_pattern())
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::not_found("feature"))?;
    let feature = feature_from_row(&row)?;
    let mut placement = Placement::default();
    let rows = sqlx::query(
        "SELECT grid_path, overlap_m2 FROM feature_grids WHERE feature_id = $1 ORDER BY grid_path",
    )
    .bind(id.to_string())
    .fetch_all(db.pool())
    .await?;
    for r in &rows {
        placement
            .grids
            .push((get(r, "grid_path")?, get(r, "overlap_m2")?));
    }
    let rows = sqlx::query(
        "SELECT area_code, overlap_m2 FROM feature_areas WHERE feature_id = $1 ORDER BY area_code",
    )
    .bind(id.to_string())
    .fetch_all(db.pool())
    .await?;
    for r in &rows {
        placement
            .areas
            .push((get(r, "area_code")?, get(r, "overlap_m2")?));
    }
    Ok((feature, placement))
}

fn feature_from_row(r: &AnyRow) -> StoreResult<Feature> {
    let year: i64 = get(r, "year")?;
    Ok(Feature {
        id: get_uuid(r, "id")?,
        layer: get(r, "layer")?,
        year: i32::try_from(year).map_err(|_| StoreError::Corrupt("feature year".into()))?,
        geometry: get(r, "geometry")?,
        area_m2: get(r, "area_m2")?,
        volume_m3: get(r, "volume_m3")?,
        properties: properties(r)?,
    })
}
