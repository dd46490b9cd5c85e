-- core.audits_at(d): the audits a run as of d reads. Audit files are additive: only the
-- workbooks in the landing folder at the last pull count, as they are now (one edited in place,
-- same name and new bytes, counts once: meta.current_audit_files, sql/views/audit_duplicates.sql);
-- an Audit ID in several files is taken from the file whose name sorts last.
--
-- The audit completion cut-off, defined here and nowhere else: a completion after d has not
-- happened as far as a run as of d knows, so its Completed Date and its Grade are blank.
CREATE OR REPLACE MACRO core.audits_at(d) AS TABLE
  SELECT * REPLACE (
      CASE WHEN completed_date <= d THEN completed_date END AS completed_date,
      CASE WHEN completed_date <= d THEN grade END AS grade)
  FROM (
    SELECT a.* FROM core.audits a JOIN meta.current_audit_files f ON f.sha256 = a.file_sha256
    QUALIFY row_number() OVER (PARTITION BY a.audit_id ORDER BY f.file_name DESC, a.line DESC) = 1);

-- core.audits_changed_between(after, up_to): the audit rows a run as of up_to reads otherwise
-- than a run as of `after` over the same files — the completions the cut-off above lets in
-- between the two dates. Derived from core.audits_at, so the cut-off stays written once: a night
-- that reuses an earlier night's audit figures asks this, not its own copy of the rule.
CREATE OR REPLACE MACRO core.audits_changed_between(after, up_to) AS TABLE
  SELECT * FROM core.audits_at(up_to)
  EXCEPT ALL
  SELECT * FROM core.audits_at(after);
