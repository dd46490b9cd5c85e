/**
 * Brings a warehouse file up to the current layout: schemas, meta tables, one raw and one core
 * table per contract, the macros that read tonight's rows — `core.<list>_at(d)` per extract list
 * (sql/views/list_at.sql) and `core.audits_at(d)` (sql/views/audits_at.sql) — and reference data.
 * Idempotent, so every activity can call it before it works.
 */
import { columnMeta } from '../core/contracts/columns.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { coreTableDdl, letterPrefixMacroSql, RAW_EXTRA_COLUMNS, rawTableDdl } from '../core/contracts/load-sql.js';
import { quoteIdent as q } from '../core/sql-text.js';
import { projectRoot } from '../core/project-root.js';
import { shownCodeMacroSql } from '../core/shown-text.js';
import { clearUnfinishedLoads } from './load-csv.js';
import { ensurePublishedTable } from './published-figures.js';
import { loadReferenceData, loadWorkingDaysMacro } from './reference-data.js';
import { rebuildRawViews } from './raw-view.js';
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
  // The mappings table and ref.map_code, so a view reading coded columns (sql/plan/) works before
  // the first compute fills the mappings (compute reloads them each night).
  'code_mappings.sql',
  'benchmarks.sql',
  'raw_files.sql',
  'loads_in_progress.sql',
  'installed_sql.sql',
];

/**
 * Contract columns an older warehouse's raw_rows and core tables lack (a column added to a list):
 * added, empty. True when any was added (the raw views are then rebuilt).
 */
async function addNewColumns(w: Warehouse): Promise<boolean> {
  const have = new Set(
    (await w.rows<{ t: string }>(
      "SELECT schema_name || '.' || table_name || '.' || column_name AS t FROM duckdb_columns() WHERE schema_name IN ('raw_rows', 'core')",
    )).map((r) => r.t),
  );
  let added = false;
  for (const c of CONTRACTS.values()) {
    for (const [header, schema] of Object.entries(c.columns)) {
      const name = snakeCase(header);
      if (!have.has(`raw_rows.${c.list}.${name}`)) {
        await w.run(`ALTER TABLE raw_rows.${q(c.list)} ADD COLUMN ${q(name)} VARCHAR`);
        added = true;
      }
      if (!have.has(`core.${c.list}.${name}`)) await w.run(`ALTER TABLE core.${q(c.list)} ADD COLUMN ${q(name)} ${columnMeta(schema).duckdbType}`);
    }
  }
  return added;
}

/**
 * A warehouse made before raw was a view (issue 19) has raw.<list> tables: their rows move to
 * raw_rows.<list> (made by the caller), where the view finds them. True when any moved.
 */
async function moveRawTables(w: Warehouse): Promise<boolean> {
  const tables = await w.rows<{ table_name: string }>(
    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'raw'",
  );
  for (const t of tables) {
    const known = CONTRACTS.has(t.table_name);
    if (known) await w.run(`INSERT INTO raw_rows.${q(t.table_name)} BY NAME SELECT * FROM raw.${q(t.table_name)}`);
    else await w.run(`CREATE TABLE IF NOT EXISTS raw_rows.${q(t.table_name)} AS SELECT * FROM raw.${q(t.table_name)}`);
    await w.run(`DROP TABLE raw.${q(t.table_name)}`);
  }
  return tables.length > 0;
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
  await ensurePublishedTable(w);
  for (const c of CONTRACTS.values()) {
    await w.run(rawTableDdl(c));
    await w.run(coreTableDdl(c));
    // Audits are additive (core.audits_at); the plan tracker is chosen from the landing folder (core/plan-file.ts).
    if (c.source !== 'audits' && c.source !== 'plan') await w.runFile('views/list_at.sql', {}, { list: c.list, list_at: `${c.list}_at` });
  }
  // Raw tables made before extra columns were kept (issue 13) gain the column, before their rows move.
  const older = await w.rows<{ schema_name: string; table_name: string }>(
    `SELECT schema_name, table_name FROM duckdb_tables() t WHERE database_name = current_database() AND schema_name IN ('raw', 'raw_rows')
       AND NOT EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.table_oid = t.table_oid AND c.column_name = 'extra_columns')`,
  );
  for (const t of older) await w.run(`ALTER TABLE ${q(t.schema_name)}.${q(t.table_name)} ADD COLUMN ${RAW_EXTRA_COLUMNS}`);
  const moved = await moveRawTables(w);
  const added = await addNewColumns(w);
  const [views] = await w.rows<{ n: string }>("SELECT count(*) AS n FROM duckdb_views() WHERE schema_name = 'raw' AND database_name = current_database()");
  if (moved || added || Number(views?.n ?? 0) < CONTRACTS.size) await rebuildRawViews(w);
  await w.runFile('views/audit_duplicates.sql');
  await w.runFile('views/audits_at.sql');
  const [cal] = await w.rows<{ n: string }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'ref' AND table_name = 'calendar'",
  );
  if (cal?.n === '0') await loadReferenceData(w.conn, projectRoot());
  else await loadWorkingDaysMacro(w.conn, projectRoot());
  await clearUnfinishedLoads(w);
}
