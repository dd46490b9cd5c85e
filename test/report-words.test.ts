/** The committee report's words (core/report-words.ts) and scorecard order (core/scorecard-groups.ts), pure. */
import { describe, expect, it } from 'vitest';
import { missingSourceReason, staleNote } from '../core/freshness.js';
import { metricsFile, SCHEMA_VERSION, type MetricRow, type MetricsFile } from '../core/metrics-contract.js';
import { baselineChangeInWords, changeSince, fixPlurals, isTechnical, noFigureInWords, noteInWords, type Report } from '../core/report-words.js';
import { groupedInScorecardOrder, OTHER_GROUP, SCORECARD_GROUPS } from '../core/scorecard-groups.js';

/** One KPI whose headline is `value` at `end`, with monthly points `points` (period_end → value). */
function one(row: Partial<MetricRow> & Pick<MetricRow, 'value' | 'unit' | 'polarity' | 'basis' | 'period_end'>, points: Record<string, number | null>, events: MetricsFile['baseline_events'] = []): Report {
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: 's',
    as_of: row.period_end,
    created_at: '2015-03-01T02:00:00Z',
    metrics: [
      {
        kpi: 'k',
        title: 'K',
        period_start: row.period_end,
        numerator: null,
        denominator: null,
        target: null,
        status: 'none',
        definition_version: `sha256:${'0'.repeat(64)}`,
        baseline: null,
        comparable_with_previous: true,
        stale: false,
        notes: [],
        ...row,
      },
    ],
    series: Object.entries(points).map(([period_end, value]) => ({ kpi: 'k', period_end, value, numerator: null, denominator: null, provisional: false, status: 'none' })),
    baseline_events: events,
    data_quality: { sources: [], gaps: [] },
  });
}

describe('change since the previous month and the same month last year', () => {
  it('a percentage moves in points, better or worse by polarity', () => {
    // 24.1 − 22.0 = 2.1 points up; lower is better, so worse. 24.1 − 26.5 = 2.4 points down: better.
    const m = one({ value: 24.1, unit: 'percent', polarity: 'lower', basis: 'month', period_end: '2015-02-28' }, { '2014-02-28': 26.5, '2015-01-31': 22 });
    const row = m.metrics[0]!;
    expect(changeSince(m, row, 1)).toEqual({ arrow: '↑', words: 'up 2.1 points, worse', from: 'from 22% in January 2015' });
    expect(changeSince(m, row, 12)).toEqual({ arrow: '↓', words: 'down 2.4 points, better', from: 'from 26.5% in February 2014' });
    const higher = one({ value: 24.1, unit: 'percent', polarity: 'higher', basis: 'month', period_end: '2015-02-28' }, { '2015-01-31': 23.1 });
    expect(changeSince(higher, higher.metrics[0]!, 1)).toEqual({ arrow: '↑', words: 'up 1 point, better', from: 'from 23.1% in January 2015' });
  });

  it('other figures move in their unit: weeks, children per FTE, a bare count or ratio', () => {
    // 34.8 − 35.7 = −0.9 weeks (lower is better); 254 − 276 = −22 (a count has no unit word).
    const weeks = one({ value: 34.8, unit: 'weeks', polarity: 'lower', basis: 'trailing_12_months', period_end: '2015-02-28' }, { '2015-01-31': 35.7 });
    expect(changeSince(weeks, weeks.metrics[0]!, 1)).toEqual({ arrow: '↓', words: 'down 0.9 weeks, better', from: 'from 35.7 weeks in the 12 months to January 2015' });
    const count = one({ value: 254, unit: 'count', polarity: 'lower', basis: 'at_date', period_end: '2015-02-28' }, { '2015-01-31': 276 });
    expect(changeSince(count, count.metrics[0]!, 1)).toEqual({ arrow: '↓', words: 'down 22, better', from: 'from 276 at 31 January 2015' });
    const caseload = one({ value: 10.4, unit: 'children per FTE', polarity: 'lower', basis: 'at_date', period_end: '2015-02-28' }, { '2015-01-31': 10.2 });
    expect(changeSince(caseload, caseload.metrics[0]!, 1).words).toBe('up 0.2 children per FTE, worse');
    const same = one({ value: 21.6, unit: 'percent', polarity: 'lower', basis: 'at_date', period_end: '2015-02-28' }, { '2015-01-31': 21.6 });
    expect(changeSince(same, same.metrics[0]!, 1)).toEqual({ arrow: '→', words: 'no change', from: '21.6% at 31 January 2015 too' });
  });

  it('is "not comparable" across a new baseline and "no figure" when either figure is missing', () => {
    const event = { kpi: 'k', kind: 'level_shift' as const, effective_period: '2014-07', detected_in: 's', evidence: {} };
    const m = one({ value: 90, unit: 'percent', polarity: 'higher', basis: 'month', period_end: '2015-02-28' }, { '2014-02-28': 18, '2015-01-31': null }, [event]);
    const row = m.metrics[0]!;
    // July 2014 lies between February 2014 and February 2015; January 2015 has no figure.
    expect(changeSince(m, row, 12)).toEqual({ arrow: '', words: 'not comparable', from: 'a new baseline started in July 2014' });
    expect(changeSince(m, row, 1)).toEqual({ arrow: '', words: 'no figure', from: 'none in January 2015' });
    // A baseline starting in the headline month itself also breaks the comparison with the month before.
    const started = one(
      { value: 90, unit: 'percent', polarity: 'higher', basis: 'month', period_end: '2015-02-28', baseline: { period_end: '2015-02-28', value: 90, since: '2015-02-01', reason: 'definition changed' } },
      { '2015-01-31': 80 },
    );
    expect(changeSince(started, started.metrics[0]!, 1).words).toBe('not comparable');
    const none = one({ value: null, unit: 'percent', polarity: 'higher', basis: 'month', period_end: '2015-02-28' }, { '2015-01-31': 80 });
    expect(changeSince(none, none.metrics[0]!, 1)).toEqual({ arrow: '', words: 'no figure', from: '' });
  });
});

describe('plain words for a missing figure, a note, a baseline', () => {
  it('says what the data team is doing about a new code, from the reason our SQL writes', () => {
    const reason =
      'Withheld: the cohort holds codes this KPI cannot classify, and leaving those rows out would publish a wrong figure. "Requires Improvement to be Good" is not a known grade (known: Outstanding, Good, Requires Improvement, Inadequate): 9 audit(s) in this period carry it, the first completed on 2015-01-01. To count it, add {"column": "grade", "from": "Requires Improvement to be Good", "to": "Requires Improvement"} to config/code-mappings.json.';
    expect(noFigureInWords(reason)).toBe(
      'a new audit grade, “Requires Improvement to be Good”, appeared in January 2015 (9 audits this month carry it); the data team is mapping it to the existing grading scale, after which the figure will be shown.',
    );
    const hidden =
      'Withheld: the cohort holds codes this KPI cannot classify, and leaving those rows out would publish a wrong figure. An unrecognised value (not shown: it looks like an identifier or a date, not a code) is in case_status (known: …): 1 child(ren) in this period carry it, first seen in the extract dated 2015-02-28. It was probably typed into the wrong column: correct it in the source system.';
    expect(noFigureInWords(hidden)).toBe(
      'some records hold a value in the case status that looks like an identifier or a date typed into the wrong column; the data team is having it corrected in the source system, after which the figure will be shown.',
    );
  });

  it('says a list that never arrived is missing data, without its file pattern', () => {
    const reason = missingSourceReason({ kind: 'case-system', list: 'referrals', asOf: '2015-02-28' });
    expect(reason).toContain('case-system/referrals_<YYYY-MM-DD>.csv');
    expect(noFigureInWords(reason)).toBe(
      'no referrals extract dated on or before 28 February 2015 has been received, so this figure cannot be worked out (it is missing data, not a zero); the data team is following this up, and the figure will be shown once the extract is loaded.',
    );
    expect(noFigureInWords('See {"x": 1} in core/foo.ts')).toBe('it could not be worked out this time; the data team has the details (see the section for the data team).');
  });

  it('keeps notes that read plainly (plurals fixed, stale data in words) and drops technical ones', () => {
    expect(fixPlurals('26 plan(s) starting in the 12 months; 1 graded audit(s) left out')).toBe('26 plans starting in the 12 months; 1 graded audit left out');
    expect(noteInWords(staleNote({ source: 'case-system/referrals', kind: 'case-system', list: 'referrals', date: '2015-02-02', ageDays: 26, maxAgeDays: 7, stale: true }))).toBe(
      'Out-of-date data: the referrals extract is from 2 February 2015, 26 days old (case-system lists are stale after 7 days). The figure is shown as worked out from it.',
    );
    for (const t of ['add {"column": "grade"}', 'see config/code-mappings.json', 'likelihood-ratio 107.5', `sha256:${'a'.repeat(64)}`, 'read by re_referral_12m_pct', 'core/changepoint.ts', '2015-02-28_20261126T165917Z_01a218cb']) {
      expect(isTechnical(t), t).toBe(true);
      expect(noteInWords(t), t).toBeNull();
    }
    expect(isTechnical('No referrals were received in the month, so there is no rate to report.')).toBe(false);
  });

  it('says a baseline change in one sentence, from its evidence', () => {
    expect(
      baselineChangeInWords(
        { kind: 'source_codes_changed', effective_period: '2014-07', evidence: { source: 'audits/audits', column: 'grade', new_codes: ['1', '2'], vanished_codes: ['Good'], cohort: { audit_type: ['Assessment'] } } },
        'percent',
      ),
    ).toBe('From July 2014 assessment audits use new audit grades (“1”, “2”) and no longer the audit grade “Good”, so figures before and after are not compared.');
    expect(baselineChangeInWords({ kind: 'source_schema_changed', effective_period: '2015-01', evidence: { source: 'case-system/referrals' } }, 'percent')).toBe(
      'From January 2015 the referrals extract changed shape (columns added, removed or written differently), so figures before and after are not compared.',
    );
    expect(baselineChangeInWords({ kind: 'manual', effective_period: '2014-05', evidence: { reason: 'Ofsted action plan baseline' } }, 'percent')).toBe(
      'From May 2014 the council set a new baseline (Ofsted action plan baseline), so figures before and after are not compared.',
    );
  });
});

describe('scorecard order', () => {
  it('groups measures front door → child in need and protection → in care → courts → workforce → quality, other measures last, empty groups left out', () => {
    const rows = ['turnover_rate_fte_pct', 'zz_new_measure', 'plo_avg_weeks', 'assessment_quality_good_pct', 're_referral_12m_pct', 'care_leavers_eet_pct'].map((kpi) => ({ kpi }));
    expect(groupedInScorecardOrder(rows).map((g) => [g.group.title, g.rows.map((r) => r.kpi)])).toEqual([
      ['Front door and assessment', ['re_referral_12m_pct']],
      ['Children in care and care leavers', ['care_leavers_eet_pct']],
      ['Courts', ['plo_avg_weeks']],
      ['Workforce', ['turnover_rate_fte_pct']],
      ['Quality assurance', ['assessment_quality_good_pct']],
      [OTHER_GROUP.title, ['zz_new_measure']],
    ]);
  });

  it('places every KPI of kpis.md, issue 15’s four included, exactly once', () => {
    const ids = SCORECARD_GROUPS.flatMap((g) => g.kpis);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      [
        'plo_avg_weeks', 'plo_within_26_weeks_pct', 'cin_without_plan_6wk', 'assessments_within_45wd_pct', 're_referral_12m_pct', 'cp_repeat_plan_pct',
        'closures_signoff_pct', 'avg_caseload', 'agency_rate_fte_pct', 'agency_avg_stay_weeks', 'turnover_rate_fte_pct', 'frontline_per_manager',
        'induction_completed_pct', 'audits_good_or_better_pct', 'audits_completed_by_managers_pct', 'assessment_quality_good_pct',
        'icpc_within_15wd_pct', 'cla_3plus_placements_pct', 'care_leavers_eet_pct', 'care_leavers_suitable_accommodation_pct',
      ].sort(),
    );
  });
});
