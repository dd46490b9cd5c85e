/**
 * The public contract of `metrics.json` (spec: shared/spec/outputs.md). This zod schema is the
 * single source of truth: the TypeScript types, the shipped JSON Schema and the pre-publish
 * validation all come from it. Changing it is a public interface change (bump schema_version).
 */
import { z } from 'zod';
import { EES_SYMBOLS } from './ees-cells.js';
import { BASES } from './headline.js';

/**
 * The version of the metrics.json contract. 2: `metrics[]` is the headline period (kpis.md v2)
 * with its `basis` and `stale`; series points carry `provisional` and `status`; used sources carry
 * `age_days` and `stale` (CHANGELOG.md).
 */
export const SCHEMA_VERSION = '2';

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

const eesSymbol = z.enum(EES_SYMBOLS);

/**
 * "Is that good?" (spec benchmarks.md, core/benchmark.ts): the council beside England, its region
 * and its statistical neighbours for the latest year DfE published that the council's own data
 * covers. Published values are as the file gives them; `council_same_period` is the KPI's own SQL
 * over the same period; `symbols.council_published` is the EES symbol standing in for (or, `u`,
 * flagging) the council's published value, null where the file gave a plain number (England's or
 * the region's symbol is said in the notes).
 */
export const benchmark = z.object({
  file: z.string(),
  time_period: z.string(),
  period_start: isoDate,
  period_end: isoDate,
  council_published: z.number().nullable(),
  council_same_period: z.number().nullable(),
  england: z.number().nullable(),
  region: z.number().nullable(),
  region_name: z.string().nullable(),
  statistical_neighbours: z
    .object({
      mean: z.number().nullable(),
      median: z.number().nullable(),
      /** Neighbours with a value that year. */
      count: z.number().int().nonnegative(),
      /** Neighbours without one (a symbol, a blank, or not in the file), nearest first. */
      missing: z.array(z.string()),
    })
    .nullable(),
  rank: z.number().int().positive().nullable(),
  of: z.number().int().nonnegative(),
  quartile: z.enum(['A', 'B', 'C', 'D']).nullable(),
  symbols: z.object({ council_published: eesSymbol.nullable() }),
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
  /** Null, with a note saying why, for a KPI with no comparator; absent from snapshots published before benchmarks. */
  benchmark: benchmark.nullable().optional(),
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

/** `ignored`: a benchmark file holding nothing the benchmarks read (its header named in `reason`). */
export const sourceStatus = z.enum(['loaded', 'already_loaded', 'rejected', 'after_as_of', 'ignored']);

export const sourceEntry = z.object({
  source: z.string(),
  file: z.string(),
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
});

export type MetricRow = z.infer<typeof metricRow>;
export type Benchmark = z.infer<typeof benchmark>;
export type SeriesPoint = z.infer<typeof seriesPoint>;
export type BaselineEvent = z.infer<typeof baselineEvent>;
export type SourceEntry = z.infer<typeof sourceEntry>;
export type MetricsFile = z.infer<typeof metricsFile>;
export type AlertChannel = z.infer<typeof alertChannel>;
export type AlertRecord = z.infer<typeof alertRecord>;

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
 * has `is_current` true and carries the metric row's fields (period_start, comparable_with_previous,
 * stale, baseline, notes); on the other points those are empty, because metrics.json states them
 * only for the headline. `provisional` and `status` come from each series point (a provisional
 * month-to-date point has status `none`). KPI-wide fields (title, unit, polarity, target,
 * definition_version, basis) repeat on every row. `notes` is a list (a VARCHAR[] in parquet, JSON
 * text in CSV). A metric with no series point at its headline period (never produced by the
 * pipeline) still gets its row.
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

/** A metrics file, full or public (`"c"` in place of a suppressed number). */
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
  baseline: { period_end: string; value: number | string | null; since: string; reason: string } | null;
  notes: string[];
}
interface FlattenablePoint {
  kpi: string;
  period_end: string;
  value: number | string | null;
  numerator: number | string | null;
  denominator: number | string | null;
  provisional: boolean;
  status: string;
}
interface Flattenable {
  snapshot_id: string;
  as_of: string;
  metrics: FlattenableRow[];
  series: FlattenablePoint[];
}

export type FlatRow = Record<FlatColumn, string | number | boolean | string[] | null>;

export function flattenMetrics(m: Flattenable): FlatRow[] {
  const out: FlatRow[] = [];
  for (const r of m.metrics) {
    const points = m.series.filter((p) => p.kpi === r.kpi).sort((a, b) => a.period_end.localeCompare(b.period_end));
    if (!points.some((p) => p.period_end === r.period_end)) {
      points.push({ kpi: r.kpi, period_end: r.period_end, value: r.value, numerator: r.numerator, denominator: r.denominator, provisional: false, status: r.status });
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
        period_start: current ? r.period_start : null,
        period_end: p.period_end,
        is_current: current,
        provisional: p.provisional,
        value: current ? r.value : p.value,
        numerator: current ? r.numerator : p.numerator,
        denominator: current ? r.denominator : p.denominator,
        status: current ? r.status : p.status,
        comparable_with_previous: current ? r.comparable_with_previous : null,
        stale: current ? r.stale : null,
        baseline_period_end: current ? (r.baseline?.period_end ?? null) : null,
        baseline_value: current ? (r.baseline?.value ?? null) : null,
        baseline_since: current ? (r.baseline?.since ?? null) : null,
        baseline_reason: current ? (r.baseline?.reason ?? null) : null,
        notes: current ? r.notes : null,
      });
    }
  }
  return out;
}
