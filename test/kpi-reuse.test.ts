/**
 * Reusing an earlier night's points (activities/kpi-reuse.ts, core/kpi-reuse.ts). The rule a
 * reuse must never break: a night that copies points gets exactly the figures of a night that
 * computes all 25. Checked over a run of as-of dates on the sample (quiet nights, month ends, a
 * new month), with a fact dated after the extract (a sign-off the day after as-of: it changes a
 * past point, so that KPI must not reuse), and with a new extract arriving (no reuse for its
 * list). Each test also checks that reuse really happened where it may, so it cannot pass by
 * computing everything.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { Warehouse } from '../activities/warehouse.js';
import { parseKpiFile } from '../core/kpi-definition.js';
import { reusability } from '../core/kpi-reuse.js';
import { pullAndLoad, put, query } from './helpers/landing.js';
import { compute, removeNights, reuseAndCheck, reused, SAMPLE, sampleNight } from './helpers/reuse-night.js';

afterAll(removeNights);

const REUSABLE = [
  'agency_avg_stay_weeks',
  'agency_rate_fte_pct',
  'assessment_quality_good_pct',
  'assessments_within_45wd_pct',
  'audits_completed_by_managers_pct',
  'audits_good_or_better_pct',
  'avg_caseload',
  'care_leavers_eet_pct',
  'care_leavers_suitable_accommodation_pct',
  'cin_without_plan_6wk',
  'cla_3plus_placements_pct',
  'closures_signoff_pct',
  'cp_repeat_plan_pct',
  'frontline_per_manager',
  'icpc_within_15wd_pct',
  'induction_completed_pct',
  'plo_avg_weeks',
  'plo_within_26_weeks_pct',
  're_referral_12m_pct',
  'turnover_rate_fte_pct',
];

describe('which KPIs may reuse earlier points (declared in their metadata, core/kpi-reuse.ts)', () => {
  it('every catalogue KPI; cin_without_plan_6wk keyed on every CIN extract and every loaded file (it reads them for first-seen codes)', async () => {
    const defs = await readKpiCatalogue();
    expect(defs.filter((d) => reusability(d).reusable).map((d) => d.meta.id)).toEqual(REUSABLE);
    expect(reusability(defs.find((d) => d.meta.id === 'cin_without_plan_6wk')!)).toEqual({
      reusable: true,
      lists: ['children_in_need'],
      wholeLists: ['children_in_need'],
      readsFileList: true,
      cutoffColumns: ['cin_start_date'],
    });
    // Each point reads its own care leavers extract (the newest on or before it): keyed on every
    // care leavers extract on or before as-of, and every loaded file (it asks whether one exists).
    for (const id of ['care_leavers_eet_pct', 'care_leavers_suitable_accommodation_pct']) {
      expect(reusability(defs.find((d) => d.meta.id === id)!), id).toEqual({
        reusable: true,
        lists: ['care_leavers'],
        wholeLists: ['care_leavers'],
        readsFileList: true,
        cutoffColumns: [],
      });
    }
  });

  it('a declaration names the KPI’s own sources, each of them, and cut-offs on date columns it reads', () => {
    const file = (reuse: string) => `/*---
{ "id": "x", "title": "X", "unit": "percent", "measure": "percentage", "polarity": "higher", "target": 1, "amber": null,
  "basis": "month", "sources": { "case-system/case_closures": ["case_id", "closure_date", "manager_sign_off_date"] },
  "summary": "s", "definition": "d", "reuse": ${reuse} }
---*/
SELECT p.period_end FROM ref.kpi_periods($as_of, $points_after) p, core.case_closures_at($as_of) c`;
    const declared = (o: Record<string, unknown>) =>
      JSON.stringify({ lists_at_as_of: ['case_closures'], lists_whole: [], point_extract_lists: [], reads_file_list: false, cutoff_columns: ['manager_sign_off_date'], ...o });
    const errors = (reuse: string) => parseKpiFile('sql/kpi/x.sql', file(reuse)).errors;
    expect(errors(declared({}))).toEqual([]);
    expect(reusability(parseKpiFile('sql/kpi/x.sql', file(declared({}))).value!)).toEqual({
      reusable: true,
      lists: ['case_closures'],
      wholeLists: [],
      readsFileList: false,
      cutoffColumns: ['manager_sign_off_date'],
    });
    expect(errors(declared({ lists_at_as_of: ['case_closures', 'referrals'] }))).toEqual(['sql/kpi/x.sql: metadata reuse: "referrals" is not one of the KPI\'s sources']);
    expect(errors(declared({ lists_at_as_of: ['nothing'] }))).toEqual([
      'sql/kpi/x.sql: metadata reuse: "nothing" is not a list of the contracts',
      'sql/kpi/x.sql: metadata reuse: the KPI reads case_closures (sources) but reuse does not say how (lists_at_as_of, lists_whole or point_extract_lists)',
    ]);
    expect(errors(declared({ cutoff_columns: ['case_id'] }))).toEqual(['sql/kpi/x.sql: metadata reuse: cutoff column "case_id" is not a date column the KPI reads (sources)']);
    expect(errors(declared({ cutoff_columns: ['date_of_referral'] }))).toEqual(['sql/kpi/x.sql: metadata reuse: cutoff column "date_of_referral" is not a date column the KPI reads (sources)']);
    // Every part is stated: nothing is assumed for a part left out.
    expect(errors(JSON.stringify({ lists_at_as_of: ['case_closures'] }))[0]).toMatch(/^sql\/kpi\/x.sql: metadata reuse: /);
    // A KPI that declares reuse computes only the points after the earlier night: every trend-point call narrows.
    expect(parseKpiFile('sql/kpi/x.sql', file(declared({})).replace('$as_of, $points_after', '$as_of')).errors).toEqual([
      'sql/kpi/x.sql: ref.kpi_periods is called without $points_after (write ref.kpi_periods($as_of, $points_after)): a KPI that declares reuse computes only the points an earlier night could not give',
    ]);
    // `never`, with its reason, or no declaration at all: every point is computed every night.
    const never = parseKpiFile('sql/kpi/x.sql', file('{ "never": "it reads the clock" }').replace('$as_of, $points_after', '$as_of'));
    expect(never.errors).toEqual([]);
    expect(reusability(never.value!)).toEqual({ reusable: false, why: 'it reads the clock' });
    expect(reusability({ meta: {} })).toEqual({ reusable: false, why: 'its metadata declares no reuse (what its SQL reads), so every point is computed each night' });
  });
});

describe('a night that reuses gets the figures of a night that computes everything', () => {
  it('quiet nights across a month end and into a new month', async () => {
    const t = await sampleNight();
    await compute(t, '2015-02-28', 'night-0228', true);
    expect(await reused(t, 'night-0228')).toEqual(Object.fromEntries(REUSABLE.map((k) => [k, 0]))); // nothing earlier to reuse
    const reusedOn: Record<string, Record<string, number>> = {};
    for (const asOf of ['2015-03-01', '2015-03-02', '2015-03-31', '2015-04-01']) reusedOn[asOf] = await reuseAndCheck(t, asOf);
    // 2015-03-01 after 2015-02-28: 24 of its 25 points (the 24 month ends to February) were computed last night.
    expect(reusedOn['2015-03-01']).toEqual(Object.fromEntries(REUSABLE.map((k) => [k, 24])));
    // 2015-04-01 after 2015-03-31: the 24 month ends from April 2013 to March 2015.
    expect(reusedOn['2015-04-01']).toEqual(Object.fromEntries(REUSABLE.map((k) => [k, 24])));
  }, 120_000);

  it('a fact dated after last night changes a past point, so that KPI computes again (and only a date it cuts off at counts)', async () => {
    // A February closure signed off on 1 March 2015, the day after the extract (allowed: a
    // sign-off date is not checked against the extract date). As of 28 February it is not
    // signed off; as of 1 March it is, for February's point too (kpis.md: dates between E and D count).
    let closure = '';
    const t = await sampleNight(async (n) => {
      const path = 'case-system/case_closures_2015-02-28.csv';
      const lines = (await readFile(`${SAMPLE}/${path}`, 'utf8')).split('\n');
      const i = lines.findIndex((l) => /,\d\d\/02\/2015,W\d+,,$/.test(l));
      closure = lines[i]!.split(',')[7]!;
      lines[i] = lines[i]!.replace(/,,$/, ',01/03/2015,W0001');
      await put(n, path, lines.join('\n'));
      // And an unborn child due on 1 March in the CIN extract: no KPI cuts off at Date of Birth,
      // so it stops nothing from being reused.
      const cinPath = 'case-system/children_in_need_2015-02-28.csv';
      const cin = (await readFile(`${SAMPLE}/${cinPath}`, 'utf8')).split('\n');
      const fields = cin[1]!.split(',');
      fields[3] = '01/03/2015';
      cin[1] = fields.join(',');
      await put(n, cinPath, cin.join('\n'));
    });
    expect(closure).toMatch(/^E\d+$/);
    await compute(t, '2015-02-28', 'night-0228', true);
    const r = await reuseAndCheck(t, '2015-03-01');
    expect(r.closures_signoff_pct).toBe(0);
    expect(r.re_referral_12m_pct).toBe(24);
    expect(r.avg_caseload).toBe(24);
    // The February point really moved by one signed-off closure: a copy would have been wrong.
    const feb = await query<{ run_id: string; numerator: number }>(
      t,
      `SELECT run_id, numerator FROM kpi.values WHERE kpi = 'closures_signoff_pct' AND period_end = DATE '2015-02-28' AND run_id IN ('night-0228', 'full-2015-03-01') ORDER BY run_id`,
    );
    expect(feb.map((x) => x.run_id)).toEqual(['full-2015-03-01', 'night-0228']);
    expect(Number(feb[0]!.numerator)).toBe(Number(feb[1]!.numerator) + 1);
  }, 120_000);

  it('an earlier run short of one of its points: that KPI computes all 25 afresh and records no reuse; the others reuse', async () => {
    const t = await sampleNight();
    await compute(t, '2015-02-28', 'night-0228', true);
    // One past point of avg_caseload gone from last night's run (a point tonight wants, and last night had).
    await Warehouse.with(t.warehouse, (w) =>
      w.run("DELETE FROM kpi.values WHERE run_id = 'night-0228' AND kpi = 'avg_caseload' AND period_end = DATE '2014-06-30'"),
    );
    const r = await reuseAndCheck(t, '2015-03-01'); // the figures equal a full compute's, all 25 points
    expect(r.avg_caseload).toBe(0);
    expect(r.re_referral_12m_pct).toBe(24);
    expect(await query(t, "SELECT reused_from_run, points_reused FROM meta.kpi_inputs WHERE run_id = 'reuse-2015-03-01' AND kpi = 'avg_caseload'")).toEqual([
      { reused_from_run: null, points_reused: 0 },
    ]);
    expect(await query(t, "SELECT count(*)::INTEGER AS n FROM kpi.values WHERE run_id = 'reuse-2015-03-01' AND kpi = 'avg_caseload'")).toEqual([{ n: 25 }]);
  }, 120_000);

  it('a release that changes the shared SQL (a ref macro here) computes every point afresh', async () => {
    const t = await sampleNight();
    await compute(t, '2015-02-28', 'night-0228', true);
    // The same result by another expression (DuckDB keeps the parsed macro, so a mere respelling
    // would be no change at all); no KPI file changes, so no definition version does.
    await Warehouse.with(t.warehouse, (w) => w.run('CREATE OR REPLACE MACRO ref.fte_units(x) AS (x * 1000000000000)::HUGEINT + 0'));
    expect(await reuseAndCheck(t, '2015-03-01')).toEqual(Object.fromEntries(REUSABLE.map((k) => [k, 0])));
    // And the night after, under the new macro, reuses again.
    expect(await reuseAndCheck(t, '2015-03-02')).toEqual(Object.fromEntries(REUSABLE.map((k) => [k, 24])));
  }, 120_000);

  /** Night 28 February, then a new file `to` (the sample's `from` less its last record: new bytes), then 1 March both ways. */
  async function afterNewFile(from: string, to: string): Promise<Record<string, number>> {
    const t = await sampleNight();
    await compute(t, '2015-02-28', 'night-0228', true);
    const lines = (await readFile(`${SAMPLE}/case-system/${from}`, 'utf8')).trimEnd().split('\n');
    await put(t, `case-system/${to}`, lines.slice(0, -1).join('\n') + '\n');
    await pullAndLoad(t, '2015-03-01');
    return reuseAndCheck(t, '2015-03-01');
  }

  it('a new extract of one list: that list’s KPIs compute again, the others reuse', async () => {
    const r = await afterNewFile('referrals_2015-02-28.csv', 'referrals_2015-03-01.csv');
    expect(r.re_referral_12m_pct).toBe(0);
    expect(r.avg_caseload).toBe(24);
    // cin_without_plan_6wk reads meta.files (the first extract each unknown status appeared in): a new file of any list counts.
    expect(r.cin_without_plan_6wk).toBe(0);
  }, 120_000);

  it('a late care leavers extract for an earlier month end: its point changes, so the care leavers KPIs compute again', async () => {
    // care_leavers_* read each point's own extract: until now 31 December 2014 had none (null);
    // with one dated that day it has a figure. A copied point would still be null.
    const r = await afterNewFile('care_leavers_2015-01-31.csv', 'care_leavers_2014-12-31.csv');
    expect(r.care_leavers_eet_pct).toBe(0);
    expect(r.care_leavers_suitable_accommodation_pct).toBe(0);
    expect(r.cla_3plus_placements_pct).toBe(24); // another list: its extract is unchanged
  }, 120_000);

  it('a late, older CIN extract: tonight’s extract is unchanged, but the KPI that reads every extract computes again', async () => {
    const r = await afterNewFile('children_in_need_2015-01-31.csv', 'children_in_need_2015-01-15.csv');
    expect(r.cin_without_plan_6wk).toBe(0);
    expect(r.avg_caseload).toBe(24); // it reads tonight's CIN extract only, which is still 28 February's
  }, 120_000);
});
