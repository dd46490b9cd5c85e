-- meta.current_audit_files: the loaded audit files that count. A workbook edited in place (same
-- name, new bytes) is one file: only its newest load counts, so a row deleted from it goes too.
CREATE OR REPLACE VIEW meta.current_audit_files AS
SELECT * FROM meta.files
WHERE source = 'audits' AND status = 'loaded'
QUALIFY row_number() OVER (PARTITION BY file_name ORDER BY load_seq DESC) = 1;

-- meta.audit_duplicates: each copy of an Audit ID that is NOT used because the same ID is in an
-- audit file whose name sorts later (core.audits_at takes that one). Always current: a view over
-- the current audit files. Within one file a repeated Audit ID is a row reject instead.
CREATE OR REPLACE VIEW meta.audit_duplicates AS
SELECT audit_id, file_name AS superseded_file, line AS superseded_line, kept_file, kept_line
FROM (
  SELECT a.audit_id, f.file_name, a.line,
         first_value(f.file_name) OVER w AS kept_file,
         first_value(a.line) OVER w AS kept_line,
         row_number() OVER w AS copy
  FROM core.audits a JOIN meta.current_audit_files f ON f.sha256 = a.file_sha256
  WINDOW w AS (PARTITION BY a.audit_id ORDER BY f.file_name DESC, a.line DESC)
)
WHERE copy > 1;
