import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../core/changepoint-thresholds.js';
import {
  detectLevelShift,
  levelShiftThreshold,
  simulateNullThreshold,
  simulateOperatingCharacteristics,
  type SeriesPoint,
} from '../core/changepoint.js';
import { binomial, mulberry32, normal, poisson } from '../core/random.js';

/** 2013-01 … : the month at index i. */
const month = (i: number): string => `${2013 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

const proportions = (rows: [number, number][], start = 0): SeriesPoint[] =>
  rows.map(([successes, trials], i) => ({ period: month(start + i), kind: 'proportion', successes, trials }));

/** Deterministic wobble so a "stable" series is not suspiciously flat: 9, 11, 10, 9, 11, 10 … */
const wobble = (i: number): number => [-1, 1, 0][i % 3]!;

describe('detectLevelShift', () => {
  it('finds a sustained step, its first month, both levels and says so in one sentence', () => {
    // 18 months at ~18% (9/50), then 7 months at ~90% (45/50), from 2014-07 (index 18).
    const rows: [number, number][] = [];
    for (let i = 0; i < 25; i++) rows.push([i < 18 ? 9 + wobble(i) : 45 + wobble(i), 50]);
    const { shift, changePoints, errors } = detectLevelShift(proportions(rows));
    expect(errors).toEqual([]);
    expect(changePoints).toHaveLength(1);
    expect(shift).not.toBeNull();
    expect(shift!.effectivePeriod).toBe('2014-07');
    expect(shift!.lastPeriodBefore).toBe('2014-06');
    // before: (9·6 + 8·6 + 10·6) / (18·50) = 162/900 = 18.0%; after: 314/350 = 89.71%.
    expect(shift!.before).toBeCloseTo(18, 6);
    expect(shift!.after).toBeCloseTo(89.714, 2);
    expect(shift!.step).toBeCloseTo(71.714, 2);
    expect(shift!.unit).toBe('percent');
    expect(shift!.statistic).toBeGreaterThan(shift!.threshold);
    expect(shift!.summary).toMatch(
      /^Monthly value stepped from 18\.0% to 89\.7% from 2014-07 \(likelihood-ratio \d+\.\d > threshold \d+\.\d\)$/,
    );
  });

  it('does not fire on a stable series', () => {
    const rows: [number, number][] = Array.from({ length: 25 }, (_, i) => [10 + wobble(i), 40]);
    const r = detectLevelShift(proportions(rows));
    expect(r.shift).toBeNull();
    expect(r.monthsUsed).toBe(25);
    expect(r.note).toBeNull();
  });

  it('ignores a transient blip that returned to the old level', () => {
    // 11 months ~20%, 3 months ~90%, 11 months ~20%: a blip, not a new baseline.
    const rows: [number, number][] = Array.from({ length: 25 }, (_, i) => [
      (i >= 11 && i < 14 ? 45 : 10) + wobble(i),
      50,
    ]);
    expect(detectLevelShift(proportions(rows)).shift).toBeNull();

    // 16 months ~20%, 4 months ~90%, 5 months ~20%: both steps test significant on their own
    // (a segmentation without the blip rule reports the return), but the level came back.
    const late: [number, number][] = Array.from({ length: 25 }, (_, i) => [(i >= 16 && i < 20 ? 45 : 10) + wobble(i), 50]);
    expect(detectLevelShift(proportions(late)).shift).toBeNull();
    const noBlipRule = detectLevelShift(proportions(late), { maxBlipMonths: 0 });
    expect(noBlipRule.changePoints.map((c) => c.effectivePeriod)).toEqual([month(16), month(20)]);
  });

  it('needs the new level to hold for at least 3 months to the end of the series', () => {
    const base: [number, number][] = Array.from({ length: 23 }, (_, i) => [10 + wobble(i), 50]);
    expect(detectLevelShift(proportions([...base, [45, 50], [46, 50]])).shift).toBeNull();
    const held = detectLevelShift(proportions([...base.slice(0, 22), [45, 50], [46, 50], [44, 50]]));
    expect(held.shift?.effectivePeriod).toBe(month(22));
    expect(held.shift?.monthsAfter).toBe(3);
  });

  it('reports the most recent of several sustained steps', () => {
    // 20% for 9 months, 50% for 8, 85% for 8.
    const rows: [number, number][] = Array.from({ length: 25 }, (_, i) => [
      (i < 9 ? 10 : i < 17 ? 25 : 42) + wobble(i),
      50,
    ]);
    const r = detectLevelShift(proportions(rows));
    expect(r.changePoints.map((c) => c.effectivePeriod)).toEqual([month(9), month(17)]);
    expect(r.shift?.effectivePeriod).toBe(month(17));
    expect(r.shift?.before).toBeCloseTo(50, 0);
  });

  it('skips null and empty months, and dates the step by the first month actually used', () => {
    const series = proportions(Array.from({ length: 25 }, (_, i): [number, number] => [(i < 12 ? 10 : 40) + wobble(i), 50]));
    series[12] = { period: month(12), kind: 'proportion', successes: null, trials: null };
    series[5] = { period: month(5), kind: 'proportion', successes: 0, trials: 0 };
    const r = detectLevelShift(series);
    expect(r.skipped).toEqual([
      { period: month(5), reason: 'no trials' },
      { period: month(12), reason: 'no value' },
    ]);
    expect(r.monthsUsed).toBe(23);
    expect(r.shift?.effectivePeriod).toBe(month(13));
    expect(r.shift?.lastPeriodBefore).toBe(month(11));
  });

  it('says why it cannot test a short series, and returns errors for unusable input', () => {
    expect(detectLevelShift([]).note).toMatch(/empty/);
    const short = detectLevelShift(proportions([[1, 10], [2, 10], [9, 10], [9, 10], [9, 10]]));
    expect(short.shift).toBeNull();
    expect(short.note).toMatch(/only 5 usable months.*at least 6/);

    const bad = detectLevelShift([
      { period: '2014-01', kind: 'proportion', successes: 3, trials: 2 },
      { period: '2014-02', kind: 'count', count: 4 },
      { period: '2014-13', kind: 'proportion', successes: 1, trials: 2 },
      { period: '2014-03', kind: 'proportion', successes: 1, trials: 2 },
      { period: '2014-03', kind: 'proportion', successes: 1, trials: 2 },
    ]);
    expect(bad.shift).toBeNull();
    expect(bad.errors).toHaveLength(4);
    expect(bad.errors.join('\n')).toMatch(/impossible[\s\S]*kind 'count'[\s\S]*YYYY-MM[\s\S]*increasing order/);
  });

  it('handles counts (Poisson) and allows for overdispersion', () => {
    const rng = mulberry32(11);
    // λ 250 for 15 months then 320, with log-normal month effects (sd 0.05, φ ≈ 1.6).
    const series: SeriesPoint[] = Array.from({ length: 25 }, (_, i) => ({
      period: month(i),
      kind: 'count',
      count: poisson(rng, (i < 15 ? 250 : 320) * Math.exp(0.05 * normal(rng))),
    }));
    const { shift } = detectLevelShift(series, { label: 'Children without a plan' });
    expect(shift?.effectivePeriod).toBe(month(15));
    expect(shift?.unit).toBe('count');
    expect(shift?.dispersion).toBeGreaterThan(1);
    expect(shift?.summary).toMatch(/^Children without a plan stepped from 2\d\d\.\d to 3\d\d\.\d from 2014-04 .*overdispersion ×\d/);
  });

  it('handles averages with an n-weighted F test', () => {
    const rng = mulberry32(12);
    const series: SeriesPoint[] = Array.from({ length: 25 }, (_, i) => ({
      period: month(i),
      kind: 'mean',
      value: (i < 10 ? 40 : 28) + (3 * normal(rng)) / Math.sqrt(10),
      n: 10,
    }));
    const { shift } = detectLevelShift(series);
    expect(shift?.effectivePeriod).toBe(month(10));
    expect(shift?.unit).toBe('mean');
    expect(shift?.step).toBeCloseTo(-12, 0);
    expect(shift?.dispersion).toBeNull();
    expect(shift?.summary).toMatch(/\(F \d+\.\d > threshold/);
  });

  it('an overdispersed stable series that fools the plain binomial LRT does not fool this one', () => {
    const rng = mulberry32(13);
    let plainFires = 0;
    let fires = 0;
    for (let r = 0; r < 200; r++) {
      const rows: [number, number][] = Array.from({ length: 25 }, () => {
        const p = 1 / (1 + Math.exp(-(Math.log(0.5 / 0.5) + 0.5 * normal(rng))));
        return [binomial(rng, 200, p), 200];
      });
      if (detectLevelShift(proportions(rows)).shift) fires++;
      // Without φ the LR of the best split is compared with the same threshold.
      if (maxPlainBinomialLr(rows) > levelShiftThreshold(25)) plainFires++;
    }
    console.log(`overdispersed stable (sd 0.5 on the logit, n 200): plain LRT fires ${plainFires}/200, φ-scaled ${fires}/200`);
    expect(plainFires).toBeGreaterThan(100);
    expect(fires).toBeLessThanOrEqual(8);
  });
});

/** max over splits of the unscaled binomial LR — the test without the overdispersion factor. */
function maxPlainBinomialLr(rows: [number, number][]): number {
  const ll = (y: number, n: number): number => (y > 0 ? y * Math.log(y / n) : 0) + (n - y > 0 ? (n - y) * Math.log((n - y) / n) : 0);
  const sum = (a: number, b: number): [number, number] =>
    rows.slice(a, b).reduce<[number, number]>((s, [y, n]) => [s[0] + y, s[1] + n], [0, 0]);
  const [Y, N] = sum(0, rows.length);
  let max = 0;
  for (let k = 3; k <= rows.length - 3; k++) {
    const [y1, n1] = sum(0, k);
    const [y2, n2] = sum(k, rows.length);
    max = Math.max(max, 2 * (ll(y1, n1) + ll(y2, n2) - ll(Y, N)));
  }
  return max;
}

describe('calibration', () => {
  it('the max-over-splits critical value is well above χ²(1) and reproducible', () => {
    const t25 = levelShiftThreshold(25);
    console.log(`thresholds (α 2%): 12 months ${levelShiftThreshold(12).toFixed(2)}, 18 ${levelShiftThreshold(18).toFixed(2)}, 25 ${t25.toFixed(2)}`);
    expect(t25).toBeGreaterThan(5.41 * 2); // χ²(1) upper 2% point is 5.41
    expect(t25).toBeLessThan(15);
    const again = simulateNullThreshold(25, { minSegment: 3, alpha: 0.02, runs: 40_000, seed: 4242 });
    expect(Math.abs(again - t25)).toBeLessThan(0.6);
    expect(levelShiftThreshold(12)).toBeGreaterThan(t25); // fewer months, noisier dispersion estimate
  });

  it('the tabled thresholds are the Monte Carlo re-run, to the last bit', () => {
    for (const [months, tabled] of Object.entries(DEFAULT_THRESHOLDS)) {
      const m = Number(months);
      expect(simulateNullThreshold(m, { minSegment: 3, alpha: 0.02, runs: 100_000, seed: 0x5eed0000 + m * 64 + 3 }), `${m} months`).toBe(tabled);
    }
    expect(Object.keys(DEFAULT_THRESHOLDS).map(Number)).toEqual(Array.from({ length: 31 }, (_, i) => i + 6));
  });

  it('operating characteristics on 1,000 simulated 25-month series per scenario', () => {
    const results = simulateOperatingCharacteristics({ seed: 20140701, runs: 1000 });
    const by = new Map(results.map((r) => [r.name, r]));
    const pct = (x: number | null): string => (x === null ? '' : `${(100 * x).toFixed(1)}%`);
    console.log(
      results
        .map((r) => `${r.name.padEnd(30)} fires ${pct(r.fireRate).padStart(6)}  ${r.locatedRate === null ? '' : `within ±1 month ${pct(r.locatedRate)}`}  (${r.description})`)
        .join('\n'),
    );
    const rate = (name: string): number => by.get(name)!.fireRate;
    // False alarms: ≤ 2% on the binomial and Poisson series the issue names. Overdispersed and
    // Gaussian series sit at the calibration's worst case (exactly α = 2% in the limit), so they
    // get 2% plus two Monte Carlo standard errors (√(0.02·0.98/1000) ≈ 0.44%).
    expect(rate('stable-binomial')).toBeLessThanOrEqual(0.02);
    expect(rate('stable-poisson')).toBeLessThanOrEqual(0.02);
    expect(rate('stable-binomial-overdispersed')).toBeLessThanOrEqual(0.029);
    expect(rate('stable-poisson-overdispersed')).toBeLessThanOrEqual(0.029);
    expect(rate('stable-mean')).toBeLessThanOrEqual(0.029);
    // Power: the assessment-audit step (18% → 90%, n ≈ 15) is found and dated within ±1 month.
    expect(by.get('step-18-to-90-n15')!.locatedRate).toBeGreaterThanOrEqual(0.95);
    // A 15-point step at n ≈ 40 is ~1.9 monthly standard errors: it fires on ~87% of series but
    // the month is pinned within ±1 on only ~72% (the argmax of a drift of 1.8 per month with noise
    // 1.9 per month strays); the issue's 95% is reached at n ≈ 100 a month. Recorded, not hidden.
    expect(rate('step-35-to-50-n40')).toBeGreaterThanOrEqual(0.8);
    expect(by.get('step-35-to-50-n40')!.locatedRate).toBeGreaterThanOrEqual(0.65);
    expect(by.get('step-35-to-50-n100')!.locatedRate).toBeGreaterThanOrEqual(0.95);
  });
});
