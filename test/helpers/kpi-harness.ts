/**
 * Golden-test harness for the KPI catalogue: writes hand-made CSVs into a temp landing folder and
 * runs the real activity functions (migrate → pullSources → loadCsv → computeKpis) against a real
 * DuckDB file in a temp dir, then reads `kpi.values` and the drill-through macros. No Temporal.
 *
 * Rows are given as objects keyed by the warehouse (snake_case) column name; the CSV header is
 * every contract column, blanks where a row says nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ValueRow } from '../../activities/build-metrics.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { computeKpis } from '../../activities/compute.js';
import { loadCsv } from '../../activities/load-csv.js';
import { migrate } from '../../activities/migrate.js';
import { pullSources } from '../../activities/pull.js';
import { Warehouse } from '../../activities/warehouse.js';
import { contractFor } from '../../core/contracts/lists.js';
import { snakeCase } from '../../core/contracts/naming.js';

export type Row = Record<string, string | number | null | undefined>;

/** CSV text of a list: header = every contract column; cells from the row by snake_case name. */
export function csvOf(list: string, rows: Row[]): string {
  const headers = Object.keys(contractFor(list).columns);
  const cell = (v: Row[string]) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const known = new Set(headers.map(snakeCase));
  for (const r of rows) {
    for (const k of Object.keys(r)) if (!known.has(k)) throw new Error(`csvOf(${list}): no column ${k}`);
  }
  return [headers.join(','), ...rows.map((r) => headers.map((h) => cell(r[snakeCase(h)])).join(','))].join('\r\n') + '\r\n';
}

export interface KpiValue extends ValueRow {
  definition_version: string;
}

export interface KpiRun {
  asOf: string;
  home: string;
  runId: string;
  warehouse: Warehouse;
  /** The 25 points of one KPI, oldest first. */
  series(kpi: string): Promise<KpiValue[]>;
  /** One point (default: the period ending as-of). */
  point(kpi: string, periodEnd?: string): Promise<KpiValue>;
  drill<T = Record<string, unknown>>(kpi: string): Promise<T[]>;
  rows<T = Record<string, unknown>>(sql: string, params?: Record<string, string>): Promise<T[]>;
  /** Rows rejected by the loader (a fixture mistake shows up here). */
  rejects(): Promise<{ file_name: string; line: number; column_name: string; reason: string }[]>;
  close(): Promise<void>;
}

export interface RunOptions {
  /** Contents of config/code-mappings.json for this run (default: no mappings). */
  mappings?: { column: string; from: string; to: string }[];
}

/**
 * files: landing-relative path → CSV text, e.g. `{ 'case-system/referrals_2015-02-28.csv': csvOf('referrals', [...]) }`.
 */
export async function runKpis(files: Record<string, string>, asOf: string, opts: RunOptions = {}): Promise<KpiRun> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-golden-'));
  const landing = join(root, 'landing');
  await mkdir(landing, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(landing, rel)), { recursive: true });
    await writeFile(join(landing, rel), text);
  }
  return runOnLanding(root, landing, asOf, opts, true);
}

/** The same on an existing landing folder (e.g. the committed sample); whole-file rejects are allowed. */
export async function runKpisOnLanding(landing: string, asOf: string, opts: RunOptions = {}): Promise<KpiRun> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-landing-'));
  return runOnLanding(root, landing, asOf, opts, false);
}

async function runOnLanding(root: string, landing: string, asOf: string, opts: RunOptions, strict: boolean): Promise<KpiRun> {
  const home = join(root, 'home');
  await mkdir(join(home, 'work'), { recursive: true });
  const mappingsPath = join(root, 'code-mappings.json');
  await writeFile(mappingsPath, JSON.stringify({ version: 1, mappings: opts.mappings ?? [] }));

  const runId = 'golden-run';
  const w = await Warehouse.open(join(home, 'work', 'warehouse.duckdb'));
  try {
    await migrate(w);
    const found = await pullSources(w, { asOf, landing, home });
    for (const f of found) {
      if (f.status !== 'new') {
        if (strict || f.status === 'rejected') throw new Error(`fixture file ${f.relPath} was ${f.status}: ${f.reason ?? ''}`);
        continue;
      }
      // Workbooks belong to the xlsx loader, commentary (no KPI reads it) and benchmark files to
      // their own; this harness loads the lists' CSVs only.
      if (!strict && (!f.name.toLowerCase().endsWith('.csv') || f.source === 'commentary' || f.source === 'benchmarks')) continue;
      const r = await loadCsv(w, f, runId);
      if (r.status !== 'loaded' && strict) {
        const [rec] = await w.rows<{ reason: string | null }>('SELECT reason FROM meta.files WHERE sha256 = $sha', { sha: r.sha256 });
        throw new Error(`fixture file ${f.relPath} was rejected: ${rec?.reason ?? ''}`);
      }
    }
    await computeKpis(w, { asOf, workflowId: 'golden', runId, mappingsPath });
  } catch (err) {
    w.close();
    throw err;
  }

  const rows = async <T>(sql: string, params?: Record<string, string>) => w.rows<T>(sql, params);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const series = async (kpi: string): Promise<KpiValue[]> =>
    (
      await rows<KpiValue>(
        `SELECT kpi, strftime(period_start, '%Y-%m-%d') AS period_start, strftime(period_end, '%Y-%m-%d') AS period_end,
                value, numerator, denominator, null_reason, notes, definition_version
         FROM kpi.values WHERE run_id = $run AND kpi = $kpi ORDER BY period_end`,
        { run: runId, kpi },
      )
    ).map((r) => ({ ...r, value: num(r.value), numerator: num(r.numerator), denominator: num(r.denominator) }));

  return {
    asOf,
    home,
    runId,
    warehouse: w,
    series,
    async point(kpi, periodEnd = asOf) {
      const p = (await series(kpi)).find((r) => r.period_end === periodEnd);
      if (!p) throw new Error(`${kpi} has no point for ${periodEnd}`);
      return p;
    },
    drill: async <T>(kpi: string) => rows<T>(`SELECT * FROM drill.${kpi}(DATE '${asOf}')`),
    rows,
    rejects: async () => rows('SELECT file_name, line, column_name, reason FROM meta.rejects ORDER BY file_name, line'),
    async close() {
      w.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * How each KPI's figure is rebuilt from its drill-through rows, so every golden test also checks
 * that `drill.<kpi>(as_of)` is the cohort behind the published number.
 */
const DRILL_TOTALS: Record<string, string> = {
  plo_avg_weeks: 'sum(days) AS numerator, count(*) AS denominator',
  agency_avg_stay_weeks: 'sum(days) AS numerator, count(*) AS denominator',
  cin_without_plan_6wk: 'count(DISTINCT child_unique_id) FILTER (WHERE in_numerator) AS numerator, NULL AS denominator',
  avg_caseload:
    'count(DISTINCT child_unique_id) AS numerator, (SELECT sum(worker_fte) FROM (SELECT DISTINCT allocated_worker, worker_fte FROM d)) AS denominator',
  agency_rate_fte_pct: 'sum(fte) FILTER (WHERE in_numerator) AS numerator, sum(fte) FILTER (WHERE in_denominator) AS denominator',
  turnover_rate_fte_pct: 'sum(fte) FILTER (WHERE in_numerator) AS numerator, sum(fte) FILTER (WHERE in_denominator) AS denominator',
  frontline_per_manager: 'sum(fte) FILTER (WHERE in_numerator) AS numerator, sum(fte) FILTER (WHERE in_denominator) AS denominator',
};
const DEFAULT_TOTALS = 'count(*) FILTER (WHERE in_numerator) AS numerator, count(*) AS denominator';

/** The drill-through of a KPI adds up to its figure for the period ending as-of (when not withheld). */
export async function expectDrillMatches(run: KpiRun, kpi: string): Promise<void> {
  const cur = await run.point(kpi);
  if (cur.null_reason?.startsWith('Withheld')) return;
  const [t] = await run.rows<{ numerator: unknown; denominator: unknown }>(
    `WITH d AS (SELECT * FROM drill.${kpi}(DATE '${run.asOf}')) SELECT ${DRILL_TOTALS[kpi] ?? DEFAULT_TOTALS} FROM d`,
  );
  const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  expect({ kpi, numerator: n(t?.numerator), denominator: n(t?.denominator) }).toEqual({
    kpi,
    numerator: n(cur.numerator),
    denominator: n(cur.denominator),
  });
}
