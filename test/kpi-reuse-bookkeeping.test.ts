/**
 * The reuse bookkeeping asked of every KPI at once (activities/kpi-reuse.ts): which earlier run a
 * KPI may copy from, copying its points, the check that tonight's points are exactly tonight's
 * trend points, and meta.kpi_inputs. The night-level tests (test/kpi-reuse.test.ts) show reuse
 * gives the figures a full compute gives; these pin each statement's answer on hand-made rows,
 * including the cases a night on the sample never reaches (a tie between two runs, a KPI short
 * of a point or holding one twice).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPoints, earlierRunsWithSameInputs, kpisWithoutEveryPoint, recordKpiInputs } from '../activities/kpi-reuse.js';
import { migrate } from '../activities/migrate.js';
import { Warehouse } from '../activities/warehouse.js';

const TONIGHT = { asOf: '2015-03-01', workflowId: 'wf-tonight', runId: 'run-tonight' };
let dir: string;
let w: Warehouse;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csc-kpi-reuse-bookkeeping-'));
  w = await Warehouse.open(join(dir, 'w.duckdb'));
  await migrate(w);
});

afterAll(async () => {
  w.close();
  await rm(dir, { recursive: true, force: true });
});

async function periods(asOf: string): Promise<string[]> {
  return (await w.rows<{ p: string }>("SELECT strftime(period_end, '%Y-%m-%d') AS p FROM ref.kpi_periods($as_of::DATE) ORDER BY 1", { as_of: asOf })).map((r) => r.p);
}

/** One point per period end, its value the day of the month (so a copied value can be told from another). */
async function putPoints(run: { runId: string; asOf: string }, kpi: string, ends: readonly string[]): Promise<void> {
  for (const end of ends) {
    await w.run(
      `INSERT INTO kpi.values (kpi, as_of, period_start, period_end, value, numerator, denominator, null_reason, notes, definition_version, workflow_id, run_id)
       VALUES ($kpi, $as_of::DATE, $end::DATE, $end::DATE, day($end::DATE), NULL, NULL, NULL, []::VARCHAR[], 'v1', 'wf-' || $run, $run)`,
      { kpi, as_of: run.asOf, end, run: run.runId },
    );
  }
}

async function putInputs(run: string, kpi: string, asOf: string, version: string, inputs: string): Promise<void> {
  await w.run('INSERT INTO meta.kpi_inputs VALUES ($run, $kpi, $as_of::DATE, $version, $inputs, NULL, 0)', { run, kpi, as_of: asOf, version, inputs });
}

describe('reuse bookkeeping for every KPI in one statement each', () => {
  it('the earlier run: same KPI, version and inputs, as of tonight or before, not tonight; the latest as-of, then the first run id', async () => {
    await putInputs('r1', 'k1', '2015-02-27', 'v1', 'in1');
    await putInputs('r2b', 'k1', '2015-02-28', 'v1', 'in1');
    await putInputs('r2', 'k1', '2015-02-28', 'v1', 'in1');
    await putInputs('r3', 'k1', '2015-02-28', 'v1', 'in2'); // other inputs
    await putInputs('r4', 'k1', '2015-02-28', 'v0', 'in1'); // another definition
    await putInputs('r5', 'k1', '2015-03-02', 'v1', 'in1'); // after tonight's as-of
    await putInputs(TONIGHT.runId, 'k1', '2015-03-01', 'v1', 'in1'); // tonight itself (a retried step)
    await putInputs('r6', 'k2', '2015-02-20', 'v2', 'in9');
    await putInputs('r7', 'k3', '2015-02-20', 'v3', 'in3');
    const found = await earlierRunsWithSameInputs(
      w,
      [
        { kpi: 'k1', version: 'v1', inputs: 'in1' },
        { kpi: 'k2', version: 'v2', inputs: 'in9' },
        { kpi: 'k3', version: 'v3', inputs: 'other' }, // no run read these inputs
        { kpi: 'k4', version: 'v1', inputs: 'in1' }, // never computed
      ],
      TONIGHT,
    );
    expect(Object.fromEntries(found)).toEqual({ k1: { runId: 'r2', asOf: '2015-02-28' }, k2: { runId: 'r6', asOf: '2015-02-20' } });
    expect(await earlierRunsWithSameInputs(w, [], TONIGHT)).toEqual(new Map());
  });

  it('copies each KPI’s points dated on or before its earlier run’s as-of that are among tonight’s, and counts them per KPI', async () => {
    const a = { runId: 'copy-a', asOf: '2015-02-28' };
    const b = { runId: 'copy-b', asOf: '2015-01-31' };
    await putPoints(a, 'ka', await periods(a.asOf));
    await putPoints(b, 'kb', await periods(b.asOf));
    await putPoints(a, 'kb', await periods(a.asOf)); // another run's points of kb: not the one named
    const tonight = await periods(TONIGHT.asOf);
    // Expected by hand from the periods: E ≤ the earlier as-of, and among tonight's.
    const expected = (run: { asOf: string }, theirs: string[]) => theirs.filter((p) => p <= run.asOf && tonight.includes(p));
    const wantA = expected(a, await periods(a.asOf));
    const wantB = expected(b, await periods(b.asOf));
    expect(wantA.length).toBeGreaterThan(20); // a day apart: all but the newest point or two
    expect(wantB.length).toBeLessThan(wantA.length);

    // Points already in tonight's run (another KPI's) are not counted as copied.
    await putPoints({ runId: TONIGHT.runId, asOf: TONIGHT.asOf }, 'kc', tonight.slice(0, 3));
    const counts = await copyPoints(w, TONIGHT, new Map([['ka', a], ['kb', b]]));
    expect(Object.fromEntries(counts)).toEqual({ ka: wantA.length, kb: wantB.length });
    const copied = await w.rows<{ kpi: string; as_of: string; end: string; value: number; workflow_id: string }>(
      `SELECT kpi, strftime(as_of, '%Y-%m-%d') AS as_of, strftime(period_end, '%Y-%m-%d') AS "end", value, workflow_id
       FROM kpi.values WHERE run_id = $run AND kpi IN ('ka', 'kb') ORDER BY kpi, period_end`,
      { run: TONIGHT.runId },
    );
    expect(copied.filter((r) => r.kpi === 'ka').map((r) => r.end)).toEqual(wantA);
    expect(copied.filter((r) => r.kpi === 'kb').map((r) => r.end)).toEqual(wantB);
    // Tonight's run and as-of; the figures as the earlier run had them.
    expect(new Set(copied.map((r) => `${r.as_of} ${r.workflow_id}`))).toEqual(new Set([`${TONIGHT.asOf} ${TONIGHT.workflowId}`]));
    expect(copied.every((r) => r.value === Number(r.end.slice(8)))).toBe(true);
    await w.run('DELETE FROM kpi.values WHERE run_id = $run', { run: TONIGHT.runId });
    expect(await copyPoints(w, TONIGHT, new Map())).toEqual(new Map());
  });

  it('names the KPIs whose points are not exactly tonight’s trend points: one short, one twice, none at all', async () => {
    const tonight = await periods(TONIGHT.asOf);
    expect(tonight).toHaveLength(25);
    const run = { runId: TONIGHT.runId, asOf: TONIGHT.asOf };
    await putPoints(run, 'exact', tonight);
    await putPoints(run, 'short', tonight.slice(1));
    await putPoints(run, 'twice', [...tonight, tonight[3]!]);
    await putPoints(run, 'other', [...tonight.slice(1), '2015-03-02']); // 25 points, one of them not tonight's
    expect(await kpisWithoutEveryPoint(w, TONIGHT, ['exact', 'short', 'twice', 'other', 'none'])).toEqual(['none', 'other', 'short', 'twice']);
    expect(await kpisWithoutEveryPoint(w, TONIGHT, ['exact'])).toEqual([]);
    expect(await kpisWithoutEveryPoint(w, TONIGHT, [])).toEqual([]);
    await w.run('DELETE FROM kpi.values WHERE run_id = $run', { run: TONIGHT.runId });
  });

  it('records meta.kpi_inputs for every KPI in one statement, with the run points came from or none', async () => {
    const tonight = { ...TONIGHT, runId: 'run-inputs' };
    await recordKpiInputs(w, tonight, [
      { kpi: 'k1', version: 'v1', inputs: '{"referrals":"abc"}', reusedFromRun: 'r2', pointsReused: 24 },
      { kpi: 'k2', version: 'v2', inputs: '{"(shared SQL)":"x\\"y"}', reusedFromRun: null, pointsReused: 0 },
    ]);
    expect(
      await w.rows(
        `SELECT run_id, kpi, strftime(as_of, '%Y-%m-%d') AS as_of, definition_version, inputs, reused_from_run, points_reused
         FROM meta.kpi_inputs WHERE run_id = 'run-inputs' ORDER BY kpi`,
      ),
    ).toEqual([
      { run_id: 'run-inputs', kpi: 'k1', as_of: '2015-03-01', definition_version: 'v1', inputs: '{"referrals":"abc"}', reused_from_run: 'r2', points_reused: 24 },
      { run_id: 'run-inputs', kpi: 'k2', as_of: '2015-03-01', definition_version: 'v2', inputs: '{"(shared SQL)":"x\\"y"}', reused_from_run: null, points_reused: 0 },
    ]);
  });
});
