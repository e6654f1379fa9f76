-- Incidents (事件) and their timeline (PostgreSQL).
-- Portable column conventions: see crates/store/src/sql/mod.rs.

-- The id is minted by the client (an offline phone), so a retried upload finds its incident.
-- The time limit runs from clock_started_at (the report or the last escalation) for due_ms.
CREATE TABLE incidents (
    id                TEXT PRIMARY KEY,
    grid_code         TEXT NOT NULL REFERENCES grids (code),
    kind              TEXT NOT NULL,
    pest              TEXT,
    source            TEXT NOT NULL,
    priority          TEXT NOT NULL,
    state             TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    lon               DOUBLE PRECISION,
    lat               DOUBLE PRECISION,
    reported_by       TEXT,
    reporter_name     TEXT,
    assignee          TEXT REFERENCES people (id),
    duplicate_of      TEXT REFERENCES incidents (id),
    clock_started_at  BIGINT NOT NULL,
    due_ms            BIGINT NOT NULL,
    reported_at       BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX incidents_grid ON incidents (grid_code);
CREATE INDEX incidents_state ON incidents (state);

-- The timeline: one row per report or action, never changed.
CREATE TABLE incident_events (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    at             BIGINT NOT NULL,
    actor_user_id  TEXT,
    actor_name     TEXT,
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    from_grid      TEXT NOT NULL,
    to_grid        TEXT NOT NULL,
    note           TEXT
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, at);
