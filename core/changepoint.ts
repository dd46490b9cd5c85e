/**
 * The `level_shift` detector's maths (spec: kpis.md, "Baselines and baseline changes"): does a
 * monthly KPI series step to a new level and stay there, beyond what month-to-month noise
 * explains? Pure — no IO, no clock; the only randomness is a fixed-seed simulation.
 *
 * Method. A single change-point likelihood-ratio test, maximised over the split month:
 *  - proportions (successes of trials): binomial log-likelihood of "one level" against "one level
 *    before month k, another from k", LR_k = 2·(ℓ₁ − ℓ₀); counts: the same with Poisson;
 *  - overdispersion: real monthly KPIs vary more than binomial/Poisson (case mix, staffing), so
 *    each LR_k is divided by a dispersion factor φ_k = Pearson χ² of the two-level fit / (m − 2),
 *    floored at 1 (quasi-likelihood). Without it a noisy stable series fires most nights;
 *  - averages (`kind: 'mean'`, a value over n items): no nominal variance, so the n-weighted
 *    Gaussian F statistic (RSS₀ − RSS₁,k) / (RSS₁,k / (m − 2)) plays the same role;
 *  - the statistic is max_k over splits leaving at least `minSegment` (3) months each side. That
 *    maximum is NOT χ²(1): the critical value is the (1 − α) quantile, α = 2%, of the same maximum
 *    simulated on stable Gaussian series of the same length (seeded, 100 000 runs, memoised).
 *    That is the limit of the φ-scaled statistic as overdispersion grows, and the floor φ ≥ 1
 *    only lowers the statistic, so the false-alarm rate stays ≤ α for any dispersion ≥ 1.
 *    Thresholds (α = 2%, minSegment 3): 12 months 14.5, 18 months 13.1, 25 months 12.6
 *    (χ²(1)'s 2% point is 5.4).
 *  - binary segmentation: split again inside each side while the sub-series still tests
 *    significant (threshold for its own length); then a segment shorter than `maxBlipMonths` (6)
 *    whose neighbours do not differ (pointwise LR < 6.63, χ²(1) 1%) is a transient blip and is
 *    merged away; every remaining change is re-tested on its two adjacent segments. The most
 *    recent survivor is the shift: its new level runs to the end of the series, for at least
 *    `minSegment` months — and if the newest segment's best split, allowed to run to the last
 *    month, falls in the final `minSegment − 1` months, the jump is too recent (or an end blip)
 *    and is not reported yet.
 *
 * Assumptions: months are independent given the level (use it on month-ending cohorts —
 * `assessments_within_45wd_pct`, `audits_*`, `closures_signoff_pct`, `re_referral_12m_pct` —
 * not on trailing-12-month windows or stock counts at a date, whose overlapping windows are
 * autocorrelated and would fire too often); the level is flat within a segment (a slow drift
 * may be cut into steps); null months are skipped, not imputed.
 *
 * Measured (simulateOperatingCharacteristics, seed 20140701, 1 000 series of 25 months per
 * scenario; printed by test/changepoint.test.ts). False alarms: stable binomial (p 0.2–0.8,
 * n 30–50) 0.3%; the same with logit-normal month effects (φ ≈ 1.5–2) 1.5%; Poisson λ 250 0.7%;
 * log-normal Poisson (φ ≈ 3.5) 2.3% (1.8% over 5 000 runs — this is the calibration's worst
 * case, α = 2% ± Monte Carlo error); Gaussian means 1.5%. Power, counting a detection only when
 * dated within ±1 month of the true change: 18% → 90% at n 10–20, any month, 99.9% (fires
 * 100%); 35% → 50% at n 30–50, change at months 9–18, 72% (fires 87%); the same step at
 * n 80–120, 98%. The issue's "15 points at n ≈ 40, ≥ 95% within ±1 month" is not reachable with
 * 25 months at a 2% false-alarm rate: the step is ~1.9 monthly standard errors, so even knowing
 * the levels, the likelihood falls only ~1.8 per month away from the true month against noise
 * of ~1.9, and the best month strays beyond ±1 about a fifth of the time.
 */
import { DEFAULT_THRESHOLDS } from './changepoint-thresholds.js';
import { binomial, intBetween, mulberry32, normal, poisson, type Rng } from './random.js';

export type SeriesPoint =
  | { period: string; kind: 'proportion'; successes: number | null; trials: number | null }
  | { period: string; kind: 'count'; count: number | null }
  | { period: string; kind: 'mean'; value: number | null; n: number | null };

export type SeriesKind = SeriesPoint['kind'];

export interface LevelShiftOptions {
  /** Fewest months on each side of a change (default 3). */
  minSegment?: number;
  /** False-alarm rate the critical value is calibrated to on a stable series (default 0.02). */
  alpha?: number;
  /** Intermediate segments shorter than this whose neighbours agree are blips (default 6). */
  maxBlipMonths?: number;
  /** Start of the summary sentence (default "Monthly value"). */
  label?: string;
}

export interface ChangePoint {
  /** First month of the new level (YYYY-MM). */
  effectivePeriod: string;
  /** Last month of the old level that was used (YYYY-MM). */
  lastPeriodBefore: string;
  /** Levels in the published unit: percent 0–100 for proportions, per month for counts. */
  before: number;
  after: number;
  /** after − before (percentage points for proportions). */
  step: number;
  monthsBefore: number;
  monthsAfter: number;
  /** φ-scaled likelihood ratio (F statistic for means) on the two adjacent segments. */
  statistic: number;
  threshold: number;
  /** Estimated φ (≥ 1) used to scale the statistic; null for means. */
  dispersion: number | null;
}

export interface LevelShift extends ChangePoint {
  unit: 'percent' | 'count' | 'mean';
  summary: string;
}

export interface LevelShiftResult {
  /** The most recent sustained step, or null. */
  shift: LevelShift | null;
  /** Every confirmed change, oldest first (the last one is `shift`). */
  changePoints: ChangePoint[];
  monthsUsed: number;
  skipped: { period: string; reason: string }[];
  /** Why no test could be made (too few months), otherwise null. */
  note: string | null;
  /** Input that could not be used at all (mixed kinds, bad periods, impossible numbers). */
  errors: string[];
}

/** One usable month: y = successes / count / n·value, w = trials / 1 / n, q = n·value² (means). */
interface Obs {
  period: string;
  y: number;
  w: number;
  q: number;
}

interface SplitFit {
  k: number;
  statistic: number;
  dispersion: number | null;
}

const DEFAULTS = { minSegment: 3, alpha: 0.02, maxBlipMonths: 6, label: 'Monthly value' };
/** χ²(1) upper 1% point: "the blip's neighbours differ" at a single, pre-chosen comparison. */
const NEIGHBOURS_DIFFER = 6.635;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export function detectLevelShift(series: readonly SeriesPoint[], opts: LevelShiftOptions = {}): LevelShiftResult {
  const o = { ...DEFAULTS, ...opts };
  const { kind, obs, skipped, errors } = prepare(series);
  const result: LevelShiftResult = {
    shift: null,
    changePoints: [],
    monthsUsed: obs.length,
    skipped,
    note: null,
    errors,
  };
  if (errors.length > 0 || kind === null) {
    if (errors.length === 0) result.note = 'empty series: nothing to test';
    return result;
  }
  if (obs.length < 2 * o.minSegment) {
    result.note = `only ${obs.length} usable months; a level shift needs at least ${2 * o.minSegment} (${o.minSegment} each side)`;
    return result;
  }

  const found: number[] = [];
  segmentRecursively(kind, obs, 0, obs.length, o, found);
  found.sort((a, b) => a - b);
  let { cuts, points } = confirm(kind, obs, pruneBlips(kind, obs, found, o), o);
  while (cuts.length > 0 && newestChangeTooRecent(kind, obs, cuts, o.minSegment)) {
    ({ cuts, points } = confirm(kind, obs, cuts.slice(0, -1), o));
  }

  result.changePoints = points;
  const last = points[points.length - 1];
  if (last) result.shift = { ...last, unit: unitOf(kind), summary: summarise(kind, last, o.label) };
  return result;
}

function prepare(series: readonly SeriesPoint[]): {
  kind: SeriesKind | null;
  obs: Obs[];
  skipped: { period: string; reason: string }[];
  errors: string[];
} {
  const obs: Obs[] = [];
  const skipped: { period: string; reason: string }[] = [];
  const errors: string[] = [];
  const kind = series[0]?.kind ?? null;
  let previous = '';
  for (const p of series) {
    if (p.kind !== kind) {
      errors.push(`${p.period}: kind '${p.kind}' in a '${String(kind)}' series; one series holds one kind`);
      continue;
    }
    if (!PERIOD.test(p.period)) {
      errors.push(`period ${JSON.stringify(p.period)} is not a month YYYY-MM`);
      continue;
    }
    if (p.period <= previous) {
      errors.push(`period ${p.period} follows ${previous}: months must be in increasing order, without repeats`);
      continue;
    }
    previous = p.period;
    if (p.kind === 'proportion') {
      const { successes: s, trials: n } = p;
      if (s === null || n === null) skipped.push({ period: p.period, reason: 'no value' });
      else if (!(Number.isFinite(s) && Number.isFinite(n) && s >= 0 && n >= s)) {
        errors.push(`${p.period}: successes ${s} of trials ${n} is impossible (need 0 ≤ successes ≤ trials)`);
      } else if (n === 0) skipped.push({ period: p.period, reason: 'no trials' });
      else obs.push({ period: p.period, y: s, w: n, q: 0 });
    } else if (p.kind === 'count') {
      const c = p.count;
      if (c === null) skipped.push({ period: p.period, reason: 'no value' });
      else if (!(Number.isFinite(c) && c >= 0)) errors.push(`${p.period}: count ${c} must be a finite number ≥ 0`);
      else obs.push({ period: p.period, y: c, w: 1, q: 0 });
    } else {
      const { value: v, n } = p;
      if (v === null || n === null) skipped.push({ period: p.period, reason: 'no value' });
      else if (!(Number.isFinite(v) && Number.isFinite(n) && n >= 0)) {
        errors.push(`${p.period}: mean ${v} over n ${n} must be finite with n ≥ 0`);
      } else if (n === 0) skipped.push({ period: p.period, reason: 'empty cohort' });
      else obs.push({ period: p.period, y: n * v, w: n, q: n * v * v });
    }
  }
  return { kind, obs, skipped, errors };
}

/** Sums over obs[a, b). */
function totals(obs: readonly Obs[], a: number, b: number): { y: number; w: number; q: number } {
  let y = 0;
  let w = 0;
  let q = 0;
  for (let i = a; i < b; i++) {
    const x = obs[i]!;
    y += x.y;
    w += x.w;
    q += x.q;
  }
  return { y, w, q };
}

const xlogx = (x: number, m: number): number => (x > 0 ? x * Math.log(x / m) : 0);

/** Maximised log-likelihood of one level over a segment, up to terms that cancel in the ratio. */
function loglik(kind: 'proportion' | 'count', y: number, w: number): number {
  return kind === 'proportion' ? xlogx(y, w) + xlogx(w - y, w) : xlogx(y, w);
}

/** Pearson χ² of obs[a, b) about a level mu (per unit of w). */
function pearson(kind: 'proportion' | 'count', obs: readonly Obs[], a: number, b: number, mu: number): number {
  const v = kind === 'proportion' ? mu * (1 - mu) : mu;
  if (v <= 0) return 0; // a level of 0 or 1 fits every month in the segment exactly
  let s = 0;
  for (let i = a; i < b; i++) {
    const x = obs[i]!;
    s += (x.y - x.w * mu) ** 2 / (x.w * v);
  }
  return s;
}

/** The test statistic for a change at index k of obs[a, b). */
function statisticAt(kind: SeriesKind, obs: readonly Obs[], a: number, k: number, b: number): SplitFit {
  const L = totals(obs, a, k);
  const R = totals(obs, k, b);
  const df = b - a - 2;
  if (kind === 'mean') {
    const rss = (t: { y: number; w: number; q: number }): number => Math.max(0, t.q - (t.y * t.y) / t.w);
    const rss1 = rss(L) + rss(R);
    const rss0 = rss({ y: L.y + R.y, w: L.w + R.w, q: L.q + R.q });
    const gain = Math.max(0, rss0 - rss1);
    const statistic = rss1 > 0 ? gain / (rss1 / df) : gain > 0 ? Infinity : 0;
    return { k, statistic, dispersion: null };
  }
  const lr = 2 * (loglik(kind, L.y, L.w) + loglik(kind, R.y, R.w) - loglik(kind, L.y + R.y, L.w + R.w));
  const chi2 = pearson(kind, obs, a, k, L.y / L.w) + pearson(kind, obs, k, b, R.y / R.w);
  const dispersion = Math.max(1, chi2 / df);
  return { k, statistic: Math.max(0, lr) / dispersion, dispersion };
}

function bestSplit(kind: SeriesKind, obs: readonly Obs[], a: number, b: number, minSegment: number): SplitFit {
  let best: SplitFit = { k: a + minSegment, statistic: -1, dispersion: null };
  for (let k = a + minSegment; k <= b - minSegment; k++) {
    const fit = statisticAt(kind, obs, a, k, b);
    if (fit.statistic > best.statistic) best = fit;
  }
  return best;
}

function segmentRecursively(
  kind: SeriesKind,
  obs: readonly Obs[],
  a: number,
  b: number,
  o: typeof DEFAULTS,
  cuts: number[],
): void {
  if (b - a < 2 * o.minSegment) return;
  const best = bestSplit(kind, obs, a, b, o.minSegment);
  if (!(best.statistic > levelShiftThreshold(b - a, o))) return;
  cuts.push(best.k);
  segmentRecursively(kind, obs, a, best.k, o, cuts);
  segmentRecursively(kind, obs, best.k, b, o, cuts);
}

/** Removes short middle segments whose two neighbours are at the same level (a blip that ended). */
function pruneBlips(kind: SeriesKind, obs: readonly Obs[], cuts: readonly number[], o: typeof DEFAULTS): number[] {
  const c = [...cuts];
  for (let changed = true; changed; ) {
    changed = false;
    const bounds = [0, ...c, obs.length];
    for (let s = 1; s + 1 < bounds.length - 1; s++) {
      const [a, k1, k2, b] = [bounds[s - 1]!, bounds[s]!, bounds[s + 1]!, bounds[s + 2]!];
      if (k2 - k1 >= o.maxBlipMonths) continue;
      const joined = [...obs.slice(a, k1), ...obs.slice(k2, b)];
      if (statisticAt(kind, joined, 0, k1 - a, joined.length).statistic < NEIGHBOURS_DIFFER) {
        c.splice(s - 1, 2); // the cuts on both sides of the blip
        changed = true;
        break;
      }
    }
  }
  return c;
}

/**
 * Sustained means the new level has held for at least minSegment months. The last cut can only
 * be placed minSegment months from the end, so a jump in the last month or two would still be
 * "found" there, carrying an old-level month with it. Let the newest segment's split run to the
 * last month: if the best split then falls inside the final minSegment - 1 months, the change is
 * too recent (or a blip at the end) and is not reported yet.
 */
function newestChangeTooRecent(kind: SeriesKind, obs: readonly Obs[], cuts: readonly number[], minSegment: number): boolean {
  const a = cuts.length > 1 ? cuts[cuts.length - 2]! : 0;
  const b = obs.length;
  let best = { k: -1, statistic: -1 };
  for (let k = a + minSegment; k < b; k++) {
    const fit = statisticAt(kind, obs, a, k, b);
    if (fit.statistic > best.statistic) best = fit;
  }
  return best.k > b - minSegment;
}

/** Re-tests every cut on its two adjacent segments, dropping failures until all stand. */
function confirm(
  kind: SeriesKind,
  obs: readonly Obs[],
  cuts: readonly number[],
  o: typeof DEFAULTS,
): { cuts: number[]; points: ChangePoint[] } {
  const c = [...cuts];
  for (;;) {
    const bounds = [0, ...c, obs.length];
    const points: ChangePoint[] = [];
    let failed = -1;
    for (let s = 1; s < bounds.length - 1; s++) {
      const [a, k, b] = [bounds[s - 1]!, bounds[s]!, bounds[s + 1]!];
      const fit = statisticAt(kind, obs, a, k, b);
      const threshold = levelShiftThreshold(b - a, o);
      if (!(fit.statistic > threshold)) {
        failed = s - 1;
        break;
      }
      const L = totals(obs, a, k);
      const R = totals(obs, k, b);
      const scale = kind === 'proportion' ? 100 : 1;
      const before = (scale * L.y) / L.w;
      const after = (scale * R.y) / R.w;
      points.push({
        effectivePeriod: obs[k]!.period,
        lastPeriodBefore: obs[k - 1]!.period,
        before,
        after,
        step: after - before,
        monthsBefore: k - a,
        monthsAfter: b - k,
        statistic: fit.statistic,
        threshold,
        dispersion: fit.dispersion,
      });
    }
    if (failed < 0) return { cuts: c, points };
    c.splice(failed, 1);
  }
}

function unitOf(kind: SeriesKind): LevelShift['unit'] {
  return kind === 'proportion' ? 'percent' : kind;
}

function summarise(kind: SeriesKind, p: ChangePoint, label: string): string {
  const fmt = (v: number): string => (kind === 'proportion' ? `${v.toFixed(1)}%` : v.toFixed(1));
  const test = kind === 'mean' ? 'F' : 'likelihood-ratio';
  const overdispersion =
    p.dispersion !== null && p.dispersion > 1 ? `, allowing for overdispersion ×${p.dispersion.toFixed(1)}` : '';
  return (
    `${label} stepped from ${fmt(p.before)} to ${fmt(p.after)} from ${p.effectivePeriod} ` +
    `(${test} ${p.statistic.toFixed(1)} > threshold ${p.threshold.toFixed(1)}${overdispersion})`
  );
}

// ---------------------------------------------------------------------------------------------
// Calibration

const thresholdCache = new Map<string, number>();

/**
 * Critical value for a series of `months` usable months: the (1 − alpha) quantile of the
 * max-over-splits F statistic on stable Gaussian series (seeded, 100 000 runs, memoised), the
 * worst case over dispersion for the φ-scaled binomial/Poisson statistic. The defaults' values
 * for 6–36 months are tabled (core/changepoint-thresholds.ts).
 */
export function levelShiftThreshold(months: number, opts: { minSegment?: number; alpha?: number } = {}): number {
  const minSegment = opts.minSegment ?? DEFAULTS.minSegment;
  const alpha = opts.alpha ?? DEFAULTS.alpha;
  const key = `${months}/${minSegment}/${alpha}`;
  const tabled = minSegment === 3 && alpha === 0.02 ? DEFAULT_THRESHOLDS[months] : undefined;
  if (tabled !== undefined) return tabled;
  let t = thresholdCache.get(key);
  if (t === undefined) {
    t = simulateNullThreshold(months, { minSegment, alpha, runs: 100_000, seed: 0x5eed0000 + months * 64 + minSegment });
    thresholdCache.set(key, t);
  }
  return t;
}

/** The Monte Carlo behind levelShiftThreshold, exposed so the table can be re-derived. */
export function simulateNullThreshold(
  months: number,
  opts: { minSegment: number; alpha: number; runs: number; seed: number },
): number {
  const { minSegment, alpha, runs } = opts;
  if (months < 2 * minSegment) throw new Error(`need at least ${2 * minSegment} months, got ${months}`);
  const rng = mulberry32(opts.seed);
  const stats = new Float64Array(runs);
  const cum = new Float64Array(months + 1);
  for (let r = 0; r < runs; r++) {
    let s2 = 0;
    for (let t = 0; t < months; t++) {
      const x = normal(rng);
      cum[t + 1] = cum[t]! + x;
      s2 += x * x;
    }
    const s1 = cum[months]!;
    const rss0 = s2 - (s1 * s1) / months;
    let max = 0;
    for (let k = minSegment; k <= months - minSegment; k++) {
      const l = cum[k]!;
      const rgt = s1 - l;
      const rss1 = s2 - (l * l) / k - (rgt * rgt) / (months - k);
      const f = (rss0 - rss1) / (rss1 / (months - 2));
      if (f > max) max = f;
    }
    stats[r] = max;
  }
  stats.sort();
  return stats[Math.min(runs - 1, Math.ceil((1 - alpha) * runs) - 1)]!;
}

// ---------------------------------------------------------------------------------------------
// Operating characteristics

export interface ScenarioResult {
  name: string;
  description: string;
  runs: number;
  /** Share of series on which a shift was reported. */
  fireRate: number;
  /** Share with a shift whose effective month is within ±1 of the true change (steps only). */
  locatedRate: number | null;
}

const MONTHS = 25;
const P_STABLE = [0.2, 0.35, 0.5, 0.8];

function months(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${2013 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
}
const PERIODS = months(MONTHS);

const logit = (p: number): number => Math.log(p / (1 - p));
const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/** A 25-month binomial series; level(t) gives p for month t, sigma adds logit-normal noise. */
function binomialSeries(rng: Rng, nLo: number, nHi: number, level: (t: number) => number, sigma = 0): SeriesPoint[] {
  return PERIODS.map((period, t) => {
    const trials = intBetween(rng, nLo, nHi);
    const p = sigma > 0 ? expit(logit(level(t)) + sigma * normal(rng)) : level(t);
    return { period, kind: 'proportion', successes: binomial(rng, trials, p), trials };
  });
}

function poissonSeries(rng: Rng, lambda: number, sigma = 0): SeriesPoint[] {
  return PERIODS.map((period) => {
    const l = sigma > 0 ? lambda * Math.exp(sigma * normal(rng) - (sigma * sigma) / 2) : lambda;
    return { period, kind: 'count', count: poisson(rng, l) };
  });
}

function meanSeries(rng: Rng): SeriesPoint[] {
  return PERIODS.map((period) => {
    const n = intBetween(rng, 5, 15);
    return { period, kind: 'mean', value: 26 + (8 * normal(rng)) / Math.sqrt(n), n };
  });
}

/**
 * Measures false-alarm rate and power on simulated 25-month series (deterministic for a seed):
 * stable binomial (p ∈ {0.2, 0.35, 0.5, 0.8}, n 30–50 a month), the same with logit-normal
 * month effects (σ 0.3, φ ≈ 1.5–2), stable Poisson (λ 250) plain and log-normal (σ 0.1, φ ≈ 3.5),
 * stable Gaussian means, a sustained 18% → 90% step at a random month 4–22 with n 10–20, and a
 * 35% → 50% step at months 9–18 (index 8–17) with n 30–50, and again with n 80–120.
 */
export function simulateOperatingCharacteristics(opts: {
  seed: number;
  runs: number;
  detector?: LevelShiftOptions;
}): ScenarioResult[] {
  const { seed, runs, detector } = opts;
  const stable = (name: string, description: string, make: (rng: Rng, i: number) => SeriesPoint[], s: number): ScenarioResult => {
    const rng = mulberry32(seed + s);
    let fired = 0;
    for (let i = 0; i < runs; i++) if (detectLevelShift(make(rng, i), detector).shift) fired++;
    return { name, description, runs, fireRate: fired / runs, locatedRate: null };
  };
  const step = (name: string, description: string, nLo: number, nHi: number, p0: number, p1: number, kLo: number, kHi: number, s: number): ScenarioResult => {
    const rng = mulberry32(seed + s);
    let fired = 0;
    let located = 0;
    for (let i = 0; i < runs; i++) {
      const k = intBetween(rng, kLo, kHi);
      const shift = detectLevelShift(binomialSeries(rng, nLo, nHi, (t) => (t < k ? p0 : p1)), detector).shift;
      if (!shift) continue;
      fired++;
      if (Math.abs(PERIODS.indexOf(shift.effectivePeriod) - k) <= 1) located++;
    }
    return { name, description, runs, fireRate: fired / runs, locatedRate: located / runs };
  };
  const p = (i: number): number => P_STABLE[i % P_STABLE.length]!;
  return [
    stable('stable-binomial', 'p in {0.2,0.35,0.5,0.8}, n 30–50', (rng, i) => binomialSeries(rng, 30, 50, () => p(i)), 1),
    stable('stable-binomial-overdispersed', 'as above, logit-normal month effect sd 0.3', (rng, i) => binomialSeries(rng, 30, 50, () => p(i), 0.3), 2),
    stable('stable-poisson', 'lambda 250', (rng) => poissonSeries(rng, 250), 3),
    stable('stable-poisson-overdispersed', 'lambda 250, log-normal month effect sd 0.1', (rng) => poissonSeries(rng, 250, 0.1), 4),
    stable('stable-mean', 'mean 26 (sd 8 per item), n 5–15', (rng) => meanSeries(rng), 5),
    step('step-18-to-90-n15', '18% → 90% at a random month (index 3–22), n 10–20', 10, 20, 0.18, 0.9, 3, 22, 6),
    step('step-35-to-50-n40', '35% → 50% mid-series (index 8–17), n 30–50', 30, 50, 0.35, 0.5, 8, 17, 7),
    step('step-35-to-50-n100', '35% → 50% mid-series (index 8–17), n 80–120', 80, 120, 0.35, 0.5, 8, 17, 8),
  ];
}
