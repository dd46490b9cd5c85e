-- meta.rejects: every problem with every rejected row, kept with where it was and what to do.
-- A row with two problems has two entries; rows_rejected in meta.files counts rows, not problems.
CREATE TABLE IF NOT EXISTS meta.rejects (
  file_sha256 VARCHAR NOT NULL,
  file_name   VARCHAR NOT NULL,
  sheet       VARCHAR,                -- for workbooks
  line        BIGINT,                 -- line in the CSV (header = 1) or row in the sheet
  column_name VARCHAR,
  raw_value   VARCHAR,
  reason      VARCHAR NOT NULL
);
