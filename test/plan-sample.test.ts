/**
 * The sample's improvement plan tracker tells the seed committee's story (issue 17; minutes of
 * February 2015): 41 actions over 11 areas, 30 complete as of 28 February 2015, a few overdue,
 * and two slips since January's tracker (the quality of assessment audit's due date moved from
 * January to March; measure 3C's closure sign-off went from In progress to Blocked).
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { improvementPlanOf, tonightsPlan } from '../activities/improvement-plan.js';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { Warehouse } from '../activities/warehouse.js';
import type { ImprovementPlan } from '../core/metrics-contract.js';
import type { FoundFile } from '../core/night.js';
import { slipsOf } from '../core/plan.js';
import { pullAndLoad, tempNight, type TempNight } from './helpers/landing.js';

async function planAsOf(t: TempNight, found: FoundFile[], asOf: string): Promise<ImprovementPlan> {
  return Warehouse.with(t.warehouse, async (w) => {
    await w.runFile('meta/code_mappings.sql');
    const file = (await tonightsPlan(w, found))!;
    const kpis = (await readKpiCatalogue()).map((d) => d.meta.id);
    return improvementPlanOf(w, { asOf, landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run', createdAt: `${asOf}T05:00:00Z`, found }, file, kpis, null);
  });
}

describe('the sample improvement plan', () => {
  it('41 actions, 30 complete as of 28 February 2015 (27 at January’s end), 4 overdue, 2 slipped since January', async () => {
    const t = await tempNight();
    await cp('fixtures/sample/landing/plan', join(t.landing, 'plan'), { recursive: true });
    const n = await pullAndLoad(t, '2015-02-28');
    expect([...n.loads.values()].map((l) => [l.status, l.rowsLoaded, l.rowsRejected])).toEqual([
      ['loaded', 41, 0],
      ['loaded', 41, 0],
    ]);
    const feb = await planAsOf(t, n.found, '2015-02-28');
    const jan = await planAsOf(t, n.found.filter((f) => f.extractDate !== '2015-02-28'), '2015-01-31');
    expect(feb.file).toBe('improvement_plan_2015-02-28.xlsx');
    expect(jan.file).toBe('improvement_plan_2015-01-31.xlsx');
    // 30 of 41 → 73.17… → 73.2%; 27 of 41 → 65.85… → 65.9%.
    expect(feb.totals).toEqual({ actions: 41, complete: 30, overdue: 4, slipped: null, pct_complete: 73.2 });
    expect(jan.totals).toEqual({ actions: 41, complete: 27, overdue: 1, slipped: null, pct_complete: 65.9 });
    expect(feb.by_area).toHaveLength(11);
    expect(feb.overdue.map((a) => a.action_id)).toEqual(['LA-02', 'WF-04', 'CL-01', 'LG-02']);
    const before = new Map(jan.actions.map((a) => [a.action_id, a]));
    expect(feb.actions.flatMap((a) => slipsOf(before.get(a.action_id)!, a))).toEqual([
      { action_id: 'CL-01', what: 'status', from: 'In progress', to: 'Blocked' },
      { action_id: 'QA-03', what: 'due_date', from: '2015-01-31', to: '2015-03-31' },
    ]);
    expect(feb.actions.filter((a) => a.status === 'Complete – awaiting sign-off').map((a) => a.action_id)).toEqual(['AS-04', 'PL-04', 'QA-04']);
    // Every Linked KPI is a KPI of the catalogue: no note about one.
    expect(feb.notes).toEqual(['There are no earlier figures to compare with, so slips are not counted yet.']);
    expect(feb.actions.filter((a) => a.linked_kpi !== null)).toHaveLength(24);
  });
});
