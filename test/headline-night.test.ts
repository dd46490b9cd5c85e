/**
 * The figure a committee can act on (spec kpis.md v2, "Headline figure, provisional points,
 * freshness"), through the real activities on a real DuckDB and file system (pull, load, compute,
 * detect baselines, publish): the headline period, the provisional flag and the status as of a
 * month end, the 1st and mid-month; a stale HR extract (flagged, value unchanged); a list with no
 * extract (null with the reason); baselines never taken from a provisional point.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { NO_COMPARATOR } from '../activities/benchmarks.js';
import type { MetricsFile } from '../core/metrics-contract.js';
import { baselineNight, night, type BaselineNight } from './helpers/baseline-night.js';
import { csvOf } from './helpers/kpi-harness.js';
import { writeReferrals } from './helpers/snapshot-night.js';

// Referrals (re_referral_12m_pct, a `month` KPI; target 22, lower is better, amber ≤ 25):
//   February 2015: C1 28/02, C2 10/02, C3 05/02 ×2, C4 03/02, C5 14/02 → denominator 6;
//   re-referrals C2 (earlier 01/03/2014, after 28/02/2014) and C4 (earlier 20/01/2015) → 2;
//   C1's 28/02/2014 is exactly 12 months earlier, so not → 2/6 = 33.3%: red.
//   1 March 2015: C6 (earlier 10/01/2015) → 1/1 = 100% so far; 10 March: C7 (none earlier) → 1/2 = 50%.
const FEB: [string, string][] = [
  ['C1', '28/02/2014'],
  ['C2', '01/03/2014'],
  ['C4', '20/01/2015'],
  ['C6', '10/01/2015'],
  ['C1', '28/02/2015'],
  ['C2', '10/02/2015'],
  ['C3', '05/02/2015'],
  ['C3', '05/02/2015'],
  ['C4', '03/02/2015'],
  ['C5', '14/02/2015'],
];
const MAR1: [string, string][] = [...FEB, ['C6', '01/03/2015']];
const MAR15: [string, string][] = [...MAR1, ['C7', '10/03/2015']];

// Workforce (hr/workforce_2015-02-28.csv), in post from 20 February 2015 on: W1 employed 1.0, W2 agency 0.5.
//   agency_rate_fte_pct (at_date; target 15, lower, amber ≤ 20): 0.5 / 1.5 = 33.3%: red.
//   turnover_rate_fte_pct (trailing 12 months; target 15, amber ≤ 18): employed leaver W3 (1.0 FTE,
//   left 20/02/2015) ÷ employed FTE in post (W1, 1.0) = 100%: red.
const HR = csvOf('workforce', [
  { worker_id: 'W1', org_role: '5', agency_worker: 'N', fte: '1.0', role_start_date: '01/01/2014' },
  { worker_id: 'W2', org_role: '5', agency_worker: 'Y', fte: '0.5', role_start_date: '01/06/2014' },
  { worker_id: 'W3', org_role: '5', agency_worker: 'N', fte: '1.0', role_start_date: '01/01/2014', role_end_date: '20/02/2015' },
]);

const KPIS = ['re_referral_12m_pct', 'agency_rate_fte_pct', 'turnover_rate_fte_pct', 'cin_without_plan_6wk'];

async function landing(): Promise<BaselineNight> {
  const t = await baselineNight(KPIS);
  await writeReferrals(t.landing, '2015-02-28', FEB);
  await writeReferrals(t.landing, '2015-03-01', MAR1);
  await writeReferrals(t.landing, '2015-03-15', MAR15);
  await writeFile(join(t.landing, 'hr', 'workforce_2015-02-28.csv'), HR);
  return t;
}

const metric = (m: MetricsFile, kpi: string) => m.metrics.find((r) => r.kpi === kpi)!;
const points = (m: MetricsFile, kpi: string) => m.series.filter((p) => p.kpi === kpi);

describe('the headline figure', () => {
  it('as of a month end, the 1st and mid-month: a month KPI headlines the last complete month; the month to date is provisional with status none', async () => {
    const t = await landing();
    const nights = [await night(t, '2015-02-28'), await night(t, '2015-03-01'), await night(t, '2015-03-15')];
    const february = { period_start: '2015-02-01', period_end: '2015-02-28', value: 33.3, numerator: 2, denominator: 6, status: 'red', basis: 'month', stale: false };
    for (const { metrics: m } of nights) expect(metric(m, 're_referral_12m_pct'), m.as_of).toMatchObject(february);

    const [atEnd, onFirst, midMonth] = nights.map((n) => points(n.metrics, 're_referral_12m_pct'));
    expect(atEnd!.at(-1)).toMatchObject({ period_end: '2015-02-28', value: 33.3, provisional: false, status: 'red' });
    expect(onFirst!.at(-1)).toEqual({ kpi: 're_referral_12m_pct', period_end: '2015-03-01', value: 100, numerator: 1, denominator: 1, provisional: true, status: 'none' });
    expect(midMonth!.at(-1)).toEqual({ kpi: 're_referral_12m_pct', period_end: '2015-03-15', value: 50, numerator: 1, denominator: 2, provisional: true, status: 'none' });
    for (const series of [atEnd!, onFirst!, midMonth!]) {
      expect(series).toHaveLength(25);
      expect(series.slice(0, 24).every((p) => !p.provisional)).toBe(true);
    }
    // The month before the headline is complete too: January 2015 (C4 and C6, none earlier) = 0 of 2.
    expect(midMonth!.at(-3)).toMatchObject({ period_end: '2015-01-31', value: 0, provisional: false, status: 'green' });

    // at_date and trailing_12_months: the as-of point, always complete.
    for (const { metrics: m } of nights) {
      expect(metric(m, 'agency_rate_fte_pct')).toMatchObject({ period_start: m.as_of, period_end: m.as_of, value: 33.3, status: 'red', basis: 'at_date' });
      expect(metric(m, 'turnover_rate_fte_pct')).toMatchObject({ period_end: m.as_of, value: 100, status: 'red', basis: 'trailing_12_months' });
      expect(points(m, 'agency_rate_fte_pct').some((p) => p.provisional)).toBe(false);
    }
    expect(nights.map((n) => metric(n.metrics, 'turnover_rate_fte_pct').period_start)).toEqual(['2014-03-01', '2014-03-02', '2014-03-16']);

    // The flat rows: the headline row is the current one; the provisional row says so, with status none.
    const flat = parse(await readFile(join(nights[2]!.path, 'metrics.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const row = (kpi: string, end: string) => {
      const r = flat.find((x) => x.kpi === kpi && x.period_end === end)!;
      return { is_current: r.is_current, provisional: r.provisional, status: r.status, basis: r.basis };
    };
    expect(row('re_referral_12m_pct', '2015-02-28')).toEqual({ is_current: 'true', provisional: 'false', status: 'red', basis: 'month' });
    expect(row('re_referral_12m_pct', '2015-03-15')).toEqual({ is_current: 'false', provisional: 'true', status: 'none', basis: 'month' });

    // The report names the headline period in words and the month to date as provisional.
    const report = await readFile(join(nights[2]!.path, 'report.html'), 'utf8');
    expect(report).toContain('<td>February 2015</td>');
    expect(report).toContain('Measures of a month show the last complete month, February 2015');
    expect(report).toContain('15 March 2015 (month to date, provisional)');
    expect(report).toContain('<td>16 March 2014 to 15 March 2015</td>');
    expect(report).toContain('<td>at 15 March 2015</td>');
  }, 60_000);

  it('a list with no extract on or before as-of: its figures are null with that reason, never "none received" or 0', async () => {
    const t = await landing();
    const { metrics: m } = await night(t, '2015-03-01');
    const reason =
      'No children in need extract dated on or before 1 March 2015 has been loaded (case-system/children_in_need_<YYYY-MM-DD>.csv), so this figure cannot be worked out. It is missing data, not a zero.';
    // The second note is the benchmark's: DfE publishes no comparator for this measure (spec benchmarks.md).
    expect(metric(m, 'cin_without_plan_6wk')).toMatchObject({ value: null, numerator: null, denominator: null, status: 'none', notes: [reason, NO_COMPARATOR] });
    expect(m.data_quality.gaps).toContainEqual({ kpi: 'cin_without_plan_6wk', reason });
    expect(points(m, 'cin_without_plan_6wk').every((p) => p.value === null)).toBe(true);
  }, 60_000);

  it('a stale HR extract: the figures reading it are flagged and noted; the value is unchanged', async () => {
    // As of 20 April 2015 the workforce extract of 28 February is 51 days old: over the 45 allowed.
    const [stale, fresh] = [await landing(), await landing()];
    const lenient = join(fresh.root, 'freshness.json');
    await writeFile(lenient, JSON.stringify({ version: 1, max_age_days: { 'case-system': 60, hr: 60, audits: 100 } }));
    const { metrics: s } = await night(stale, '2015-04-20');
    const { metrics: f } = await night(fresh, '2015-04-20', { freshnessPath: lenient });

    for (const kpi of ['agency_rate_fte_pct', 'turnover_rate_fte_pct']) {
      const a = metric(s, kpi);
      const b = metric(f, kpi);
      expect({ stale: a.stale, fresh: b.stale }).toEqual({ stale: true, fresh: false });
      expect({ value: a.value, numerator: a.numerator, denominator: a.denominator, status: a.status }).toEqual({
        value: b.value,
        numerator: b.numerator,
        denominator: b.denominator,
        status: b.status,
      });
      expect(a.notes).toContain(
        'Stale data: the workforce extract is from 28 February 2015, 51 days old (HR extracts are stale after 45 days). The figure is shown as computed from it.',
      );
      expect(b.notes.filter((n) => n.startsWith('Stale data'))).toEqual([]);
    }
    expect(metric(s, 'agency_rate_fte_pct')).toMatchObject({ value: 33.3, status: 'red' });
    const workforce = s.data_quality.sources.find((x) => x.file === 'workforce_2015-02-28.csv');
    expect(workforce).toMatchObject({ used: true, age_days: 51, stale: true });
    // The referrals extract of 15 March is 36 days old (over 7): the referral figure is stale too,
    // while unused files carry no age.
    expect(metric(s, 're_referral_12m_pct').stale).toBe(true);
    expect(s.data_quality.sources.find((x) => x.file === 'referrals_2015-03-15.csv')).toMatchObject({ used: true, age_days: 36, stale: true });
    expect(s.data_quality.sources.find((x) => x.file === 'referrals_2015-02-28.csv')).toMatchObject({ used: false, age_days: null, stale: null });
  }, 60_000);

  it('a broken freshness file stops the night at once, non-retryable, naming the fix', async () => {
    const t = await landing();
    const broken = join(t.root, 'freshness.json');
    await writeFile(broken, JSON.stringify({ version: 1, max_age_days: { 'case-system': 7, hr: '45 days', audits: 100 } }));
    const failure = await night(t, '2015-02-28', { freshnessPath: broken }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true, type: 'BadFreshnessConfig' });
    expect((failure as Error).message).toContain(`${broken}: max_age_days.hr: Invalid input: expected number, received string`);
  });

  it('a baseline started by a definition change takes its value from the last complete period, never the month to date', async () => {
    const t = await landing();
    await night(t, '2015-02-28');
    for (const [kpi, from, to] of [
      ['re_referral_12m_pct', '"amber": 25', '"amber": 24'],
      ['agency_rate_fte_pct', '"amber": 20', '"amber": 19'],
    ] as const) {
      const file = join(t.kpiDir, `${kpi}.sql`);
      await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
    }
    const { metrics: m } = await night(t, '2015-03-01');
    expect(m.baseline_events.filter((e) => e.kind === 'definition_changed').map((e) => [e.kpi, e.effective_period])).toEqual([
      ['agency_rate_fte_pct', '2015-03'],
      ['re_referral_12m_pct', '2015-03'],
    ]);
    // The month KPI: February's 33.3% (complete), not 1 March's 100% (one day of March).
    expect(metric(m, 're_referral_12m_pct').baseline).toMatchObject({ period_end: '2015-02-28', value: 33.3, since: '2015-03-01' });
    // A state at 1 March is complete: that point is the baseline.
    expect(metric(m, 'agency_rate_fte_pct').baseline).toMatchObject({ period_end: '2015-03-01', value: 33.3, since: '2015-03-01' });
    // Mid-month the baseline stands as started (a later night never moves it onto a provisional point).
    const { metrics: later } = await night(t, '2015-03-15');
    expect(metric(later, 're_referral_12m_pct').baseline).toMatchObject({ period_end: '2015-02-28', value: 33.3 });
  }, 60_000);
});
