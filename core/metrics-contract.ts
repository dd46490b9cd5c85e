/**
 * The public contract of `metrics.json` (spec: shared/spec/outputs.md). This zod schema is the
 * single source of truth: the TypeScript types, the shipped JSON Schema and the pre-publish
 * validation all come from it. Changing it is a public interface change (bump schema_version).
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD');
const yearMonth = z.string().regex(/^\d{4}-\d{2}$/, 'a month YYYY-MM');

export const kpiStatus = z.enum(['green', 'amber', 'red', 'none']);
export const polarity = z.enum(['higher', 'lower']);

export const baselineRef = z.object({
  period_end: isoDate,
  value: z.number().nullable(),
  since: isoDate,
  reason: z.string(),
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
  notes: z.array(z.string()),
});

export const seriesPoint = z.object({
  kpi: z.string(),
  period_end: isoDate,
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
});

export const baselineEvent = z.object({
  kpi: z.string(),
  kind: z.enum(['definition_changed', 'source_schema_changed', 'source_codes_changed', 'level_shift', 'manual']),
  effective_period: yearMonth,
  detected_in: z.string(),
  evidence: z.record(z.string(), z.unknown()),
});

export const sourceStatus = z.enum(['loaded', 'already_loaded', 'rejected', 'after_as_of']);

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
});

export const dataGap = z.object({ kpi: z.string(), reason: z.string() });

export const metricsFile = z.object({
  schema_version: z.literal('1'),
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
});

export type MetricRow = z.infer<typeof metricRow>;
export type SeriesPoint = z.infer<typeof seriesPoint>;
export type BaselineEvent = z.infer<typeof baselineEvent>;
export type SourceEntry = z.infer<typeof sourceEntry>;
export type MetricsFile = z.infer<typeof metricsFile>;
