/**
 * A KPI definition: one SQL file under sql/kpi/ whose leading block comment holds its metadata as
 * JSON. The definition version is the sha256 of the whole file (SQL and metadata): any edit is a
 * definition change. Parsing returns errors rather than throwing, so one bad file is reported,
 * not fatal.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const kpiMeta = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  title: z.string(),
  unit: z.enum(['percent', 'weeks', 'count', 'ratio', 'children per FTE']),
  /** percentage | average | ratio | count: decides what numerator and denominator mean. */
  measure: z.enum(['percentage', 'average', 'ratio', 'count']),
  polarity: z.enum(['higher', 'lower']),
  target: z.number().nullable(),
  /** The amber bound: with polarity higher, amber when value ≥ amber; lower, when value ≤ amber. */
  amber: z.number().nullable(),
  /** How the green bound compares: the spec says e.g. "green ≤ 26, amber < 30". */
  amber_strict: z.boolean().default(false),
  period: z.enum(['month', 'trailing_12_months', 'point_in_time']),
  sources: z.record(z.string(), z.array(z.string())),
  definition: z.string(),
});

export type KpiMeta = z.infer<typeof kpiMeta>;

export interface KpiDefinition {
  meta: KpiMeta;
  sql: string;
  version: string;
  file: string;
}

const HEADER = /^\s*\/\*---\s*([\s\S]*?)\s*---\*\//;

export function parseKpiFile(file: string, text: string): { value?: KpiDefinition; errors: string[] } {
  const m = HEADER.exec(text);
  if (!m) return { errors: [`${file}: no /*--- {metadata} ---*/ header block`] };
  let json: unknown;
  try {
    json = JSON.parse(m[1]!);
  } catch (e) {
    return { errors: [`${file}: metadata is not valid JSON: ${(e as Error).message}`] };
  }
  const meta = kpiMeta.safeParse(json);
  if (!meta.success) return { errors: meta.error.issues.map((i) => `${file}: metadata ${i.path.join('.')}: ${i.message}`) };
  const expected = file.replace(/^.*\//, '').replace(/\.sql$/, '');
  if (meta.data.id !== expected) return { errors: [`${file}: id "${meta.data.id}" must match the file name "${expected}"`] };
  const version = `sha256:${createHash('sha256').update(text).digest('hex')}`;
  return { value: { meta: meta.data, sql: text.slice(m[0].length), version, file }, errors: [] };
}
