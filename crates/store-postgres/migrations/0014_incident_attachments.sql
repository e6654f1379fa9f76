-- Photos and videos attached to incidents (PostgreSQL). The bytes live in the object store; a row
-- names them. Ids are minted by the uploading phone, so a retried upload is stored once.

CREATE TABLE incident_attachments (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    media_type     TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    object_key     TEXT NOT NULL,
    thumbnail_key  TEXT,
    width          BIGINT,
    height         BIGINT,
    file_name      TEXT,
    uploaded_by    TEXT,
    uploaded_at    BIGINT NOT NULL
);
CREATE INDEX incident_attachments_incident ON incident_attachments (incident_id, uploaded_at);
