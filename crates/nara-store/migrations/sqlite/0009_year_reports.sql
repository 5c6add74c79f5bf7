-- The årsrapport (issue 20): the coordinator's texts per year as a draft (version 0), and each
-- report marked final as a numbered version holding its texts and the whole model as it was
-- (JSON of the core types), so later data changes never alter a final report.
CREATE TABLE year_reports (
    year      INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    texts     TEXT NOT NULL,
    model     TEXT,
    made_by   TEXT NOT NULL,
    made_at   INTEGER NOT NULL,
    PRIMARY KEY (year, version)
);
