/**
 * Brings a warehouse file up to the current layout: schemas, meta tables, one raw and one core
 * table per contract, the `<list>_at(d)` macros that pick tonight's extract, reference data.
 * Idempotent, so every activity can call it before it works.
 */
import { CONTRACTS } from '../core/contracts/lists.js';
import { coreTableDdl, rawTableDdl } from '../core/contracts/load-sql.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import { projectRoot } from '../core/project-root.js';
import { shownCodeMacroSql } from '../core/shown-text.js';
import { loadReferenceData } from './reference-data.js';
import type { Warehouse } from './warehouse.js';

const META_FILES = ['schemas.sql', 'files.sql', 'rejects.sql', 'kpi_values.sql', 'snapshots.sql', 'baselines.sql', 'macros.sql', 'landing_stats.sql', 'benchmarks.sql'];

/** `core.<list>_at(d)`: the rows of the newest extract of a list dated on or before d. */
function extractAtMacro(list: string): string {
  return `CREATE OR REPLACE MACRO core.${q(`${list}_at`)}(d) AS TABLE
    SELECT * FROM core.${q(list)}
    WHERE file_sha256 = (
      SELECT sha256 FROM meta.files
      WHERE list = ${lit(list)} AND status = 'loaded' AND extract_date <= d
      ORDER BY extract_date DESC, load_seq DESC LIMIT 1)`;
}

/**
 * `core.audits_at(d)`: audit files are additive. An Audit ID in several files is taken from the
 * file whose name sorts last; a completion after d has not happened as far as a run as of d knows.
 * Only the workbooks in the landing folder at the last pull count, as they are now: one edited
 * in place (same name, new bytes) counts once (meta.current_audit_files, sql/views/audit_duplicates.sql).
 */
const AUDITS_AT = `CREATE OR REPLACE MACRO core.audits_at(d) AS TABLE
  SELECT * REPLACE (
      CASE WHEN completed_date <= d THEN completed_date END AS completed_date,
      CASE WHEN completed_date <= d THEN grade END AS grade)
  FROM (
    SELECT a.* FROM core.audits a JOIN meta.current_audit_files f ON f.sha256 = a.file_sha256
    QUALIFY row_number() OVER (PARTITION BY a.audit_id ORDER BY f.file_name DESC, a.line DESC) = 1)`;

/**
 * Reasons recorded before issue 12 that quote a file's first line ("header starts "C004733", …"):
 * the quote is cut from warehouses that hold one, so a later night never publishes it again.
 */
const SCRUB_HEADER_QUOTES = `UPDATE meta.files SET reason = regexp_replace(reason, ' \\(header starts .*\\)$', ' (the first line is not shown)')
  WHERE contains(reason, ' (header starts ')`;

export async function migrate(w: Warehouse): Promise<void> {
  const [first, ...rest] = META_FILES;
  await w.runFile(`meta/${first}`);
  // Before macros.sql, whose notes call it.
  await w.run(shownCodeMacroSql());
  for (const f of rest) await w.runFile(`meta/${f}`);
  await w.run(SCRUB_HEADER_QUOTES);
  for (const c of CONTRACTS.values()) {
    await w.run(rawTableDdl(c));
    await w.run(coreTableDdl(c));
    if (c.source !== 'audits') await w.run(extractAtMacro(c.list));
  }
  await w.runFile('views/audit_duplicates.sql');
  await w.run(AUDITS_AT);
  const [cal] = await w.rows<{ n: string }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'ref' AND table_name = 'calendar'",
  );
  if (cal?.n === '0') await loadReferenceData(w.conn, projectRoot());
}
