/**
 * Golden tests: plo_avg_weeks and plo_within_26_weeks_pct on hand-made care proceedings, with the
 * 182-day boundary, multi-child proceedings, the trailing-window edges and the strict amber bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { ragStatus } from '../core/rag.js';
import { csvOf, expectDrillMatches, runKpis, type KpiRun, type Row } from './helpers/kpi-harness.js';

const FILE = 'case-system/care_proceedings_2015-02-28.csv';
const row = (child: string, id: string, issued: string, final = ''): Row => ({
  child_unique_id: child,
  proceedings_id: id,
  date_application_issued: issued,
  date_of_final_order: final,
});

// As of 2015-02-28: trailing 12 months = 2014-03-01 … 2015-02-28.
//   P1  C1  issued 2014-06-02, final 2014-12-01            182 days → concluded, within 26 weeks
//   P2  C2  issued 2014-06-03, final 2014-12-03            183 days → concluded, not within
//   P3  C3a issued 2014-05-01, final 2014-09-01;
//       C3b issued 2014-05-10, no final order              → one child still open: not concluded
//   P4  C4a issued 2014-04-01, final 2014-10-01;
//       C4b issued 2014-04-15, final 2015-01-15            → earliest issue 2014-04-01, latest final 2015-01-15: 289 days
//   P5  C5  issued 2013-09-01, final 2014-02-28            → concluded the day before the window: out
//   P6  C6  issued 2013-09-02, final 2014-03-01            → first day of the window: in, 180 days
//   P7  C7  issued 2014-10-01, final 2015-03-05            → final order after the as-of date: not concluded
// Cohort P1, P2, P4, P6: days 182 + 183 + 289 + 180 = 834; 834 / (7 × 4) = 29.785… → 29.8 weeks.
// Within 182 days: P1, P6 → 2 / 4 = 50.0%.
// At 2014-12-31 (window 2014-01-01 … 2014-12-31): P1 182, P2 183, P5 180, P6 180 (P4's latest final
// order is after that E) → 725 / 28 = 25.89… → 25.9 weeks; within: P1, P5, P6 → 3 / 4 = 75.0%.
const ROWS = [
  row('C1', 'P1', '02/06/2014', '01/12/2014'),
  row('C2', 'P2', '03/06/2014', '03/12/2014'),
  row('C3a', 'P3', '01/05/2014', '01/09/2014'),
  row('C3b', 'P3', '10/05/2014'),
  row('C4a', 'P4', '01/04/2014', '01/10/2014'),
  row('C4b', 'P4', '15/04/2014', '15/01/2015'),
  row('C5', 'P5', '01/09/2013', '28/02/2014'),
  row('C6', 'P6', '02/09/2013', '01/03/2014'),
  row('C7', 'P7', '01/10/2014', '05/03/2015'),
];

describe('care proceedings KPIs', () => {
  let run: KpiRun;
  beforeAll(async () => {
    run = await runKpis({ [FILE]: csvOf('care_proceedings', ROWS) }, '2015-02-28');
  });
  afterAll(async () => {
    await run?.close();
  });

  it('plo_avg_weeks: one row per proceeding, concluded only when every child has a final order', async () => {
    expect(await run.rejects()).toEqual([]);
    expect(await run.point('plo_avg_weeks')).toMatchObject({
      period_start: '2014-03-01',
      value: 29.8,
      numerator: 834,
      denominator: 4,
      null_reason: null,
    });
    expect(await run.point('plo_avg_weeks', '2014-12-31')).toMatchObject({ period_start: '2014-01-01', value: 25.9, numerator: 725, denominator: 4 });
    await expectDrillMatches(run, 'plo_avg_weeks');
  });

  it('plo_within_26_weeks_pct: 182 days is in, 183 is out', async () => {
    expect(await run.point('plo_within_26_weeks_pct')).toMatchObject({ value: 50, numerator: 2, denominator: 4 });
    expect(await run.point('plo_within_26_weeks_pct', '2014-12-31')).toMatchObject({ value: 75, numerator: 3, denominator: 4 });
    const drill = await run.drill<{ proceedings_id: string; days: number; in_numerator: boolean; child_unique_ids: string[] }>('plo_within_26_weeks_pct');
    expect(drill.map((d) => [d.proceedings_id, Number(d.days), d.in_numerator])).toEqual([
      ['P6', 180, true],
      ['P1', 182, true],
      ['P2', 183, false],
      ['P4', 289, false],
    ]);
    expect(drill.find((d) => d.proceedings_id === 'P4')?.child_unique_ids).toEqual(['C4a', 'C4b']);
    await expectDrillMatches(run, 'plo_within_26_weeks_pct');
  });

  it('an empty trailing window gives null with a reason, never 0', async () => {
    // 2013-03-31: window 2012-04-01 … 2013-03-31, and no proceeding concluded in it.
    const p = await run.point('plo_avg_weeks', '2013-03-31');
    expect(p).toMatchObject({ value: null, numerator: null, denominator: 0 });
    expect(p.null_reason).toMatch(/No care proceedings concluded/);
    expect(await run.point('plo_within_26_weeks_pct', '2013-03-31')).toMatchObject({ value: null, denominator: 0 });
  });
});

describe('plo_avg_weeks RAG: green ≤ 26, amber < 30, red ≥ 30', () => {
  it('29.9 weeks is amber and 30.0 weeks is red', async () => {
    const meta = (await readKpiCatalogue()).find((d) => d.meta.id === 'plo_avg_weeks')!.meta;
    // One proceeding issued 2014-07-01: final 2015-01-26 = 209 days = 29.857… → 29.9 weeks;
    // final 2015-01-27 = 210 days = 30.0 weeks.
    for (const [final, weeks, status] of [
      ['26/01/2015', 29.9, 'amber'],
      ['27/01/2015', 30, 'red'],
    ] as const) {
      const run = await runKpis({ [FILE]: csvOf('care_proceedings', [row('C1', 'P1', '01/07/2014', final)]) }, '2015-02-28');
      try {
        const p = await run.point('plo_avg_weeks');
        expect(p.value).toBe(weeks);
        expect(ragStatus(p.value, meta)).toBe(status);
      } finally {
        await run.close();
      }
    }
    expect(ragStatus(26, meta)).toBe('green');
    expect(ragStatus(26.1, meta)).toBe('amber');
  });
});
