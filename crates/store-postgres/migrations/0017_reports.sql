-- Periodic reports (报送, C8) and the technicians' service log (A7) (PostgreSQL).

-- A report as submitted. `reporter` is '' when the grid reports (its office or chief) and the
-- technician's user id when a technician reports for himself, so that one report fills one slot.
CREATE TABLE reports (
    id            TEXT PRIMARY KEY,
    grid_code     TEXT NOT NULL REFERENCES grids (code),
    rule          TEXT NOT NULL,
    period_key    TEXT NOT NULL,
    reporter      TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    attachments   TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    submitted_at  BIGINT NOT NULL,
    UNIQUE (grid_code, rule, period_key, reporter)
);
CREATE INDEX reports_period ON reports (period_key);

CREATE TABLE service_log (
    id             TEXT PRIMARY KEY,
    grid_code      TEXT NOT NULL REFERENCES grids (code),
    user_id        TEXT NOT NULL REFERENCES users (id),
    username       TEXT NOT NULL,
    served_on      TEXT NOT NULL,
    area_code      TEXT,
    kind           TEXT NOT NULL,
    description    TEXT NOT NULL,
    people_served  BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX service_log_user ON service_log (user_id, served_on);
CREATE INDEX service_log_grid ON service_log (grid_code, served_on);
