/**
 * The regional roll-up, pure: from each council's headline figures (read from its published
 * metrics.parquet) to the regional snapshot's values, spread, ranks and quartiles. No IO; the
 * activity reads the councils' snapshots and hands their figures here.
 *
 * Rules (written down in README, "A region"):
 * - values: every council with figures (published tonight, or stale from an earlier night), each
 *   headline figure exactly as in its own snapshot;
 * - summary and ranks: only councils published tonight, only KPIs where they have a value, so the
 *   region's figures are all tonight's; a stale council is shown and named, not ranked;
 * - mean, median, min, max to 1 dp, half away from zero, in exact decimal arithmetic (as
 *   `ref.div_round1`); a median of an even count is the mean of the middle two;
 * - rank 1 = best by the KPI's polarity, ties share the best rank (1, 2, 2, 4), `of` = councils
 *   with a value; quartile A when rank ≤ of/4, B ≤ of/2, C ≤ 3·of/4, else D (spec benchmarks.md).
 */
import type { RegionCouncilStatus } from './region-night.js';
import {
  REGION_SCHEMA_VERSION,
  type RegionCouncilEntry,
  type RegionKpi,
  type RegionNeighbours,
  type RegionRank,
  type RegionSnapshotFile,
  type RegionSummary,
  type RegionValue,
} from './region-snapshot.js';

/** A council's headline row for one KPI: the `is_current` row of its metrics.parquet. */
export interface HeadlineRow {
  kpi: string;
  title: string;
  unit: string;
  polarity: 'higher' | 'lower';
  definition_version: string;
  period_end: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: 'green' | 'amber' | 'red' | 'none';
}

/** A council as the roll-up receives it: how its night went and, unless failed, its headline rows. */
export interface CouncilFigures {
  id: string;
  name: string;
  laCode: string;
  status: RegionCouncilStatus;
  snapshotId: string | null;
  snapshotAsOf: string | null;
  signature: 'signed' | 'unsigned' | 'unchecked' | null;
  reason: string | null;
  rows: HeadlineRow[];
}

// ---------------------------------------------------------------------------------------------
// Exact decimals: figures are held as integer millionths (every published figure has at most
// one decimal place, so this is exact), and rounded to tenths half away from zero.

const PER_TENTH = 100_000n;

function micro(v: number): bigint {
  return BigInt(Math.round(v * 1e6));
}

/** num / den (den > 0) in tenths, rounded half away from zero. */
function tenths(num: bigint, den: bigint): bigint {
  const negative = num < 0n;
  const q = (2n * (negative ? -num : num) + den) / (2n * den);
  return negative ? -q : q;
}

const fromTenths = (t: bigint): number => (t === 0n ? 0 : Number(t) / 10);

/** A number to 1 dp, half away from zero: 22.25 → 22.3, −22.25 → −22.3. */
export function round1(v: number): number {
  return fromTenths(tenths(micro(v), PER_TENTH));
}

export function mean1(values: number[]): number | null {
  if (values.length === 0) return null;
  return fromTenths(tenths(values.reduce((s, v) => s + micro(v), 0n), BigInt(values.length) * PER_TENTH));
}

export function median1(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.map(micro).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return fromTenths(tenths(sorted[mid]!, PER_TENTH));
  return fromTenths(tenths(sorted[mid - 1]! + sorted[mid]!, 2n * PER_TENTH));
}

/** `a − b` to 1 dp, half away from zero. */
export function difference1(a: number, b: number): number {
  return fromTenths(tenths(micro(a) - micro(b), PER_TENTH));
}

// ---------------------------------------------------------------------------------------------
// Ranks and quartiles

/** 1 = best by polarity; a council ties with every council of an equal value and takes the best rank. */
export function ranksOf<T extends { value: number }>(entries: T[], polarity: 'higher' | 'lower'): (T & { rank: number; of: number })[] {
  const better = (a: bigint, b: bigint) => (polarity === 'higher' ? a > b : a < b);
  const of = entries.length;
  return entries.map((e) => ({ ...e, rank: 1 + entries.filter((o) => better(micro(o.value), micro(e.value))).length, of }));
}

/** A when rank ≤ of/4, B ≤ of/2, C ≤ 3·of/4, else D (integer arithmetic, so no rounding at the edges). */
export function quartileOf(rank: number, of: number): 'A' | 'B' | 'C' | 'D' {
  if (4 * rank <= of) return 'A';
  if (2 * rank <= of) return 'B';
  if (4 * rank <= 3 * of) return 'C';
  return 'D';
}

// ---------------------------------------------------------------------------------------------
// The regional snapshot

export interface RegionRollupInput {
  snapshotId: string;
  asOf: string;
  createdAt: string;
  region: string | null;
  councils: CouncilFigures[];
  /** Each council's nearest statistical neighbours in the region; null without a neighbour file. */
  neighbours: RegionNeighbours[] | null;
  notes: string[];
}

/** Every KPI in the councils' snapshots, in the order the first of them lists them. */
function kpisOf(councils: CouncilFigures[]): RegionKpi[] {
  const out = new Map<string, RegionKpi>();
  for (const c of councils) for (const r of c.rows) if (!out.has(r.kpi)) out.set(r.kpi, { kpi: r.kpi, title: r.title, unit: r.unit, polarity: r.polarity });
  return [...out.values()];
}

function definitionNotes(kpis: RegionKpi[], councils: CouncilFigures[]): string[] {
  const notes: string[] = [];
  for (const k of kpis) {
    const rows = councils.filter((c) => c.status === 'published').flatMap((c) => c.rows.filter((r) => r.kpi === k.kpi));
    const versions = new Set(rows.map((r) => r.definition_version));
    const polarities = new Set(rows.map((r) => r.polarity));
    if (versions.size > 1) {
      notes.push(`${k.title}: the councils' snapshots worked it out with ${versions.size} different definitions (each snapshot's manifest names its version), so compare their figures with care.`);
    }
    if (polarities.size > 1) notes.push(`${k.title}: the councils' snapshots disagree on whether higher or lower is better; ranks follow the first council's (${k.polarity} is better).`);
  }
  return notes;
}

export function buildRegionSnapshot(input: RegionRollupInput): RegionSnapshotFile {
  const kpis = kpisOf(input.councils);
  const councils: RegionCouncilEntry[] = input.councils.map((c) => ({
    id: c.id,
    name: c.name,
    la_code: c.laCode,
    status: c.status,
    snapshot_id: c.snapshotId,
    snapshot_as_of: c.snapshotAsOf,
    signature: c.signature,
    reason: c.reason,
  }));
  const values: RegionValue[] = [];
  for (const k of kpis) {
    for (const c of input.councils) {
      const r = c.rows.find((x) => x.kpi === k.kpi);
      if (!r) continue;
      values.push({ kpi: k.kpi, council: c.id, period_end: r.period_end, value: r.value, numerator: r.numerator, denominator: r.denominator, status: r.status });
    }
  }

  const published = new Set(input.councils.filter((c) => c.status === 'published').map((c) => c.id));
  const summary: RegionSummary[] = [];
  const ranks: RegionRank[] = [];
  for (const k of kpis) {
    const withValue = values.filter((v): v is RegionValue & { value: number } => v.kpi === k.kpi && published.has(v.council) && v.value !== null);
    const nums = withValue.map((v) => v.value);
    const median = median1(nums);
    summary.push({
      kpi: k.kpi,
      councils: nums.length,
      mean: mean1(nums),
      median,
      min: nums.length > 0 ? round1(Math.min(...nums)) : null,
      max: nums.length > 0 ? round1(Math.max(...nums)) : null,
    });
    const valueOf = new Map(withValue.map((v) => [v.council, v.value]));
    for (const r of ranksOf(withValue, k.polarity)) {
      const nearest = input.neighbours?.find((n) => n.council === r.council)?.nearest ?? null;
      const theirs = nearest === null ? [] : nearest.map((n) => valueOf.get(n.council)).filter((v): v is number => v !== undefined);
      ranks.push({
        kpi: k.kpi,
        council: r.council,
        rank: r.rank,
        of: r.of,
        quartile: quartileOf(r.rank, r.of),
        difference_from_median: difference1(r.value, median!),
        neighbours_median: median1(theirs),
      });
    }
  }

  return {
    schema_version: REGION_SCHEMA_VERSION,
    snapshot_id: input.snapshotId,
    as_of: input.asOf,
    created_at: input.createdAt,
    region: input.region,
    councils,
    kpis,
    values,
    summary,
    ranks,
    neighbours: input.neighbours,
    notes: [...input.notes, ...definitionNotes(kpis, input.councils)],
  };
}
