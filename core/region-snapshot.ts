/**
 * The contract of a regional snapshot's `region.json` (issue 18): the councils and how each one's
 * night went, each council's headline figures exactly as its own snapshot publishes them, and the
 * region's spread, ranks and quartiles. Figures only: nothing here is about a child, a worker or a
 * source file (test/region-workflow.test.ts, "keeps every child-level column and source row out").
 *
 * Not the region's configuration, which is also called region.json (core/region-config.ts).
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD');
const figure = z.number().nullable();

export const REGION_SCHEMA_VERSION = '1';

export const regionCouncil = z.object({
  id: z.string(),
  name: z.string(),
  la_code: z.string(),
  status: z.enum(['published', 'failed', 'stale']),
  /** The council snapshot whose figures are shown (null when failed). */
  snapshot_id: z.string().nullable(),
  /** That snapshot's as-of date: tonight's for `published`, an earlier night's for `stale`. */
  snapshot_as_of: isoDate.nullable(),
  /** How the council snapshot verified: `signed`, `unsigned` (no key anywhere), `unchecked` (signed, no key here). */
  signature: z.enum(['signed', 'unsigned', 'unchecked']).nullable(),
  /** One line: why it failed or is stale; null when published tonight without remark. */
  reason: z.string().nullable(),
});

export const regionKpi = z.object({
  kpi: z.string(),
  title: z.string(),
  unit: z.string(),
  polarity: z.enum(['higher', 'lower']),
});

/** A council's headline figure for one KPI, exactly as in its snapshot's metrics.parquet. */
export const regionValue = z.object({
  kpi: z.string(),
  council: z.string(),
  period_end: isoDate,
  value: figure,
  numerator: figure,
  denominator: figure,
  status: z.enum(['green', 'amber', 'red', 'none']),
});

/** The region's spread for one KPI over the councils published tonight with a value (1 dp, half away from zero). */
export const regionSummary = z.object({
  kpi: z.string(),
  councils: z.number().int().nonnegative(),
  mean: figure,
  median: figure,
  min: figure,
  max: figure,
});

/** A council's place in the region for one KPI (spec benchmarks.md's rules, within the region). */
export const regionRank = z.object({
  kpi: z.string(),
  council: z.string(),
  /** 1 = best by the KPI's polarity; ties share the best rank (1, 2, 2, 4). */
  rank: z.number().int().positive(),
  of: z.number().int().positive(),
  quartile: z.enum(['A', 'B', 'C', 'D']),
  /** value − the region's median, 1 dp (positive = above the median, whichever way is better). */
  difference_from_median: z.number(),
  /** Median of this council's statistical neighbours in the region that have a value; null without neighbours. */
  neighbours_median: figure,
});

export const regionNeighbours = z.object({
  council: z.string(),
  /** The council's nearest statistical neighbours that are in the region, nearest first (at most ten). */
  nearest: z.array(z.object({ council: z.string(), position: z.number().int().min(1).max(10), closeness: z.string().nullable() })),
});

export const regionSnapshotFile = z.object({
  schema_version: z.literal(REGION_SCHEMA_VERSION),
  snapshot_id: z.string().min(1),
  as_of: isoDate,
  created_at: z.string().datetime(),
  region: z.string().nullable(),
  councils: z.array(regionCouncil),
  kpis: z.array(regionKpi),
  values: z.array(regionValue),
  summary: z.array(regionSummary),
  ranks: z.array(regionRank),
  /** Null when region.json names no statistical-neighbour file. */
  neighbours: z.array(regionNeighbours).nullable(),
  /** Things a reader should know about tonight's regional figures, in words. */
  notes: z.array(z.string()),
});

export type RegionSnapshotFile = z.infer<typeof regionSnapshotFile>;
export type RegionCouncilEntry = z.infer<typeof regionCouncil>;
export type RegionValue = z.infer<typeof regionValue>;
export type RegionSummary = z.infer<typeof regionSummary>;
export type RegionRank = z.infer<typeof regionRank>;
export type RegionKpi = z.infer<typeof regionKpi>;
export type RegionNeighbours = z.infer<typeof regionNeighbours>;

// ---------------------------------------------------------------------------------------------
// The flat rows of region.parquet

/**
 * One row per council per KPI with a figure: the council's headline figure (exactly as in its
 * snapshot), how its night went, its place in the region, and the region's spread repeated on
 * every row of the KPI, so one table answers "how did we do against the region".
 */
export const REGION_FLAT_TYPES = {
  snapshot_id: 'VARCHAR',
  as_of: 'DATE',
  council: 'VARCHAR',
  council_name: 'VARCHAR',
  la_code: 'VARCHAR',
  council_status: 'VARCHAR',
  council_snapshot_id: 'VARCHAR',
  kpi: 'VARCHAR',
  title: 'VARCHAR',
  unit: 'VARCHAR',
  polarity: 'VARCHAR',
  period_end: 'DATE',
  value: 'DOUBLE',
  numerator: 'DOUBLE',
  denominator: 'DOUBLE',
  status: 'VARCHAR',
  rank: 'INTEGER',
  rank_of: 'INTEGER',
  quartile: 'VARCHAR',
  difference_from_median: 'DOUBLE',
  neighbours_median: 'DOUBLE',
  region_councils: 'INTEGER',
  region_mean: 'DOUBLE',
  region_median: 'DOUBLE',
  region_min: 'DOUBLE',
  region_max: 'DOUBLE',
} as const;

export type RegionFlatRow = Record<keyof typeof REGION_FLAT_TYPES, string | number | null>;

export function flattenRegion(r: RegionSnapshotFile): RegionFlatRow[] {
  return r.values.map((v) => {
    const c = r.councils.find((x) => x.id === v.council);
    const k = r.kpis.find((x) => x.kpi === v.kpi);
    const rank = r.ranks.find((x) => x.kpi === v.kpi && x.council === v.council);
    const s = r.summary.find((x) => x.kpi === v.kpi);
    return {
      snapshot_id: r.snapshot_id,
      as_of: r.as_of,
      council: v.council,
      council_name: c?.name ?? null,
      la_code: c?.la_code ?? null,
      council_status: c?.status ?? null,
      council_snapshot_id: c?.snapshot_id ?? null,
      kpi: v.kpi,
      title: k?.title ?? null,
      unit: k?.unit ?? null,
      polarity: k?.polarity ?? null,
      period_end: v.period_end,
      value: v.value,
      numerator: v.numerator,
      denominator: v.denominator,
      status: v.status,
      rank: rank?.rank ?? null,
      rank_of: rank?.of ?? null,
      quartile: rank?.quartile ?? null,
      difference_from_median: rank?.difference_from_median ?? null,
      neighbours_median: rank?.neighbours_median ?? null,
      region_councils: s?.councils ?? null,
      region_mean: s?.mean ?? null,
      region_median: s?.median ?? null,
      region_min: s?.min ?? null,
      region_max: s?.max ?? null,
    };
  });
}
