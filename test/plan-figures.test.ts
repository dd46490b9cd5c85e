/**
 * The improvement plan's figures (issue 17), from a tracker in `<landing>/plan/` through the real
 * pull and loader into a real DuckDB, then sql/plan/ as the night runs it: complete, overdue, %
 * complete by area and overall, with the boundaries on both sides of the as-of date; row errors;
 * unknown statuses kept, reported and withheld only where they would be counted; the linked KPI;
 * which tracker counts; slips against an earlier plan, agreeing with the diff's rule.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { improvementPlanOf, tonightsPlan } from '../activities/improvement-plan.js';
import { Warehouse } from '../activities/warehouse.js';
import { improvementPlan, metricsFile, type ImprovementPlan, type MetricsFile } from '../core/metrics-contract.js';
import type { FoundFile, PublishInput } from '../core/night.js';
import { slipsOf } from '../core/plan.js';
import { pullAndLoad, put, query, tempNight, type TempNight } from './helpers/landing.js';
import { runNight } from './helpers/snapshot-night.js';

async function metricsOf(snapshotPath: string): Promise<MetricsFile> {
  return metricsFile.parse(JSON.parse(await readFile(join(snapshotPath, 'metrics.json'), 'utf8')));
}

const HEADER = 'Action ID,Area,Recommendation,Action,Owner,Due Date,Status,Completed Date,Evidence,Linked KPI';
const KPIS = ['cin_without_plan_6wk', 'avg_caseload', 'closures_signoff_pct'];

/** The plan as tonight's publish would build it, with no previous snapshot. */
async function planOf(t: TempNight, found: FoundFile[], asOf: string): Promise<ImprovementPlan | null> {
  return Warehouse.with(t.warehouse, async (w) => {
    await w.runFile('meta/code_mappings.sql'); // compute's step, which a night runs before publish
    const file = await tonightsPlan(w, found);
    if (!file) return null;
    const input: PublishInput = { asOf, landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run', createdAt: `${asOf}T05:00:00Z`, found };
    return improvementPlan.parse(await improvementPlanOf(w, input, file, KPIS, null));
  });
}

describe('improvement plan figures as of D', () => {
  it('counts complete, overdue and % complete by area and overall, with row errors and notes', async () => {
    const t = await tempNight();
    await put(
      t,
      'plan/improvement_plan_2015-02-28.csv',
      [
        HEADER,
        // line 2..11: the actions counted
        'FD-01,Front door,R1,Triage at the front door,Head of MASH,31/01/2015,Complete,15/01/2015,Minutes,cin_without_plan_6wk',
        'FD-02,Front door,R1,Thresholds document,Head of MASH,28/02/2015,Complete,28/02/2015,,CIN_Without_Plan_6wk',
        'FD-03,Front door,R2,Daily MASH meeting,Head of MASH,28/02/2015,In progress,,,',
        'FD-04,Front door,R2,Partner training,Head of MASH,27/02/2015,In progress,,,',
        'WF-01,Workforce,R3,Recruit permanent staff,Head of HR,31/01/2015,Complete – awaiting sign-off,10/02/2015,,caseloads',
        'WF-02,Workforce,R3,Caseload weighting tool,Head of HR,31/03/2015,complete - awaiting sign-off,2015-02-01,,avg_caseload',
        'WF-03,Workforce,R4,Exit interviews,Head of HR,31/01/2015,Blocked,,,',
        'WF-04,Workforce,R4,Induction programme,Head of HR,31/03/2015,Complete,,,',
        'WF-05,Workforce,R4,Career pathway,Head of HR,,Not started,,,',
        'GV-01,,R5,Board reporting,Director,01/02/2015,In progress,01/02/2015,,',
        // line 12..16: row errors
        ',Front door,R1,No id,Head of MASH,31/03/2015,In progress,,,',
        'FD-01,Front door,R1,A copy,Head of MASH,31/03/2015,In progress,,,',
        'QA-01,Quality,R6,Bad due date,Head of QA,31/02/2015,In progress,,,',
        'QA-02,Quality,R6,Completed after the tracker,Head of QA,31/03/2015,Complete,05/03/2015,,',
        'QA-03,Quality,R6,No status,Head of QA,31/03/2015,,,,',
      ].join('\n') + '\n',
    );
    const n = await pullAndLoad(t, '2015-02-28');
    expect(n.loads.get('plan/improvement_plan_2015-02-28.csv')).toMatchObject({ status: 'loaded', rowsRead: 15, rowsLoaded: 10, rowsRejected: 5 });
    const rejects = await query<{ line: string; column_name: string; reason: string }>(t, 'SELECT line, column_name, reason FROM meta.rejects ORDER BY line');
    expect(rejects.map((r) => [Number(r.line), r.column_name])).toEqual([
      [12, 'Action ID'],
      [13, 'Action ID'],
      [14, 'Due Date'],
      [15, 'Completed Date'],
      [16, 'Status'],
    ]);
    expect(rejects[1]!.reason).toBe('Action ID is repeated: the same value is already on line 2 of this file (that row was kept); give each its own ID or remove the copy');
    expect(rejects[3]!.reason).toBe("Completed Date is after the file's extract date 28/02/2015; check the date or the file name");

    const plan = (await planOf(t, n.found, '2015-02-28'))!;
    // D = 28/02/2015. Complete (complete status and a Completed Date ≤ D): FD-01, FD-02 (completed on
    // D), WF-01 (awaiting sign-off), WF-02 (hyphen spelling) = 4 of 10 → 40.0%. Not complete: WF-04
    // (Complete, no date), GV-01 (a date, but In progress). Overdue (due < D, not complete): FD-04
    // (27/02), WF-03 (31/01), GV-01 (01/02) = 3; FD-03 is due on D: not overdue; WF-05 has no due date.
    expect(plan.totals).toEqual({ actions: 10, complete: 4, overdue: 3, slipped: null, pct_complete: 40 });
    // Front door 4 actions, 2 complete (50.0%), 1 overdue; Workforce 5, 2 (40.0%), 1; no area 1, 0 (0.0%), 1.
    expect(plan.by_area).toEqual([
      { area: 'Front door', actions: 4, complete: 2, overdue: 1, slipped: null, pct_complete: 50 },
      { area: 'Workforce', actions: 5, complete: 2, overdue: 1, slipped: null, pct_complete: 40 },
      { area: null, actions: 1, complete: 0, overdue: 1, slipped: null, pct_complete: 0 },
    ]);
    expect(plan.overdue).toEqual([
      { action_id: 'WF-03', due_date: '2015-01-31' },
      { action_id: 'GV-01', due_date: '2015-02-01' },
      { action_id: 'FD-04', due_date: '2015-02-27' },
    ]);
    expect(plan.slipped).toEqual([]);
    expect(plan.file).toBe('improvement_plan_2015-02-28.csv');
    expect(plan.tracker_date).toBe('2015-02-28');
    expect(plan.compared_with).toBeNull();
    const byId = new Map(plan.actions.map((a) => [a.action_id, a]));
    expect(byId.get('WF-02')).toMatchObject({ status: 'Complete – awaiting sign-off', status_known: true, complete: true, overdue: false, linked_kpi: 'avg_caseload' });
    expect(byId.get('FD-02')).toMatchObject({ complete: true, linked_kpi: 'cin_without_plan_6wk', owner: 'Head of MASH', action: 'Thresholds document' });
    expect(byId.get('WF-01')!.linked_kpi).toBeNull();
    expect(plan.notes).toEqual([
      'WF-04 is marked complete but has no Completed Date: not counted as complete until the date is entered.',
      'GV-01 has a Completed Date but its status is In progress: counted as not complete.',
      'The Linked KPI of WF-01 is not the id of a KPI (the ids are in docs/data-dictionary.md): shown without a figure.',
      '5 entries in the tracker could not be read and are not counted: the data quality record gives the place of each and the rule it broke.',
      'There are no earlier figures to compare with, so slips are not counted yet.',
    ]);
  });

  it('keeps an unknown status, reports it with its fix, and withholds only the counts that would include it', async () => {
    const t = await tempNight();
    await put(
      t,
      'plan/tracker.csv',
      [
        HEADER,
        'FD-01,Front door,,A,,31/01/2015,Complete,15/01/2015,,',
        'FD-02,Front door,,B,,31/01/2015,On hold,20/01/2015,,',
        'WF-01,Workforce,,C,,31/01/2015,Superseded,,,',
        'WF-02,Workforce,,D,,31/01/2015,Complete,15/01/2015,,',
        'WF-03,Workforce,,E,,C004733,In progress,,,',
      ].join('\n') + '\n',
    );
    const n = await pullAndLoad(t, '2015-02-28');
    const plan = (await planOf(t, n.found, '2015-02-28'))!;
    // FD-02 "On hold" has a Completed Date: complete cannot be told, so neither can overdue (due
    // 31/01 < D): Front door and the whole plan withhold complete, overdue and % complete.
    // WF-01 "Superseded" has no Completed Date: not complete whatever the status (the date decides),
    // so Workforce is counted: 2 actions (WF-03's due date is no date: a row error), 1 complete
    // (50.0%), 1 overdue (WF-01, due 31/01).
    expect(plan.totals).toEqual({ actions: 4, complete: null, overdue: null, slipped: null, pct_complete: null });
    expect(plan.by_area).toEqual([
      { area: 'Front door', actions: 2, complete: null, overdue: null, slipped: null, pct_complete: null },
      { area: 'Workforce', actions: 2, complete: 1, overdue: 1, slipped: null, pct_complete: 50 },
    ]);
    expect(plan.actions.map((a) => [a.action_id, a.status, a.status_known, a.complete, a.overdue])).toEqual([
      ['FD-01', 'Complete', true, true, false],
      ['FD-02', 'On hold', false, null, null],
      ['WF-01', 'Superseded', false, false, true],
      ['WF-02', 'Complete', true, true, false],
    ]);
    expect(plan.overdue).toEqual([{ action_id: 'WF-01', due_date: '2015-01-31' }]);
    const known = 'Not started, Blocked, In progress, Complete – awaiting sign-off, Complete';
    expect(plan.notes.slice(0, 3)).toEqual([
      `“On hold” is not a known status (known: ${known}): 1 action (FD-02) carries it. To count it, add {"column": "status", "from": "On hold", "to": "<one of: ${known}>"} to config/code-mappings.json, or correct the tracker.`,
      `“Superseded” is not a known status (known: ${known}): 1 action (WF-01) carries it. To count it, add {"column": "status", "from": "Superseded", "to": "<one of: ${known}>"} to config/code-mappings.json, or correct the tracker.`,
      'Withheld for the whole plan, Front door: whether an action with an unknown status and a Completed Date is complete (and so whether it is overdue) cannot be told, and guessing would publish a wrong figure.',
    ]);
  });

  it('a code mapping counts an unknown status as the status it names', async () => {
    const t = await tempNight();
    // An undated tracker: a Completed Date after as-of is not a row error there, but not complete yet either.
    await put(
      t,
      'plan/tracker.csv',
      `${HEADER}\nFD-01,Front door,,A,,31/01/2015,Done,15/01/2015,,\nFD-02,Front door,,B,,31/03/2015,In progress,,,\nFD-03,Front door,,C,,31/03/2015,Complete,01/03/2015,,\n`,
    );
    const n = await pullAndLoad(t, '2015-02-28');
    await Warehouse.with(t.warehouse, async (w) => {
      await w.runFile('meta/code_mappings.sql');
      await w.run(`INSERT INTO meta.code_mappings VALUES ('status', 'done', 'Complete')`);
    });
    const plan = (await planOf(t, n.found, '2015-02-28'))!;
    // "Done" → Complete, completed 15/01 ≤ D; FD-03 completed 01/03, after D: 1 of 3 complete
    // (33.33… → 33.3%); nothing overdue (FD-02 and FD-03 are due 31/03).
    expect(plan.totals).toEqual({ actions: 3, complete: 1, overdue: 0, slipped: null, pct_complete: 33.3 });
    expect(plan.tracker_date).toBeNull();
    expect(plan.actions[0]!.status).toBe('Complete');
  });

  it('reads the tracker whose name sorts last among those in the folder tonight; a dated one after as-of waits', async () => {
    const t = await tempNight();
    const one = (id: string): string => `${HEADER}\n${id},Front door,,A,,31/01/2015,In progress,,,\n`;
    await put(t, 'plan/plan_2015-01-31.csv', one('JAN-1'));
    await put(t, 'plan/plan_2015-02-28.csv', one('FEB-1'));
    await put(t, 'plan/plan_2015-03-31.csv', one('MAR-1'));
    await put(t, 'plan/~$plan_2015-02-28.xlsx', 'lock');
    await put(t, 'plan/notes.txt', 'not a tracker');
    const n = await pullAndLoad(t, '2015-02-28');
    // plan/ takes .xlsx and .csv (core/source-folders.ts): a note there is ignored, never read.
    expect(n.found.find((f) => f.name === 'notes.txt')).toMatchObject({ source: null, relPath: 'plan/notes.txt', status: 'ignored' });
    expect(n.found.filter((f) => f.source === 'plan').map((f) => [f.name, f.status, f.extractDate])).toEqual([
      ['plan_2015-01-31.csv', 'new', '2015-01-31'],
      ['plan_2015-02-28.csv', 'new', '2015-02-28'],
      ['plan_2015-03-31.csv', 'after_as_of', '2015-03-31'],
      ['~$plan_2015-02-28.xlsx', 'rejected', null],
    ]);
    expect((await planOf(t, n.found, '2015-02-28'))!.actions.map((a) => a.action_id)).toEqual(['FEB-1']);
    // As of 31 January only January's tracker is on or before as-of.
    expect((await planOf(t, n.found.filter((f) => f.name !== 'plan_2015-02-28.csv'), '2015-01-31'))!.actions.map((a) => a.action_id)).toEqual(['JAN-1']);
    // No tracker in the folder tonight: no plan (null), not an empty one.
    expect(await planOf(t, n.found.filter((f) => f.source !== 'plan'), '2015-02-28')).toBeNull();
  });

  it('counts slips against the previous snapshot: a due date moved later, a status gone back; the diff rule agrees', async () => {
    const t = await tempNight();
    // January's tracker, published by a night as of 31 January (February's waits: it is dated later).
    await put(
      t,
      'plan/plan_2015-01-31.csv',
      [HEADER, 'FD-01,Front door,,A,,31/03/2015,In progress,,,', 'FD-02,Front door,,B,,31/03/2015,In progress,,,', 'WF-01,Workforce,,C,,31/03/2015,Blocked,,,', 'WF-02,Workforce,,D,,31/01/2015,Complete,20/01/2015,,'].join('\n') + '\n',
    );
    await put(
      t,
      'plan/plan_2015-02-28.csv',
      [
        HEADER,
        'FD-01,Front door,,A,,30/04/2015,In progress,,,', // due 31/03 → 30/04: slipped
        'FD-02,Front door,,B,,31/03/2015,Blocked,,,', // In progress → Blocked: slipped
        'WF-01,Workforce,,C,,28/02/2015,In progress,,,', // due 31/03 → 28/02 (earlier), Blocked → In progress: not slipped
        'WF-02,Workforce,,D,,31/03/2015,In progress,,,', // Complete → In progress and due 31/01 → 31/03: one action, slipped twice
        'WF-03,Workforce,,E,,31/03/2015,Not started,,,', // new since January: not slipped
      ].join('\n') + '\n',
    );
    const jan = await runNight({ home: t.home, landing: t.landing, asOf: '2015-01-31', runId: 'run-jan', createdAt: '2015-02-01T05:00:00.000Z' });
    const feb = await runNight({ home: t.home, landing: t.landing, asOf: '2015-02-28', runId: 'run-feb', createdAt: '2015-03-01T05:00:00.000Z' });
    const january = (await metricsOf(jan.path)).improvement_plan!;
    const plan = (await metricsOf(feb.path)).improvement_plan!;
    expect(january.file).toBe('plan_2015-01-31.csv');
    expect(january.totals).toEqual({ actions: 4, complete: 1, overdue: 0, slipped: null, pct_complete: 25 });
    expect(plan.compared_with).toEqual({ snapshot_id: jan.snapshotId, as_of: '2015-01-31' });
    expect(plan.slipped).toEqual([
      { action_id: 'FD-01', what: 'due_date', from: '2015-03-31', to: '2015-04-30' },
      { action_id: 'FD-02', what: 'status', from: 'In progress', to: 'Blocked' },
      { action_id: 'WF-02', what: 'due_date', from: '2015-01-31', to: '2015-03-31' },
      { action_id: 'WF-02', what: 'status', from: 'Complete', to: 'In progress' },
    ]);
    // Slipped counts actions: Front door FD-01, FD-02 = 2; Workforce WF-02 = 1; in all 3.
    expect(plan.totals).toEqual({ actions: 5, complete: 0, overdue: 0, slipped: 3, pct_complete: 0 });
    expect(plan.by_area.map((a) => [a.area, a.slipped])).toEqual([
      ['Front door', 2],
      ['Workforce', 1],
    ]);
    // The same rule in TypeScript (snapshots diff) gives the same slips.
    const before = new Map(january.actions.map((a) => [a.action_id, a]));
    expect(plan.actions.flatMap((a) => (before.has(a.action_id) ? slipsOf(before.get(a.action_id)!, a) : []))).toEqual(plan.slipped);
  });
});
