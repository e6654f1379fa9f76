-- Change spots (疑似变化图斑) in batches, with their field verification (SQLite).

CREATE TABLE change_batches (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    before_date  TEXT,
    after_date   TEXT,
    created_by   TEXT,
    created_at   BIGINT NOT NULL
);

CREATE TABLE change_spots (
    id                TEXT PRIMARY KEY,
    batch_id          TEXT NOT NULL REFERENCES change_batches (id),
    seq               BIGINT NOT NULL,
    geometry          BLOB NOT NULL,
    lon               DOUBLE PRECISION NOT NULL,
    lat               DOUBLE PRECISION NOT NULL,
    area_m2           DOUBLE PRECISION NOT NULL,
    grid_code         TEXT NOT NULL REFERENCES grids (code),
    area_code         TEXT,
    suspected_cause   TEXT NOT NULL,
    attributes        TEXT NOT NULL,
    state             TEXT NOT NULL,
    verified_cause    TEXT,
    legal             BIGINT,
    permit            TEXT,
    verified_area_m2  DOUBLE PRECISION,
    note              TEXT,
    verified_by       TEXT,
    verified_at       BIGINT,
    incident_id       TEXT REFERENCES incidents (id)
);
CREATE INDEX change_spots_batch ON change_spots (batch_id, seq);
CREATE INDEX change_spots_grid ON change_spots (grid_code);
