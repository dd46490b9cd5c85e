-- meta.raw_files: the CSVs read once (issue 19). raw.<list> reads each again from the archive
-- with the loader's reader (activities/raw-view.ts): `spec` says how (path, fields, the contract
-- columns by position, the extra columns' positions); `extra_keys` are the extra columns' keys.
CREATE SEQUENCE IF NOT EXISTS meta.raw_file_seq;
CREATE TABLE IF NOT EXISTS meta.raw_files (
  sha256     VARCHAR NOT NULL,
  list       VARCHAR NOT NULL,
  spec       JSON NOT NULL,
  extra_keys VARCHAR[] NOT NULL,
  irregular  BOOLEAN NOT NULL,          -- has a line map in meta.raw_lines
  load_order BIGINT NOT NULL
);
-- meta.raw_lines: the line map of an irregular file read once: from the from_record-th record
-- DuckDB reads on, record r is on line r + 1 + add (blank lines, values over several lines,
-- malformed records before it).
CREATE TABLE IF NOT EXISTS meta.raw_lines (
  sha256      VARCHAR NOT NULL,
  from_record BIGINT NOT NULL,
  add         BIGINT NOT NULL
);
