-- Cameras and their smoke/fire alarms (SQLite).

CREATE TABLE cameras (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    device_id    TEXT NOT NULL UNIQUE,
    grid_code    TEXT NOT NULL REFERENCES grids (code),
    lon          DOUBLE PRECISION NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    height_m     DOUBLE PRECISION NOT NULL,
    heading_deg  DOUBLE PRECISION NOT NULL,
    fov_deg      DOUBLE PRECISION NOT NULL,
    range_m      DOUBLE PRECISION NOT NULL,
    stream_url   TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX cameras_grid ON cameras (grid_code);

CREATE TABLE camera_alarms (
    id           TEXT PRIMARY KEY,
    camera_id    TEXT NOT NULL REFERENCES cameras (id),
    at           BIGINT NOT NULL,
    verdict      TEXT NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    image        BLOB NOT NULL,
    state        TEXT NOT NULL,
    incident_id  TEXT REFERENCES incidents (id),
    decided_by   TEXT,
    decided_at   BIGINT
);
CREATE INDEX camera_alarms_camera ON camera_alarms (camera_id, at);
