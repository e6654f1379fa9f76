-- Satellite fire hotspots (FIRMS), kept inside the city, each once (SQLite).

CREATE TABLE hotspots (
    id                 TEXT PRIMARY KEY,
    dedup_key          TEXT NOT NULL UNIQUE,
    satellite          TEXT NOT NULL,
    instrument         TEXT NOT NULL,
    acquired_at        BIGINT NOT NULL,
    lon                DOUBLE PRECISION NOT NULL,
    lat                DOUBLE PRECISION NOT NULL,
    confidence         BIGINT NOT NULL,
    confidence_raw     TEXT NOT NULL,
    frp_mw             DOUBLE PRECISION,
    brightness_k       DOUBLE PRECISION,
    daynight           TEXT,
    grid_code          TEXT NOT NULL REFERENCES grids (code),
    land_class         TEXT,
    forest_distance_m  DOUBLE PRECISION,
    incident_id        TEXT REFERENCES incidents (id),
    imported_at        BIGINT NOT NULL
);
CREATE INDEX hotspots_time ON hotspots (acquired_at);
CREATE INDEX hotspots_grid ON hotspots (grid_code);
