/** The headline rule and freshness, pure (core/headline.ts, core/freshness.ts): no DuckDB. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FRESHNESS, missingSourceReason, parseFreshnessConfig, sourceAge, staleNote } from '../core/freshness.js';
import { baselinePoint, headlinePeriodEnd, isProvisional, periodInWords } from '../core/headline.js';

describe('the headline period (kpis.md v2)', () => {
  it('a month KPI: at a month end, the month itself; on the 1st and mid-month, the month before', () => {
    expect(headlinePeriodEnd('month', '2015-02-28')).toBe('2015-02-28');
    expect(headlinePeriodEnd('month', '2015-03-01')).toBe('2015-02-28');
    expect(headlinePeriodEnd('month', '2015-03-15')).toBe('2015-02-28');
    expect(headlinePeriodEnd('month', '2015-03-30')).toBe('2015-02-28');
    expect(headlinePeriodEnd('month', '2015-03-31')).toBe('2015-03-31');
    // Leap February, and a 1st of January reaching back into the year before.
    expect(headlinePeriodEnd('month', '2016-02-28')).toBe('2016-01-31');
    expect(headlinePeriodEnd('month', '2016-02-29')).toBe('2016-02-29');
    expect(headlinePeriodEnd('month', '2016-03-01')).toBe('2016-02-29');
    expect(headlinePeriodEnd('month', '2015-01-01')).toBe('2014-12-31');
  });

  it('at_date and trailing_12_months KPIs: always the as-of point', () => {
    for (const d of ['2015-02-28', '2015-03-01', '2015-03-15']) {
      expect(headlinePeriodEnd('at_date', d)).toBe(d);
      expect(headlinePeriodEnd('trailing_12_months', d)).toBe(d);
    }
  });

  it('only the month-to-date as-of point of a month KPI is provisional', () => {
    expect(isProvisional('month', '2015-03-01', '2015-03-01')).toBe(true);
    expect(isProvisional('month', '2015-03-15', '2015-03-15')).toBe(true);
    expect(isProvisional('month', '2015-02-28', '2015-03-15')).toBe(false);
    expect(isProvisional('month', '2015-02-28', '2015-02-28')).toBe(false);
    expect(isProvisional('at_date', '2015-03-15', '2015-03-15')).toBe(false);
    expect(isProvisional('trailing_12_months', '2015-03-01', '2015-03-01')).toBe(false);
  });

  it('says the period in words', () => {
    expect(periodInWords('month', '2015-01-01', '2015-01-31')).toBe('January 2015');
    expect(periodInWords('month', '2015-03-01', '2015-03-15')).toBe('1 to 15 March 2015 (month to date)');
    expect(periodInWords('trailing_12_months', '2014-03-01', '2015-02-28')).toBe('March 2014 to February 2015');
    expect(periodInWords('trailing_12_months', '2014-03-16', '2015-03-15')).toBe('16 March 2014 to 15 March 2015');
    expect(periodInWords('at_date', '2015-03-15', '2015-03-15')).toBe('at 15 March 2015');
  });

  it('a baseline takes its value from the last complete period, never the provisional one', () => {
    const pts = [{ period_end: '2015-01-31' }, { period_end: '2015-02-28' }, { period_end: '2015-03-15' }];
    expect(baselinePoint('month', pts, '2015-03', '2015-03-15')).toEqual({ period_end: '2015-02-28' });
    expect(baselinePoint('month', pts, '2015-02', '2015-03-15')).toEqual({ period_end: '2015-02-28' });
    expect(baselinePoint('month', pts, '2015-01', '2015-03-15')).toEqual({ period_end: '2015-01-31' });
    // A state at as-of is complete: it may be a baseline.
    expect(baselinePoint('at_date', pts, '2015-03', '2015-03-15')).toEqual({ period_end: '2015-03-15' });
  });
});

describe('freshness (config/freshness.json)', () => {
  it('ships the spec defaults: case-system 7 days, hr 45, audits 100', () => {
    expect(DEFAULT_FRESHNESS.max_age_days).toEqual({ 'case-system': 7, hr: 45, audits: 100 });
  });

  it('refuses a broken file, naming the field', () => {
    expect(parseFreshnessConfig('{"version":1,"max_age_days":{"case-system":7,"hr":45}}').errors).toEqual([
      'config/freshness.json: max_age_days.audits: Invalid input: expected number, received undefined',
    ]);
    expect(parseFreshnessConfig('{"version":1,"max_age_days":{"case-system":0,"hr":45,"audits":100}}').errors[0]).toMatch(/case-system: more than 0 days/);
    expect(parseFreshnessConfig('{"version":1,"max_age_days":{"case-system":7,"hr":45,"audits":100,"sftp":3}}').errors[0]).toMatch(/Unrecognized key/);
    expect(parseFreshnessConfig('{"version":1,').errors[0]).toMatch(/^config\/freshness.json: not valid JSON/);
  });

  it('an extract exactly the maximum age is fresh; a day older is stale', () => {
    const at = (date: string) => sourceAge({ source: 'case-system/referrals', kind: 'case-system', list: 'referrals', date, asOf: '2015-03-09', config: DEFAULT_FRESHNESS });
    expect(at('2015-03-02')).toMatchObject({ ageDays: 7, stale: false });
    expect(at('2015-03-01')).toMatchObject({ ageDays: 8, stale: true });
  });

  it('names the source, its date and its age in words', () => {
    const referrals = sourceAge({ source: 'case-system/referrals', kind: 'case-system', list: 'referrals', date: '2015-02-02', asOf: '2015-02-28', config: DEFAULT_FRESHNESS });
    expect(staleNote(referrals)).toBe(
      'Stale data: the referrals extract is from 2 February 2015, 26 days old (case-system lists are stale after 7 days). The figure is shown as computed from it.',
    );
    const audits = sourceAge({ source: 'audits/audits', kind: 'audits', list: 'audits', date: '2014-11-03', asOf: '2015-03-01', config: DEFAULT_FRESHNESS });
    expect(staleNote(audits)).toMatch(/the newest completed audit in the audit workbooks is from 3 November 2014, 118 days old \(audits are stale after 100 days\)/);
    expect(missingSourceReason({ kind: 'case-system', list: 'children_in_need', asOf: '2015-02-28' })).toBe(
      'No children in need extract dated on or before 28 February 2015 has been loaded (case-system/children_in_need_<YYYY-MM-DD>.csv), so this figure cannot be worked out. It is missing data, not a zero.',
    );
  });
});
