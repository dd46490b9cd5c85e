-- meta.current_audit_files: the loaded audit files that count: those in the landing folder at
-- the last pull (sources.md: "every audit file in the folder contributes its rows"). A workbook
-- taken out of the folder stops counting; one edited in place (same name, new bytes) counts as
-- it is now, so a row deleted from it goes too, and so does one put back to an earlier version.
-- Should one name still appear twice, its newest load counts.
CREATE OR REPLACE VIEW meta.current_audit_files AS
SELECT * FROM meta.files f
WHERE f.source = 'audits' AND f.status = 'loaded'
  AND f.sha256 IN (SELECT sha256 FROM meta.audit_files_in_folder)
QUALIFY row_number() OVER (PARTITION BY f.file_name ORDER BY f.load_seq DESC) = 1;

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
