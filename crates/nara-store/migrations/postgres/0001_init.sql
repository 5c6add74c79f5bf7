-- Nära's schema (PostgreSQL). Times are Unix milliseconds (UTC).

CREATE TABLE instruments (
    id          TEXT NOT NULL,
    version     TEXT NOT NULL,
    name        TEXT NOT NULL,
    toml        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE organisations (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('kommun', 'region'))
);

CREATE TABLE units (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_code  TEXT NOT NULL REFERENCES organisations (code),
    key       TEXT NOT NULL,
    name      TEXT NOT NULL,
    UNIQUE (org_code, key)
);

CREATE TABLE rounds (
    id                  TEXT PRIMARY KEY,
    instrument_id       TEXT NOT NULL,
    instrument_version  TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'published')),
    opens               TEXT,
    closes              TEXT,
    created_at          BIGINT NOT NULL,
    FOREIGN KEY (instrument_id, instrument_version) REFERENCES instruments (id, version)
);

CREATE TABLE responses (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id            TEXT NOT NULL REFERENCES rounds (id),
    unit_id             BIGINT NOT NULL REFERENCES units (id),
    rater               TEXT NOT NULL,
    rater_key           TEXT NOT NULL,
    consensus           BOOLEAN NOT NULL,
    participants        TEXT NOT NULL,
    form_date           TEXT NOT NULL,
    instrument_id       TEXT NOT NULL,
    instrument_version  TEXT NOT NULL,
    content_hash        TEXT NOT NULL,
    source              TEXT NOT NULL,
    actor               TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    replaced_at         BIGINT,
    replaced_by         BIGINT REFERENCES responses (id)
);
-- One current response per identity (round, unit, rater, consensus); replaced ones are history.
CREATE UNIQUE INDEX responses_current ON responses (round_id, unit_id, rater_key, consensus) WHERE replaced_at IS NULL;
CREATE INDEX responses_round ON responses (round_id);

CREATE TABLE answers (
    response_id   BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    statement_id  TEXT NOT NULL,
    level         BIGINT,          -- NULL means "vet ej / ej aktuellt"
    PRIMARY KEY (response_id, statement_id)
);

CREATE TABLE comments (
    response_id  BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('area', 'statement')),
    target       TEXT NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (response_id, kind, target)
);

CREATE TABLE users (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'respondent', 'reader')),
    org_code       TEXT REFERENCES organisations (code),
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE audit (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    details  TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);
