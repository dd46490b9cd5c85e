/**
 * The whole catalogue on the committed sample landing folder: every KPI gives 25 points, its
 * drill-through adds up to its current figure, and computing all 16 stays fast.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeKpis } from '../activities/compute.js';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { projectPath } from '../core/project-root.js';
import { expectDrillMatches, runKpisOnLanding, type KpiRun } from './helpers/kpi-harness.js';

let run: KpiRun;
beforeAll(async () => {
  run = await runKpisOnLanding(projectPath('fixtures', 'sample', 'landing'), '2015-02-28');
});
afterAll(async () => {
  await run?.close();
});

describe('the KPI catalogue on the committed sample', () => {
  it('computes 25 points for each of the 16 KPIs', async () => {
    const defs = await readKpiCatalogue();
    expect(defs).toHaveLength(16);
    for (const d of defs) {
      const s = await run.series(d.meta.id);
      expect(s, d.meta.id).toHaveLength(25);
      const cur = s.at(-1)!;
      console.log(d.meta.id, cur.value, cur.numerator, cur.denominator, cur.null_reason ?? '', (cur.notes ?? []).join(' | '));
    }
  });

  it('drill-through adds up to every current figure', async () => {
    for (const d of await readKpiCatalogue()) await expectDrillMatches(run, d.meta.id);
  });

  it('computes all 16 KPIs × 25 points in well under a second', async () => {
    const t0 = performance.now();
    await computeKpis(run.warehouse, { asOf: '2015-02-28', workflowId: 'timing', runId: 'timing' });
    const ms = performance.now() - t0;
    console.log(`compute: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1500);
  });
});
