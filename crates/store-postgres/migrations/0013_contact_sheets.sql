-- Work contact sheets (林长工作联系单) with their timeline (reminders, answers, escalation),
-- and inspections (督察) whose findings may become sheets (PostgreSQL).

CREATE TABLE contact_sheets (
    id                    TEXT PRIMARY KEY,
    title                 TEXT NOT NULL,
    body                  TEXT NOT NULL,
    source                TEXT NOT NULL,
    source_id             TEXT,
    issuer_grid           TEXT NOT NULL REFERENCES grids (code),
    addressee_grid        TEXT REFERENCES grids (code),
    addressee_department  TEXT,
    deadline              TEXT NOT NULL,
    state                 TEXT NOT NULL,
    answer                TEXT,
    evidence              TEXT NOT NULL,
    answered_at           BIGINT,
    answered_by           TEXT,
    reminders             BIGINT NOT NULL DEFAULT 0,
    escalated             BIGINT NOT NULL DEFAULT 0,
    escalated_at          BIGINT,
    issued_by             TEXT,
    issued_at             BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX contact_sheets_issuer ON contact_sheets (issuer_grid);
CREATE INDEX contact_sheets_addressee ON contact_sheets (addressee_grid);
CREATE INDEX contact_sheets_open ON contact_sheets (state, deadline);

CREATE TABLE contact_sheet_events (
    id          TEXT PRIMARY KEY,
    sheet_id    TEXT NOT NULL REFERENCES contact_sheets (id),
    at          BIGINT NOT NULL,
    actor_name  TEXT,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX contact_sheet_events_sheet ON contact_sheet_events (sheet_id, at);

CREATE TABLE inspections (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    by_grid        TEXT NOT NULL REFERENCES grids (code),
    target_grid    TEXT NOT NULL REFERENCES grids (code),
    inspected_on   TEXT NOT NULL,
    inspectors     TEXT NOT NULL,
    findings       TEXT NOT NULL,
    circulated_at  BIGINT,
    created_by     TEXT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX inspections_target ON inspections (target_grid, inspected_on);
