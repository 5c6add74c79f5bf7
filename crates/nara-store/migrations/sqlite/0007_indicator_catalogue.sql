-- Nyckeltal, continued (issue 18). A value may say how many cases it rests on (a local table's
-- "antal"), so pages can hide values from fewer than the catalogue's minimum.
ALTER TABLE indicator_values ADD COLUMN cases INTEGER;

-- The county's catalogue of indicators as stored by `nara indicators catalogue FILE` (JSON of
-- the validated catalogue); while no row exists the embedded Dalarna catalogue is used.
CREATE TABLE indicator_catalogue (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    body       TEXT NOT NULL,
    stored_at  INTEGER NOT NULL
);

-- One counter that every change of indicator values or of the catalogue moves, so the data
-- stamp (and the caches keyed by it) sees such changes at the cost of one row.
CREATE TABLE indicator_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    changes  INTEGER NOT NULL
);
INSERT INTO indicator_state (id, changes) VALUES (1, 0);
