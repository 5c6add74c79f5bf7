-- Signing in with the organisation's own identity (issue 21, OpenID Connect).
-- sso_links: an account's identity at a provider (issuer + subject), made at the first sign-in.
-- sso_pending: a started sign-in until the provider answers (keyed by the hash of its state;
-- taken once). settings: the coordinator's choices, here whether password sign-in is for
-- coordinators only.
CREATE TABLE sso_links (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_links_user ON sso_links (user_id);

CREATE TABLE sso_pending (
    state_hash     TEXT PRIMARY KEY,
    provider       TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX sso_pending_created ON sso_pending (created_at);

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    changed_at  INTEGER NOT NULL,
    changed_by  TEXT NOT NULL
);
