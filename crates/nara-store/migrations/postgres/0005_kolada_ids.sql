-- An organisation's id in Kolada when it differs from the default (a kommun's own code; a
-- region's code after 00): issue 18, nyckeltal.
ALTER TABLE organisations ADD COLUMN kolada TEXT;
