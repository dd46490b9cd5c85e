/**
 * Golden tests for the case-system KPIs read from one list each: cin_without_plan_6wk,
 * assessments_within_45wd_pct, re_referral_12m_pct, cp_repeat_plan_pct, closures_signoff_pct.
 * Each fixture is a handful of rows with the arithmetic beside it.
 */
import { describe, expect, it } from 'vitest';
import { csvOf, expectDrillMatches, runKpis, type KpiRun } from './helpers/kpi-harness.js';

async function withRun(files: Record<string, string>, asOf: string, fn: (run: KpiRun) => Promise<void>, mappings?: { column: string; from: string; to: string }[]) {
  const run = await runKpis(files, asOf, { mappings });
  try {
    expect(await run.rejects()).toEqual([]);
    await fn(run);
  } finally {
    await run.close();
  }
}

describe('cin_without_plan_6wk', () => {
  // As of 2015-02-28; E − 42 days = 2015-01-17.
  //   C1  started 2015-01-17 (42 days), Open assessment                      → counts
  //   C2  started 2015-01-18 (41 days)                                       → not yet six weeks
  //   C3  started 2014-10-01, a) Looked after child                          → excluded by status
  //   C4  started 2014-10-01, b) Child Protection plan                       → excluded by status
  //   C5  started 2014-10-01, CIN plan started 2015-02-28 (on E)             → has a plan
  //   C7  started 2014-10-01, closed 2015-02-28 (on E: not open)             → not open
  //   C9  two open episodes from 2014-11-01 and 2014-12-01                   → counts once
  //   C10 started 2014-10-01, Case Status blank                              → counts, noted
  // At 2015-02-28: C1, C9, C10 → 3.
  // At 2015-01-31 (E − 42 = 2014-12-20): C5 (plan after that E), C7 (closed after that E), C9, C10 → 4.
  // (A plan dated after the extract date is a row error — sources.md — tested with the rejects.)
  const cin = (child: string, start: string, o: { closed?: string; status?: string; plan?: string } = {}) => ({
    child_unique_id: child,
    cin_start_date: start,
    cin_closure_date: o.closed ?? '',
    case_status: o.status ?? 'd) Open assessment',
    cin_plan_start_date: o.plan ?? '',
  });
  const ROWS = [
    cin('C1', '17/01/2015'),
    cin('C2', '18/01/2015'),
    cin('C3', '01/10/2014', { status: 'a) Looked after child' }),
    cin('C4', '01/10/2014', { status: 'b) Child Protection plan' }),
    cin('C5', '01/10/2014', { status: 'c) Child in need plan', plan: '28/02/2015' }),
    cin('C7', '01/10/2014', { closed: '28/02/2015', status: 'e) Closed episode' }),
    cin('C9', '01/11/2014'),
    cin('C9', '01/12/2014'),
    { ...cin('C10', '01/10/2014'), case_status: '' },
  ];
  const FILE = 'case-system/children_in_need_2015-02-28.csv';

  it('counts children open ≥ 42 days without a plan (42 in, 41 out), as of E and at a past point', async () => {
    await withRun({ [FILE]: csvOf('children_in_need', ROWS) }, '2015-02-28', async (run) => {
      expect(await run.point('cin_without_plan_6wk')).toMatchObject({
        period_start: '2015-02-28',
        value: 3,
        numerator: 3,
        denominator: null,
        null_reason: null,
        notes: ['1 of the children counted have a blank Case Status (counted: neither looked after nor on a CP plan).'],
      });
      expect(await run.point('cin_without_plan_6wk', '2015-01-31')).toMatchObject({ value: 4 });
      const drill = await run.drill<{ child_unique_id: string; days_open: number; in_numerator: boolean }>('cin_without_plan_6wk');
      expect(drill.filter((d) => d.in_numerator).map((d) => d.child_unique_id).sort()).toEqual(['C1', 'C10', 'C9', 'C9']);
      expect(Number(drill.find((d) => d.child_unique_id === 'C1')?.days_open)).toBe(42);
      await expectDrillMatches(run, 'cin_without_plan_6wk');
    });
  });

  it('is 0, not null, when nobody qualifies', async () => {
    await withRun({ [FILE]: csvOf('children_in_need', [cin('C2', '18/01/2015')]) }, '2015-02-28', async (run) => {
      expect(await run.point('cin_without_plan_6wk')).toMatchObject({ value: 0, numerator: 0, null_reason: null });
    });
  });

  it('withholds the count when a qualifying episode has a Case Status it cannot classify, until it is mapped', async () => {
    const rows = [...ROWS, cin('C11', '01/10/2014', { status: 'f) Supervised by partner agency' })];
    await withRun({ [FILE]: csvOf('children_in_need', rows) }, '2015-02-28', async (run) => {
      const p = await run.point('cin_without_plan_6wk');
      expect(p).toMatchObject({ value: null, numerator: null, denominator: null });
      expect(p.null_reason).toContain('Withheld');
      expect(p.null_reason).toContain('"Supervised by partner agency" is not a known case_status');
      expect(p.null_reason).toContain('1 children in this period carry it, first seen in the extract dated 2015-02-28');
      expect(p.null_reason).toContain(
        'add {"column": "case_status", "from": "Supervised by partner agency", "to": "<one of: Looked after child, Child Protection plan, Child in need plan, Open assessment, Closed episode>"} to config/code-mappings.json',
      );
    });
    await withRun(
      { [FILE]: csvOf('children_in_need', rows) },
      '2015-02-28',
      async (run) => {
        // Mapped to Child in need plan (not LAC/CP, no plan date): C11 now counts → 3 + 1 = 4.
        expect(await run.point('cin_without_plan_6wk')).toMatchObject({ value: 4, null_reason: null });
      },
      [{ column: 'case_status', from: 'supervised BY partner agency', to: 'child in need plan' }],
    );
  });
});

describe('assessments_within_45wd_pct', () => {
  // Working days = days after the start up to and including the authorisation, not Sat/Sun/bank holiday.
  // Easter 2014: start Thu 2014-03-20 → Wed 2014-05-28 is the 45th working day (Good Friday 18 Apr,
  //   Easter Monday 21 Apr, 5 May and 26 May excluded), Thu 2014-05-29 the 46th.
  // Christmas 2014: start Fri 2014-12-19 → 22–24 Dec (3), 29–31 Dec (6), Fri 2 Jan (7; 25, 26 Dec and
  //   1 Jan excluded), then 5 a week: 5–9 Jan 12, 12–16 Jan 17, 19–23 Jan 22, 26–30 Jan 27, 2–6 Feb 32,
  //   9–13 Feb 37, 16–20 Feb 42, 23–25 Feb 45 → Wed 2015-02-25 is the 45th, Thu 2015-02-26 the 46th.
  // Feb 2015: A3 (45 wd, in), A4 (46, out), A5 (same-day, 0 wd, in) → 2 / 3 = 66.666… → 66.7%.
  // May 2014: A1 (45, in), A2 (46, out) → 1 / 2 = 50.0%. Jan 2015: none authorised → null.
  // A6 is still open (no authorisation): in no cohort.
  const a = (child: string, start: string, auth = '') => ({
    child_unique_id: child,
    continuous_assessment_start_date: start,
    continuous_assessment_date_of_authorisation: auth,
  });
  const files = {
    'case-system/assessments_2015-02-28.csv': csvOf('assessments', [
      a('A1', '2014-03-20', '2014-05-28'),
      a('A2', '2014-03-20', '2014-05-29'),
      a('A3', '2014-12-19', '2015-02-25'),
      a('A4', '2014-12-19', '2015-02-26'),
      a('A5', '2015-02-02', '2015-02-02'),
      a('A6', '2015-02-02'),
    ]),
  };

  it('counts 45 working days in and 46 out across Easter and Christmas', async () => {
    await withRun(files, '2015-02-28', async (run) => {
      expect(await run.point('assessments_within_45wd_pct')).toMatchObject({ period_start: '2015-02-01', value: 66.7, numerator: 2, denominator: 3 });
      expect(await run.point('assessments_within_45wd_pct', '2014-05-31')).toMatchObject({
        period_start: '2014-05-01',
        value: 50,
        numerator: 1,
        denominator: 2,
      });
      const jan = await run.point('assessments_within_45wd_pct', '2015-01-31');
      expect(jan).toMatchObject({ value: null, numerator: 0, denominator: 0 });
      expect(jan.null_reason).toMatch(/No assessments were authorised/);
      const drill = await run.drill<{ child_unique_id: string; working_days: number }>('assessments_within_45wd_pct');
      expect(drill.map((d) => [d.child_unique_id, Number(d.working_days)])).toEqual([
        ['A5', 0],
        ['A3', 45],
        ['A4', 46],
      ]);
      await expectDrillMatches(run, 'assessments_within_45wd_pct');
    });
  });
});

describe('re_referral_12m_pct', () => {
  // As of 2016-02-29 (a leap day): 12 months before 2016-02-29 is 2015-02-28 (clamped).
  //   R1 2016-02-29, earlier 2015-02-28: exactly 12 months earlier → not a re-referral
  //   R2 2016-02-29, earlier 2015-03-01: after 2015-02-28          → re-referral
  //   R3 2016-02-10, earlier 2015-02-10: exactly 12 months         → not
  //   R4 2016-02-10, earlier 2015-02-11                            → re-referral
  //   R5 2016-02-05 twice: same-day referrals do not count for each other → neither
  // Feb 2016: 6 referrals (R1, R2, R3, R4, R5, R5), 2 re-referrals → 33.333… → 33.3%.
  // Feb 2015: R1 2015-02-28, R3 2015-02-10, R4 2015-02-11, none with an earlier referral → 0 / 3 = 0.0%
  //   (a real 0: the cohort is not empty).
  const r = (child: string, date: string) => ({ child_unique_id: child, date_of_referral: date });
  const files = {
    'case-system/referrals_2016-02-29.csv': csvOf('referrals', [
      r('R1', '2015-02-28'),
      r('R1', '2016-02-29'),
      r('R2', '2015-03-01'),
      r('R2', '2016-02-29'),
      r('R3', '2015-02-10'),
      r('R3', '2016-02-10'),
      r('R4', '2015-02-11'),
      r('R4', '2016-02-10'),
      r('R5', '2016-02-05'),
      r('R5', '2016-02-05'),
    ]),
  };

  it('does not count a referral exactly 12 months earlier, across 29 February', async () => {
    await withRun(files, '2016-02-29', async (run) => {
      expect(await run.point('re_referral_12m_pct')).toMatchObject({ period_start: '2016-02-01', value: 33.3, numerator: 2, denominator: 6 });
      expect(await run.point('re_referral_12m_pct', '2015-02-28')).toMatchObject({ value: 0, numerator: 0, denominator: 3, null_reason: null });
      expect(await run.point('re_referral_12m_pct', '2015-01-31')).toMatchObject({ value: null, denominator: 0 });
      await expectDrillMatches(run, 're_referral_12m_pct');
    });
  });
});

describe('cp_repeat_plan_pct', () => {
  // As of 2013-02-28: E − 12 months = 2012-02-28, so the window is 2012-02-29 … 2013-02-28.
  //   P1 2012-02-28, 1 previous: the day before the window → out
  //   P2 2012-02-29, 2 previous: first day of the window   → in, repeat
  //   P3 2013-01-10, 0 previous                             → in
  //   P4 2013-02-01, previous blank                         → left out, counted in notes
  //   P5 2012-06-01, 0 previous                             → in
  // 1 / 3 = 33.333… → 33.3%.
  const p = (child: string, start: string, previous: string) => ({
    child_unique_id: child,
    child_protection_plan_start_date: start,
    number_of_previous_child_protection_plans: previous,
  });
  it('includes 29 February 2012 in the window ending 2013-02-28 and notes blank counts', async () => {
    const files = {
      'case-system/child_protection_2013-02-28.csv': csvOf('child_protection', [
        p('P1', '28/02/2012', '1'),
        p('P2', '29/02/2012', '2'),
        p('P3', '10/01/2013', '0'),
        p('P4', '01/02/2013', ''),
        p('P5', '01/06/2012', '0'),
      ]),
    };
    await withRun(files, '2013-02-28', async (run) => {
      expect(await run.point('cp_repeat_plan_pct')).toMatchObject({
        period_start: '2012-02-29',
        value: 33.3,
        numerator: 1,
        denominator: 3,
        notes: ['1 plan(s) starting in the 12 months have Number of Previous Child Protection Plans blank and are left out.'],
      });
      await expectDrillMatches(run, 'cp_repeat_plan_pct');
    });
  });

  it('as of 2016-02-29 the window starts 2015-03-01 (29 Feb − 12 months = 28 Feb 2015)', async () => {
    // Q1 2015-02-28 → out; Q2 2015-03-01, 1 previous → in. 1 / 1 = 100.0%.
    const files = {
      'case-system/child_protection_2016-02-29.csv': csvOf('child_protection', [p('Q1', '2015-02-28', '0'), p('Q2', '2015-03-01', '1')]),
    };
    await withRun(files, '2016-02-29', async (run) => {
      expect(await run.point('cp_repeat_plan_pct')).toMatchObject({ period_start: '2015-03-01', value: 100, numerator: 1, denominator: 1, notes: [] });
    });
  });
});

describe('closures_signoff_pct', () => {
  // As of 2015-02-28.
  //   K1 closed 2015-02-02, signed 2015-02-03                     → Feb, signed
  //   K2 closed 2015-02-10, not signed                             → Feb, not
  //   K3 closed 2015-02-27, two children, one row signed 2015-02-28 → Feb, one closure, signed
  //   K4 closed 2015-01-30, signed 2015-02-02 (after that E, before D) → Jan, signed
  //   K5 closed 2015-01-15, sign-off dated 2015-03-02 (after D: not yet) → Jan, not
  // Feb: 2 / 3 = 66.666… → 66.7%. Jan: 1 / 2 = 50.0%. Dec 2014: no closures → null.
  const k = (caseId: string, child: string, closed: string, signed = '') => ({
    child_unique_id: child,
    case_id: caseId,
    closure_date: closed,
    manager_sign_off_date: signed,
  });
  it('counts one closure per case and date, sign-offs up to the as-of date', async () => {
    const files = {
      'case-system/case_closures_2015-02-28.csv': csvOf('case_closures', [
        k('K1', 'C1', '02/02/2015', '03/02/2015'),
        k('K2', 'C2', '10/02/2015'),
        k('K3', 'C3a', '27/02/2015', '28/02/2015'),
        k('K3', 'C3b', '27/02/2015'),
        k('K4', 'C4', '30/01/2015', '02/02/2015'),
        k('K5', 'C5', '15/01/2015', '02/03/2015'),
      ]),
    };
    await withRun(files, '2015-02-28', async (run) => {
      expect(await run.point('closures_signoff_pct')).toMatchObject({ value: 66.7, numerator: 2, denominator: 3 });
      expect(await run.point('closures_signoff_pct', '2015-01-31')).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
      const dec = await run.point('closures_signoff_pct', '2014-12-31');
      expect(dec).toMatchObject({ value: null, denominator: 0 });
      expect(dec.null_reason).toMatch(/No cases were closed/);
      await expectDrillMatches(run, 'closures_signoff_pct');
    });
  });
});

describe('ref.kpi_periods', () => {
  it('gives the last day of each of the 24 months before D’s month, then D', async () => {
    await withRun({}, '2016-02-29', async (run) => {
      const s = await run.series('re_referral_12m_pct');
      expect(s.map((p) => p.period_end)).toEqual([
        '2014-02-28', '2014-03-31', '2014-04-30', '2014-05-31', '2014-06-30', '2014-07-31', '2014-08-31', '2014-09-30',
        '2014-10-31', '2014-11-30', '2014-12-31', '2015-01-31', '2015-02-28', '2015-03-31', '2015-04-30', '2015-05-31',
        '2015-06-30', '2015-07-31', '2015-08-31', '2015-09-30', '2015-10-31', '2015-11-30', '2015-12-31', '2016-01-31',
        '2016-02-29',
      ]);
      const t = await run.series('cp_repeat_plan_pct');
      expect([t[0]?.period_start, t[12]?.period_start, t[24]?.period_start]).toEqual(['2013-03-01', '2014-03-01', '2015-03-01']);
    });
  });
});
