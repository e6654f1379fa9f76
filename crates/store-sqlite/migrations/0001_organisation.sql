-- The organisation registry, accounts, sessions, code tables and the audit log (SQLite).
-- Portable column conventions: see crates/store/src/sql/mod.rs.

CREATE TABLE grids (
    code         TEXT PRIMARY KEY,
    parent_code  TEXT REFERENCES grids (code),
    name         TEXT NOT NULL,
    level        BIGINT NOT NULL,
    path         TEXT NOT NULL UNIQUE,
    generated    BIGINT NOT NULL DEFAULT 0,
    boundary     BLOB,
    min_x        DOUBLE PRECISION,
    min_y        DOUBLE PRECISION,
    max_x        DOUBLE PRECISION,
    max_y        DOUBLE PRECISION,
    area_m2      DOUBLE PRECISION,
    created_at   BIGINT NOT NULL
);
CREATE INDEX grids_parent ON grids (parent_code);

CREATE VIRTUAL TABLE grids_rtree USING rtree (id, min_x, max_x, min_y, max_y);
CREATE TRIGGER grids_rtree_insert AFTER INSERT ON grids WHEN new.min_x IS NOT NULL BEGIN
    INSERT INTO grids_rtree VALUES (new.rowid, new.min_x, new.max_x, new.min_y, new.max_y);
END;

CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    unit        TEXT NOT NULL,
    grid_code   TEXT NOT NULL REFERENCES grids (code),
    created_at  BIGINT NOT NULL
);
CREATE INDEX people_grid ON people (grid_code);

CREATE TABLE posts (
    id          TEXT PRIMARY KEY,
    grid_code   TEXT NOT NULL REFERENCES grids (code),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    duties      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX posts_grid ON posts (grid_code);

CREATE TABLE terms (
    id          TEXT PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES posts (id),
    person_id   TEXT NOT NULL REFERENCES people (id),
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX terms_post ON terms (post_id);
CREATE UNIQUE INDEX terms_one_open_per_post ON terms (post_id) WHERE end_date IS NULL;

CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    grid_code   TEXT NOT NULL REFERENCES grids (code),
    level       TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_id   TEXT REFERENCES teams (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX teams_grid ON teams (grid_code);

CREATE TABLE staff (
    id          TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id),
    grid_code   TEXT NOT NULL REFERENCES grids (code),
    kind        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    team_id     TEXT REFERENCES teams (id),
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX staff_grid ON staff (grid_code);

CREATE TABLE areas (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    grid_code       TEXT NOT NULL REFERENCES grids (code),
    seq             BIGINT NOT NULL,
    four_sides      TEXT NOT NULL,
    resource_types  TEXT NOT NULL,
    ownership       TEXT NOT NULL,
    boundary        BLOB NOT NULL,
    min_x           DOUBLE PRECISION NOT NULL,
    min_y           DOUBLE PRECISION NOT NULL,
    max_x           DOUBLE PRECISION NOT NULL,
    max_y           DOUBLE PRECISION NOT NULL,
    area_m2         DOUBLE PRECISION NOT NULL,
    generated       BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    UNIQUE (grid_code, seq)
);

CREATE VIRTUAL TABLE areas_rtree USING rtree (id, min_x, max_x, min_y, max_y);
CREATE TRIGGER areas_rtree_insert AFTER INSERT ON areas BEGIN
    INSERT INTO areas_rtree VALUES (new.rowid, new.min_x, new.max_x, new.min_y, new.max_y);
END;

CREATE TABLE code_tables (
    name          TEXT NOT NULL,
    version       BIGINT NOT NULL,
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    entries       TEXT NOT NULL,
    published_at  BIGINT NOT NULL,
    published_by  TEXT,
    PRIMARY KEY (name, version)
);

CREATE TABLE users (
    id                    TEXT PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL,
    grid_code             TEXT NOT NULL REFERENCES grids (code),
    must_change_password  BIGINT NOT NULL,
    failed_logins         BIGINT NOT NULL DEFAULT 0,
    locked_until          BIGINT,
    disabled              BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    csrf_token   TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    client_addr  TEXT,
    created_at   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    revoked      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    at           BIGINT NOT NULL,
    user_id      TEXT,
    username     TEXT,
    client_addr  TEXT,
    action       TEXT NOT NULL,
    target       TEXT,
    before_json  TEXT,
    after_json   TEXT,
    result       TEXT NOT NULL
);
CREATE INDEX audit_log_username ON audit_log (username);
CREATE INDEX audit_log_action ON audit_log (action);

-- The audit log is append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
