/**
 * The public contract of `metrics.json` (spec: shared/spec/outputs.md). This zod schema is the
 * single source of truth: the TypeScript types, the shipped JSON Schema and the pre-publish
 * validation all come from it. Changing it is a public interface change (bump schema_version).
 */
import { z } from 'zod';
import { BASES, periodStartOf, type Basis } from './headline.js';

/**
 * The version of the metrics.json contract. 2: `metrics[]` is the headline period (kpis.md v2)
 * with its `basis` and `stale`; series points carry `provisional` and `status`; used sources carry
 * `age_days` and `stale`. 3: `metrics[].commentary`, a manager's commentary on the headline month
 * (CHANGELOG.md).
 */
export const SCHEMA_VERSION = '3';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD');
const yearMonth = z.string().regex(/^\d{4}-\d{2}$/, 'a month YYYY-MM');

export const kpiStatus = z.enum(['green', 'amber', 'red', 'none']);
export const polarity = z.enum(['higher', 'lower']);
export const basis = z.enum(BASES);

export const baselineRef = z.object({
  period_end: isoDate,
  value: z.number().nullable(),
  since: isoDate,
  reason: z.string(),
});

/** A manager's commentary on a KPI's headline month (core/commentary.ts), as written, cleaned and capped. */
export const commentaryRef = z.object({
  /** The month it is about (the commentary file's name): the headline period's month. */
  month: yearMonth,
  text: z.string().min(1),
  author_role: z.string().min(1),
  /** The commentary file it came from, in the landing folder's commentary/ (its shown name). */
  file: z.string(),
});

export const metricRow = z.object({
  kpi: z.string(),
  title: z.string(),
  period_start: isoDate,
  period_end: isoDate,
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  unit: z.string(),
  polarity,
  target: z.number().nullable(),
  status: kpiStatus,
  definition_version: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  baseline: baselineRef.nullable(),
  comparable_with_previous: z.boolean(),
  /** month | at_date | trailing_12_months: decides which point is the headline (core/headline.ts). */
  basis,
  /** A source the figure reads is older than its kind may be (core/freshness.ts); the value is unchanged, a note says which. */
  stale: z.boolean(),
  notes: z.array(z.string()),
  /** The commentary on the headline month, or null when none was received (never in public/). */
  commentary: commentaryRef.nullable().default(null),
});

export const seriesPoint = z.object({
  kpi: z.string(),
  period_end: isoDate,
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  /** The month-to-date as-of point of a `month` KPI: never a headline, a baseline or a change-point input. */
  provisional: z.boolean(),
  /** The point's RAG status against the KPI's target; always `none` on a provisional point. */
  status: kpiStatus,
});

export const baselineEvent = z.object({
  kpi: z.string(),
  kind: z.enum(['definition_changed', 'source_schema_changed', 'source_codes_changed', 'level_shift', 'manual']),
  effective_period: yearMonth,
  detected_in: z.string(),
  evidence: z.record(z.string(), z.unknown()),
});

/**
 * What happened to a file or workbook sheet tonight. `superseded`: a loaded extract of a list and
 * date that another copy of the same extract replaces (the file whose name sorts last), so its
 * rows are not counted. `ignored`: never read as a list, and listed with the reason — a workbook
 * sheet that is not a list (its name is not `List N`), or an entry in the landing folder that is
 * not where a source lives (its root, an unknown folder, a kind of file its folder does not take;
 * outputs.md v2).
 */
export const sourceStatus = z.enum(['loaded', 'already_loaded', 'rejected', 'after_as_of', 'superseded', 'ignored']);

export const sourceEntry = z.object({
  /** `<kind>/<list>` (`case-system/referrals`); for an ignored entry the folder it lies in (`Case-System/`, `landing folder`). */
  source: z.string(),
  /** The file's name (an ignored folder's ends with "/"). */
  file: z.string(),
  /** The workbook sheet this entry is (an Annex A workbook has one entry per sheet); absent or null for a file. */
  sheet: z.string().nullable().optional(),
  /** The list (core table) the entry's rows load into, when known. */
  list: z.string().nullable().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  extract_date: isoDate.nullable(),
  status: sourceStatus,
  reason: z.string().nullable(),
  used: z.boolean(),
  rows_loaded: z.number().int().nonnegative(),
  rows_rejected: z.number().int().nonnegative(),
  /** Days from the source's date (extract date; audits: newest Completed Date) to as-of; null on files not used. */
  age_days: z.number().int().nonnegative().nullable(),
  /** Older than its kind's maximum age (config/freshness.json); null on files not used. */
  stale: z.boolean().nullable(),
});

export const dataGap = z.object({ kpi: z.string(), reason: z.string() });

/** Where a night's alert went (core/alert-config.ts). */
export const alertChannel = z.enum(['webhook', 'email']);

/**
 * One channel's alert about this night: sent, or not with the reason in words (never the
 * destination's address or credentials). Written before the manifest is hashed and signed.
 */
export const alertRecord = z.object({
  channel: alertChannel,
  sent: z.boolean(),
  error: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// The improvement plan (issue 17; rules in core/plan.ts, figures from sql/plan/)

/** The plan's figures as of the as-of date, overall or for one area. Null: withheld (a note says why). */
export const planFigures = z.object({
  actions: z.number().int().nonnegative(),
  /** Status Complete (or awaiting sign-off) with a Completed Date on or before as-of. */
  complete: z.number().int().nonnegative().nullable(),
  /** Due before as-of and not complete. */
  overdue: z.number().int().nonnegative().nullable(),
  /** Actions whose due date moved later, or whose status went back, since `compared_with`; null when there is nothing to compare with. */
  slipped: z.number().int().nonnegative().nullable(),
  /** complete ÷ actions × 100, 1 dp, half away from zero. */
  pct_complete: z.number().nullable(),
});

export const planAction = z.object({
  action_id: z.string(),
  area: z.string().nullable(),
  recommendation: z.string().nullable(),
  action: z.string().nullable(),
  /** A role; never in public/. */
  owner: z.string().nullable(),
  due_date: isoDate.nullable(),
  /** The status as read (after config/code-mappings.json), in its canonical spelling when known. */
  status: z.string(),
  status_known: z.boolean(),
  completed_date: isoDate.nullable(),
  /** The KPI the action is meant to move (an id of the catalogue); null when blank or not a KPI id (a note says so). */
  linked_kpi: z.string().nullable(),
  /** Null when the status is unknown and the rule cannot decide without it. */
  complete: z.boolean().nullable(),
  overdue: z.boolean().nullable(),
});

export const planSlip = z.object({
  action_id: z.string(),
  what: z.enum(['due_date', 'status']),
  /** The due date (ISO) or status in the snapshot compared with, and tonight. */
  from: z.string(),
  to: z.string(),
});

export const improvementPlan = z.object({
  /** The tracker read (core/plan-file.ts), and its date when its name gives one. */
  file: z.string(),
  tracker_date: isoDate.nullable(),
  /** The snapshot slips are counted against: the newest of an earlier as-of date with a plan. */
  compared_with: z.object({ snapshot_id: z.string(), as_of: isoDate }).nullable(),
  totals: planFigures,
  /** One entry per area, in the order the tracker first lists them (area null: none given). */
  by_area: z.array(z.object({ area: z.string().nullable(), ...planFigures.shape })),
  overdue: z.array(z.object({ action_id: z.string(), due_date: isoDate })),
  slipped: z.array(planSlip),
  actions: z.array(planAction),
  /** Unknown statuses, withheld figures, rows to correct, in words. */
  notes: z.array(z.string()),
});

/** The plan as published in public/: the same, without owners. */
export const publicImprovementPlan = improvementPlan.extend({ actions: z.array(planAction.omit({ owner: true })) });

export const metricsFile = z.object({
  schema_version: z.literal(SCHEMA_VERSION),
  snapshot_id: z.string().min(1),
  as_of: isoDate,
  created_at: z.string().datetime(),
  metrics: z.array(metricRow),
  series: z.array(seriesPoint),
  baseline_events: z.array(baselineEvent),
  data_quality: z.object({
    sources: z.array(sourceEntry),
    gaps: z.array(dataGap),
  }),
  /**
   * The alerts sent about this night, one per configured channel: [] when nothing needed saying or
   * no channel is configured. Absent from snapshots published before alerts existed.
   */
  alerts: z.array(alertRecord).optional(),
  /** The improvement plan as of as-of; null when no plan tracker was loaded. Absent from snapshots published before it existed. */
  improvement_plan: improvementPlan.nullable().optional(),
});

export type MetricRow = z.infer<typeof metricRow>;
export type Commentary = z.infer<typeof commentaryRef>;
export type SeriesPoint = z.infer<typeof seriesPoint>;
export type BaselineEvent = z.infer<typeof baselineEvent>;
export type SourceEntry = z.infer<typeof sourceEntry>;
export type MetricsFile = z.infer<typeof metricsFile>;
export type AlertChannel = z.infer<typeof alertChannel>;
export type AlertRecord = z.infer<typeof alertRecord>;
export type ImprovementPlan = z.infer<typeof improvementPlan>;
export type PublicImprovementPlan = z.infer<typeof publicImprovementPlan>;
export type PlanAction = z.infer<typeof planAction>;
export type PlanFigures = z.infer<typeof planFigures>;
export type PlanSlip = z.infer<typeof planSlip>;

// ---------------------------------------------------------------------------------------------
// The shipped JSON Schema

/** Where the generated JSON Schema ships, relative to the project root. */
export const METRICS_SCHEMA_PATH = 'schema/metrics.schema.json';

/**
 * The JSON Schema (draft 2020-12) of `metrics.json`, generated from {@link metricsFile}. The
 * committed `schema/metrics.schema.json` must equal this (a test checks it); regenerate with
 * `UPDATE_SCHEMA=1 npx vitest run test/snapshot-schema.test.ts`.
 */
export function metricsJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(metricsFile, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: 'https://csc-kpi.invalid/schema/metrics.schema.json',
    title: 'csc-kpi metrics.json',
    description:
      'One published snapshot of the children’s social care KPIs (spec: outputs.md). Generated from core/metrics-contract.ts; do not edit by hand.',
    ...rest,
  };
}

/** The schema file's text exactly as committed. */
export function metricsJsonSchemaText(): string {
  return `${JSON.stringify(metricsJsonSchema(), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// The flat rows of metrics.parquet and metrics.csv

/**
 * One row per KPI per trend period: the 25 series points of every KPI. The row of the headline
 * period (the metric row's `period_end`: for a `month` KPI the last complete month, else as-of)
 * has `is_current` true and carries the metric row's own fields (stale, baseline, notes); on the
 * other points `stale` and the baseline are empty, because metrics.json states them only for the
 * headline, and `notes` is an empty list. Every row has its `period_start` (core/headline.ts),
 * `status` (the point's; `none` on the provisional month-to-date point) and
 * `comparable_with_previous`: on the headline row the metric row's flag (docs/baselines.md), on a
 * trend row false when a published baseline event takes effect in that point's month (the point
 * is the first on a new baseline), else true. KPI-wide fields (title, unit, polarity, target,
 * definition_version, basis) repeat on every row. `notes` is a list (a VARCHAR[] in parquet, JSON
 * text in CSV). The public files add `symbol` and `baseline_symbol` (core/suppression.ts). A
 * metric with no series point at its headline period (never produced by the pipeline) still gets
 * its row.
 */
export const FLAT_COLUMNS = [
  'snapshot_id',
  'as_of',
  'kpi',
  'title',
  'unit',
  'polarity',
  'target',
  'definition_version',
  'basis',
  'period_start',
  'period_end',
  'is_current',
  'provisional',
  'value',
  'numerator',
  'denominator',
  'status',
  'comparable_with_previous',
  'stale',
  'baseline_period_end',
  'baseline_value',
  'baseline_since',
  'baseline_reason',
  'notes',
] as const;

export type FlatColumn = (typeof FLAT_COLUMNS)[number];

/** The public files' columns: the same, with the suppression symbols beside the figures they mark. */
export const PUBLIC_FLAT_COLUMNS = FLAT_COLUMNS.flatMap((c) => (c === 'value' ? [c, 'symbol' as const] : c === 'baseline_value' ? [c, 'baseline_symbol' as const] : [c]));

export type PublicFlatColumn = (typeof PUBLIC_FLAT_COLUMNS)[number];

/** A metrics file: full, marked (`"c"` in place of a suppressed number) or published public (with `symbol`). */
interface FlattenableRow {
  kpi: string;
  title: string;
  unit: string;
  polarity: string;
  target: number | null;
  definition_version: string;
  basis: string;
  period_start: string;
  period_end: string;
  value: number | string | null;
  numerator: number | string | null;
  denominator: number | string | null;
  status: string;
  comparable_with_previous: boolean;
  stale: boolean;
  baseline: { period_end: string; value: number | string | null; since: string; reason: string; symbol?: string | null } | null;
  notes: string[];
  symbol?: string | null;
}
interface FlattenablePoint {
  kpi: string;
  period_end: string;
  value: number | string | null;
  numerator: number | string | null;
  denominator: number | string | null;
  provisional: boolean;
  status: string;
  symbol?: string | null;
}
interface Flattenable {
  snapshot_id: string;
  as_of: string;
  metrics: FlattenableRow[];
  series: FlattenablePoint[];
  baseline_events: { kpi: string; effective_period: string }[];
}

export type FlatRow = Record<PublicFlatColumn, string | number | boolean | string[] | null>;

export function flattenMetrics(m: Flattenable): FlatRow[] {
  const out: FlatRow[] = [];
  const newBaseline = new Set(m.baseline_events.map((e) => `${e.kpi}|${e.effective_period}`));
  for (const r of m.metrics) {
    const points = m.series.filter((p) => p.kpi === r.kpi).sort((a, b) => a.period_end.localeCompare(b.period_end));
    if (!points.some((p) => p.period_end === r.period_end)) {
      points.push({ kpi: r.kpi, period_end: r.period_end, value: r.value, numerator: r.numerator, denominator: r.denominator, provisional: false, status: r.status, symbol: r.symbol });
    }
    for (const p of points) {
      const current = p.period_end === r.period_end;
      out.push({
        snapshot_id: m.snapshot_id,
        as_of: m.as_of,
        kpi: r.kpi,
        title: r.title,
        unit: r.unit,
        polarity: r.polarity,
        target: r.target,
        definition_version: r.definition_version,
        basis: r.basis,
        period_start: current ? r.period_start : periodStartOf(r.basis as Basis, p.period_end),
        period_end: p.period_end,
        is_current: current,
        provisional: p.provisional,
        value: current ? r.value : p.value,
        symbol: (current ? r.symbol : p.symbol) ?? null,
        numerator: current ? r.numerator : p.numerator,
        denominator: current ? r.denominator : p.denominator,
        status: current ? r.status : p.status,
        comparable_with_previous: current ? r.comparable_with_previous : !newBaseline.has(`${r.kpi}|${p.period_end.slice(0, 7)}`),
        stale: current ? r.stale : null,
        baseline_period_end: current ? (r.baseline?.period_end ?? null) : null,
        baseline_value: current ? (r.baseline?.value ?? null) : null,
        baseline_symbol: current ? (r.baseline?.symbol ?? null) : null,
        baseline_since: current ? (r.baseline?.since ?? null) : null,
        baseline_reason: current ? (r.baseline?.reason ?? null) : null,
        notes: current ? r.notes : [],
      });
    }
  }
  return out;
}
