-- Group-chat robots (WeCom, DingTalk) per grid, and every delivery to them with its attempts.

CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY,
    grid_code    TEXT NOT NULL REFERENCES grids (code),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT,
    urgent_only  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX webhooks_grid ON webhooks (grid_code);

CREATE TABLE webhook_deliveries (
    id           TEXT PRIMARY KEY,
    webhook_id   TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     BIGINT NOT NULL,
    next_at      BIGINT NOT NULL,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, created_at);
