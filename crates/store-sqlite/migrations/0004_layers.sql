-- The layers of the one map: imports, features with their grid and area overlaps, and the
-- statistics rebuilt after every import (SQLite). Layer schemas live in the domain crate.

CREATE TABLE layer_imports (
    id             TEXT PRIMARY KEY,
    layer          TEXT NOT NULL,
    year           BIGINT NOT NULL,
    source         TEXT NOT NULL,
    srs            TEXT NOT NULL,
    feature_count  BIGINT NOT NULL,
    warning_count  BIGINT NOT NULL,
    scope_path     TEXT NOT NULL,
    created_by     TEXT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX layer_imports_layer ON layer_imports (layer, year);

CREATE TABLE features (
    id            TEXT PRIMARY KEY,
    layer         TEXT NOT NULL,
    year          BIGINT NOT NULL,
    import_id     TEXT NOT NULL REFERENCES layer_imports (id),
    source_index  BIGINT NOT NULL,
    geometry      BLOB NOT NULL,
    min_x         DOUBLE PRECISION NOT NULL,
    min_y         DOUBLE PRECISION NOT NULL,
    max_x         DOUBLE PRECISION NOT NULL,
    max_y         DOUBLE PRECISION NOT NULL,
    area_m2       DOUBLE PRECISION NOT NULL,
    volume_m3     DOUBLE PRECISION NOT NULL,
    properties    TEXT NOT NULL
);
CREATE INDEX features_layer_year ON features (layer, year);
CREATE INDEX features_import ON features (import_id);

CREATE VIRTUAL TABLE features_rtree USING rtree (id, min_x, max_x, min_y, max_y);
CREATE TRIGGER features_rtree_insert AFTER INSERT ON features BEGIN
    INSERT INTO features_rtree VALUES (new.rowid, new.min_x, new.max_x, new.min_y, new.max_y);
END;
CREATE TRIGGER features_rtree_delete AFTER DELETE ON features BEGIN
    DELETE FROM features_rtree WHERE id = old.rowid;
END;

-- Overlap with each leaf grid (the deepest grids with a boundary); parents add up by path.
CREATE TABLE feature_grids (
    feature_id   TEXT NOT NULL REFERENCES features (id) ON DELETE CASCADE,
    grid_code    TEXT NOT NULL,
    grid_path    TEXT NOT NULL,
    overlap_m2   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (feature_id, grid_code)
);
CREATE INDEX feature_grids_path ON feature_grids (grid_path);

CREATE TABLE feature_areas (
    feature_id   TEXT NOT NULL REFERENCES features (id) ON DELETE CASCADE,
    area_code    TEXT NOT NULL,
    overlap_m2   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (feature_id, area_code)
);
CREATE INDEX feature_areas_area ON feature_areas (area_code);

-- Per layer, year and grid or area: area, growing stock and count by dimension value
-- (dimension '' = all features). Rebuilt in the transaction of each import or withdrawal.
CREATE TABLE layer_stats (
    layer       TEXT NOT NULL,
    year        BIGINT NOT NULL,
    target      TEXT NOT NULL,
    dimension   TEXT NOT NULL,
    value       TEXT NOT NULL,
    area_m2     DOUBLE PRECISION NOT NULL,
    volume_m3   DOUBLE PRECISION NOT NULL,
    features    BIGINT NOT NULL,
    PRIMARY KEY (layer, year, target, dimension, value)
);
