/**
 * Golden tests for the KPIs read from Annex A lists 5, 8 and 9 (kpis.md v2, "From the other
 * Annex A lists"): icpc_within_15wd_pct, cla_3plus_placements_pct, care_leavers_eet_pct,
 * care_leavers_suitable_accommodation_pct. Each fixture is a handful of rows with the arithmetic
 * beside it and the boundary on both sides.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { usedFiles } from '../activities/build-metrics.js';
import { computeKpis } from '../activities/compute.js';
import { Warehouse } from '../activities/warehouse.js';
import { contractFor } from '../core/contracts/lists.js';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { sourceAges } from '../activities/source-freshness.js';
import { DEFAULT_FRESHNESS, staleNote } from '../core/freshness.js';
import { pointExtractLists } from '../core/kpi-reuse.js';
import { baselineNight, night, putFiles } from './helpers/baseline-night.js';
import { csvOf, expectDrillMatches, runKpis, type KpiRun } from './helpers/kpi-harness.js';
import { pullAndLoad, put, tempNight } from './helpers/landing.js';

type Mapping = { column: string; from: string; to: string };

async function withRun(files: Record<string, string>, asOf: string, fn: (run: KpiRun) => Promise<void>, mappings?: Mapping[]) {
  const run = await runKpis(files, asOf, { mappings });
  try {
    expect(await run.rejects()).toEqual([]);
    await fn(run);
  } finally {
    await run.close();
  }
}

describe('icpc_within_15wd_pct', () => {
  // Working days = days after the strategy discussion up to and including the conference, not
  // Sat/Sun/bank holiday; within means ≤ 15.
  // Christmas 2014: strategy Fri 2014-12-19 → 22–24 Dec (3), 29–31 Dec (6), Fri 2 Jan (7; 25, 26 Dec
  //   and 1 Jan excluded), 5–9 Jan (12), 12–14 Jan (15) → Wed 2015-01-14 is the 15th, Thu 15 Jan the 16th.
  // February 2015: strategy Mon 2015-02-02 → 3–6 Feb (4), 9–13 (9), 16–20 (14), Mon 23 Feb (15), Tue 24 the 16th.
  //   S1 2014-12-19 → 2015-01-14 (15, in)    S2 2014-12-19 → 2015-01-15 (16, out)
  //   S3 2015-02-02 → 2015-02-23 (15, in)    S4 2015-02-02 → 2015-02-24 (16, out)
  //   S5 2015-02-10 → 2015-02-10 (same day, 0, in)
  //   S6 conference 2015-02-20, strategy blank → left out, counted in the notes
  //   S7 strategy 2015-02-25, conference deemed unnecessary, none held → in no cohort
  //   S8 strategy 2015-01-20, conference 2015-03-02 (after the extract date: not yet held as of February)
  // February: S3, S5 of S3, S4, S5 → 2 / 3 = 66.666… → 66.7%. January: S1 of S1, S2 → 1 / 2 = 50.0%.
  // December 2014: none held → null.
  const s = (child: string, strategy: string, icpc: string, o: { unnecessary?: string; plan?: string } = {}) => ({
    child_unique_id: child,
    strategy_discussion_initiating_section_47_enquiry_start_date: strategy,
    was_an_initial_child_protection_conference_deemed_unnecessary: o.unnecessary ?? 'b) No',
    date_of_initial_child_protection_conference: icpc,
    did_the_initial_child_protection_conference_result_in_a_child_protection_plan: icpc === '' ? '' : (o.plan ?? 'a) Yes'),
  });
  const files = {
    'case-system/section_47_2015-02-28.csv': csvOf('section_47', [
      s('S1', '19/12/2014', '14/01/2015'),
      s('S2', '19/12/2014', '15/01/2015', { plan: 'b) No' }),
      s('S3', '2015-02-02', '2015-02-23'),
      s('S4', '2015-02-02', '2015-02-24'),
      s('S5', '10/02/2015', '10/02/2015'),
      s('S6', '', '20/02/2015'),
      s('S7', '25/02/2015', '', { unnecessary: 'a) Yes' }),
      s('S8', '20/01/2015', '02/03/2015'),
    ]),
  };

  it('counts 15 working days in and 16 out across Christmas; rows without a strategy discussion are noted', async () => {
    await withRun(files, '2015-02-28', async (run) => {
      expect(await run.point('icpc_within_15wd_pct')).toMatchObject({
        period_start: '2015-02-01',
        value: 66.7,
        numerator: 2,
        denominator: 3,
        null_reason: null,
        notes: ['1 conference(s) held in the month have a blank Strategy discussion initiating Section 47 Enquiry Start Date and are left out.'],
      });
      expect(await run.point('icpc_within_15wd_pct', '2015-01-31')).toMatchObject({ value: 50, numerator: 1, denominator: 2, notes: [] });
      const dec = await run.point('icpc_within_15wd_pct', '2014-12-31');
      expect(dec).toMatchObject({ value: null, numerator: 0, denominator: 0 });
      expect(dec.null_reason).toBe('No initial child protection conferences were held in the month, so there is no rate to report.');
      const drill = await run.drill<{ child_unique_id: string; working_days: number; in_numerator: boolean }>('icpc_within_15wd_pct');
      expect(drill.map((d) => [d.child_unique_id, Number(d.working_days), d.in_numerator])).toEqual([
        ['S5', 0, true],
        ['S3', 15, true],
        ['S4', 16, false],
      ]);
      await expectDrillMatches(run, 'icpc_within_15wd_pct');
      // The Annex A flags arrive as coded values (`a) Yes`, `b) No`) and load as Y/N.
      expect(await run.rows("SELECT child_unique_id, was_an_initial_child_protection_conference_deemed_unnecessary AS unnecessary FROM core.section_47 WHERE child_unique_id IN ('S1', 'S7') ORDER BY 1")).toEqual([
        { child_unique_id: 'S1', unnecessary: false },
        { child_unique_id: 'S7', unnecessary: true },
      ]);
    });
  });

  it('a conference after the as-of date has not been held yet; mid-month the month to date counts it once it has', async () => {
    // As of 2015-03-03 the same extract: March to date holds S8 (2015-01-20 → 2015-03-02, 29 working
    // days, out) → 0 / 1 = 0.0%, a real 0. February is unchanged.
    await withRun(files, '2015-03-03', async (run) => {
      expect(await run.point('icpc_within_15wd_pct')).toMatchObject({ period_start: '2015-03-01', value: 0, numerator: 0, denominator: 1 });
      expect(await run.point('icpc_within_15wd_pct', '2015-02-28')).toMatchObject({ value: 66.7, numerator: 2, denominator: 3 });
    });
  });
});

describe('cla_3plus_placements_pct', () => {
  // As of 2015-02-28 (count as recorded in that extract, for every point).
  //   L1 started 2014-01-01, open, 3 placements                → looked after, 3 or more (3 counts)
  //   L2 started 2014-06-01, open, 2                           → looked after, not (2 does not)
  //   L3 started 2015-02-28 (on E), 1                          → looked after at E (started on E)
  //   L4 started 2013-03-15, ceased 2015-02-28 (on E), 4       → not looked after at E; is at 31 January
  //   L5 started 2014-03-01, ceased 2015-03-05 (after the extract date: not yet), 5 → looked after, 3 or more
  //   L6 one period 2013-05-01 – 2014-05-01 with 4, and one open from 2014-09-01 with the count blank
  //                                                            → at E only the open row: blank, left out
  //   L7 two open rows, counts 1 and 3                         → one child, the highest count 3: 3 or more
  //   L8 started 2014-02-01, open, count blank                 → left out, noted
  // At 2015-02-28: L1, L2, L3, L5, L7 recorded (L6, L8 blank) → 3 (L1, L5, L7) / 5 = 60.0%.
  // At 2015-01-31: L1, L2, L4, L5, L7 recorded (L3 not yet, L6, L8 blank) → 4 / 5 = 80.0%.
  // At 2014-04-30: L1, L4, L5, L6 (its first period, 4) recorded, L8 blank → 4 / 4 = 100.0%.
  // At 2013-02-28: nobody looked after yet → null.
  const c = (child: string, started: string, placements: string, ceased = '') => ({
    child_unique_id: child,
    date_started_to_be_looked_after: started,
    date_ceased_to_be_looked_after: ceased,
    number_of_placements_in_the_last_12_months: placements,
  });
  const files = {
    'case-system/children_looked_after_2015-02-28.csv': csvOf('children_looked_after', [
      c('L1', '01/01/2014', '3'),
      c('L2', '01/06/2014', '2'),
      c('L3', '28/02/2015', '1'),
      c('L4', '15/03/2013', '4', '28/02/2015'),
      c('L5', '01/03/2014', '5', '05/03/2015'),
      c('L6', '01/05/2013', '4', '01/05/2014'),
      c('L6', '01/09/2014', ''),
      c('L7', '01/07/2014', '1'),
      c('L7', '01/07/2014', '3'),
      c('L8', '01/02/2014', ''),
    ]),
  };

  it('counts distinct children looked after at E with 3 or more placements (3 in, 2 out; started on E in, ceased on E out)', async () => {
    await withRun(files, '2015-02-28', async (run) => {
      expect(await run.point('cla_3plus_placements_pct')).toMatchObject({
        period_start: '2015-02-28',
        value: 60,
        numerator: 3,
        denominator: 5,
        null_reason: null,
        notes: ['2 child(ren) looked after on that date have Number of Placements in the Last 12 months blank and are left out.'],
      });
      expect(await run.point('cla_3plus_placements_pct', '2015-01-31')).toMatchObject({ value: 80, numerator: 4, denominator: 5 });
      expect(await run.point('cla_3plus_placements_pct', '2014-04-30')).toMatchObject({ value: 100, numerator: 4, denominator: 4 });
      const first = await run.point('cla_3plus_placements_pct', '2013-02-28');
      expect(first).toMatchObject({ value: null, numerator: 0, denominator: 0, null_reason: 'No child was looked after on that date, so there is no rate to report.' });
      const drill = await run.drill<{ child_unique_id: string; in_numerator: boolean }>('cla_3plus_placements_pct');
      expect(drill.map((d) => [d.child_unique_id, d.in_numerator])).toEqual([
        ['L1', true],
        ['L2', false],
        ['L3', false],
        ['L5', true],
        ['L7', true],
      ]);
      await expectDrillMatches(run, 'cla_3plus_placements_pct');
    });
  });
});

describe('care_leavers_*: each point reads the newest extract on or before its own date', () => {
  // Two extracts, as of 2015-02-28. The point 2015-01-31 reads January's (dated on that day); the
  // point 2015-02-28 reads February's; 2014-12-31 and earlier have no extract on or before them.
  //   January: J1 `F2: Full time in education other than higher`, Suitable
  //            J2 `G6: Not in education, employment or training - pregnancy or parenting`, Unsuitable
  //   → EET 1 / 2 = 50.0%; suitable 1 / 2 = 50.0%.
  //   February:
  //     K1 `F1: Full time in higher education`                 `a) Suitable`   EET, suitable
  //     K2 `f) F5: Young person engaged full time in …`        `Suitable`      EET (lettered prefix stripped first), suitable
  //     K3 `P2: Part time in education other than higher`      `b) Unsuitable` not EET (P), not suitable
  //     K4 `g) G5: Not in education, employment or training …` `SUITABLE`      not EET (`g) ` stripped: G5), suitable
  //     K5 `f1: full time in higher education`                 `Not known`     EET (case-insensitive), not suitable (noted)
  //     K6 blank                                                blank           left out of both, noted
  //   → EET 3 (K1, K2, K5) / 5 = 60.0%; suitable 3 (K1, K2, K4) / 5 = 60.0%.
  const leaver = (child: string, activity: string, suitability: string) => ({ child_unique_id: child, activity_status: activity, suitability_of_accommodation: suitability });
  const files = {
    'case-system/care_leavers_2015-01-31.csv': csvOf('care_leavers', [
      leaver('J1', 'F2: Full time in education other than higher', 'Suitable'),
      leaver('J2', 'G6: Not in education, employment or training - pregnancy or parenting', 'Unsuitable'),
    ]),
    'case-system/care_leavers_2015-02-28.csv': csvOf('care_leavers', [
      leaver('K1', 'F1: Full time in higher education', 'a) Suitable'),
      leaver('K2', 'f) F5: Young person engaged full time in training or employment (not apprenticeship)', 'Suitable'),
      leaver('K3', 'P2: Part time in education other than higher', 'b) Unsuitable'),
      leaver('K4', 'g) G5: Not in education, employment or training - other', 'SUITABLE'),
      leaver('K5', 'f1: full time in higher education', 'Not known'),
      leaver('K6', '', ''),
    ]),
  };
  const missing = (date: string) =>
    `No care leavers extract dated on or before ${date} has been loaded (each date reads the newest care leavers extract on or before it): it is missing data, not a zero, so there is no rate to report.`;

  it('care_leavers_eet_pct: codes starting with F after the lettered prefix; no extract yet → null with that reason', async () => {
    await withRun(files, '2015-02-28', async (run) => {
      expect(await run.point('care_leavers_eet_pct')).toMatchObject({
        period_start: '2015-02-28',
        value: 60,
        numerator: 3,
        denominator: 5,
        notes: ['1 care leaver(s) in the extract have a blank Activity Status and are left out.'],
      });
      expect(await run.point('care_leavers_eet_pct', '2015-01-31')).toMatchObject({ value: 50, numerator: 1, denominator: 2, notes: [] });
      expect(await run.point('care_leavers_eet_pct', '2014-12-31')).toMatchObject({
        value: null,
        numerator: null,
        denominator: null,
        null_reason: missing('31 December 2014'),
      });
      const drill = await run.drill<{ child_unique_id: string; in_numerator: boolean }>('care_leavers_eet_pct');
      expect(drill.map((d) => [d.child_unique_id, d.in_numerator])).toEqual([
        ['K1', true],
        ['K2', true],
        ['K3', false],
        ['K4', false],
        ['K5', true],
      ]);
      await expectDrillMatches(run, 'care_leavers_eet_pct');
    });
  });

  it('care_leavers_suitable_accommodation_pct: Suitable with or without its prefix, other values noted, a mapping counts them', async () => {
    await withRun(files, '2015-02-28', async (run) => {
      expect(await run.point('care_leavers_suitable_accommodation_pct')).toMatchObject({
        value: 60,
        numerator: 3,
        denominator: 5,
        notes: [
          '1 care leaver(s) in the extract have a blank Suitability of Accommodation and are left out.',
          '1 care leaver(s) have a Suitability of Accommodation that is neither Suitable nor Unsuitable ("Not known" 1); they count as not recorded as Suitable. If one means Suitable or Unsuitable, map it in config/code-mappings.json (column suitability_of_accommodation).',
        ],
      });
      expect(await run.point('care_leavers_suitable_accommodation_pct', '2015-01-31')).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
      expect(await run.point('care_leavers_suitable_accommodation_pct', '2014-12-31')).toMatchObject({ value: null, denominator: null, null_reason: missing('31 December 2014') });
      await expectDrillMatches(run, 'care_leavers_suitable_accommodation_pct');
    });
    // Mapped to Suitable: K5 counts → 4 / 5 = 80.0%, and the note on other values goes.
    await withRun(
      files,
      '2015-02-28',
      async (run) => {
        const p = await run.point('care_leavers_suitable_accommodation_pct');
        expect(p).toMatchObject({ value: 80, numerator: 4, denominator: 5 });
        expect(p.notes).toEqual(['1 care leaver(s) in the extract have a blank Suitability of Accommodation and are left out.']);
      },
      [{ column: 'suitability_of_accommodation', from: 'not KNOWN', to: 'suitable' }],
    );
  });

  it('both extracts feed the figures, so both are used (data_quality.sources, the manifest)', async () => {
    const defs = await readKpiCatalogue();
    expect(defs.filter((d) => pointExtractLists(d).length > 0).map((d) => [d.meta.id, pointExtractLists(d)])).toEqual([
      ['care_leavers_eet_pct', ['care_leavers']],
      ['care_leavers_suitable_accommodation_pct', ['care_leavers']],
    ]);
    await withRun(files, '2015-02-28', async (run) => {
      const sha = async (name: string) => (await run.rows<{ sha256: string }>('SELECT sha256 FROM meta.files WHERE file_name = $n', { n: name }))[0]!.sha256;
      const [jan, feb] = [await sha('care_leavers_2015-01-31.csv'), await sha('care_leavers_2015-02-28.csv')];
      const used = await usedFiles(run.warehouse, '2015-02-28', ['care_leavers']);
      expect([used.has(jan), used.has(feb)]).toEqual([true, true]);
      // Without the per-point reading only tonight's extract would count.
      const tonightOnly = await usedFiles(run.warehouse, '2015-02-28');
      expect([tonightOnly.has(jan), tonightOnly.has(feb)]).toEqual([false, true]);
    });
  });

  it('an extract from sheet List 9 of an Annex A workbook is read at its point like the CSV, and used', async () => {
    // January's care leavers come as the workbook's sheet, February's as the CSV: 31 January reads
    // the sheet (J1 F2 of J1, J2 → 1 / 2 = 50.0%), not "no care leavers extract" (meta.extracts).
    const t = await tempNight();
    const wb = new ExcelJS.Workbook();
    const headers = Object.keys(contractFor('care_leavers').columns);
    const sheet = wb.addWorksheet('List 9');
    sheet.addRow(headers);
    for (const [child, activity, suitability] of [
      ['J1', 'F2: Full time in education other than higher', 'Suitable'],
      ['J2', 'G6: Not in education, employment or training - pregnancy or parenting', 'Unsuitable'],
    ]) {
      sheet.addRow(headers.map((h) => ({ 'Child Unique ID': child, 'Activity Status': activity, 'Suitability of Accommodation': suitability })[h] ?? null));
    }
    await put(t, 'case-system/annex_a_2015-01-31.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    await put(t, 'case-system/care_leavers_2015-02-28.csv', files['case-system/care_leavers_2015-02-28.csv']);
    await pullAndLoad(t, '2015-02-28');
    const mappingsPath = join(t.root, 'code-mappings.json');
    await writeFile(mappingsPath, JSON.stringify({ version: 1, mappings: [] }));
    await Warehouse.with(t.warehouse, async (w) => {
      await computeKpis(w, { asOf: '2015-02-28', workflowId: 'sheet', runId: 'sheet-run', mappingsPath });
      const point = async (end: string) =>
        (await w.rows<{ value: number | null; numerator: number | null; denominator: number | null; null_reason: string | null }>(
          "SELECT value, numerator, denominator, null_reason FROM kpi.values WHERE run_id = 'sheet-run' AND kpi = 'care_leavers_eet_pct' AND period_end = $end::DATE",
          { end },
        ))[0];
      expect(await point('2015-01-31')).toEqual({ value: 50, numerator: 1, denominator: 2, null_reason: null });
      expect(await point('2015-02-28')).toMatchObject({ value: 60, numerator: 3, denominator: 5 });
      expect((await point('2014-12-31'))?.null_reason).toBe(missing('31 December 2014'));
      const [workbook] = await w.rows<{ sha256: string }>("SELECT sha256 FROM meta.files WHERE list = 'annex_a'");
      expect((await usedFiles(w, '2015-02-28', ['care_leavers'])).has(workbook!.sha256)).toBe(true);
    });
  });

  it('freshness: the lists are case-system lists, stale after 7 days (7 days old is fresh, 8 is stale)', async () => {
    await withRun(files, '2015-02-28', async (run) => {
      const age = async (asOf: string) => (await sourceAges(run.warehouse, asOf, DEFAULT_FRESHNESS)).get('case-system/care_leavers')!;
      expect(await age('2015-03-07')).toMatchObject({ kind: 'case-system', date: '2015-02-28', ageDays: 7, maxAgeDays: 7, stale: false });
      const eight = await age('2015-03-08');
      expect(eight).toMatchObject({ ageDays: 8, stale: true });
      expect(staleNote(eight)).toBe(
        'Stale data: the care leavers extract is from 28 February 2015, 8 days old (case-system lists are stale after 7 days). The figure is shown as computed from it.',
      );
    });
  });

  it('before February’s extract, every point up to as-of reads January’s (the exception is per point, not per night)', async () => {
    // As of 2015-02-27, with only January's extract: the points 2015-01-31 and 2015-02-27 both read it.
    await withRun({ 'case-system/care_leavers_2015-01-31.csv': files['case-system/care_leavers_2015-01-31.csv'] }, '2015-02-27', async (run) => {
      expect(await run.point('care_leavers_eet_pct')).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
      expect(await run.point('care_leavers_eet_pct', '2015-01-31')).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
      expect(await run.point('care_leavers_eet_pct', '2014-12-31')).toMatchObject({ value: null, null_reason: missing('31 December 2014') });
    });
  });

  it('a Suitability of Accommodation never seen before is a source_codes_changed event; the figure is still published', async () => {
    // January's extract holds Suitable and Unsuitable (with and without prefixes); February's adds `Not known`.
    const t = await baselineNight(['care_leavers_suitable_accommodation_pct']);
    await putFiles(t, 'case-system', Object.fromEntries(Object.entries(files).map(([rel, text]) => [rel.replace('case-system/', ''), text])));
    const { metrics } = await night(t, '2015-02-28');
    const events = metrics.baseline_events.filter((e) => e.kind === 'source_codes_changed');
    expect(events.map((e) => [e.kpi, e.effective_period, e.evidence.column, e.evidence.new_codes])).toEqual([
      ['care_leavers_suitable_accommodation_pct', '2015-02', 'suitability_of_accommodation', ['Not known']],
    ]);
    expect(metrics.metrics.find((r) => r.kpi === 'care_leavers_suitable_accommodation_pct')).toMatchObject({ value: 60, numerator: 3, denominator: 5 });
  }, 60_000);
});
