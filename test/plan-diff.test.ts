/**
 * `csc-kpi snapshots diff` and the improvement plan (issue 17): actions completed, added, slipped
 * and reopened between two snapshots, printed by reference and date; a plan that did not change
 * adds nothing to the diff.
 */
import { describe, expect, it } from 'vitest';
import type { ImprovementPlan, MetricsFile, PlanAction } from '../core/metrics-contract.js';
import { diffSnapshots, formatDiff, isEmptyDiff, type Side } from '../core/snapshot-diff.js';

function action(action_id: string, due_date: string, status: string, completed_date: string | null = null): PlanAction {
  const complete = completed_date !== null && status.startsWith('Complete');
  return { action_id, area: 'Front door', recommendation: null, action: null, owner: 'Head of MASH', due_date, status, status_known: true, completed_date, linked_kpi: null, complete, overdue: false };
}

function plan(actions: PlanAction[]): ImprovementPlan {
  const complete = actions.filter((a) => a.complete).length;
  return {
    file: 'plan.csv',
    tracker_date: null,
    compared_with: null,
    totals: { actions: actions.length, complete, overdue: 0, slipped: null, pct_complete: null },
    by_area: [],
    overdue: [],
    slipped: [],
    actions,
    notes: [],
  };
}

function side(id: string, asOf: string, p: ImprovementPlan | null): Side {
  const metrics = { schema_version: '2', snapshot_id: id, as_of: asOf, created_at: `${asOf}T05:00:00Z`, metrics: [], series: [], baseline_events: [], data_quality: { sources: [], gaps: [] }, improvement_plan: p };
  return { metrics: metrics as MetricsFile, manifest: { snapshot_id: id, sources: [], kpi_definitions: {} } };
}

describe('snapshots diff: the improvement plan', () => {
  it('lists actions completed, added, slipped and reopened', () => {
    const A = side('A', '2015-01-31', plan([
      action('FD-01', '2015-02-28', 'In progress'),
      action('FD-02', '2015-03-31', 'In progress'),
      action('FD-03', '2015-01-31', 'Complete', '2015-01-20'),
      action('FD-04', '2015-03-31', 'Blocked'),
    ]));
    const B = side('B', '2015-02-28', plan([
      action('FD-01', '2015-02-28', 'Complete', '2015-02-20'), // completed
      action('FD-02', '2015-05-31', 'In progress'), // slipped: due later
      action('FD-03', '2015-03-31', 'In progress'), // reopened, and slipped (due later, status back)
      action('FD-04', '2015-03-31', 'In progress'), // moved on: Blocked → In progress is not a slip
      action('FD-05', '2015-06-30', 'Not started'), // added
    ]));
    const d = diffSnapshots(A, B);
    expect(d.plan).toEqual({
      before: { actions: 4, complete: 1 },
      after: { actions: 5, complete: 1 },
      completed: [{ action_id: 'FD-01', completed_date: '2015-02-20' }],
      added: ['FD-05'],
      slipped: [
        { action_id: 'FD-02', what: 'due_date', from: '2015-03-31', to: '2015-05-31' },
        { action_id: 'FD-03', what: 'due_date', from: '2015-01-31', to: '2015-03-31' },
        { action_id: 'FD-03', what: 'status', from: 'Complete', to: 'In progress' },
      ],
      reopened: [{ action_id: 'FD-03', from: 'Complete', to: 'In progress' }],
    });
    const text = formatDiff(d);
    expect(text.split('\n').slice(-7)).toEqual([
      '',
      'Improvement plan: 4 actions, 1 complete → 5 actions, 1 complete',
      '  completed (1): FD-01 on 2015-02-20',
      '  added (1): FD-05',
      '  slipped (3): FD-02 due 2015-03-31 → 2015-05-31; FD-03 due 2015-01-31 → 2015-03-31; FD-03 status Complete → In progress',
      '  reopened (1): FD-03 Complete → In progress',
      '',
    ]);
    expect(text).not.toContain('Head of MASH');
  });

  it('an unchanged plan, or none on either side, adds nothing; a plan appearing is a change', () => {
    const p = plan([action('FD-01', '2015-02-28', 'In progress')]);
    expect(isEmptyDiff(diffSnapshots(side('A', '2015-01-31', p), side('B', '2015-02-28', p)))).toBe(true);
    expect(diffSnapshots(side('A', '2015-01-31', null), side('B', '2015-02-28', null)).plan).toBeNull();
    const appeared = diffSnapshots(side('A', '2015-01-31', null), side('B', '2015-02-28', p));
    expect(isEmptyDiff(appeared)).toBe(false);
    expect(formatDiff(appeared)).toContain('Improvement plan: (no plan) → 1 actions, 0 complete\n  added (1): FD-01\n');
  });
});
