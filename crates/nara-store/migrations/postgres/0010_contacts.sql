-- Whom the coordinator writes to (issue 22, Svarsläge as the reminder tool): a contact per
-- organisation, from the organisations file or set in the browser (a file without contacts
-- keeps the stored ones), and the coordinator's own contact (one row), printed on the blank
-- forms as the one who receives them.
ALTER TABLE organisations ADD COLUMN contact_name TEXT;
ALTER TABLE organisations ADD COLUMN contact_email TEXT;

CREATE TABLE coordinator_contact (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    changed_at  BIGINT NOT NULL,
    changed_by  TEXT NOT NULL
);
