-- Answering on the web: a link per rater (only the token's SHA-256 is kept) and its draft,
-- one row per field, so two tabs saving at once lose nothing (the last write per field wins).

CREATE TABLE answer_links (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    round_id     TEXT NOT NULL REFERENCES rounds (id),
    org_code     TEXT NOT NULL REFERENCES organisations (code),
    unit         TEXT NOT NULL,
    rater        TEXT NOT NULL,
    consensus    INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    saved_at     INTEGER,
    submitted_at INTEGER
);
CREATE INDEX answer_links_round ON answer_links (round_id, org_code);

CREATE TABLE answer_drafts (
    link_id   INTEGER NOT NULL REFERENCES answer_links (id) ON DELETE CASCADE,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    saved_at  INTEGER NOT NULL,
    PRIMARY KEY (link_id, field)
);
