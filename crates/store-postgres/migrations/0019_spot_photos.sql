-- Photos (and videos) taken during the field verification of change spots (核实照片) (PostgreSQL).
-- Like incident attachments: the bytes live in the object store, a row names them, and the id
-- is minted by the uploading phone, so a retried upload is stored once.

CREATE TABLE spot_photos (
    id             TEXT PRIMARY KEY,
    spot_id        TEXT NOT NULL REFERENCES change_spots (id),
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
CREATE INDEX spot_photos_spot ON spot_photos (spot_id, uploaded_at);
