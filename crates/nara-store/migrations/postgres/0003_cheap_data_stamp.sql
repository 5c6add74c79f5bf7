-- The data stamp (`AuditStore::data_stamp`) reads only indexed maxima and small tables, so the
-- one query every page makes costs the same whatever the number of answers, and sign-ins (which
-- are audited) no longer move it. Rounds and organisations count their own changes.

ALTER TABLE rounds ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX responses_replaced ON responses (replaced_at);
CREATE INDEX responses_round_replaced ON responses (round_id, replaced_at);
