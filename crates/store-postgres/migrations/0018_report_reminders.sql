-- Reminders about reports not yet submitted (催报, C8) (PostgreSQL): one row a reminder sent, so
-- that each report is reminded once before it is due and once when it is overdue. `reporter`
-- is '' for a grid's office or chief and the technician's user id, as in `reports`.
CREATE TABLE report_reminders (
    grid_code   TEXT NOT NULL REFERENCES grids (code),
    rule        TEXT NOT NULL,
    period_key  TEXT NOT NULL,
    reporter    TEXT NOT NULL,
    stage       TEXT NOT NULL,
    sent_at     BIGINT NOT NULL,
    PRIMARY KEY (grid_code, rule, period_key, reporter, stage)
);
CREATE INDEX report_reminders_period ON report_reminders (period_key);
