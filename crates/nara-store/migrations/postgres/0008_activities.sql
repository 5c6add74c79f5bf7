-- Aktiviteter and lokala planer i samverkan (issue 19). Each record is kept whole as JSON (the
-- checked core type), with the columns the lists filter on beside it.
CREATE TABLE local_plans (
    id          TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Which organisations are parties to a plan (an organisation lists the plans it is party to).
CREATE TABLE plan_parties (
    plan_id   TEXT NOT NULL REFERENCES local_plans (id) ON DELETE CASCADE,
    org_code  TEXT NOT NULL,
    PRIMARY KEY (plan_id, org_code)
);
CREATE INDEX plan_parties_org ON plan_parties (org_code);

CREATE TABLE activities (
    id          TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX activities_owner ON activities (owner);

-- Each round's follow-up of an activity: its status that round and a comment.
CREATE TABLE activity_followups (
    activity_id  TEXT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    round_id     TEXT NOT NULL,
    status       TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    PRIMARY KEY (activity_id, round_id)
);

-- Moved by every change of plans, activities and follow-ups (read by the data stamp).
CREATE TABLE activity_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    changes  BIGINT NOT NULL
);
INSERT INTO activity_state (id, changes) VALUES (1, 0);
