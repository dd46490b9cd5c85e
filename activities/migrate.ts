/**
 * Brings a warehouse file up to the current layout: schemas, meta tables, one raw and one core
 * table per contract, the macros that read tonight's rows — `core.<list>_at(d)` per extract list
 * (sql/views/list_at.sql) and `core.audits_at(d)` (sql/views/audits_at.sql) — and reference data.
 * Idempotent, so every activity can call it before it works.
 */
import { columnMeta } from '../core/contracts/columns.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { coreTableDdl, letterPrefixMacroSql, rawTableDdl } from '../core/contracts/load-sql.js';
import { quoteIdent as q } from '../core/sql-text.js';
import { projectRoot } from '../core/project-root.js';
import { shownCodeMacroSql } from '../core/shown-text.js';
import { loadReferenceData } from './reference-data.js';
import type { Warehouse } from './warehouse.js';

const META_FILES = [
  'schemas.sql',
  'files.sql',
  'sheets.sql',
  'rejects.sql',
  'kpi_values.sql',
  'snapshots.sql',
  'baselines.sql',
  'macros.sql',
  'landing_stats.sql',
  'commentary.sql',
];

/** Contract columns an older warehouse's raw and core tables lack (a column added to a list): added, empty. */
async function addNewColumns(w: Warehouse): Promise<void> {
  const have = new Set(
    (await w.rows<{ t: string }>(
      "SELECT schema_name || '.' || table_name || '.' || column_name AS t FROM duckdb_columns() WHERE schema_name IN ('raw', 'core')",
    )).map((r) => r.t),
  );
  for (const c of CONTRACTS.values()) {
    for (const [header, schema] of Object.entries(c.columns)) {
      const name = snakeCase(header);
      if (!have.has(`raw.${c.list}.${name}`)) await w.run(`ALTER TABLE raw.${q(c.list)} ADD COLUMN ${q(name)} VARCHAR`);
      if (!have.has(`core.${c.list}.${name}`)) await w.run(`ALTER TABLE core.${q(c.list)} ADD COLUMN ${q(name)} ${columnMeta(schema).duckdbType}`);
    }
  }
}

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
  await w.run(letterPrefixMacroSql());
  await w.run(SCRUB_HEADER_QUOTES);
  await w.runFile('views/extracts.sql');
  for (const c of CONTRACTS.values()) {
    await w.run(rawTableDdl(c));
    await w.run(coreTableDdl(c));
    if (c.source !== 'audits') await w.runFile('views/list_at.sql', {}, { list: c.list, list_at: `${c.list}_at` });
  }
  await addNewColumns(w);
  await w.runFile('views/audit_duplicates.sql');
  await w.runFile('views/audits_at.sql');
  const [cal] = await w.rows<{ n: string }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'ref' AND table_name = 'calendar'",
  );
  if (cal?.n === '0') await loadReferenceData(w.conn, projectRoot());
}
