-- Task lists (清单化任务): targets issued at a grid and broken down to child grids, with
-- progress reports and their evidence references (PostgreSQL).

CREATE TABLE tasks (
    id              TEXT PRIMARY KEY,
    parent_id       TEXT REFERENCES tasks (id),
    grid_code       TEXT NOT NULL REFERENCES grids (code),
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    amount          DOUBLE PRECISION NOT NULL,
    unit            TEXT NOT NULL,
    deadline        TEXT NOT NULL,
    meeting_id      TEXT REFERENCES meetings (id),
    decision_index  BIGINT,
    issued_by       TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX tasks_parent ON tasks (parent_id);
CREATE INDEX tasks_grid ON tasks (grid_code);

CREATE TABLE task_reports (
    id           TEXT PRIMARY KEY,
    task_id      TEXT NOT NULL REFERENCES tasks (id),
    amount       DOUBLE PRECISION NOT NULL,
    note         TEXT NOT NULL,
    evidence     TEXT NOT NULL,
    reported_at  BIGINT NOT NULL,
    reported_by  TEXT
);
CREATE INDEX task_reports_task ON task_reports (task_id, reported_at);
