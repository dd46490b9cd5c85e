/**
 * (b) The bare DuckDB baseline: what the night would cost with no pipeline around it. Every CSV
 * of the landing folder is read by DuckDB's typed `read_csv` straight into its `core` table
 * (contract column types; each date column read as text and turned into a DATE by one strptime
 * with the format its file uses — dd/mm/yyyy or yyyy-mm-dd, decided from the first values — so
 * every row is read), then the same KPI SQL runs over it (computeKpis: all 16 KPIs, 25 points).
 *
 * Not in it: hashing, archiving, validation, rejects, line numbers, the raw layer, baselines,
 * snapshots, Temporal. Windows-1252 files (the HR extract) are transcoded first, as DuckDB
 * cannot read them; audit workbooks (.xlsx, a few hundred KB that do not grow with scale) are
 * left out, as DuckDB cannot read them here.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { columnMeta } from '../core/contracts/columns.js';
import { contractFor } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import { computeKpis } from '../activities/compute.js';
import { migrate } from '../activities/migrate.js';
import { Warehouse } from '../activities/warehouse.js';
import { transcode1252 } from '../activities/load-csv.js';
import { AS_OF, type Dataset } from './dataset.js';

export interface BareResult {
  rows: number;
  readMs: number;
  computeMs: number;
  ms: number;
}

/** The header and the first records of a CSV (for column names and each date column's format). */
export async function head(path: string): Promise<string[][]> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    return parse(text.slice(0, text.lastIndexOf('\n') + 1), { relax_column_count: true }) as string[][];
  } finally {
    await fh.close();
  }
}

export function dateFormat(records: string[][], i: number): string {
  const v = records.slice(1).map((r) => r[i]?.trim() ?? '').find((x) => x !== '');
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? '%Y-%m-%d' : '%d/%m/%Y';
}

/** Types DuckDB's CSV reader is not given (read as text, typed by an expression): see textToTyped. */
const TYPED_BY_EXPRESSION = ['DATE', 'BOOLEAN', 'TINYINT'];

/** The expression typing a text column to a DATE, BOOLEAN or TINYINT contract type; null for other types. */
export function textToTyped(duckdbType: string, column: string, dateFormatOfFile: string): string | null {
  if (duckdbType === 'DATE') return `try_strptime(${column}, ${lit(dateFormatOfFile)})::DATE`;
  if (duckdbType === 'BOOLEAN') return `TRY_CAST(${column} AS BOOLEAN)`;
  if (duckdbType === 'TINYINT') return `TRY_CAST(split_part(${column}, ' ', 1) AS TINYINT)`;
  return null;
}

/** The typed INSERT … SELECT FROM read_csv of one file into core.<list>. */
async function insertSql(path: string, list: string, sha: string, extractDate: string | null): Promise<string> {
  const contract = contractFor(list);
  const records = await head(path);
  const byKey = new Map(Object.keys(contract.columns).map((h) => [h.toLowerCase(), h]));
  const types: string[] = [];
  const picked: string[] = [];
  (records[0] ?? []).forEach((h, i) => {
    const header = byKey.get(h.trim().toLowerCase());
    const pos = `c${i}`;
    const meta = header ? columnMeta(contract.columns[header]!) : null;
    const type = meta && TYPED_BY_EXPRESSION.includes(meta.duckdbType) ? 'VARCHAR' : (meta?.duckdbType ?? 'VARCHAR');
    types.push(`${lit(pos)}: ${lit(type)}`);
    if (!header || !meta) return;
    const expr = textToTyped(meta.duckdbType, q(pos), dateFormat(records, i)) ?? q(pos);
    picked.push(`${expr} AS ${q(snakeCase(header))}`);
  });
  return `INSERT INTO core.${q(list)} BY NAME
    SELECT ${lit(sha)} AS file_sha256, ${extractDate ? `${lit(extractDate)}::DATE` : 'NULL::DATE'} AS extract_date, 0 AS line, ${picked.join(', ')}
    FROM read_csv(${lit(path)}, header = true, columns = {${types.join(', ')}}, auto_detect = false, store_rejects = true)`;
}

/** One CSV of the landing folder as a baseline sees it (the HR extract already transcoded to UTF-8). */
export interface BaselineFile {
  rel: string;
  path: string;
  list: string;
  extractDate: string | null;
  sha: string;
}

/**
 * A baseline's frame: a fresh warehouse (tables, macros and calendar set up, not timed), then,
 * timed, `loadOne` for every CSV with its meta.files row (so the KPI macros find the extract),
 * then the KPI SQL.
 */
export async function timeBaseline(data: Dataset, label: string, loadOne: (w: Warehouse, f: BaselineFile) => Promise<number>): Promise<BareResult> {
  const root = await mkdtemp(join(tmpdir(), `csc-kpi-bench-${label}-`));
  try {
    return await Warehouse.with(join(root, `${label}.duckdb`), async (w) => {
      await migrate(w);
      let rows = 0;
      let seq = 0;
      const t0 = performance.now();
      for (const rel of data.files.filter((f) => f.endsWith('.csv'))) {
        const [source, name] = rel.split('/') as [string, string];
        const m = /^(.+)_(\d{4}-\d{2}-\d{2})\.csv$/.exec(name);
        const list = source === 'audits' ? 'audits' : m![1]!;
        const extractDate = source === 'audits' ? null : m![2]!;
        let path = join(data.landing, rel);
        if (source === 'hr') {
          const utf8 = join(root, `${name}.utf8.csv`);
          await transcode1252(path, utf8);
          path = utf8;
        }
        const sha = `${label}-${++seq}`;
        rows += await loadOne(w, { rel, path, list, extractDate, sha });
        await w.run(
          `INSERT INTO meta.files VALUES ($sha, $source, $list, $name, $d::DATE, 0, NULL, 'utf-8', 'loaded', NULL, 0, 0, 0, [], nextval('meta.load_seq'), $label)`,
          { sha, source, list, name, d: extractDate, label },
        );
      }
      const t1 = performance.now();
      await computeKpis(w, { asOf: AS_OF, workflowId: label, runId: label, reuse: false });
      const t2 = performance.now();
      return { rows, readMs: t1 - t0, computeMs: t2 - t1, ms: t2 - t0 };
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export async function bare(data: Dataset): Promise<BareResult> {
  return timeBaseline(data, 'bare', async (w, f) => {
    const reader = await w.conn.runAndReadAll(await insertSql(f.path, f.list, f.sha, f.extractDate));
    return Number(reader.getRows()[0]?.[0] ?? 0);
  });
}
