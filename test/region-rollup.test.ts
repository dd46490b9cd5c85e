/**
 * The regional roll-up's arithmetic (core/region-rollup.ts), pure: 1 dp half away from zero in
 * exact decimals, medians of odd and even counts, ranks by polarity with shared ties, quartile
 * boundaries, and which councils the summary counts.
 */
import { describe, expect, it } from 'vitest';
import { buildRegionSnapshot, difference1, mean1, median1, quartileOf, ranksOf, round1, type CouncilFigures, type HeadlineRow } from '../core/region-rollup.js';
import { regionSnapshotFile } from '../core/region-snapshot.js';

function row(kpi: string, value: number | null, polarity: 'higher' | 'lower' = 'lower', extra: Partial<HeadlineRow> = {}): HeadlineRow {
  return {
    kpi,
    title: `Title of ${kpi}`,
    unit: '%',
    polarity,
    definition_version: `sha256:${'a'.repeat(64)}`,
    period_end: '2015-01-31',
    value,
    numerator: value === null ? null : value * 2,
    denominator: value === null ? null : 200,
    status: 'red',
    ...extra,
  };
}

function council(id: string, status: CouncilFigures['status'], rows: HeadlineRow[]): CouncilFigures {
  return {
    id,
    name: `Council ${id}`,
    laCode: '302',
    status,
    snapshotId: status === 'failed' ? null : `2015-02-28_x_${id}`,
    snapshotAsOf: status === 'failed' ? null : '2015-02-28',
    signature: status === 'failed' ? null : 'unsigned',
    reason: status === 'published' ? null : 'why',
    rows: status === 'failed' ? [] : rows,
  };
}

describe('exact rounding to 1 dp, half away from zero', () => {
  it('rounds halves away from zero where binary floating point would not', () => {
    // 22.25 is 22.249999… in binary, so Math.round(22.25 * 10) / 10 gives 22.2; exact decimals give 22.3.
    expect(round1(22.25)).toBe(22.3);
    expect(round1(-22.25)).toBe(-22.3);
    expect(round1(1.05)).toBe(1.1);
    expect(round1(22.24)).toBe(22.2);
    expect(round1(0)).toBe(0);
  });

  it('takes the mean exactly', () => {
    // (22.2 + 22.3) / 2 = 22.25 → 22.3 (floating point: 44.5 / 2 * 10 = 222.49999… → 22.2).
    expect(mean1([22.2, 22.3])).toBe(22.3);
    // (10 + 20 + 25) / 3 = 18.333… → 18.3
    expect(mean1([10, 20, 25])).toBe(18.3);
    // (0.1 + 0.2) / 2 = 0.15 → 0.2 (0.1 + 0.2 is 0.30000000000000004 in floating point)
    expect(mean1([0.1, 0.2])).toBe(0.2);
    expect(mean1([])).toBeNull();
  });

  it('takes the median of an odd count as the middle value and of an even count as the mean of the middle two', () => {
    expect(median1([30.1, 10.4, 20.2])).toBe(20.2);
    // 20.2 and 20.3 → 20.25 → 20.3
    expect(median1([10, 20.3, 20.2, 40])).toBe(20.3);
    // −0.1 and −0.2 → −0.15 → −0.2 (away from zero)
    expect(median1([-0.2, -0.1])).toBe(-0.2);
    expect(median1([])).toBeNull();
  });

  it('takes differences exactly', () => {
    // 0.3 − 0.1 is 0.19999999999999998 in floating point
    expect(difference1(0.3, 0.1)).toBe(0.2);
    expect(difference1(22.1, 24.1)).toBe(-2);
  });
});

describe('ranks and quartiles within the region (spec benchmarks.md)', () => {
  it('ranks 1 = best by polarity, ties sharing the best rank (1, 2, 2, 4)', () => {
    const lower = ranksOf([{ value: 10 }, { value: 12 }, { value: 12 }, { value: 15 }], 'lower').map((r) => r.rank);
    expect(lower).toEqual([1, 2, 2, 4]);
    const higher = ranksOf([{ value: 10 }, { value: 12 }, { value: 12 }, { value: 15 }], 'higher').map((r) => r.rank);
    expect(higher).toEqual([4, 2, 2, 1]);
    expect(ranksOf([{ value: 1 }, { value: 2 }], 'lower').map((r) => r.of)).toEqual([2, 2]);
  });

  it('puts the quartile boundaries at of/4, of/2 and 3·of/4, inclusive', () => {
    // of = 12: A ranks 1–3, B 4–6, C 7–9, D 10–12
    expect([1, 3, 4, 6, 7, 9, 10, 12].map((r) => quartileOf(r, 12))).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D']);
    // of = 150 (England): 37.5 → rank 37 A, 38 B; 75 B, 76 C; 112.5 → 112 C, 113 D
    expect([37, 38, 75, 76, 112, 113].map((r) => quartileOf(r, 150))).toEqual(['A', 'B', 'B', 'C', 'C', 'D']);
    // of = 3: 0.75, 1.5, 2.25 → rank 1 B, 2 C, 3 D
    expect([1, 2, 3].map((r) => quartileOf(r, 3))).toEqual(['B', 'C', 'D']);
  });
});

describe('the regional snapshot', () => {
  const councils = [
    council('a', 'published', [row('rr', 20.1), row('cin', 250, 'lower', { unit: 'count', numerator: null, denominator: null })]),
    council('b', 'published', [row('rr', 24.3), row('cin', 250, 'lower', { unit: 'count', numerator: null, denominator: null })]),
    council('c', 'published', [row('rr', null), row('cin', 100, 'lower', { unit: 'count', numerator: null, denominator: null })]),
    council('d', 'stale', [row('rr', 1.0, 'lower', { period_end: '2014-12-31' }), row('cin', 1)]),
    council('e', 'failed', []),
  ];
  const snap = buildRegionSnapshot({ snapshotId: 's', asOf: '2015-02-28', createdAt: '2015-03-01T05:00:00.000Z', region: 'Test', councils, neighbours: null, notes: [] });

  it('passes its contract', () => {
    expect(regionSnapshotFile.parse(snap)).toEqual(snap);
  });

  it('keeps every council figure exactly as given, the stale council’s too, and none for a failed council', () => {
    expect(snap.values.filter((v) => v.kpi === 'rr')).toEqual([
      { kpi: 'rr', council: 'a', period_end: '2015-01-31', value: 20.1, numerator: 40.2, denominator: 200, status: 'red' },
      { kpi: 'rr', council: 'b', period_end: '2015-01-31', value: 24.3, numerator: 48.6, denominator: 200, status: 'red' },
      { kpi: 'rr', council: 'c', period_end: '2015-01-31', value: null, numerator: null, denominator: null, status: 'red' },
      { kpi: 'rr', council: 'd', period_end: '2014-12-31', value: 1, numerator: 2, denominator: 200, status: 'red' },
    ]);
    expect(snap.values.some((v) => v.council === 'e')).toBe(false);
  });

  it('summarises only the councils published tonight that have a value', () => {
    // rr: a 20.1 and b 24.3 (c has no value, d is stale): mean 22.2, median (20.1 + 24.3) / 2 = 22.2
    expect(snap.summary.find((s) => s.kpi === 'rr')).toEqual({ kpi: 'rr', councils: 2, mean: 22.2, median: 22.2, min: 20.1, max: 24.3 });
    // cin: 250, 250, 100: mean 600 / 3 = 200, median 250
    expect(snap.summary.find((s) => s.kpi === 'cin')).toEqual({ kpi: 'cin', councils: 3, mean: 200, median: 250, min: 100, max: 250 });
  });

  it('ranks within the region by polarity, with quartiles and the difference from the median', () => {
    const cin = snap.ranks.filter((r) => r.kpi === 'cin');
    // lower is better: c 100 is 1st; a and b tie at 250 and share rank 2 of 3.
    // Quartiles of 3: rank 1 ≤ 3/2 → B; rank 2 ≤ 9/4 → C. Median 250: a, b differ by 0, c by −150.
    expect(cin.map((r) => [r.council, r.rank, r.of, r.quartile, r.difference_from_median])).toEqual([
      ['a', 2, 3, 'C', 0],
      ['b', 2, 3, 'C', 0],
      ['c', 1, 3, 'B', -150],
    ]);
    expect(snap.ranks.filter((r) => r.council === 'd' || r.council === 'e')).toEqual([]);
  });

  it('gives each council the median of its neighbours in the region', () => {
    const withNeighbours = buildRegionSnapshot({
      snapshotId: 's',
      asOf: '2015-02-28',
      createdAt: '2015-03-01T05:00:00.000Z',
      region: null,
      councils,
      neighbours: [{ council: 'a', nearest: [{ council: 'b', position: 1, closeness: 'Very Close' }, { council: 'c', position: 4, closeness: null }, { council: 'd', position: 5, closeness: null }] }],
      notes: [],
    });
    // a's neighbours with a value tonight for cin: b 250 and c 100 (d is stale) → median 175
    expect(withNeighbours.ranks.find((r) => r.kpi === 'cin' && r.council === 'a')?.neighbours_median).toBe(175);
    expect(withNeighbours.ranks.find((r) => r.kpi === 'cin' && r.council === 'b')?.neighbours_median).toBeNull();
  });

  it('notes a KPI whose councils used different definitions', () => {
    const other = council('b', 'published', [row('rr', 24.3, 'lower', { definition_version: `sha256:${'b'.repeat(64)}` })]);
    const s = buildRegionSnapshot({ snapshotId: 's', asOf: '2015-02-28', createdAt: '2015-03-01T05:00:00.000Z', region: null, councils: [councils[0]!, other], neighbours: null, notes: [] });
    expect(s.notes).toEqual([
      "Title of rr: the councils' snapshots worked it out with 2 different definitions (each snapshot's manifest names its version), so compare their figures with care.",
    ]);
  });
});
