-- Patrols with their GPS tracks, and daily check-ins (SQLite). Ids are minted by the phone,
-- so a retried or duplicated upload stores each patrol, point and check-in once.

CREATE TABLE patrols (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    person_id    TEXT REFERENCES people (id),
    grid_code    TEXT NOT NULL REFERENCES grids (code),
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    ended_at     BIGINT,
    distance_m   DOUBLE PRECISION NOT NULL DEFAULT 0,
    moving_s     BIGINT NOT NULL DEFAULT 0,
    point_count  BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX patrols_grid ON patrols (grid_code, started_at);
CREATE INDEX patrols_person ON patrols (person_id, started_at);
CREATE INDEX patrols_user ON patrols (user_id, started_at);

CREATE TABLE patrol_points (
    patrol_id    TEXT NOT NULL REFERENCES patrols (id),
    id           TEXT NOT NULL,
    t            BIGINT NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    accuracy_m   DOUBLE PRECISION,
    speed_mps    DOUBLE PRECISION,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (patrol_id, id)
);

CREATE TABLE checkins (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    grid_code    TEXT NOT NULL REFERENCES grids (code),
    at           BIGINT NOT NULL,
    lon          DOUBLE PRECISION,
    lat          DOUBLE PRECISION,
    accuracy_m   DOUBLE PRECISION,
    received_at  BIGINT NOT NULL
);
CREATE INDEX checkins_user ON checkins (user_id, at);
