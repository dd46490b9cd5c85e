/**
 * (d) The spec's two layers and nothing else: how close to bare DuckDB any pipeline can come
 * while keeping `raw` (every value as text, with its line; spec outputs.md "The warehouse") and
 * `core` (typed). Per CSV, as bare does it (bench/bare.ts): `read_csv` as text into raw with
 * lines from the appended rows' ids (as the loader does), then raw → core with the same typed casts
 * as (b), then the same KPI SQL.
 *
 * Not in it, though the night does them: hashing and archiving, the CSV scan, any check of a
 * value against the contract, rejects, baselines, snapshots, Temporal. So (d) ÷ (b) is a floor
 * for (a) ÷ (b): what the two layers cost before any validation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeKpis } from '../activities/compute.js';
import { matchHeader, readHeader } from '../activities/csv-header.js';
import { transcode1252 } from '../activities/load-csv.js';
import { migrate } from '../activities/migrate.js';
import { Warehouse } from '../activities/warehouse.js';
import { columnMeta } from '../core/contracts/columns.js';
import { contractFor } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import { dateFormat, head, type BareResult } from './bare.js';
import { AS_OF, type Dataset } from './dataset.js';

/** The typed value of a raw column, as (b) types it. */
function typed(list: string, header: string, format: string): string {
  const meta = columnMeta(contractFor(list).columns[header]!);
  const c = q(snakeCase(header));
  switch (meta.duckdbType) {
    case 'VARCHAR':
      return c;
    case 'DATE':
      return `try_strptime(${c}, ${lit(format)})::DATE`;
    case 'TINYINT':
      return `TRY_CAST(split_part(${c}, ' ', 1) AS TINYINT)`;
    default:
      return `TRY_CAST(${c} AS ${meta.duckdbType})`;
  }
}

export async function layers(data: Dataset): Promise<BareResult> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-bench-layers-'));
  try {
    return await Warehouse.with(join(root, 'layers.duckdb'), async (w) => {
      await migrate(w); // tables, macros and the calendar: set-up, not timed
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
        const sha = `layers-${++seq}`;
        const header = (await readHeader(path))!;
        const match = matchHeader(contractFor(list), header);
        if ('reason' in match) throw new Error(`${rel}: ${match.reason}`);
        const records = await head(path);
        const positional = header.map((_, i) => `${lit(`c${i}`)}: 'VARCHAR'`).join(', ');
        const picked = match.positions.flatMap((h, i) => (h ? [{ header: h, pos: i }] : []));
        // Lines as the loader numbers them: from the appended rows' ids, in the insert's transaction.
        await w.transaction(async () => {
          await w.run(
            `INSERT INTO raw.${q(list)} BY NAME
             SELECT $sha AS file_sha256, 0 AS line, ${picked.map((p) => `${q(`c${p.pos}`)} AS ${q(snakeCase(p.header))}`).join(', ')}
             FROM read_csv($path, header = true, all_varchar = true, columns = {${positional}}, auto_detect = false)`,
            { sha, path },
          );
          await w.run(
            `UPDATE raw.${q(list)} SET line = rowid - (SELECT min(rowid) FROM raw.${q(list)} WHERE file_sha256 = $sha) + 2 WHERE file_sha256 = $sha`,
            { sha },
          );
        });
        const [ins] = await w.rows<{ Count: string }>(
          `INSERT INTO core.${q(list)} BY NAME
           SELECT file_sha256, $extract_date::DATE AS extract_date, line,
                  ${picked.map((p) => `${typed(list, p.header, dateFormat(records, p.pos))} AS ${q(snakeCase(p.header))}`).join(', ')}
           FROM raw.${q(list)} WHERE file_sha256 = $sha`,
          { sha, extract_date: extractDate },
        );
        rows += Number(ins?.Count ?? 0);
        // So the KPI macros (core.<list>_at) find the extract.
        await w.run(
          `INSERT INTO meta.files VALUES ($sha, $source, $list, $name, $d::DATE, 0, NULL, 'utf-8', 'loaded', NULL, 0, 0, 0, [], nextval('meta.load_seq'), 'layers')`,
          { sha, source, list, name, d: extractDate },
        );
      }
      const t1 = performance.now();
      await computeKpis(w, { asOf: AS_OF, workflowId: 'layers', runId: 'layers', reuse: false });
      const t2 = performance.now();
      return { rows, readMs: t1 - t0, computeMs: t2 - t1, ms: t2 - t0 };
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
