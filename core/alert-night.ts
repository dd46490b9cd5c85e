/**
 * What a published night's alert says, decided from tonight's metrics.json and the previous
 * snapshot's (the newest published as of an earlier date, as for `comparable_with_previous`).
 * Pure: no IO, no clock.
 *
 * Both files are read through a loose view of the contract that any published version satisfies,
 * so fields added by later versions are used when present: `stale` and `age_days` (issue 13's
 * freshness rule) and `improvement_plan` (issue 17's plan tracker), and ignored when absent.
 *
 * What is alerted, and how often:
 * - rejected files: every night while one is in the landing folder (tonight's figures lack it);
 * - files loaded tonight with more than the configured share of their rows rejected;
 * - baseline events detected tonight (`detected_in` is tonight's snapshot);
 * - out-of-date sources: every night while they are (tonight's figures read them);
 * - KPIs whose status worsened against the previous snapshot (green → amber or red, amber → red);
 * - improvement-plan actions newly overdue since the previous snapshot, and actions slipped.
 */
import { z } from 'zod';
import { formatDate, formatMonth } from './report-html.js';
import { counted, nightMessage, shownName, shownReason, type AlertMessage, type AlertSection } from './alert-message.js';

const planView = z.object({
  overdue: z.array(z.object({ action_id: z.string(), due_date: z.string() })).default([]),
  slipped: z.array(z.object({ action_id: z.string(), from: z.string().nullable(), to: z.string().nullable() })).default([]),
});

/** The fields alerts read, from metrics.json of any version (unknown fields pass untouched). */
export const metricsView = z.object({
  snapshot_id: z.string(),
  as_of: z.string(),
  metrics: z.array(z.object({ kpi: z.string(), title: z.string(), status: z.string(), stale: z.boolean().optional() })),
  baseline_events: z.array(z.object({ kpi: z.string(), kind: z.string(), effective_period: z.string(), detected_in: z.string() })),
  data_quality: z.object({
    sources: z.array(
      z.object({
        source: z.string(),
        file: z.string(),
        status: z.string(),
        reason: z.string().nullable(),
        used: z.boolean(),
        rows_loaded: z.number(),
        rows_rejected: z.number(),
        age_days: z.number().nullable().optional(),
        stale: z.boolean().nullable().optional(),
      }),
    ),
  }),
  // Read apart (planOf): a plan in a shape this version does not know is said, never fatal.
  improvement_plan: z.unknown().optional(),
});
export type MetricsView = z.infer<typeof metricsView>;

/** The snapshot tonight is compared with: its metrics, or why they could not be read. */
export type PreviousSnapshot = { snapshotId: string; metrics: unknown } | { snapshotId: string; problem: string } | null;

export interface NightAlertInput {
  /** Tonight's metrics.json as it is published. */
  metrics: unknown;
  reportPath: string;
  previous: PreviousSnapshot;
  rejectedRowsPercent: number;
}

const RANK: Record<string, number> = { green: 0, amber: 1, red: 2 };

const EVENT_WORDS: Record<string, string> = {
  level_shift: 'the monthly figure moved to a new level and stayed there',
  definition_changed: 'the way the figure is worked out changed',
  source_schema_changed: 'the columns of a file it reads changed',
  source_codes_changed: 'the codes recorded in a column it reads changed',
  manual: 'declared by the council in config/baselines.json',
};

const isIsoDate = (s: string | null): s is string => s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s);
const dateOrText = (s: string | null): string => (s === null ? 'none' : isIsoDate(s) ? formatDate(s) : shownName(s));
const pct1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1).replace(/\.0$/, '');

function rejectedFiles(m: MetricsView): AlertSection | null {
  const files = m.data_quality.sources.filter((s) => s.status === 'rejected');
  if (files.length === 0) return null;
  return {
    heading: 'Rejected files (nothing in them was loaded; replace or remove each):',
    lines: files.map((s) => `${shownName(s.file)} (${shownName(s.source)}): ${shownReason(s.reason ?? 'rejected')}`),
    summary: counted(files.length, 'rejected file'),
  };
}

function rowsOverThreshold(m: MetricsView, percent: number): AlertSection | null {
  const over = m.data_quality.sources.filter((s) => {
    const total = s.rows_loaded + s.rows_rejected;
    return s.status === 'loaded' && s.rows_rejected > 0 && (100 * s.rows_rejected) / total > percent;
  });
  if (over.length === 0) return null;
  return {
    heading: `Files loaded tonight with more than ${pct1(percent)}% of their rows rejected (the report lists each rejected row's file, line and rule):`,
    lines: over.map((s) => {
      const total = s.rows_loaded + s.rows_rejected;
      return `${shownName(s.file)} (${shownName(s.source)}): ${s.rows_rejected} of ${counted(total, 'row')} rejected (${pct1((100 * s.rows_rejected) / total)}%)`;
    }),
    summary: counted(over.length, 'file', 'files') + ' over the reject threshold',
  };
}

function titleOf(m: MetricsView, kpi: string): string {
  return m.metrics.find((r) => r.kpi === kpi)?.title ?? kpi;
}

function newBaselines(m: MetricsView): AlertSection | null {
  const events = m.baseline_events.filter((e) => e.detected_in === m.snapshot_id);
  if (events.length === 0) return null;
  return {
    heading: 'New baselines (figures before and after are not comparable):',
    lines: events.map((e) => `${titleOf(m, e.kpi)}: a new baseline from ${formatMonth(e.effective_period)} (${EVENT_WORDS[e.kind] ?? e.kind.replaceAll('_', ' ')})`),
    summary: counted(events.length, 'new baseline'),
  };
}

function staleSources(m: MetricsView): AlertSection | null {
  const sources = m.data_quality.sources.filter((s) => s.stale === true);
  const figures = m.metrics.filter((r) => r.stale === true);
  if (sources.length === 0 && figures.length === 0) return null;
  const lines = sources.map((s) => `${shownName(s.source)}: ${shownName(s.file)}${typeof s.age_days === 'number' ? ` is ${counted(s.age_days, 'day')} old` : ' is out of date'}`);
  if (figures.length > 0) lines.push(`figures reading out-of-date data: ${figures.map((r) => r.title).join('; ')}`);
  return {
    heading: 'Out-of-date sources (the figures are published, marked as reading old data):',
    lines,
    summary: sources.length > 0 ? counted(sources.length, 'source') + ' out of date' : counted(figures.length, 'figure') + ' reading old data',
  };
}

function worsened(m: MetricsView, previous: PreviousSnapshot): AlertSection | null {
  if (previous === null) return null;
  if ('problem' in previous) {
    return {
      heading: `KPI statuses could not be compared with the previous snapshot ${previous.snapshotId}:`,
      lines: [shownReason(previous.problem)],
      summary: 'previous snapshot unreadable',
    };
  }
  const before = metricsView.safeParse(previous.metrics);
  if (!before.success) return worsened(m, { snapshotId: previous.snapshotId, problem: 'its metrics.json is not in a shape this version reads' });
  const was = new Map(before.data.metrics.map((r) => [r.kpi, r.status]));
  const lines: string[] = [];
  for (const r of m.metrics) {
    const from = was.get(r.kpi);
    if (from === undefined || RANK[from] === undefined || RANK[r.status] === undefined) continue;
    if (RANK[r.status]! > RANK[from]!) lines.push(`${r.title}: ${from} → ${r.status}`);
  }
  if (lines.length === 0) return null;
  return {
    heading: `KPIs whose status worsened since the snapshot of ${formatDate(before.data.as_of)}:`,
    lines,
    summary: counted(lines.length, 'KPI') + ' worse',
  };
}

type Plan = z.infer<typeof planView>;

/** The plan's overdue and slipped actions; null when there is no plan; a string when its shape is unknown. */
function planOf(m: MetricsView): Plan | null | string {
  if (m.improvement_plan === undefined || m.improvement_plan === null) return null;
  const p = planView.safeParse(m.improvement_plan);
  return p.success ? p.data : 'the improvement plan in metrics.json is not in the shape this version reads (overdue, slipped); see the report';
}

function planActions(m: MetricsView, previous: PreviousSnapshot): AlertSection | null {
  const plan = planOf(m);
  if (plan === null) return null;
  if (typeof plan === 'string') return { heading: 'Improvement plan:', lines: [plan], summary: 'improvement plan unreadable' };
  const prev = previous && 'metrics' in previous ? metricsView.safeParse(previous.metrics) : null;
  const prevPlan = prev?.success ? planOf(prev.data) : null;
  const wasOverdue = new Set(prevPlan !== null && typeof prevPlan !== 'string' ? prevPlan.overdue.map((a) => a.action_id) : []);
  const newlyOverdue = plan.overdue.filter((a) => !wasOverdue.has(a.action_id));
  const lines = [
    ...newlyOverdue.map((a) => `${shownName(a.action_id)}: overdue (due ${dateOrText(a.due_date)})`),
    ...plan.slipped.map((a) => `${shownName(a.action_id)}: slipped from ${dateOrText(a.from)} to ${dateOrText(a.to)}`),
  ];
  if (lines.length === 0) return null;
  return {
    heading: `Improvement plan (${counted(plan.overdue.length, 'action')} overdue in all):`,
    lines,
    summary: [newlyOverdue.length > 0 ? counted(newlyOverdue.length, 'action') + ' newly overdue' : '', plan.slipped.length > 0 ? counted(plan.slipped.length, 'action') + ' slipped' : '']
      .filter(Boolean)
      .join(', '),
  };
}

/** The sections of tonight's alert, in the order a data officer acts on them. */
export function nightSections(i: NightAlertInput): AlertSection[] {
  const m = metricsView.parse(i.metrics);
  return [rejectedFiles(m), rowsOverThreshold(m, i.rejectedRowsPercent), newBaselines(m), staleSources(m), worsened(m, i.previous), planActions(m, i.previous)].filter(
    (s): s is AlertSection => s !== null,
  );
}

/** Tonight's one message, or null when there is nothing to say. */
export function nightAlert(i: NightAlertInput): AlertMessage | null {
  const m = metricsView.parse(i.metrics);
  return nightMessage({ asOf: m.as_of, snapshotId: m.snapshot_id, reportPath: i.reportPath, sections: nightSections(i) });
}
