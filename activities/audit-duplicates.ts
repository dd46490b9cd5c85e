/**
 * Audit files are additive: an Audit ID in more than one file is taken from the file whose name
 * sorts last (core.audits_at). Each loaded audit file's `meta.files.reason` carries a note of its
 * duplicates, rewritten after every audit load so it stays current as files arrive; the note
 * reaches metrics.json (data_quality.sources[].reason) and `csc-kpi validate`. The full list is
 * the view meta.audit_duplicates. Notes name files and counts, never the IDs.
 */
import type { Warehouse } from './warehouse.js';

export async function refreshAuditDuplicateNotes(w: Warehouse): Promise<void> {
  await w.run(
    `UPDATE meta.files AS f SET reason = n.note
     FROM (
       SELECT m.file_name,
              nullif(concat_ws('; ',
                CASE WHEN lost > 0 THEN lost || ' Audit ID(s) here also appear in ' || later || CASE WHEN later_files > 1 THEN ' and ' || (later_files - 1) || ' other later-named file(s)' ELSE '' END || ', whose rows are used instead' END,
                CASE WHEN won > 0 THEN won || ' Audit ID(s) here also appear in earlier-named audit files; the rows in this file are used' END), '') AS note
       FROM (SELECT file_name FROM meta.current_audit_files) m
       LEFT JOIN (SELECT superseded_file, count(*) AS lost, min(kept_file) AS later, count(DISTINCT kept_file) AS later_files
                  FROM meta.audit_duplicates GROUP BY ALL) l ON l.superseded_file = m.file_name
       LEFT JOIN (SELECT kept_file, count(DISTINCT audit_id) AS won FROM meta.audit_duplicates GROUP BY ALL) k ON k.kept_file = m.file_name
     ) n
     WHERE f.sha256 IN (SELECT sha256 FROM meta.current_audit_files) AND f.file_name = n.file_name`,
  );
}
