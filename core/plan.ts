/**
 * The improvement plan's rules in words and in code, pure (issue 17). The figures themselves are
 * counted in SQL (sql/plan/); this module holds what SQL is given (the status order, which
 * statuses mean complete), the notes a reader gets, the public copy without owners, and the slip
 * rule for comparing two snapshots (`csc-kpi snapshots diff`).
 *
 * - Status order of progress: Not started < Blocked < In progress < Complete – awaiting sign-off
 *   < Complete. A move to an earlier one is a slip ("went backwards"); In progress → Blocked is a
 *   slip, Blocked → In progress is not.
 * - Complete as of D: a complete status (Complete, or Complete – awaiting sign-off: the work is
 *   done, the sign-off is the council's own step) and a Completed Date on or before D. A complete
 *   status without a date is not counted until the date is entered; a date with a status that is
 *   not complete (reopened) is not counted either. Both are noted.
 * - Overdue as of D: due before D and not complete (due on D is not overdue).
 * - Unknown statuses are kept and reported, never guessed: an action with one is counted as an
 *   action; whether it is complete is decided without its status only when the date alone decides
 *   (no Completed Date on or before D: not complete). Otherwise the counts that would include it
 *   are withheld for its area and the whole plan, with a note naming the status and the fix.
 */
import { PLAN_STATUSES } from './contracts/lists.js';
import type { ImprovementPlan, PlanAction, PlanSlip, PublicImprovementPlan } from './metrics-contract.js';
import { capText, shownCode, visibleControls } from './shown-text.js';

export { PLAN_STATUSES };
export const PLAN_COMPLETE_STATUSES: readonly string[] = ['Complete – awaiting sign-off', 'Complete'];

/** Longest action or recommendation text published (a tracker cell can hold a paragraph). */
export const PLAN_TEXT_MAX_CHARS = 500;
/** Longest area, owner role or action id published. */
export const PLAN_LABEL_MAX_CHARS = 120;

/** Free text of a tracker cell as it may be published: control characters visible, capped. */
export function planText(text: string | null, max = PLAN_TEXT_MAX_CHARS): string | null {
  if (text === null) return null;
  return capText(visibleControls(text), max);
}

/** A status as published: a known one in its canonical spelling; an unknown one only when it looks like a code. */
export function shownStatus(status: string, known: boolean): string {
  return known ? status : shownCode(status);
}

/** Position in the order of progress, or null for a status that is not known. */
export function progressOf(status: string): number | null {
  const i = (PLAN_STATUSES as readonly string[]).indexOf(status);
  return i < 0 ? null : i;
}

/**
 * How an action slipped from one snapshot to the next: its due date moved later, or its status
 * moved back in the order of progress. (The night counts the same rule in SQL,
 * sql/plan/plan_actions.sql; test/plan-figures.test.ts checks the two agree.)
 */
export function slipsOf(before: Pick<PlanAction, 'action_id' | 'due_date' | 'status'>, after: Pick<PlanAction, 'action_id' | 'due_date' | 'status'>): PlanSlip[] {
  const out: PlanSlip[] = [];
  if (before.due_date !== null && after.due_date !== null && after.due_date > before.due_date) {
    out.push({ action_id: after.action_id, what: 'due_date', from: before.due_date, to: after.due_date });
  }
  const was = progressOf(before.status);
  const now = progressOf(after.status);
  if (was !== null && now !== null && now < was) out.push({ action_id: after.action_id, what: 'status', from: before.status, to: after.status });
  return out;
}

/** The plan as public/ publishes it: owners are roles inside the council, not for publication. */
export function withoutOwners(plan: ImprovementPlan | null | undefined): PublicImprovementPlan | null | undefined {
  if (!plan) return plan;
  return { ...plan, actions: plan.actions.map(({ owner: _owner, ...rest }) => rest) };
}

// ---------------------------------------------------------------------------------------------
// Notes

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "FD-01", "FD-01 and FD-02", "FD-01, FD-02 and 3 more". */
function actionList(ids: readonly string[], shown = 5): string {
  const head = ids.slice(0, shown);
  const more = ids.length - head.length;
  if (more > 0) return `${head.join(', ')} and ${more} more`;
  return head.length <= 1 ? (head[0] ?? '') : `${head.slice(0, -1).join(', ')} and ${head.at(-1)}`;
}

/** What the notes are made from: facts read from the warehouse. */
export interface PlanNoteFacts {
  /** Each status that is not known, with the actions carrying it and the code-mapping fix. */
  unknownStatuses: { status: string; actionIds: string[]; fix: string }[];
  /** Areas (null: none given) and whole plan whose complete or overdue counts are withheld. */
  withheld: { areas: (string | null)[]; total: boolean };
  completeWithoutDate: string[];
  dateButNotComplete: { actionId: string; status: string }[];
  linkedKpiUnknown: string[];
  rowsRejected: number;
  /** Why slips are not counted, when they are not. */
  notCompared: string | null;
}

export function planNotes(f: PlanNoteFacts): string[] {
  const notes: string[] = [];
  const known = PLAN_STATUSES.join(', ');
  for (const u of f.unknownStatuses) {
    const who = `${plural(u.actionIds.length, 'action')} (${actionList(u.actionIds)})`;
    const shown = shownCode(u.status);
    notes.push(
      shown === u.status
        ? `“${shown}” is not a known status (known: ${known}): ${who} ${u.actionIds.length === 1 ? 'carries' : 'carry'} it. To count it, ${u.fix}, or correct the tracker.`
        : `A status that is not one of ${known} (not shown: it looks like an identifier or a date, not a status) is on ${who}: correct the tracker.`,
    );
  }
  if (f.withheld.total || f.withheld.areas.length > 0) {
    const where = [f.withheld.total ? 'the whole plan' : null, ...f.withheld.areas.map((a) => (a === null ? 'actions with no area' : a))].filter(Boolean).join(', ');
    notes.push(
      `Withheld for ${where}: whether an action with an unknown status and a Completed Date is complete (and so whether it is overdue) cannot be told, and guessing would publish a wrong figure.`,
    );
  }
  if (f.completeWithoutDate.length > 0) {
    notes.push(
      `${actionList(f.completeWithoutDate)} ${f.completeWithoutDate.length === 1 ? 'is' : 'are'} marked complete but ${f.completeWithoutDate.length === 1 ? 'has' : 'have'} no Completed Date: not counted as complete until the date is entered.`,
    );
  }
  for (const d of f.dateButNotComplete) {
    notes.push(`${d.actionId} has a Completed Date but its status is ${d.status}: counted as not complete.`);
  }
  if (f.linkedKpiUnknown.length > 0) {
    notes.push(
      `The Linked KPI of ${actionList(f.linkedKpiUnknown)} is not the id of a KPI (the ids are in docs/data-dictionary.md): shown without a figure.`,
    );
  }
  if (f.rowsRejected > 0) {
    notes.push(
      `${plural(f.rowsRejected, 'entry', 'entries')} in the tracker could not be read and ${f.rowsRejected === 1 ? 'is' : 'are'} not counted: the data quality record gives the place of each and the rule it broke.`,
    );
  }
  if (f.notCompared) notes.push(f.notCompared);
  return notes;
}
