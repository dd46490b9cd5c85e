/**
 * What changed in the improvement plan between two snapshots A and B (`csc-kpi snapshots diff`),
 * pure: actions completed (complete in B, not in A), added (in B only), slipped (due date later or
 * status gone back, core/plan.ts `slipsOf`) and reopened (complete in A, not in B). Actions are
 * matched by their Action ID. Printed by action reference and dates only: the plan names no child.
 */
import type { ImprovementPlan, PlanSlip } from './metrics-contract.js';
import { slipsOf } from './plan.js';

export interface PlanDiff {
  before: { actions: number; complete: number | null } | null;
  after: { actions: number; complete: number | null } | null;
  completed: { action_id: string; completed_date: string | null }[];
  added: string[];
  slipped: PlanSlip[];
  reopened: { action_id: string; from: string; to: string }[];
}

type Plan = Pick<ImprovementPlan, 'totals' | 'actions'>;

/** Null when neither snapshot has a plan. */
export function diffPlans(a: Plan | null | undefined, b: Plan | null | undefined): PlanDiff | null {
  if (!a && !b) return null;
  const was = new Map((a?.actions ?? []).map((x) => [x.action_id, x]));
  const now = b?.actions ?? [];
  const both = now.filter((x) => was.has(x.action_id)).map((x) => [was.get(x.action_id)!, x] as const);
  return {
    before: a ? { actions: a.totals.actions, complete: a.totals.complete } : null,
    after: b ? { actions: b.totals.actions, complete: b.totals.complete } : null,
    completed: both.filter(([x, y]) => x.complete !== true && y.complete === true).map(([, y]) => ({ action_id: y.action_id, completed_date: y.completed_date })),
    added: now.filter((x) => !was.has(x.action_id)).map((x) => x.action_id),
    slipped: both.flatMap(([x, y]) => slipsOf(x, y)),
    reopened: both.filter(([x, y]) => x.complete === true && y.complete !== true).map(([x, y]) => ({ action_id: y.action_id, from: x.status, to: y.status })),
  };
}

/** How many changes the plan diff lists. */
export function planChangeCount(d: PlanDiff | null): number {
  if (!d) return 0;
  const totals = JSON.stringify(d.before) === JSON.stringify(d.after) ? 0 : 1;
  return totals + d.completed.length + d.added.length + d.slipped.length + d.reopened.length;
}

const side = (s: PlanDiff['before']): string => (s ? `${s.actions} actions, ${s.complete ?? 'withheld'} complete` : '(no plan)');

/** The diff's plan lines, or none when neither snapshot has a plan or nothing changed. */
export function formatPlanDiff(d: PlanDiff | null): string[] {
  if (!d || planChangeCount(d) === 0) return [];
  const out = ['', `Improvement plan: ${side(d.before)} → ${side(d.after)}`];
  const list = (label: string, items: string[]): void => {
    if (items.length > 0) out.push(`  ${label} (${items.length}): ${items.join('; ')}`);
  };
  list('completed', d.completed.map((c) => (c.completed_date ? `${c.action_id} on ${c.completed_date}` : c.action_id)));
  list('added', d.added);
  list('slipped', d.slipped.map((s) => `${s.action_id} ${s.what === 'due_date' ? 'due' : 'status'} ${s.from} → ${s.to}`));
  list('reopened', d.reopened.map((r) => `${r.action_id} ${r.from} → ${r.to}`));
  return out;
}
