-- Nyckeltal (issue 18): the values of the catalogue's indicators, from Kolada or imported from
-- files, one row per indicator, organisation (Kolada's id: 2080, 0020, 0000 for the country),
-- year and gender (T, K, M). A missing or suppressed value is NULL, never 0. Each row says where
-- it came from (`kolada` or the file's name), when it was fetched, and the publication date
-- Kolada gave the indicator at the time.
CREATE TABLE indicator_values (
    kpi           TEXT NOT NULL,
    municipality  TEXT NOT NULL,
    period        INTEGER NOT NULL,
    gender        TEXT NOT NULL,
    value         DOUBLE PRECISION,
    status        TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL,
    fetched_at    BIGINT NOT NULL,
    published     TEXT,
    PRIMARY KEY (kpi, municipality, period, gender)
);

-- What Kolada says about each indicator, re-read at every sync: its title and publication date.
CREATE TABLE indicator_info (
    kpi               TEXT PRIMARY KEY,
    title             TEXT NOT NULL,
    publication_date  TEXT,
    publ_period       TEXT,
    fetched_at        BIGINT NOT NULL
);
