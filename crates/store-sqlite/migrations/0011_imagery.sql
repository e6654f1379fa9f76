-- Registered imagery scenes for the one map (SQLite). The file stays on the server's disk at
-- `path`; bounds are the footprint in EPSG:4326, band roles and stretch are JSON text.

CREATE TABLE imagery_scenes (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    path           TEXT NOT NULL,
    sensor         TEXT,
    acquired_on    TEXT,
    bands          TEXT NOT NULL,
    crs            TEXT NOT NULL,
    min_x          DOUBLE PRECISION NOT NULL,
    min_y          DOUBLE PRECISION NOT NULL,
    max_x          DOUBLE PRECISION NOT NULL,
    max_y          DOUBLE PRECISION NOT NULL,
    width          BIGINT NOT NULL,
    height         BIGINT NOT NULL,
    resolution     DOUBLE PRECISION NOT NULL,
    stretch        TEXT NOT NULL,
    registered_by  TEXT NOT NULL,
    registered_at  BIGINT NOT NULL
);
CREATE INDEX imagery_scenes_acquired ON imagery_scenes (acquired_on);
