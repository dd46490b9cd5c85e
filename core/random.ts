/**
 * A small seeded pseudo-random generator and the few samplers the change-point calibration,
 * its tests and the benchmark need. Deterministic by design: the same seed gives the same
 * numbers on every machine, so simulated thresholds and measured rates are reproducible.
 * Not for anything security-related, and never Math.random.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a 32-bit state generator, fast and good enough for Monte Carlo of this size. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller; one of the pair is discarded to keep the state simple). */
export function normal(rng: Rng): number {
  let u = rng();
  while (u <= 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** An integer uniform on [lo, hi], inclusive. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Binomial(n, p) by summing Bernoulli trials — exact, and cheap for monthly cohort sizes. */
export function binomial(rng: Rng, n: number, p: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (rng() < p) x++;
  return x;
}

/**
 * Poisson(lambda) by inversion from zero, exact. exp(-lambda) underflows beyond ~700, so larger
 * means are drawn as a sum of Poisson draws with means of at most 500.
 */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda >= 0)) throw new Error(`poisson: lambda must be >= 0, got ${lambda}`);
  let total = 0;
  let rest = lambda;
  while (rest > 0) {
    const l = Math.min(rest, 500);
    rest -= l;
    let k = 0;
    let p = Math.exp(-l);
    let cdf = p;
    const u = rng();
    while (u > cdf && p > 0) {
      k++;
      p *= l / k;
      cdf += p;
    }
    total += k;
  }
  return total;
}
