import { describe, expect, it } from 'vitest';
import { metricsFile, SCHEMA_VERSION, type MetricRow, type MetricsFile, type SeriesPoint } from '../core/metrics-contract.js';
import { isSmall, publicMetricsFile, SUPPRESSION_NOTE, suppressForPublic, type PublicMetricRow } from '../core/suppression.js';

const AS_OF = '2015-02-28';

type Figure = Pick<MetricRow, 'value' | 'numerator' | 'denominator'>;

function row(kpi: string, f: Figure, extra: Partial<MetricRow> = {}): MetricRow {
  return {
    kpi,
    title: kpi,
    period_start: '2015-02-01',
    period_end: AS_OF,
    ...f,
    unit: '%',
    polarity: 'higher',
    target: 85,
    status: 'red',
    definition_version: `sha256:${'0'.repeat(64)}`,
    baseline: null,
    comparable_with_previous: true,
    basis: 'month',
    stale: false,
    notes: [],
    commentary: null,
    ...extra,
  };
}

function file(metrics: MetricRow[], series: SeriesPoint[] = []): MetricsFile {
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: 's1',
    as_of: AS_OF,
    created_at: '2015-03-01T02:14:09Z',
    metrics,
    series,
    baseline_events: [],
    data_quality: { sources: [], gaps: [] },
  });
}

function only(f: Figure, extra: Partial<MetricRow> = {}): PublicMetricRow {
  const out = suppressForPublic(file([row('k', f, extra)])).metrics[0];
  if (!out) throw new Error('no row');
  return out;
}

describe('isSmall (primary rule)', () => {
  it('is 1–5 inclusive; 0 and 6 are published', () => {
    expect([0, 1, 5, 6, null].map((n) => isSmall(n))).toEqual([false, true, true, false, false]);
    expect(isSmall(4.5)).toBe(true); // summed FTE
    expect(isSmall(5.5)).toBe(false);
  });
});

describe('suppressForPublic', () => {
  it('publishes 0: a count of 0 and a 0% with a large denominator are kept', () => {
    expect(only({ value: 0, numerator: null, denominator: null })).toMatchObject({ value: 0, status: 'red' });
    expect(only({ value: 0, numerator: 0, denominator: 40 })).toMatchObject({ value: 0, numerator: 0, denominator: 40 });
  });

  it('suppresses counts of 1 and 5, not 6', () => {
    expect(only({ value: 1, numerator: null, denominator: null })).toMatchObject({ value: 'c', status: 'c' });
    expect(only({ value: 5, numerator: null, denominator: null })).toMatchObject({ value: 'c', status: 'c' });
    expect(only({ value: 6, numerator: null, denominator: null })).toMatchObject({ value: 6, status: 'red' });
  });

  it('a small numerator takes the value with it (3 of 17 = 17.6%: 17.6 × 17 / 100 gives back 3)', () => {
    expect(only({ value: 17.6, numerator: 3, denominator: 17 })).toMatchObject({ value: 'c', numerator: 'c', denominator: 17, status: 'c' });
    expect(only({ value: 35.3, numerator: 6, denominator: 17 })).toMatchObject({ value: 35.3, numerator: 6, denominator: 17 });
  });

  it('a small denominator takes numerator and value with it, even a numerator of 0', () => {
    expect(only({ value: 0, numerator: 0, denominator: 4 })).toMatchObject({ value: 'c', numerator: 'c', denominator: 'c' });
    expect(only({ value: 100, numerator: 5, denominator: 5 })).toMatchObject({ value: 'c', numerator: 'c', denominator: 'c' });
  });

  it('an average over a cohort of 5 or fewer is suppressed; over 6 it is not', () => {
    expect(only({ value: 40.2, numerator: null, denominator: 5 }, { unit: 'weeks' })).toMatchObject({ value: 'c', numerator: null, denominator: 'c' });
    expect(only({ value: 40.2, numerator: null, denominator: 6 }, { unit: 'weeks' })).toMatchObject({ value: 40.2, numerator: null, denominator: 6 });
  });

  it('a withheld figure stays null (null is not a small number)', () => {
    expect(only({ value: null, numerator: null, denominator: null }, { status: 'none' })).toMatchObject({ value: null, numerator: null, denominator: null, status: 'none' });
  });

  it('secondary: employed FTE (turnover denominator) = all FTE − agency FTE, so a small agency FTE also hides the agency denominator', () => {
    // agency 4 of 50 FTE → agency numerator "c"; but 50 − 46 (turnover denominator) = 4 would give it back,
    // so the agency denominator goes too; the turnover row stays whole.
    const out = suppressForPublic(
      file([
        row('agency_rate_fte_pct', { value: 8, numerator: 4, denominator: 50 }),
        row('turnover_rate_fte_pct', { value: 13, numerator: 6, denominator: 46 }),
      ]),
    );
    expect(out.metrics[0]).toMatchObject({ value: 'c', numerator: 'c', denominator: 'c' });
    expect(out.metrics[1]).toMatchObject({ value: 13, numerator: 6, denominator: 46 });
  });

  it('secondary: a small employed FTE hides the agency numerator (43 − 40 = 3 would give it back)', () => {
    const out = suppressForPublic(
      file([
        row('agency_rate_fte_pct', { value: 93, numerator: 40, denominator: 43 }),
        row('turnover_rate_fte_pct', { value: 33.3, numerator: 1, denominator: 3 }),
      ]),
    );
    expect(out.metrics[0]).toMatchObject({ value: 'c', numerator: 'c', denominator: 43 });
    expect(out.metrics[1]).toMatchObject({ value: 'c', numerator: 'c', denominator: 'c' });
  });

  it('secondary rules work per period in the series, and a hidden baseline point hides the baseline value', () => {
    const pts: SeriesPoint[] = [
      { kpi: 'agency_rate_fte_pct', period_end: '2015-01-31', value: 6, numerator: 3, denominator: 50, provisional: false, status: 'green' },
      { kpi: 'turnover_rate_fte_pct', period_end: '2015-01-31', value: 10, numerator: 4.7, denominator: 47, provisional: false, status: 'green' },
      { kpi: 'agency_rate_fte_pct', period_end: AS_OF, value: 20, numerator: 10, denominator: 50, provisional: false, status: 'green' },
      { kpi: 'turnover_rate_fte_pct', period_end: AS_OF, value: 10, numerator: 4, denominator: 40, provisional: false, status: 'green' },
    ];
    const out = suppressForPublic(
      file(
        [
          row('agency_rate_fte_pct', { value: 20, numerator: 10, denominator: 50 }, { baseline: { period_end: '2015-01-31', value: 6, since: '2015-01-31', reason: 'manual' } }),
          row('turnover_rate_fte_pct', { value: 10, numerator: 4, denominator: 40 }),
        ],
        pts,
      ),
    );
    expect(out.series.map((p) => [p.value, p.numerator, p.denominator])).toEqual([
      ['c', 'c', 'c'],
      ['c', 'c', 47],
      [20, 10, 50],
      ['c', 'c', 40],
    ]);
    // Turnover numerators 4.7 and 4 FTE are small: they hide the turnover value, not the agency row.
    expect(out.metrics[0]).toMatchObject({ value: 20, numerator: 10, denominator: 50 });
    expect(out.metrics[0]?.baseline?.value).toBe('c');
    expect(out.metrics[0]?.notes).toEqual([SUPPRESSION_NOTE]);
  });

  it('secondary: the two PLO measures share a cohort, so their denominators go together', () => {
    const out = suppressForPublic(
      file([
        row('plo_avg_weeks', { value: 30, numerator: null, denominator: 4 }, { unit: 'weeks' }),
        row('plo_within_26_weeks_pct', { value: 50, numerator: 2, denominator: 4 }),
      ]),
    );
    expect(out.metrics.map((r) => [r.value, r.numerator, r.denominator])).toEqual([
      ['c', null, 'c'],
      ['c', 'c', 'c'],
    ]);
  });

  it('adds the suppression note only where something was suppressed, validates, and leaves the input alone', () => {
    const input = file([row('a', { value: 17.6, numerator: 3, denominator: 17 }), row('b', { value: 50, numerator: 10, denominator: 20 })]);
    const before = structuredClone(input);
    const out = suppressForPublic(input);
    expect(out.metrics[0]?.notes).toEqual([SUPPRESSION_NOTE]);
    expect(out.metrics[1]?.notes).toEqual([]);
    expect(SUPPRESSION_NOTE).toMatch(/"c" \(confidential\).*Department for Education/);
    expect(() => publicMetricsFile.parse(out)).not.toThrow();
    expect(input).toEqual(before);
  });
});
