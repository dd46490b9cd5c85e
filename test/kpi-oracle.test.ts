/**
 * The pipeline against an independent oracle: scripts/kpi_oracle.py computes every KPI straight
 * from spec/kpis.md and spec/sources.md in plain Python (standard library only, written without
 * reading sql/kpi/), and this test runs the real activities (pull → load CSV and xlsx → compute →
 * build metrics.json) on the committed sample as of dates that use different extracts, and as of
 * a month end, the 1st and mid-month (kpis.md v2: the headline rule), then asserts that every KPI ×
 * every one of the 25 points agrees (value, numerator, denominator, provisional, status) and so
 * does every headline (basis, period, value, numerator, denominator, status, stale).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMetrics } from '../activities/build-metrics.js';
import { computeKpis } from '../activities/compute.js';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { loadFile } from '../activities/load-file.js';
import { migrate } from '../activities/migrate.js';
import { pullSources } from '../activities/pull.js';
import { Warehouse } from '../activities/warehouse.js';
import { projectPath } from '../core/project-root.js';
import type { MetricsFile } from '../core/metrics-contract.js';

const run = promisify(execFile);
const SAMPLE = projectPath('fixtures', 'sample', 'landing');
/** Hand-made boundary cases (fixtures/oracle-edge/README.md). */
const EDGE = projectPath('fixtures', 'oracle-edge', 'landing');
/** One row per reading where the pipeline and the oracle differ (fixtures/oracle-edge/README.md). */
const DISPUTED = projectPath('fixtures', 'oracle-edge', 'disputed');

interface Point {
  period_end: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}
interface Headline {
  basis: string;
  period_start: string;
  period_end: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: string;
  stale: boolean;
}
interface OracleOut {
  as_of: string;
  period_ends: string[];
  kpis: Record<string, (Point & { provisional: boolean; status: string })[]>;
  headlines: Record<string, Headline>;
}

/** Sums of FTE may come back as binary floats: compare them at a precision far below any FTE. */
const norm = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 1e6) / 1e6);

/** The council's code mappings for a run: the project's config/code-mappings.json, or a temp file. */
async function mappingsFile(mappings: Mapping[] | undefined): Promise<string> {
  if (!mappings) return projectPath('config', 'code-mappings.json');
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-oracle-map-'));
  roots.push(root);
  const path = join(root, 'code-mappings.json');
  await writeFile(path, JSON.stringify({ version: 1, mappings }));
  return path;
}

async function oracle(landing: string, asOf: string, mappingsPath: string): Promise<OracleOut> {
  const args = [projectPath('scripts', 'kpi_oracle.py'), '--landing', landing, '--as-of', asOf, '--mappings', mappingsPath];
  const { stdout } = await run('python3', args, {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as OracleOut;
}

interface Mapping {
  column: string;
  from: string;
  to: string;
}

const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** Every point and headline where the oracle and the pipeline differ, as `kpi @ period_end: oracle {…} pipeline {…}`. */
async function differences(landing: string, asOf: string, mappings: Mapping[] | undefined): Promise<string[]> {
  const path = await mappingsFile(mappings);
  const [mine, { points: theirs, metrics }] = await Promise.all([oracle(landing, asOf, path), pipeline(landing, asOf, path)]);
  expect(mine.period_ends).toHaveLength(25);
  expect([...theirs.keys()].sort()).toEqual(Object.keys(mine.kpis).sort());
  const diffs: string[] = [];
  for (const [kpi, points] of Object.entries(mine.kpis)) {
    const got = theirs.get(kpi) ?? [];
    expect(got.map((p) => p.period_end), kpi).toEqual(mine.period_ends);
    points.forEach((want, i) => {
      const p = got[i]!;
      const w = { value: norm(want.value), numerator: norm(want.numerator), denominator: norm(want.denominator) };
      const g = { value: p.value, numerator: p.numerator, denominator: p.denominator };
      if (JSON.stringify(w) !== JSON.stringify(g)) diffs.push(`${kpi} @ ${want.period_end}: oracle ${JSON.stringify(w)} pipeline ${JSON.stringify(g)}`);
      // The published series: which point is provisional, and each point's status.
      const pub = metrics.series.find((x) => x.kpi === kpi && x.period_end === want.period_end);
      const wf = { provisional: want.provisional, status: want.status };
      const gf = { provisional: pub?.provisional, status: pub?.status };
      if (JSON.stringify(wf) !== JSON.stringify(gf)) diffs.push(`${kpi} @ ${want.period_end} series: oracle ${JSON.stringify(wf)} pipeline ${JSON.stringify(gf)}`);
    });
    const want = mine.headlines[kpi]!;
    const row = metrics.metrics.find((r) => r.kpi === kpi);
    const w = { ...want, value: norm(want.value), numerator: norm(want.numerator), denominator: norm(want.denominator) };
    const g = row && {
      basis: row.basis,
      period_start: row.period_start,
      period_end: row.period_end,
      value: norm(row.value),
      numerator: norm(row.numerator),
      denominator: norm(row.denominator),
      status: row.status,
      stale: row.stale,
    };
    if (JSON.stringify(w) !== JSON.stringify(g)) diffs.push(`${kpi} headline: oracle ${JSON.stringify(w)} pipeline ${JSON.stringify(g)}`);
  }
  return diffs;
}

/** One night through the real activity functions (no Temporal): every point of every KPI, and metrics.json as published. */
async function pipeline(landing: string, asOf: string, mappingsPath: string): Promise<{ points: Map<string, Point[]>; metrics: MetricsFile }> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-oracle-'));
  roots.push(root);
  const home = join(root, 'home');
  await mkdir(join(home, 'work'), { recursive: true });
  const w = await Warehouse.open(join(home, 'work', 'warehouse.duckdb'));
  try {
    await migrate(w);
    const found = await pullSources(w, { asOf, landing, home });
    for (const f of found.filter((x) => x.status === 'new')) await loadFile(w, f, 'oracle');
    await computeKpis(w, { asOf, workflowId: 'oracle', runId: 'oracle', mappingsPath });
    const rows = await w.rows<Point & { kpi: string }>(
      `SELECT kpi, strftime(period_end, '%Y-%m-%d') AS period_end, value, numerator, denominator
       FROM kpi.values WHERE run_id = 'oracle' ORDER BY kpi, period_end`,
    );
    // kpi.values keeps the working numerator of averages and counts (for the change-point test);
    // publish drops it by the KPI's declared measure (activities/build-metrics.ts), and so do we.
    const defs = await readKpiCatalogue({ mappingsPath });
    const measure = new Map(defs.map((d) => [d.meta.id, d.meta.measure]));
    const out = new Map<string, Point[]>();
    for (const r of rows) {
      const m = measure.get(r.kpi);
      const p = {
        period_end: r.period_end,
        value: norm(r.value),
        numerator: m === 'average' || m === 'count' ? null : norm(r.numerator),
        denominator: m === 'count' ? null : norm(r.denominator),
      };
      out.set(r.kpi, [...(out.get(r.kpi) ?? []), p]);
    }
    const input = { asOf, landing, home, workflowId: 'oracle', runId: 'oracle', createdAt: '2015-03-01T02:00:00.000Z', found };
    return { points: out, metrics: await buildMetrics(w, input, 'oracle', defs) };
  } finally {
    w.close();
  }
}

/** The sample's January 2015 workbook brings a new grade label; the council maps it. */
const GRADE_MAPPING: Mapping[] = [{ column: 'grade', from: 'Requires Improvement to be Good', to: 'Requires Improvement' }];

describe.each<[string, string, string, Mapping[] | undefined]>([
  ['the sample as of', SAMPLE, '2015-02-28', undefined],
  ['the sample as of', SAMPLE, '2015-01-31', undefined],
  // kpis.md v2: the headline of a month KPI is the last complete month; the month to date is provisional.
  ['the sample, on the 1st of a month, as of', SAMPLE, '2015-03-01', undefined],
  ['the sample, mid-month, as of', SAMPLE, '2015-03-15', undefined],
  ['the sample, new grade mapped, as of', SAMPLE, '2015-02-28', GRADE_MAPPING],
  ['the boundary cases as of', EDGE, '2016-03-10', undefined],
  ['the boundary cases as of', EDGE, '2016-02-15', undefined],
  // The day of a care leavers extract: the as-of point reads it (dated on or before E), January 2016's earlier points none.
  ['the boundary cases, on a care leavers extract date, as of', EDGE, '2016-01-31', undefined],
  // Once disputed, now read as the spec says: a CIN closure after the extract date is a row
  // error; a sign-off before the closure is not; FTE keeps the council's decimals (0.2027).
  ['the once-disputed cases as of', DISPUTED, '2016-03-10', undefined],
])('pipeline = independent oracle on %s %s', (_name, landing, asOf, mappings) => {
  it('every KPI × every period point (value, numerator, denominator, provisional, status) and every headline', async () => {
    expect(await differences(landing, asOf, mappings)).toEqual([]);
  }, 60_000);
});
