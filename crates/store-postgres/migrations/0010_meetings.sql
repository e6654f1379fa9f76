-- Chief meetings and office meetings with minutes, attendees and decisions (PostgreSQL).

CREATE TABLE meetings (
    id          TEXT PRIMARY KEY,
    grid_code   TEXT NOT NULL REFERENCES grids (code),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    minutes     TEXT NOT NULL,
    attendees   TEXT NOT NULL,
    decisions   TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX meetings_grid ON meetings (grid_code, held_on);
