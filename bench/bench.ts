/**
 * `npm run bench`: how fast the loader takes a large council's case-system extracts, against
 * bare DuckDB reading the same files into the same tables, in the same run.
 *
 *   (a) ours: pull (sha256, UTF-8 check, archive copy; of every file in the landing folder) then
 *       every case-system file through
 *       the loader (scan, read_csv → raw, contract checks → core / meta.rejects);
 *   (b) bare: DuckDB's typed read_csv of each file (contract column types, dd/mm/yyyy dates,
 *       store_rejects so a bad value does not stop it) inserted into core.<list>.
 *
 * Data: the fixture generator at a scale giving about BENCH_ROWS (default 1 M) case-system rows,
 * cached in ./bench-data/scale-<n> (git-ignored). Prints rows/s, the ratio, where our time goes,
 * and peak RSS; writes bench-results.json.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { columnMeta } from '../core/contracts/columns.js';
import { contractFor } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import { readHeader } from '../activities/csv-header.js';
import { loadFile } from '../activities/load-file.js';
import { loadStepMs } from '../activities/load-csv.js';
import { migrate } from '../activities/migrate.js';
import { pullSources } from '../activities/pull.js';
import { Warehouse } from '../activities/warehouse.js';
import { generateLanding } from '../fixtures/generator/generate.js';

const ROWS_AT_SCALE_1 = 71_500; // case-system rows (both extracts) the generator writes at scale 1
const AS_OF = '2015-02-28';

async function dataset(targetRows: number): Promise<{ landing: string; scale: number }> {
  const scale = Math.max(1, Math.round(targetRows / ROWS_AT_SCALE_1));
  const landing = resolve('bench-data', `scale-${scale}`);
  const done = join(landing, '.complete');
  if (!existsSync(done)) {
    console.log(`generating ~${targetRows.toLocaleString()} case-system rows (scale ${scale}) in ${landing} …`);
    await rm(landing, { recursive: true, force: true });
    const t0 = performance.now();
    await generateLanding({ out: landing, asOf: AS_OF, scale });
    await writeFile(done, new Date().toISOString());
    console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { landing, scale };
}

async function caseFiles(landing: string): Promise<string[]> {
  return (await readdir(join(landing, 'case-system'))).filter((n) => n.endsWith('.csv')).sort();
}

async function ours(landing: string): Promise<{ rows: number; rejected: number; pullMs: number; loadMs: number }> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-bench-a-'));
  try {
    return await Warehouse.with(join(root, 'w.duckdb'), async (w) => {
      await migrate(w);
      const t0 = performance.now();
      const found = await pullSources(w, { asOf: AS_OF, landing, home: join(root, 'home') });
      const t1 = performance.now();
      let rows = 0;
      let rejected = 0;
      for (const f of found.filter((x) => x.status === 'new' && x.source === 'case-system')) {
        const r = await loadFile(w, f, 'bench');
        if (r.status !== 'loaded') throw new Error(`${f.relPath} rejected: ${r.reason}`);
        rows += r.rowsRead;
        rejected += r.rowsRejected;
      }
      const t2 = performance.now();
      const refused = found.filter((x) => x.status === 'rejected');
      if (refused.length > 0) throw new Error(`pull refused ${refused.map((x) => `${x.relPath}: ${x.reason}`).join('; ')}`);
      return { rows, rejected, pullMs: t1 - t0, loadMs: t2 - t1 };
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function bare(landing: string): Promise<{ rows: number; ms: number }> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-bench-b-'));
  try {
    return await Warehouse.with(join(root, 'w.duckdb'), async (w) => {
      await migrate(w);
      let rows = 0;
      const t0 = performance.now();
      for (const name of await caseFiles(landing)) {
        const path = join(landing, 'case-system', name);
        const m = /^(.+)_(\d{4}-\d{2}-\d{2})\.csv$/.exec(name)!;
        const contract = contractFor(m[1]!);
        const header = (await readHeader(path)) ?? [];
        const byKey = new Map(Object.keys(contract.columns).map((h) => [h.toLowerCase(), h]));
        const cols = header.map((h, i) => {
          const c = byKey.get(h.trim().toLowerCase());
          return { pos: `c${i}`, header: c, type: c ? columnMeta(contract.columns[c]!).duckdbType : 'VARCHAR' };
        });
        const types = cols.map((c) => `${lit(c.pos)}: ${lit(c.type === 'BOOLEAN' || c.type === 'TINYINT' ? 'VARCHAR' : c.type)}`).join(', ');
        const picked = cols.filter((c) => c.header).map((c) => `${q(c.pos)} AS ${q(snakeCase(c.header!))}`);
        const reader = await w.conn.runAndReadAll(
          `INSERT INTO core.${q(contract.list)} BY NAME
           SELECT 'bench' AS file_sha256, ${lit(m[2]!)}::DATE AS extract_date, 0 AS line, ${picked.join(', ')}
           FROM read_csv(${lit(path)}, header = true, columns = {${types}}, dateformat = '%d/%m/%Y', store_rejects = true, auto_detect = false)`,
        );
        rows += Number(reader.getRows()[0]?.[0] ?? 0);
      }
      return { rows, ms: performance.now() - t0 };
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const target = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const { landing, scale } = await dataset(target);
  const b = await bare(landing);
  globalThis.gc?.();
  const a = await ours(landing);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
  const oursMs = a.pullMs + a.loadMs;
  console.log(`\ncase-system rows: ${fmt(a.rows)} (scale ${scale}); our rejects: ${fmt(a.rejected)}; bare DuckDB rows inserted: ${fmt(b.rows)}`);
  console.log(`(b) bare DuckDB typed read_csv → core: ${(b.ms / 1000).toFixed(2)} s  ${fmt((a.rows / b.ms) * 1000)} rows/s`);
  console.log(`(a) ours, load only:                    ${(a.loadMs / 1000).toFixed(2)} s  ${fmt((a.rows / a.loadMs) * 1000)} rows/s  ratio ${(a.loadMs / b.ms).toFixed(2)}×`);
  console.log(`(a) ours, pull + load:                  ${(oursMs / 1000).toFixed(2)} s  ${fmt((a.rows / oursMs) * 1000)} rows/s  ratio ${(oursMs / b.ms).toFixed(2)}×`);
  console.log(`    pull (sha256 + UTF-8 check + archive copy): ${(a.pullMs / 1000).toFixed(2)} s`);
  for (const [k, v] of [...loadStepMs.entries()].sort((x, y) => y[1] - x[1])) console.log(`    ${k.padEnd(28)} ${(v / 1000).toFixed(2)} s`);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`peak RSS ${fmt(peakMb)} MB`);
  await writeFile(
    'bench-results.json',
    JSON.stringify(
      { rows: a.rows, scale, bareMs: b.ms, pullMs: a.pullMs, loadMs: a.loadMs, ratioLoad: a.loadMs / b.ms, ratioPullLoad: oursMs / b.ms, steps: Object.fromEntries(loadStepMs), peakRssMb: peakMb },
      null,
      2,
    ) + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
