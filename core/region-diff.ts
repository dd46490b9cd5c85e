/**
 * What changed between two regional snapshots A and B (`csc-kpi snapshots diff A B --home <region
 * home>`), pure: councils whose status or snapshot changed (a failed council published on a later
 * run), each council's figures that changed, and the region's spread that moved with them. A
 * regional snapshot has no warehouse and no restatements of its own: a council's restatements are
 * that council's diff (`csc-kpi snapshots diff --home <council home>`).
 */
import type { RegionCouncilEntry, RegionSnapshotFile, RegionSummary, RegionValue } from './region-snapshot.js';
import { counted } from './report-words.js';
import { showFigure } from './snapshot-diff.js';

export interface RegionDiff {
  a: string;
  b: string;
  councils: { id: string; name: string; before: RegionCouncilEntry | null; after: RegionCouncilEntry | null }[];
  values: { kpi: string; council: string; period_end: string; before: RegionValue | null; after: RegionValue | null }[];
  summary: { kpi: string; before: RegionSummary | null; after: RegionSummary | null }[];
}

const sameCouncil = (x: RegionCouncilEntry, y: RegionCouncilEntry) => x.status === y.status && x.snapshot_id === y.snapshot_id;
const sameValue = (x: RegionValue, y: RegionValue) =>
  x.period_end === y.period_end && x.value === y.value && x.numerator === y.numerator && x.denominator === y.denominator && x.status === y.status;
const sameSummary = (x: RegionSummary, y: RegionSummary) =>
  x.councils === y.councils && x.mean === y.mean && x.median === y.median && x.min === y.min && x.max === y.max;

/** Pairs the items of A and B by key, in B's order then A's leftovers, keeping those that differ; `item` is B's, else A's. */
function changed<T>(a: T[], b: T[], key: (t: T) => string, same: (x: T, y: T) => boolean): { item: T; before: T | null; after: T | null }[] {
  const before = new Map(a.map((t) => [key(t), t]));
  const out: { item: T; before: T | null; after: T | null }[] = [];
  for (const t of b) {
    const was = before.get(key(t)) ?? null;
    before.delete(key(t));
    if (!was || !same(was, t)) out.push({ item: t, before: was, after: t });
  }
  for (const was of before.values()) out.push({ item: was, before: was, after: null });
  return out;
}

export function diffRegionSnapshots(a: RegionSnapshotFile, b: RegionSnapshotFile): RegionDiff {
  return {
    a: a.snapshot_id,
    b: b.snapshot_id,
    councils: changed(a.councils, b.councils, (c) => c.id, sameCouncil).map(({ item, before, after }) => ({ id: item.id, name: item.name, before, after })),
    values: changed(a.values, b.values, (v) => `${v.council}\u0000${v.kpi}`, sameValue).map(({ item, before, after }) => ({ kpi: item.kpi, council: item.council, period_end: item.period_end, before, after })),
    summary: changed(a.summary, b.summary, (s) => s.kpi, sameSummary).map(({ item, before, after }) => ({ kpi: item.kpi, before, after })),
  };
}

const councilState = (c: RegionCouncilEntry | null): string =>
  c === null ? '(not in the region)' : c.snapshot_id ? `${c.status} (council snapshot ${c.snapshot_id})` : c.status;

const figure = (v: RegionValue | null): string => (v === null ? '(absent)' : `${showFigure(v)} [${v.status}]`);

const spread = (s: RegionSummary | null): string => {
  if (s === null) return '(absent)';
  const n = (x: number | null) => (x === null ? '—' : String(x));
  return `${counted(s.councils, 'council')}, mean ${n(s.mean)}, median ${n(s.median)}, ${n(s.min)} to ${n(s.max)}`;
};

export function formatRegionDiff(d: RegionDiff, asOf: { a: string; b: string }): string {
  const head = `Regional snapshot diff: A ${d.a} (as of ${asOf.a}) → B ${d.b} (as of ${asOf.b})`;
  if (d.councils.length + d.values.length + d.summary.length === 0) return `${head}\n  no differences: the same councils, council snapshots and figures.\n`;
  const out = [head, '', `Councils changed: ${d.councils.length}`];
  for (const c of d.councils) {
    out.push(`  ${c.id} (${c.name}): ${councilState(c.before)} → ${councilState(c.after)}`);
    if (c.after?.reason) out.push(`    ${c.after.reason}`);
  }
  out.push('', `Council figures changed: ${d.values.length}`);
  for (const v of d.values) out.push(`  ${v.council} ${v.kpi} (${v.period_end}): ${figure(v.before)} → ${figure(v.after)}`);
  out.push('', `Region's spread changed: ${d.summary.length}`);
  for (const s of d.summary) out.push(`  ${s.kpi}: ${spread(s.before)} → ${spread(s.after)}`);
  return `${out.join('\n')}\n`;
}
