-- Sign-in attempts, counted in the database so the limits hold across every server instance
-- that shares it (`LimitStore`). One row per attempt still in its window: the key it counts
-- against (`user:<id>`, `name:<normalised name>`, `addr:<address>`), when (the store's clock),
-- the account's stamp (a new password or enabling the account changes it, so the older
-- attempts stop counting), whether the row counts toward the table's cap (names and addresses,
-- which a sender chooses freely) and whether the refusal of the lock it completed was logged.
-- Rows leave when given back, when their key is cleared, and when pruned after the window.

CREATE TABLE sign_in_attempts (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key     TEXT NOT NULL,
    at      BIGINT NOT NULL,
    stamp   BIGINT NOT NULL,
    capped  BOOLEAN NOT NULL,
    warned  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sign_in_attempts_key ON sign_in_attempts (key, at);
CREATE INDEX sign_in_attempts_at ON sign_in_attempts (at);
