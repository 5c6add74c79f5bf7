-- The files a response was read from (issue 17: an unchanged re-import skips parsing). The
-- SHA-256 of a filled form's bytes, and the response it gave (its current version when the
-- same content came again in other bytes). A file whose response has since been replaced is
-- read again, since it may now change something.
CREATE TABLE import_files (
    file_hash    TEXT PRIMARY KEY,
    response_id  INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE
);
CREATE INDEX import_files_response ON import_files (response_id);
