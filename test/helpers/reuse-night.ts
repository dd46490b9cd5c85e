/**
 * Nights on the committed sample for the reuse tests (test/kpi-reuse*.test.ts): load it, compute
 * as of a date reusing earlier points or computing all 25, and compare a reusing run's figures
 * with a full one's. Temp folders are removed by `removeNights()` (the disk is shared).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { computeKpis } from '../../activities/compute.js';
import { Warehouse } from '../../activities/warehouse.js';
import { pullAndLoad, query, tempNight, type TempNight } from './landing.js';

export const SAMPLE = 'fixtures/sample/landing';

const made: string[] = [];

/** The sample (after `edit`) pulled and loaded as of 28 February 2015, nothing computed. */
export async function sampleNight(edit?: (t: TempNight) => Promise<void>): Promise<TempNight> {
  const t = await tempNight();
  made.push(t.root);
  await cp(SAMPLE, t.landing, { recursive: true });
  if (edit) await edit(t);
  await pullAndLoad(t, '2015-02-28');
  return t;
}

/** A copy of a night's folders (landing, home, warehouse), to change one thing in. */
export async function copyNight(t: TempNight): Promise<TempNight> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-reuse-copy-'));
  made.push(root);
  await cp(t.root, root, { recursive: true });
  const moved = (p: string) => join(root, p.slice(t.root.length));
  return { root, landing: moved(t.landing), home: moved(t.home), warehouse: moved(t.warehouse) };
}

export async function removeNight(t: TempNight): Promise<void> {
  await rm(t.root, { recursive: true, force: true });
}

export async function removeNights(): Promise<void> {
  for (const root of made.splice(0)) await rm(root, { recursive: true, force: true });
}

export async function compute(t: TempNight, asOf: string, runId: string, reuse: boolean): Promise<void> {
  await Warehouse.with(t.warehouse, (w) => computeKpis(w, { asOf, workflowId: 'reuse-test', runId, reuse }));
}

/** A run's figures, without the run's own ids. */
export async function figures(t: TempNight, runId: string): Promise<unknown[]> {
  return query(
    t,
    `SELECT kpi, strftime(as_of, '%Y-%m-%d') AS as_of, strftime(period_start, '%Y-%m-%d') AS period_start,
            strftime(period_end, '%Y-%m-%d') AS period_end, value, numerator, denominator, null_reason, notes, definition_version
     FROM kpi.values WHERE run_id = $run ORDER BY kpi, period_end`,
    { run: runId },
  );
}

/** Points copied from an earlier run, per KPI. */
export async function reused(t: TempNight, runId: string): Promise<Record<string, number>> {
  const rows = await query<{ kpi: string; points_reused: number }>(t, 'SELECT kpi, points_reused FROM meta.kpi_inputs WHERE run_id = $run ORDER BY kpi', { run: runId });
  return Object.fromEntries(rows.map((r) => [r.kpi, Number(r.points_reused)]));
}

/** Computes as of D twice, reusing (run reuse-D) and in full (run full-D); the figures must agree. Returns the points reused per KPI. */
export async function reuseAndCheck(t: TempNight, asOf: string, label = asOf): Promise<Record<string, number>> {
  await compute(t, asOf, `reuse-${asOf}`, true);
  await compute(t, asOf, `full-${asOf}`, false);
  expect(await figures(t, `reuse-${asOf}`), label).toEqual(await figures(t, `full-${asOf}`));
  return reused(t, `reuse-${asOf}`);
}
