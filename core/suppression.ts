/**
 * Small-number suppression for the `public/` variant of a snapshot, after the Department for
 * Education's convention in its statistical publications (e.g. "Children in need", "Children's
 * social work workforce"): a figure that could identify a handful of children or staff is
 * replaced by `"c"` — "confidential" in the DfE symbol list ("c = confidential data, suppressed
 * to protect confidentiality"). Pure: MetricsFile in, PublicMetricsFile out; no IO.
 *
 * Rules, applied to every metric row and every series point:
 *
 * 1. Primary. A count value, numerator or denominator greater than 0 and at most 5 is `"c"`
 *    (1–5 for whole numbers; a summed FTE such as 4.5 counts as small too). 0 is published:
 *    "none" discloses nobody.
 * 2. Derived within a figure. value = numerator ÷ denominator (× 100), so
 *    - numerator `"c"` → value `"c"` (value × denominator would give it back);
 *    - denominator `"c"` → numerator and value `"c"` (numerator ÷ value would give it back);
 *    - an average publishes numerator null and denominator = cohort size: cohort `"c"` → value
 *      `"c"` (a mean over ≤ 5 cases describes those cases);
 *    - a count (numerator and denominator null) is its own value: rule 1 applies to the value.
 *    - status `"c"` whenever value is `"c"` (metric rows and series points): a RAG band plus a
 *      published denominator can pin the value down (85% target, amber ≥ 75%, denominator 6 →
 *      amber means exactly 5 of 6).
 * 3. Secondary, across KPIs of the same period (metric rows with the same headline period_end
 *    together; series points with the same period_end together). The catalogue (spec/kpis.md) has these identities:
 *    - `plo_avg_weeks.denominator = plo_within_26_weeks_pct.denominator` (the same cohort):
 *      if either is `"c"`, both are.
 *    - `turnover_rate_fte_pct.denominator` (employed FTE in post) =
 *      `agency_rate_fte_pct.denominator − agency_rate_fte_pct.numerator` (all in-post FTE minus
 *      agency FTE): if one of the three is `"c"`, another must be too, so the suppressed one
 *      cannot be worked out from the other two. Employed FTE small → the agency numerator (and
 *      so its value) is `"c"`; agency FTE small → the agency denominator is `"c"` too (that row
 *      has lost its value already). The turnover row is never hidden to protect the agency one.
 *    Rules 2 and 3 are applied until nothing changes.
 * 4. Baselines. A baseline value is `"c"` when the series point it names (same KPI and
 *    period_end) has its value suppressed.
 *
 * Every KPI with anything suppressed (row or series) gets {@link SUPPRESSION_NOTE} in its notes.
 *
 * Two shapes come out. `suppressForPublic` marks suppressed figures with `"c"` in place (the
 * committee report renders that, core/report-html.ts). The file published in `public/` — its
 * metrics.json, metrics.csv and metrics.parquet — is `publicFileOf(…)`: numbers stay numbers
 * (`value`, `numerator`, `denominator` are a number or null), and a `symbol` beside them is `"c"`
 * when any of the three is suppressed (`baseline.symbol` likewise for the baseline value); a
 * suppressed status stays the code `"c"`. Its schema version is {@link PUBLIC_SCHEMA_VERSION}.
 * Series points of different months are not differenced into anything published, and the file
 * publishes no complements (denominator − numerator) outside the identities above, so there are
 * no other derivations within the file. Not covered: free text in `notes`, `gaps` and baseline
 * event `evidence` is passed through unchanged (see the module's report).
 */
import { z } from 'zod';
import {
  baselineEvent,
  baselineRef,
  dataGap,
  kpiStatus,
  metricRow,
  publicImprovementPlan,
  SCHEMA_VERSION,
  seriesPoint,
  sourceEntry,
  type MetricsFile,
} from './metrics-contract.js';
import { withoutOwners } from './plan.js';

export const SUPPRESSED = 'c' as const;

export const SUPPRESSION_NOTE =
  'Small numbers: counts, numerators and denominators from 1 to 5, and any figure that could be worked out from them, are shown as "c" (confidential), as in Department for Education statistical publications. Zero is shown.';

const publicNumber = z.union([z.number(), z.literal(SUPPRESSED)]).nullable();

export const publicMetricRow = metricRow.extend({
  value: publicNumber,
  numerator: publicNumber,
  denominator: publicNumber,
  status: z.union([kpiStatus, z.literal(SUPPRESSED)]),
  baseline: baselineRef.extend({ value: publicNumber }).nullable(),
});

export const publicSeriesPoint = seriesPoint.extend({
  value: publicNumber,
  numerator: publicNumber,
  denominator: publicNumber,
  status: z.union([kpiStatus, z.literal(SUPPRESSED)]),
});

export const publicMetricsFile = z.object({
  schema_version: z.literal(SCHEMA_VERSION),
  snapshot_id: z.string().min(1),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  created_at: z.string().datetime(),
  metrics: z.array(publicMetricRow),
  series: z.array(publicSeriesPoint),
  baseline_events: z.array(baselineEvent),
  data_quality: z.object({ sources: z.array(sourceEntry), gaps: z.array(dataGap) }),
  improvement_plan: publicImprovementPlan.nullable().optional(),
});

/**
 * The version of `public/metrics.json`: the full file's version it follows, then its own revision.
 * 2.1: numbers stay numbers, suppression is said by `symbol` (CHANGELOG.md). A change to the full
 * contract (SCHEMA_VERSION) is a change here too: test/suppression.test.ts holds them together.
 */
export const PUBLIC_SCHEMA_VERSION = `${SCHEMA_VERSION}.1`;

/** `"c"` when the figure beside it (any of value, numerator, denominator) is suppressed; else null. */
const symbol = z.literal(SUPPRESSED).nullable();

export const publishedMetricRow = metricRow.extend({
  symbol,
  status: z.union([kpiStatus, z.literal(SUPPRESSED)]),
  baseline: baselineRef.extend({ symbol }).nullable(),
});

export const publishedSeriesPoint = seriesPoint.extend({
  symbol,
  status: z.union([kpiStatus, z.literal(SUPPRESSED)]),
});

/** The contract of `public/metrics.json` (and, flat, of public/metrics.csv and .parquet). */
export const publishedPublicFile = z.object({
  schema_version: z.literal(PUBLIC_SCHEMA_VERSION),
  snapshot_id: z.string().min(1),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  created_at: z.string().datetime(),
  metrics: z.array(publishedMetricRow),
  series: z.array(publishedSeriesPoint),
  baseline_events: z.array(baselineEvent),
  data_quality: z.object({ sources: z.array(sourceEntry), gaps: z.array(dataGap) }),
  /** The improvement plan without owners (issue 17); null with no tracker, absent in older snapshots. */
  improvement_plan: publicImprovementPlan.nullable().optional(),
});

export type PublishedPublicFile = z.infer<typeof publishedPublicFile>;

export type PublicNumber = z.infer<typeof publicNumber>;
export type PublicMetricRow = z.infer<typeof publicMetricRow>;
export type PublicSeriesPoint = z.infer<typeof publicSeriesPoint>;
export type PublicMetricsFile = z.infer<typeof publicMetricsFile>;

/** Primary rule: more than 0 and at most 5. */
export function isSmall(n: number | null): boolean {
  return n !== null && n > 0 && n <= 5;
}

interface Figure {
  kpi: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  sv: boolean;
  sn: boolean;
  sd: boolean;
}

function figure(kpi: string, p: { value: number | null; numerator: number | null; denominator: number | null }): Figure {
  const f: Figure = { kpi, value: p.value, numerator: p.numerator, denominator: p.denominator, sv: false, sn: false, sd: false };
  if (p.numerator === null && p.denominator === null) f.sv = isSmall(p.value);
  f.sn = isSmall(p.numerator);
  f.sd = isSmall(p.denominator);
  return f;
}

/** Rule 2; returns true when it changed anything. */
function closeWithin(f: Figure): boolean {
  const before = `${f.sv}${f.sn}${f.sd}`;
  if (f.sd) {
    if (f.numerator !== null) f.sn = true;
    if (f.value !== null) f.sv = true;
  }
  if (f.sn && f.value !== null) f.sv = true;
  return before !== `${f.sv}${f.sn}${f.sd}`;
}

/** Rule 3 over the figures of one period; returns true when it changed anything. */
function closeAcross(byKpi: Map<string, Figure>): boolean {
  let changed = false;
  const mark = (f: Figure | undefined, field: 'sd' | 'sn'): void => {
    if (f && !f[field] && f[field === 'sd' ? 'denominator' : 'numerator'] !== null) {
      f[field] = true;
      changed = true;
    }
  };
  const ploAvg = byKpi.get('plo_avg_weeks');
  const plo26 = byKpi.get('plo_within_26_weeks_pct');
  if (ploAvg && plo26 && (ploAvg.sd || plo26.sd)) {
    mark(ploAvg, 'sd');
    mark(plo26, 'sd');
  }
  const agency = byKpi.get('agency_rate_fte_pct');
  const turnover = byKpi.get('turnover_rate_fte_pct');
  if (agency && turnover && agency.denominator !== null && agency.numerator !== null && turnover.denominator !== null) {
    const hidden = [agency.sd, agency.sn, turnover.sd].filter(Boolean).length;
    // Hide whatever costs least: the agency numerator (its value goes with it) when the employed
    // FTE is small; the agency denominator when the agency FTE is small (its value is gone already).
    if (hidden === 1) mark(agency, turnover.sd ? 'sn' : 'sd');
  }
  return changed;
}

/** Rules 2 and 3 to a fixed point; `group` says which figures share a period. */
function settle(figures: Figure[], group: (i: number) => string): void {
  const periods = new Map<string, Map<string, Figure>>();
  figures.forEach((f, i) => {
    const key = group(i);
    const byKpi = periods.get(key) ?? new Map<string, Figure>();
    byKpi.set(f.kpi, f);
    periods.set(key, byKpi);
  });
  let changed = true;
  while (changed) {
    changed = false;
    for (const f of figures) changed = closeWithin(f) || changed;
    for (const byKpi of periods.values()) changed = closeAcross(byKpi) || changed;
  }
}

function pub(n: number | null, suppressed: boolean): PublicNumber {
  return suppressed ? SUPPRESSED : n;
}

/** The public variant of a snapshot's metrics: see the module comment for the rules. */
export function suppressForPublic(m: MetricsFile): PublicMetricsFile {
  const rowFigures = m.metrics.map((r) => figure(r.kpi, r));
  // Headline periods differ by basis (a month KPI's last complete month, others as-of).
  settle(rowFigures, (i) => String(m.metrics[i]?.period_end));
  const seriesFigures = m.series.map((p) => figure(p.kpi, p));
  settle(seriesFigures, (i) => String(m.series[i]?.period_end));

  const touched = new Set<string>();
  const suppressedSeriesValue = new Set<string>();
  const series: PublicSeriesPoint[] = m.series.map((p, i) => {
    const f = seriesFigures[i] as Figure;
    if (f.sv || f.sn || f.sd) touched.add(p.kpi);
    if (f.sv) suppressedSeriesValue.add(`${p.kpi}|${p.period_end}`);
    return { ...p, value: pub(p.value, f.sv), numerator: pub(p.numerator, f.sn), denominator: pub(p.denominator, f.sd), status: f.sv ? SUPPRESSED : p.status };
  });

  const metrics: PublicMetricRow[] = m.metrics.map((r, i) => {
    const f = rowFigures[i] as Figure;
    const baselineHidden = r.baseline !== null && suppressedSeriesValue.has(`${r.kpi}|${r.baseline.period_end}`);
    if (f.sv || f.sn || f.sd || baselineHidden) touched.add(r.kpi);
    return {
      ...r,
      value: pub(r.value, f.sv),
      numerator: pub(r.numerator, f.sn),
      denominator: pub(r.denominator, f.sd),
      status: f.sv ? SUPPRESSED : r.status,
      baseline: r.baseline === null ? null : { ...r.baseline, value: pub(r.baseline.value, baselineHidden) },
      notes: [...r.notes],
    };
  });
  for (const row of metrics) if (touched.has(row.kpi)) row.notes.push(SUPPRESSION_NOTE);

  // The plan counts actions, not children: nothing to suppress; owners are not for publication.
  return { ...m, metrics, series, improvement_plan: withoutOwners(m.improvement_plan) };
}

const numberOrNull = (n: PublicNumber): number | null => (n === SUPPRESSED ? null : n);
const symbolOf = (...ns: PublicNumber[]): typeof SUPPRESSED | null => (ns.includes(SUPPRESSED) ? SUPPRESSED : null);

/** The published public file from the marked one: numbers or null, with `symbol` saying which were suppressed. */
export function publicFileOf(marked: PublicMetricsFile): PublishedPublicFile {
  return {
    ...marked,
    schema_version: PUBLIC_SCHEMA_VERSION,
    metrics: marked.metrics.map((r) => ({
      ...r,
      value: numberOrNull(r.value),
      numerator: numberOrNull(r.numerator),
      denominator: numberOrNull(r.denominator),
      symbol: symbolOf(r.value, r.numerator, r.denominator),
      baseline: r.baseline === null ? null : { ...r.baseline, value: numberOrNull(r.baseline.value), symbol: symbolOf(r.baseline.value) },
    })),
    series: marked.series.map((p) => ({
      ...p,
      value: numberOrNull(p.value),
      numerator: numberOrNull(p.numerator),
      denominator: numberOrNull(p.denominator),
      symbol: symbolOf(p.value, p.numerator, p.denominator),
    })),
  };
}

/** Where the JSON Schema of public/metrics.json ships, relative to the project root. */
export const PUBLIC_SCHEMA_PATH = 'schema/public-metrics.schema.json';

/**
 * The JSON Schema (draft 2020-12) of `public/metrics.json`, generated from {@link publishedPublicFile};
 * the committed file must equal it (test/public-files.test.ts; UPDATE_SCHEMA=1 regenerates it).
 */
export function publicMetricsJsonSchemaText(): string {
  const { $schema, ...rest } = z.toJSONSchema(publishedPublicFile, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const schema = {
    $schema,
    $id: 'https://csc-kpi.invalid/schema/public-metrics.schema.json',
    title: 'csc-kpi public/metrics.json',
    description:
      'The public variant of one snapshot, small numbers suppressed: a suppressed value, numerator or denominator is null with symbol "c" (spec: outputs.md; README "Public files"). Generated from core/suppression.ts; do not edit by hand.',
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
