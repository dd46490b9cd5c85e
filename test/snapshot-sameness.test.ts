/**
 * What "equal" means for a re-run (core/snapshot-sameness.ts) and which snapshot `latest` names
 * (activities/snapshot-files.ts `latestOf`), as pure functions: no IO.
 */
import { describe, expect, it } from 'vitest';
import { latestOf, newestOfAsOf, type IndexEntry } from '../activities/snapshot-files.js';
import { SCHEMA_VERSION, type MetricsFile, type SourceEntry } from '../core/metrics-contract.js';
import { nightContent, sameNight } from '../core/snapshot-sameness.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

const referrals: SourceEntry = {
  source: 'case-system/referrals',
  file: 'referrals_2015-02-28.csv',
  sha256: SHA_A,
  extract_date: '2015-02-28',
  status: 'loaded',
  reason: null,
  used: true,
  rows_loaded: 7,
  rows_rejected: 0,
  age_days: 0,
  stale: false,
};

const PLAN: NonNullable<MetricsFile['improvement_plan']> = {
  file: 'plan.csv',
  tracker_date: null,
  compared_with: null,
  totals: { actions: 0, complete: 0, overdue: 0, slipped: null, pct_complete: null },
  by_area: [],
  overdue: [],
  slipped: [],
  actions: [],
  notes: [],
};

function night(over: Partial<MetricsFile> = {}): MetricsFile {
  return {
    schema_version: SCHEMA_VERSION,
    snapshot_id: '2015-02-28_20150301T050000Z_runfirst',
    as_of: '2015-02-28',
    created_at: '2015-03-01T05:00:00.000Z',
    metrics: [
      {
        kpi: 're_referral_12m_pct',
        title: 'Re-referrals within 12 months (%)',
        period_start: '2015-02-01',
        period_end: '2015-02-28',
        value: 50,
        numerator: 2,
        denominator: 4,
        unit: '%',
        polarity: 'lower',
        target: 22,
        status: 'red',
        definition_version: `sha256:${'c'.repeat(64)}`,
        baseline: null,
        comparable_with_previous: true,
        basis: 'month',
        stale: false,
        notes: [],
        commentary: null,
      },
    ],
    series: [{ kpi: 're_referral_12m_pct', period_end: '2015-02-28', value: 50, numerator: 2, denominator: 4, provisional: false, status: 'red' }],
    baseline_events: [{ kpi: 're_referral_12m_pct', kind: 'manual', effective_period: '2014-07', detected_in: '2014-08-01_x', evidence: { reason: 'new team', by: 'analyst' } }],
    data_quality: { sources: [referrals], gaps: [] },
    ...over,
  };
}

describe('sameNight: what a re-run compares', () => {
  const base = night();

  it('ignores what names the publication: snapshot id and created-at', () => {
    expect(sameNight(night({ snapshot_id: '2015-02-28_20150301T093000Z_runagain', created_at: '2015-03-01T09:30:00.000Z' }), base)).toBe(true);
  });

  it('treats a source loaded tonight and one already loaded on an earlier night as the same file', () => {
    expect(sameNight(night({ data_quality: { sources: [{ ...referrals, status: 'already_loaded' }], gaps: [] } }), base)).toBe(true);
  });

  it('leaves out files after as-of (left for later nights) and the order the files were found in', () => {
    const later: SourceEntry = { ...referrals, file: 'referrals_2015-03-31.csv', sha256: SHA_B, extract_date: '2015-03-31', status: 'after_as_of', used: false, rows_loaded: 0, age_days: null, stale: null };
    const rejected: SourceEntry = { ...referrals, file: 'referrals_2015-02-27.csv', sha256: SHA_B, extract_date: '2015-02-27', status: 'rejected', reason: 'no header', used: false, rows_loaded: 0, age_days: null, stale: null };
    const withRejected = night({ data_quality: { sources: [referrals, rejected], gaps: [] } });
    expect(sameNight(night({ data_quality: { sources: [later, rejected, referrals], gaps: [] } }), withRejected)).toBe(true);
  });

  it('ignores the key order of objects (an event evidence read back from a file)', () => {
    const reordered = night({ baseline_events: [{ evidence: { by: 'analyst', reason: 'new team' }, detected_in: '2014-08-01_x', effective_period: '2014-07', kind: 'manual', kpi: 're_referral_12m_pct' }] });
    expect(nightContent(reordered)).toBe(nightContent(base));
  });

  it('treats no improvement plan (null) and a snapshot from before the plan (absent) as the same; compares the plan', () => {
    expect(sameNight(night({ improvement_plan: null }), base)).toBe(true);
    expect(sameNight(night({ improvement_plan: PLAN }), night({ improvement_plan: { ...PLAN } }))).toBe(true);
    expect(sameNight(night({ improvement_plan: { ...PLAN, totals: { ...PLAN.totals, overdue: 1 } } }), night({ improvement_plan: PLAN }))).toBe(false);
  });

  it.each<[string, MetricsFile]>([
    ['an improvement plan', night({ improvement_plan: PLAN })],
    ['a headline value', night({ metrics: [{ ...base.metrics[0]!, value: 75, numerator: 3 }] })],
    ['a status', night({ metrics: [{ ...base.metrics[0]!, status: 'amber' }] })],
    ['a definition version', night({ metrics: [{ ...base.metrics[0]!, definition_version: `sha256:${'d'.repeat(64)}` }] })],
    ['a note', night({ metrics: [{ ...base.metrics[0]!, notes: ['The HR extract is 50 days old.'] }] })],
    ['comparability', night({ metrics: [{ ...base.metrics[0]!, comparable_with_previous: false }] })],
    ['a series point', night({ series: [{ ...base.series[0]!, value: 51 }] })],
    ['a new baseline event', night({ baseline_events: [...base.baseline_events, { ...base.baseline_events[0]!, kind: 'level_shift', effective_period: '2015-01' }] })],
    ['the night that announced an event', night({ baseline_events: [{ ...base.baseline_events[0]!, detected_in: '2015-02-28_y' }] })],
    ['a used file', night({ data_quality: { sources: [{ ...referrals, sha256: SHA_B }], gaps: [] } })],
    ['a file rejected tonight', night({ data_quality: { sources: [referrals, { ...referrals, file: 'hr.csv', status: 'rejected', reason: 'no header', used: false }], gaps: [] } })],
    ['a row count', night({ data_quality: { sources: [{ ...referrals, rows_rejected: 1 }], gaps: [] } })],
    ['a gap', night({ data_quality: { sources: [referrals], gaps: [{ kpi: 're_referral_12m_pct', reason: 'missing data' }] } })],
  ])('sees a difference in %s', (_what, changed) => {
    expect(sameNight(changed, base)).toBe(false);
  });
});

describe('latestOf: the newest snapshot of the newest as-of date', () => {
  const e = (as_of: string, created_at: string, id: string): IndexEntry => ({ snapshot_id: id, as_of, created_at, workflow_id: `kpi-night-${as_of}`, run_id: id });
  const march = e('2015-03-31', '2015-04-01T05:00:00.000Z', 'march');
  const janBackfill = e('2015-01-31', '2015-04-02T10:00:00.000Z', 'jan');
  const marchRerun = e('2015-03-31', '2015-04-01T09:00:00.000Z', 'march-rerun');

  it('is not moved back by a backfill published later', () => {
    expect(latestOf([janBackfill, march])).toBe(march);
  });

  it('is the newest of that as-of date when a night was published twice', () => {
    expect(latestOf([march, janBackfill, marchRerun])).toBe(marchRerun);
    expect(newestOfAsOf([march, janBackfill, marchRerun], '2015-03-31')).toBe(marchRerun);
    expect(newestOfAsOf([march, janBackfill], '2015-02-28')).toBeNull();
  });

  it('is null with nothing published', () => {
    expect(latestOf([])).toBeNull();
  });
});
