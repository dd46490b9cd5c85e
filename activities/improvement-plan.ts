/**
 * Tonight's improvement plan for metrics.json (issue 17): which tracker counts (core/plan-file.ts),
 * its actions judged and counted in SQL (sql/plan/plan_actions.sql, plan_figures.sql) as of the
 * as-of date, slips counted against the previous snapshot (activities/previous-snapshot.ts), and
 * the notes in words (core/plan.ts). Null when no tracker was loaded.
 *
 * Publish and the alert step both build metrics.json with it, so both see the same plan.
 */
import { readFile } from 'node:fs/promises';
import type { ImprovementPlan, MetricsFile, PlanFigures, PlanSlip } from '../core/metrics-contract.js';
import type { FoundFile, PublishInput } from '../core/night.js';
import { dateInWords } from '../core/dates.js';
import { tonightsPlanFile } from '../core/plan-file.js';
import { PLAN_COMPLETE_STATUSES, PLAN_LABEL_MAX_CHARS, PLAN_STATUSES, planNotes, planText, shownStatus, type PlanNoteFacts } from '../core/plan.js';
import { projectPath } from '../core/project-root.js';
import { shownName } from '../core/shown-text.js';
import { previousSnapshot } from './previous-snapshot.js';
import type { Warehouse } from './warehouse.js';

/** One row of plan_now as read back (dates as ISO text). */
interface ActionRow {
  line: string;
  action_id: string;
  area: string | null;
  recommendation: string | null;
  action: string | null;
  owner: string | null;
  due_date: string | null;
  status: string;
  status_known: boolean;
  status_is_complete: boolean | null;
  completed_date: string | null;
  linked_kpi: string | null;
  linked_kpi_unknown: boolean;
  complete: boolean | null;
  overdue: boolean | null;
  previous_due_date: string | null;
  previous_status: string | null;
  slipped_due: boolean;
  slipped_status: boolean;
}

interface FigureRow {
  is_total: boolean;
  area: string | null;
  actions: string;
  complete: string | null;
  overdue: string | null;
  slipped: string | null;
  pct_complete: number | null;
}

const sql = (name: string): Promise<string> => readFile(projectPath('sql', 'plan', name), 'utf8');
const num = (v: string | null): number | null => (v === null ? null : Number(v));
const label = (text: string | null): string | null => planText(text, PLAN_LABEL_MAX_CHARS);

function figures(r: FigureRow): PlanFigures {
  return { actions: Number(r.actions), complete: num(r.complete), overdue: num(r.overdue), slipped: num(r.slipped), pct_complete: r.pct_complete };
}

/** The previous snapshot's plan to count slips against, or why there is none. */
async function comparedWith(w: Warehouse, input: PublishInput, signingKey: string | null): Promise<{ plan: ImprovementPlan; snapshotId: string; asOf: string } | { why: string }> {
  const previous = await previousSnapshot(w, input, signingKey);
  if (previous === null) return { why: 'There are no earlier figures to compare with, so slips are not counted yet.' };
  if ('problem' in previous) return { why: `The previous snapshot, ${previous.snapshotId}, could not be read (it does not verify), so slips are not counted this time.` };
  const m = previous.metrics as MetricsFile;
  if (!m.improvement_plan) return { why: `The figures as of ${dateInWords(m.as_of)} have no improvement plan, so slips are not counted this time.` };
  return { plan: m.improvement_plan, snapshotId: m.snapshot_id, asOf: m.as_of };
}

/** Tonight's tracker (core/plan-file.ts): of the plan files found tonight that loaded, the last by name; null when none. */
export async function tonightsPlan(w: Warehouse, found: readonly FoundFile[]): Promise<FoundFile | null> {
  const loaded = new Set(
    (await w.rows<{ sha256: string }>("SELECT sha256 FROM meta.files WHERE source = 'plan' AND status = 'loaded'")).map((r) => r.sha256),
  );
  return tonightsPlanFile(found, loaded);
}

/** The plan as of the as-of date from tonight's tracker `file` (tonightsPlan). */
export async function improvementPlanOf(
  w: Warehouse,
  input: PublishInput,
  file: FoundFile,
  kpiIds: readonly string[],
  signingKey: string | null,
): Promise<ImprovementPlan> {
  const compared = await comparedWith(w, input, signingKey);
  const previous = 'plan' in compared ? compared.plan.actions.map((a) => ({ action_id: a.action_id, due_date: a.due_date, status: a.status })) : null;

  const statuses = JSON.stringify(PLAN_STATUSES);
  await w.runFile('plan/plan_actions.sql', {
    sha: file.sha256!,
    as_of: input.asOf,
    statuses,
    done: JSON.stringify(PLAN_COMPLETE_STATUSES),
    kpi_ids: JSON.stringify(kpiIds),
    previous: previous === null ? null : JSON.stringify(previous),
  });
  const rows = await w.rows<ActionRow>(
    `SELECT * EXCLUDE (due_date, completed_date, previous_due_date, area_first_line),
            strftime(due_date, '%Y-%m-%d') AS due_date, strftime(completed_date, '%Y-%m-%d') AS completed_date,
            strftime(previous_due_date, '%Y-%m-%d') AS previous_due_date
     FROM plan_now ORDER BY line`,
  );
  const byArea = await w.rows<FigureRow>(await sql('plan_figures.sql'), { compared: previous !== null });
  const total = byArea.find((r) => r.is_total)!;
  const areas = byArea.filter((r) => !r.is_total);

  const id = (r: ActionRow): string => label(r.action_id)!;
  const slipped: PlanSlip[] = rows.flatMap((r) => [
    ...(r.slipped_due ? [{ action_id: id(r), what: 'due_date' as const, from: r.previous_due_date!, to: r.due_date! }] : []),
    ...(r.slipped_status ? [{ action_id: id(r), what: 'status' as const, from: r.previous_status!, to: r.status }] : []),
  ]);
  const overdue = rows
    .filter((r) => r.overdue === true)
    .sort((a, b) => (a.due_date! < b.due_date! ? -1 : a.due_date! > b.due_date! ? 1 : Number(a.line) - Number(b.line)))
    .map((r) => ({ action_id: id(r), due_date: r.due_date! }));

  const unknown = new Map<string, string[]>();
  for (const r of rows.filter((x) => !x.status_known)) unknown.set(r.status, [...(unknown.get(r.status) ?? []), id(r)]);
  const facts: PlanNoteFacts = {
    unknownStatuses: [],
    withheld: { total: total.complete === null || total.overdue === null, areas: areas.filter((a) => a.complete === null || a.overdue === null).map((a) => label(a.area)) },
    completeWithoutDate: rows.filter((r) => r.status_is_complete === true && r.completed_date === null).map(id),
    dateButNotComplete: rows.filter((r) => r.status_is_complete === false && r.completed_date !== null).map((r) => ({ actionId: id(r), status: r.status })),
    linkedKpiUnknown: rows.filter((r) => r.linked_kpi_unknown).map(id),
    rowsRejected: Number((await w.rows<{ n: string }>('SELECT rows_rejected AS n FROM meta.files WHERE sha256 = $sha', { sha: file.sha256! }))[0]?.n ?? 0),
    notCompared: 'why' in compared ? compared.why : null,
  };
  for (const [status, actionIds] of unknown) {
    const [fix] = await w.rows<{ fix: string }>(`SELECT ref.code_mapping_fix('status', $code, from_json($statuses, '["VARCHAR"]')) AS fix`, { code: status, statuses });
    facts.unknownStatuses.push({ status, actionIds, fix: fix!.fix });
  }

  return {
    file: shownName(file.name),
    tracker_date: file.extractDate,
    compared_with: 'plan' in compared ? { snapshot_id: compared.snapshotId, as_of: compared.asOf } : null,
    totals: figures(total),
    by_area: areas.map((a) => ({ area: label(a.area), ...figures(a) })),
    overdue,
    slipped,
    actions: rows.map((r) => ({
      action_id: id(r),
      area: label(r.area),
      recommendation: planText(r.recommendation),
      action: planText(r.action),
      owner: label(r.owner),
      due_date: r.due_date,
      status: shownStatus(r.status, r.status_known),
      status_known: r.status_known,
      completed_date: r.completed_date,
      linked_kpi: r.linked_kpi,
      complete: r.complete,
      overdue: r.overdue,
    })),
    notes: planNotes(facts),
  };
}
