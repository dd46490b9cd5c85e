/**
 * Golden tests for the workforce KPIs on one hand-made HR extract (and a CIN extract for the
 * caseload): avg_caseload, agency_rate_fte_pct, agency_avg_stay_weeks, turnover_rate_fte_pct,
 * frontline_per_manager, induction_completed_pct. FTE arithmetic is exact (thousandths).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, expectDrillMatches, runKpis, type KpiRun } from './helpers/kpi-harness.js';

const w = (id: string, role: string, agency: 'Y' | 'N', fte: string, start: string, end = '', induction = '') => ({
  worker_id: id,
  org_role: role,
  agency_worker: agency,
  fte,
  role_start_date: start,
  role_end_date: end,
  induction_completed_date: induction,
});

// As of 2015-02-28; trailing 12 months = 2014-03-01 … 2015-02-28.
//            role  agency FTE  start       end         induction
//   W1        5     N     1.0  2013-01-01  —           —
//   W2        5     Y     0.5  2014-09-01  —           2014-10-01 (start + 30: in time)
//   W3        4     N     0.8  2014-05-01  —           2014-06-01 (start + 31: late)
//   W4        3     N     1.0  2012-01-01  —           —
//   W5        5     N     0.6  2013-06-01  2015-02-28  —   (ends on E: a leaver, not in post)
//   W6        5     Y     1.0  2014-03-03  2014-12-31  2014-02-20 (before the start: counts)
//   W7        3     Y     0.5  2014-07-01  —           —   (no induction)
//   W8        2     N     1.0  2010-01-01  2014-02-28  —   (left the day before the window)
//   W9        6     N     0.4  2014-03-01  2014-06-30  2014-03-10
//   W10       5     Y     1.0  2014-01-06  2014-03-01  —   (agency, ended on the window's first day)
//   W11       5     Y     1.0  2013-11-01  2014-02-28  —   (agency, ended the day before the window)
const HR = [
  w('W1', '5', 'N', '1.0', '01/01/2013'),
  w('W2', '5 Case Holder', 'Y', '0.5', '01/09/2014', '', '01/10/2014'),
  w('W3', 'Senior Practitioner', 'N', '0.8', '01/05/2014', '', '01/06/2014'),
  w('W4', '3', 'N', '1', '01/01/2012'),
  w('W5', '5', 'N', '0.6', '01/06/2013', '28/02/2015'),
  w('W6', '5', 'Y', '1.0', '03/03/2014', '31/12/2014', '20/02/2014'),
  w('W7', '3 First Line Manager', 'Y', '0.5', '01/07/2014'),
  w('W8', '2', 'N', '1.0', '01/01/2010', '28/02/2014'),
  w('W9', '6', 'N', '0.4', '01/03/2014', '30/06/2014', '10/03/2014'),
  w('W10', '5', 'Y', '1.0', '06/01/2014', '01/03/2014'),
  w('W11', '5', 'Y', '1.0', '01/11/2013', '28/02/2014'),
];

// Open CIN cases for the caseload:
//   C1 → W1, C2 → W1, C3 → W2, C7 → W1 (two open episodes: one child)
//   C4 → W5 (W5's role ends on E: not in post at E)          → left out at E
//   C5 → W3, closed 2015-02-28 (not open at E)                → left out at E
//   C6 → no worker; C8 → W99 (not in the HR extract)          → left out
const cin = (child: string, worker: string, start: string, closed = '') => ({
  child_unique_id: child,
  allocated_worker: worker,
  cin_start_date: start,
  cin_closure_date: closed,
});
const CIN = [
  cin('C1', 'W1', '01/10/2014'),
  cin('C2', 'W1', '01/11/2014'),
  cin('C3', 'W2', '01/12/2014'),
  cin('C7', 'W1', '01/10/2014'),
  cin('C7', 'W1', '01/01/2015'),
  cin('C4', 'W5', '01/10/2014'),
  cin('C5', 'W3', '01/10/2014', '28/02/2015'),
  cin('C6', '', '01/10/2014'),
  cin('C8', 'W99', '01/10/2014'),
];

let run: KpiRun;
beforeAll(async () => {
  run = await runKpis(
    {
      'hr/workforce_2015-02-28.csv': csvOf('workforce', HR),
      'case-system/children_in_need_2015-02-28.csv': csvOf('children_in_need', CIN),
    },
    '2015-02-28',
  );
  expect(await run.rejects()).toEqual([]);
});
afterAll(async () => {
  await run?.close();
});

describe('workforce KPIs', () => {
  it('avg_caseload: a worker whose role ends on E is a leaver, and their cases drop out', async () => {
    // At 2015-02-28: children C1, C2, C3, C7 = 4; workers holding them W1 (1.0) + W2 (0.5) = 1.5 FTE.
    // 4 / 1.5 = 2.666… → 2.7.
    expect(await run.point('avg_caseload')).toMatchObject({ period_start: '2015-02-28', value: 2.7, numerator: 4, denominator: 1.5 });
    // At 2015-01-31: W5 is still in post (ends after that E) and C5 is still open:
    // children C1, C2, C3, C4, C5, C7 = 6; FTE W1 1.0 + W2 0.5 + W3 0.8 + W5 0.6 = 2.9; 6 / 2.9 = 2.068… → 2.1.
    expect(await run.point('avg_caseload', '2015-01-31')).toMatchObject({ value: 2.1, numerator: 6, denominator: 2.9 });
    // At 2014-08-31 nobody holds an open case (all CIN start from October): null with a reason.
    const aug = await run.point('avg_caseload', '2014-08-31');
    expect(aug).toMatchObject({ value: null, numerator: 0 });
    expect(aug.null_reason).toMatch(/No child with an open CIN episode/);
    await expectDrillMatches(run, 'avg_caseload');
  });

  it('agency_rate_fte_pct: part-time FTE, exact', async () => {
    // In post at E: W1 1.0 N, W2 0.5 Y, W3 0.8 N, W4 1.0 N, W7 0.5 Y (W5 ends on E).
    // Agency 0.5 + 0.5 = 1.0 of 3.8 → 26.315…% → 26.3.
    expect(await run.point('agency_rate_fte_pct')).toMatchObject({ value: 26.3, numerator: 1, denominator: 3.8 });
    // At 2014-06-30: W1 1.0 N, W3 0.8 N, W4 1.0 N, W5 0.6 N, W6 1.0 Y (W9 ends on that E: a leaver)
    // → agency 1.0 of 4.4 → 22.727…% → 22.7.
    expect(await run.point('agency_rate_fte_pct', '2014-06-30')).toMatchObject({ value: 22.7, numerator: 1, denominator: 4.4 });
    await expectDrillMatches(run, 'agency_rate_fte_pct');
  });

  it('agency_avg_stay_weeks: agency rows ending in the trailing 12 months', async () => {
    // W6 2014-03-03 → 2014-12-31 = 303 days; W10 2014-01-06 → 2014-03-01 = 54 days (W11 ended before the window).
    // (303 + 54) / (7 × 2) = 357 / 14 = 25.5 weeks.
    expect(await run.point('agency_avg_stay_weeks')).toMatchObject({ period_start: '2014-03-01', value: 25.5, numerator: 357, denominator: 2 });
    await expectDrillMatches(run, 'agency_avg_stay_weeks');
  });

  it('turnover_rate_fte_pct: employed leavers in the 12 months ÷ employed FTE in post at E', async () => {
    // Employed leavers with end in 2014-03-01 … 2015-02-28: W5 0.6 (ends on E), W9 0.4 → 1.0 (W8 left before).
    // Employed in post at E: W1 1.0, W3 0.8, W4 1.0 = 2.8. 1.0 / 2.8 = 35.714…% → 35.7.
    expect(await run.point('turnover_rate_fte_pct')).toMatchObject({ value: 35.7, numerator: 1, denominator: 2.8 });
    await expectDrillMatches(run, 'turnover_rate_fte_pct');
  });

  it('frontline_per_manager: FTE of roles 4–5 ÷ FTE of role 3', async () => {
    // Roles 4–5 in post at E: W1 1.0 + W2 0.5 + W3 0.8 = 2.3; role 3: W4 1.0 + W7 0.5 = 1.5.
    // 2.3 / 1.5 = 1.533… → 1.5.
    expect(await run.point('frontline_per_manager')).toMatchObject({ value: 1.5, numerator: 2.3, denominator: 1.5 });
    // At 2014-06-30: roles 4–5 W1 1.0 + W3 0.8 + W5 0.6 + W6 1.0 = 3.4; role 3 W4 1.0 (W7 starts
    // 2014-07-01) → 3.4 / 1.0 = 3.4.
    expect(await run.point('frontline_per_manager', '2014-06-30')).toMatchObject({ value: 3.4, numerator: 3.4, denominator: 1 });
    await expectDrillMatches(run, 'frontline_per_manager');
  });

  it('induction_completed_pct: no later than 30 days after the start; before the start counts', async () => {
    // Starts in 2014-03-01 … 2015-02-28: W2 (+30, in), W3 (+31, late), W6 (before start, in), W7 (none), W9 (in).
    // 3 / 5 = 60.0%.
    expect(await run.point('induction_completed_pct')).toMatchObject({ value: 60, numerator: 3, denominator: 5 });
    await expectDrillMatches(run, 'induction_completed_pct');
  });
});

describe('workforce KPIs with nobody in post', () => {
  it('are null with a reason, never 0', async () => {
    // A CIN extract too (avg_caseload reads it): without one its figure would be missing data, not an empty cohort.
    const empty = await runKpis(
      {
        'hr/workforce_2015-02-28.csv': csvOf('workforce', [w('W1', '5', 'N', '1', '01/01/2010', '31/12/2012')]),
        'case-system/children_in_need_2015-02-28.csv': csvOf('children_in_need', [cin('C1', 'W1', '01/10/2014')]),
      },
      '2015-02-28',
    );
    try {
      for (const kpi of ['agency_rate_fte_pct', 'turnover_rate_fte_pct', 'frontline_per_manager', 'agency_avg_stay_weeks', 'induction_completed_pct', 'avg_caseload']) {
        const p = await empty.point(kpi);
        expect(p.value, kpi).toBeNull();
        expect(p.null_reason, kpi).toMatch(/so there is no/);
      }
    } finally {
      await empty.close();
    }
  });
});
