/**
 * The source rows behind restatements: for each restated (KPI, period), the rows of the lists the
 * KPI reads (its metadata `sources`) that differ between the extracts snapshot A used and those
 * B used (manifest.json names each by sha256), by file and line.
 *
 * The approximation, documented for `snapshots diff`: rows are compared by their whole typed
 * content in `core.<list>` (every contract column; file, line and extract date ignored), as
 * multisets, so a changed row shows as its old line in A's file and its new line in B's. A moved
 * row is attributed to a period when one of the KPI's date columns falls in the period's window
 * (the month, the trailing 12 months, or on or before the end for a state at E). When none does,
 * moved rows dated earlier are listed instead (a re-referral looks back 12 months; an open
 * episode started long ago). A change of a coded value with no date in range is not traced.
 * Reads the analysts' copy `<home>/warehouse.duckdb`, read-only, so it never blocks a night.
 */
import { existsSync } from 'node:fs';
import { DuckDBInstance, listValue } from '@duckdb/node-api';
import { CONTRACTS } from '../core/contracts/lists.js';
import { columnMeta } from '../core/contracts/columns.js';
import { snakeCase } from '../core/contracts/naming.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import {
  periodWindow,
  restatementKey,
  rowsForPeriod,
  type DiffManifest,
  type MovedRow,
  type Restatement,
  type RestatementRows,
} from '../core/snapshot-diff.js';

const listOf = (source: string): string => source.split('/').pop() ?? source;

function shasFor(m: DiffManifest, list: string): string[] {
  return m.sources.filter((s) => listOf(s.source) === list && s.sha256).map((s) => s.sha256 as string).sort();
}

type Runner = (sql: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>[]>;

/** Rows of `list` in A's files and not B's (before) and in B's and not A's (after), with the given date columns. */
async function movedRowsOfList(run: Runner, list: string, shaA: string[], shaB: string[], dateCols: string[], fileName: Map<string, string>): Promise<MovedRow[]> {
  const contract = CONTRACTS.get(list);
  if (!contract) return [];
  const content = Object.keys(contract.columns).map(snakeCase);
  const key = `md5(to_json({${content.map((c) => `${lit(c)}: ${q(c)}`).join(', ')}})::VARCHAR)`;
  const dates = dateCols.map((c) => `strftime(${q(c)}, '%Y-%m-%d') AS ${q(c)}`).join(', ');
  const side = (param: string) =>
    `SELECT file_sha256, line, ${dates}, h, row_number() OVER (PARTITION BY h ORDER BY file_sha256, line) AS k
     FROM (SELECT *, ${key} AS h FROM core.${q(list)} WHERE list_contains($${param}, file_sha256))`;
  const rows = await run(
    `WITH a AS (${side('a')}), b AS (${side('b')})
     SELECT 'before' AS side, a.* FROM a ANTI JOIN b USING (h, k)
     UNION ALL
     SELECT 'after' AS side, b.* FROM b ANTI JOIN a USING (h, k)
     ORDER BY side DESC, file_sha256, line  -- A's rows (before) first`,
    { a: listValue(shaA), b: listValue(shaB) },
  );
  return rows.map((r) => ({
    list,
    file: fileName.get(String(r.file_sha256)) ?? String(r.file_sha256).slice(0, 12),
    line: Number(r.line),
    side: r.side as 'before' | 'after',
    dates: Object.fromEntries(dateCols.map((c) => [c, (r[c] as string | null) ?? null])),
  }));
}

/** The date columns of a list that a KPI reads (all the list's date columns if it names none). */
function kpiDateColumns(list: string, read: string[]): string[] {
  const contract = CONTRACTS.get(list);
  if (!contract) return [];
  const all = Object.entries(contract.columns)
    .filter(([, s]) => columnMeta(s).kind === 'date')
    .map(([h]) => snakeCase(h));
  const named = all.filter((c) => read.includes(c));
  return named.length > 0 ? named : all;
}

export async function restatementRows(
  warehousePath: string,
  a: DiffManifest,
  b: DiffManifest,
  restatements: Restatement[],
  defs: KpiDefinition[],
): Promise<Map<string, RestatementRows>> {
  const out = new Map<string, RestatementRows>();
  if (restatements.length === 0) return out;
  if (!existsSync(warehousePath)) {
    for (const r of restatements) out.set(restatementKey(r), { rows: [], outside: [], note: `No warehouse at ${warehousePath}, so the source rows cannot be looked up.` });
    return out;
  }
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  const run: Runner = async (sql, params) => (await conn.runAndReadAll(sql, params as never)).getRowObjectsJson() as Record<string, unknown>[];
  const fileName = new Map<string, string>([...a.sources, ...b.sources].filter((s) => s.sha256).map((s) => [s.sha256 as string, s.file]));
  const cache = new Map<string, MovedRow[]>();
  try {
    for (const r of restatements) {
      const def = defs.find((d) => d.meta.id === r.kpi);
      if (!def) {
        out.set(restatementKey(r), { rows: [], outside: [], note: `${r.kpi} is not in the current KPI catalogue, so the lists it reads are not known.` });
        continue;
      }
      const moved: MovedRow[] = [];
      for (const [source, cols] of Object.entries(def.meta.sources)) {
        const list = listOf(source);
        const shaA = shasFor(a, list);
        const shaB = shasFor(b, list);
        if (shaA.join() === shaB.join()) continue;
        const dateCols = kpiDateColumns(list, cols);
        const key = `${list}|${shaA.join()}|${shaB.join()}|${dateCols.join()}`;
        if (!cache.has(key)) cache.set(key, await movedRowsOfList(run, list, shaA, shaB, dateCols, fileName));
        moved.push(...(cache.get(key) ?? []));
      }
      const note = moved.length === 0 ? 'No row of the lists this KPI reads differs between the extracts A and B used; the change is not from moved rows.' : null;
      out.set(restatementKey(r), { ...rowsForPeriod(moved, periodWindow(def.meta.basis, r.period_end)), note });
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return out;
}
