-- meta.files: one row per distinct file (by sha256) the pipeline has loaded or rejected whole.
-- `load_seq` orders loads, so two extracts of one list with the same date resolve to the later load.
CREATE SEQUENCE IF NOT EXISTS meta.load_seq;
CREATE TABLE IF NOT EXISTS meta.files (
  sha256        VARCHAR PRIMARY KEY,
  source        VARCHAR NOT NULL,      -- case-system | hr | audits
  list          VARCHAR,               -- referrals, workforce, audits, ... (NULL if the name says nothing)
  file_name     VARCHAR NOT NULL,
  extract_date  DATE,                  -- from the file name; NULL for audit workbooks
  byte_size     BIGINT NOT NULL,
  raw_path      VARCHAR,
  encoding      VARCHAR,
  status        VARCHAR NOT NULL,      -- loaded | rejected
  reason        VARCHAR,               -- why a whole file was rejected, for a data officer
  rows_read     BIGINT NOT NULL,
  rows_loaded   BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  columns_seen  VARCHAR[],             -- contract columns present in the file (schema-change detection)
  load_seq      BIGINT NOT NULL,
  loaded_by_run VARCHAR
);

-- meta.audit_files_in_folder: the audit files (by sha256) in the landing folder at the last pull.
-- Audit files are additive and count while they are in the folder (sources.md); see
-- meta.current_audit_files (sql/views/audit_duplicates.sql).
CREATE TABLE IF NOT EXISTS meta.audit_files_in_folder (
  sha256 VARCHAR NOT NULL
);
