/**
 * Benchmarks through a whole night (pull → load → compute → detect → publish, real activities on a
 * real DuckDB file, no Temporal): metrics[].benchmark field by field against hand-computed figures,
 * `council_same_period` for a financial-year KPI and for the two 30-September KPIs, the year chosen
 * by the council's own data, old and new LA codes, a code in no file, and an edited map entry as a
 * definition_changed event. On the sample, the financial year's re-referral cohort is checked
 * against the sum of its twelve monthly cohorts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samePeriodFigure } from '../activities/benchmarks.js';
import { computeKpis } from '../activities/compute.js';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { loadFile } from '../activities/load-file.js';
import { migrate } from '../activities/migrate.js';
import { pullSources } from '../activities/pull.js';
import { Warehouse } from '../activities/warehouse.js';
import { projectPath } from '../core/project-root.js';
import type { MetricsFile } from '../core/metrics-contract.js';
import { benchmarkLanding, benchmarkOf, csv, EES_HEAD, eesRow, neighbourCsv, night, put, rows, type BenchmarkNight } from './helpers/benchmark-night.js';
import { csvOf } from './helpers/kpi-harness.js';

const AS_OF = '2015-06-30';
const LONDON: [string, string] = ['E12000007', 'London'];
const la = (old: string, name: string) => ({ region: LONDON, la: [old, `E09000${old}`, name] as [string, string, string] });

// Referrals (extract of 30 April 2015). The financial year 2014-15 is 1 April 2014 – 31 March 2015.
//   C1  10/01/2014, 01/05/2014   the second is a re-referral (previous 10/01/2014 is after 01/05/2013)
//   C2  15/06/2014               first referral
//   C3  01/03/2013, 02/04/2014   not a re-referral (01/03/2013 is not after 02/04/2013)
//   C4  01/12/2014, 31/03/2015   the second is a re-referral, on the year's last day
//   C5  01/04/2015               after the year
//   C6  31/03/2014               the day before the year
// In 2014-15: 01/05/2014 (re), 15/06/2014, 02/04/2014, 01/12/2014, 31/03/2015 (re): 2 of 5 = 40.0%.
const REFERRALS = csvOf(
  'referrals',
  [
    ['C1', '10/01/2014'],
    ['C1', '01/05/2014'],
    ['C2', '15/06/2014'],
    ['C3', '01/03/2013'],
    ['C3', '02/04/2014'],
    ['C4', '01/12/2014'],
    ['C4', '31/03/2015'],
    ['C5', '01/04/2015'],
    ['C6', '31/03/2014'],
  ].map(([child, date]) => ({ child_unique_id: child, date_of_referral: date })),
);

// Workforce (extract of 30 April 2015): the census date is 30 September 2014; turnover's 12 months
// are 1 October 2013 – 30 September 2014.
//   W1  employed 1.0  from 01/01/2012                  in post
//   W2  employed 0.5  01/06/2012 – 31/03/2014           an employed leaver in the 12 months
//   W3  agency   1.0  from 01/01/2013                  in post
//   W4  employed 1.0  from 15/10/2014                  not yet in post
//   W5  agency   0.5  01/01/2014 – 30/09/2014           ends on the census date: not in post
//   W6  employed 1.0  01/01/2013 – 30/09/2013           left the day before the 12 months
//   W7  employed 0.8  01/05/2013 – 31/01/2015           in post
// Agency rate at 30/09/2014: in post W1 1.0, W3 1.0 (agency), W7 0.8: 1.0 / 2.8 = 35.714…% → 35.7.
// Turnover: employed leavers W2 0.5 ÷ employed in post W1 1.0 + W7 0.8 = 1.8: 27.777…% → 27.8.
const w = (id: string, agency: 'Y' | 'N', fte: string, start: string, end = '') => ({ worker_id: id, org_role: '5', agency_worker: agency, fte, role_start_date: start, role_end_date: end });
const WORKFORCE = csvOf('workforce', [
  w('W1', 'N', '1.0', '01/01/2012'),
  w('W2', 'N', '0.5', '01/06/2012', '31/03/2014'),
  w('W3', 'Y', '1.0', '01/01/2013'),
  w('W4', 'N', '1.0', '15/10/2014'),
  w('W5', 'Y', '0.5', '01/01/2014', '30/09/2014'),
  w('W6', 'N', '1.0', '01/01/2013', '30/09/2013'),
  w('W7', 'N', '0.8', '01/05/2013', '31/01/2015'),
]);

/** The re-referral file: 2013-14 and 2014-15 (covered), 2015-16 (not over by as-of). Barnet is 302. */
const C1 = csv(
  [...EES_HEAD, 'rereferral_percent'],
  ['201314', '201415', '201516'].flatMap((y) => [
    eesRow(y, 'National', {}, [y === '201415' ? '35.2' : '30.0']),
    eesRow(y, 'Regional', { region: LONDON }, [y === '201415' ? '33.3' : '30.0']),
    eesRow(y, 'Local authority', la('302', 'Barnet'), [y === '201415' ? '38.5' : '31.0']),
    eesRow(y, 'Local authority', la('303', 'Bexley'), [y === '201415' ? 'x' : '32.0']),
    eesRow(y, 'Local authority', la('202', 'Camden'), ['30.0']),
    eesRow(y, 'Local authority', la('308', 'Enfield'), ['36.0']),
    eesRow(y, 'Local authority', la('310', 'Harrow'), ['41.0']),
  ]),
);

/** The workforce file: 2014 (covered) and 2015 (30 September 2015 is after as-of). */
const CSWW = csv(
  [...EES_HEAD, 'turnover_rate_fte', 'agency_rate_fte', 'caseload_fte'],
  ['2014', '2015'].flatMap((y) => [
    eesRow(y, 'National', {}, ['16.0', '15.4', '16.9']),
    eesRow(y, 'Regional', { region: LONDON }, ['17.5', '19.9', '15.2']),
    eesRow(y, 'Local authority', la('302', 'Barnet'), y === '2014' ? ['25.0', '35.0', '15.0'] : ['20.0', '30.0', '14.0']),
    eesRow(y, 'Local authority', la('303', 'Bexley'), ['14.0', '10.0', '18.0']),
    eesRow(y, 'Local authority', la('202', 'Camden'), ['16.0', '22.0', '16.0']),
  ]),
);

const SN = neighbourCsv([['302', 'Barnet', [['Bexley', 'Extremely Close'], ['202', 'Very Close'], ['E09000308', 'Close'], ['Harrow', 'Close']]]]);

let t: BenchmarkNight;
let first: MetricsFile;
let firstRun: string;

beforeAll(async () => {
  t = await benchmarkLanding();
  await put(t, 'case-system', { 'referrals_2015-04-30.csv': REFERRALS });
  await put(t, 'hr', { 'workforce_2015-04-30.csv': WORKFORCE });
  await put(t, 'benchmarks', { 'c1_children_in_need_referrals_and_rereferrals_2013_to_2016.csv': C1, 'csww_indicators_2014_to_2015.csv': CSWW, 'statistical_neighbours.csv': SN });
  const n = await night(t, AS_OF, { laCode: '302' });
  first = n.metrics;
  firstRun = n.runId;
});

describe('a night with benchmark files', () => {
  it('a financial-year KPI: the latest year our data covers, our own figure for it, England, London, the neighbours, rank and quartile', () => {
    const { benchmark, notes } = benchmarkOf(first, 're_referral_12m_pct');
    // 2015-16 is not over by 30 June 2015; 2014-15 is covered (extract 30/04/2015 ≥ 31/03/2015, first referral 01/03/2013 ≤ 01/04/2014).
    // Neighbours with a value: Camden 30.0, Enfield 36.0 (by new code), Harrow 41.0 → mean 107.0 / 3 = 35.67 → 35.7, median 36.0.
    // Ranked (lower is better): Camden 30.0, Enfield 36.0, Barnet 38.5, Harrow 41.0 → 3rd of 4 → 3 ≤ 3·4/4 → C.
    expect(benchmark).toEqual({
      file: 'c1_children_in_need_referrals_and_rereferrals_2013_to_2016.csv',
      time_period: '201415',
      period_start: '2014-04-01',
      period_end: '2015-03-31',
      council_published: 38.5,
      council_same_period: 40,
      england: 35.2,
      region: 33.3,
      region_name: 'London',
      statistical_neighbours: { mean: 35.7, median: 36, count: 3, missing: ['Bexley'] },
      rank: 3,
      of: 4,
      quartile: 'C',
      symbols: { council_published: null },
    });
    // 40.0 against 38.5: 1.5 percentage points apart, more than 1.
    expect(notes).toContain(
      'In 2014-15 our own figure by the same definition differs from the figure the Department for Education published for the council by more than 1 percentage point: the nightly figure and the statutory return disagree, which is the first thing an inspector will ask about. Check what was returned for that year against the case records.',
    );
  });

  it('the 30-September KPIs: the state at the census date, and the 12 months to it', () => {
    const agency = benchmarkOf(first, 'agency_rate_fte_pct');
    expect(agency.benchmark).toMatchObject({ time_period: '2014', period_start: '2014-09-30', period_end: '2014-09-30', council_published: 35, council_same_period: 35.7, england: 15.4, region: 19.9 });
    // 35.7 against 35.0: within 1 point, so no note.
    expect(agency.notes.filter((n) => n.includes('differs'))).toEqual([]);
    const turnover = benchmarkOf(first, 'turnover_rate_fte_pct');
    expect(turnover.benchmark).toMatchObject({ time_period: '2014', period_start: '2013-10-01', period_end: '2014-09-30', council_published: 25, council_same_period: 27.8 });
    expect(turnover.notes.some((n) => n.startsWith('In the 12 months to 30 September 2014 our own figure by the same definition differs'))).toBe(true);
    // Agency (lower is better): Bexley 10.0, Camden 22.0, Barnet 35.0 → 3rd of 3: 3 > 3·3/4 → D.
    // Neighbours: Bexley 10.0, Camden 22.0 → mean and median 16.0; Enfield and Harrow have no row in the
    // workforce file, and are named as the re-referral file names them (Enfield is coded in the model).
    expect([agency.benchmark?.rank, agency.benchmark?.of, agency.benchmark?.quartile]).toEqual([3, 3, 'D']);
    expect(agency.benchmark?.statistical_neighbours).toEqual({ mean: 16, median: 16, count: 2, missing: ['Enfield', 'Harrow'] });
  });

  it('a KPI whose lists do not cover any year: the latest year, without our own figure, saying so; a KPI with no file or no comparator: null, saying why', () => {
    const caseload = benchmarkOf(first, 'avg_caseload');
    expect(caseload.benchmark).toMatchObject({ time_period: '2015', council_published: 14, council_same_period: null });
    expect(caseload.notes).toContain('The council’s own data does not cover any year the benchmark files give, so the latest, 30 September 2015, is shown without our own figure for it.');
    const cp = benchmarkOf(first, 'cp_repeat_plan_pct');
    expect(cp.benchmark).toBeNull();
    expect(cp.notes).toContain('No benchmark: no file in the benchmarks folder gives CPP_subsequent_percent (Characteristics of children in need, d3_cpps_subsequent_plan_*.csv from Explore Education Statistics).');
    const plo = benchmarkOf(first, 'plo_avg_weeks');
    expect(plo.benchmark).toBeNull();
    expect(plo.notes).toContain('No published comparator: the Department for Education publishes no figure for this measure, so there is no England, regional or statistical neighbour comparison.');
  });

  it('the benchmark files are sources like the others: loaded and used', () => {
    const sources = first.data_quality.sources.filter((s) => s.source === 'benchmarks').map((s) => [s.file, s.status, s.used]);
    expect(sources).toEqual([
      ['c1_children_in_need_referrals_and_rereferrals_2013_to_2016.csv', 'loaded', true],
      ['csww_indicators_2014_to_2015.csv', 'loaded', true],
      ['statistical_neighbours.csv', 'loaded', true],
    ]);
  });

  it('the new LA code gives the same benchmarks as the old; a code in no file gives none, with the reason, and the night goes on', async () => {
    const byNew = (await night(t, AS_OF, { laCode: 'E09000302' })).metrics;
    for (const kpi of ['re_referral_12m_pct', 'agency_rate_fte_pct', 'turnover_rate_fte_pct', 'avg_caseload']) {
      expect(benchmarkOf(byNew, kpi).benchmark, kpi).toEqual(benchmarkOf(first, kpi).benchmark);
    }
    const unknown = (await night(t, AS_OF, { laCode: '999' })).metrics;
    const r = benchmarkOf(unknown, 're_referral_12m_pct');
    expect(r.benchmark).toBeNull();
    expect(r.notes).toContain(
      'No benchmark: LA code 999 (from CSC_KPI_LA_CODE) is not in c1_children_in_need_referrals_and_rereferrals_2013_to_2016.csv. Check the code: it must be the council’s old (3-digit) or new (E…) LA code as DfE gives it.',
    );
    // The council's own figures are published as ever.
    expect(unknown.metrics.find((m) => m.kpi === 're_referral_12m_pct')?.value).toEqual(first.metrics.find((m) => m.kpi === 're_referral_12m_pct')?.value);
    const unset = (await night(t, AS_OF)).metrics;
    expect(benchmarkOf(unset, 'avg_caseload').notes).toContain(
      'No benchmark: the council’s LA code is not set. Set CSC_KPI_LA_CODE, or la_code in config/council.json, to the council’s old (3-digit) or new (E…) code.',
    );
  });

  it('a quiet night copies each benchmark from the last night with the same inputs, and it is the same', async () => {
    // Two nights: the first night's shared-SQL hash was taken before the warehouse was ever reopened,
    // and DuckDB prints a stored macro a little differently (activities/kpi-reuse.ts), so the KPIs'
    // own points are not reused from it either; the second quiet night copies from the first.
    await night(t, '2015-07-01', { laCode: '302' });
    const quiet = await night(t, '2015-07-02', { laCode: '302' });
    const copied = await rows<{ kpi: string; reused_from_run: string | null }>(
      t,
      `SELECT kpi, reused_from_run FROM kpi.benchmarks WHERE run_id = $run AND benchmark_version IS NOT NULL ORDER BY kpi`,
      { run: quiet.runId },
    );
    // All five KPIs of the map: their SQL, extracts, benchmark files and council are as the night before.
    expect(copied.filter((r) => r.reused_from_run === null)).toEqual([]);
    expect(copied).toHaveLength(5);
    for (const kpi of ['re_referral_12m_pct', 'agency_rate_fte_pct', 'turnover_rate_fte_pct', 'avg_caseload', 'cp_repeat_plan_pct']) {
      expect(benchmarkOf(quiet.metrics, kpi).benchmark, kpi).toEqual(benchmarkOf(first, kpi).benchmark);
    }
    // The benchmarks' own notes too (the KPIs' notes, such as an extract's age, move with as-of).
    const notes = async (run: string) => rows(t, 'SELECT kpi, notes, files_used FROM kpi.benchmarks WHERE run_id = $run ORDER BY kpi', { run });
    expect(await notes(quiet.runId)).toEqual(await notes(firstRun));
  });

  it('an edit to one KPI’s map entry is a definition_changed event for that KPI’s benchmark only', async () => {
    const map = JSON.parse(await readFile(projectPath('config', 'benchmark-indicators.json'), 'utf8')) as { indicators: Record<string, { columns: { name: string; releases: string }[] }> };
    map.indicators.turnover_rate_fte_pct!.columns.push({ name: 'turnover_fte_percent', releases: 'a future release' });
    const mapPath = join(t.root, 'benchmark-indicators.json');
    await writeFile(mapPath, JSON.stringify(map));
    const edited = await night(t, AS_OF, { laCode: '302', mapPath });
    const benchmarkEvents = edited.metrics.baseline_events.filter((e) => e.evidence.benchmark === true);
    expect(benchmarkEvents.map((e) => [e.kpi, e.kind, e.effective_period])).toEqual([['turnover_rate_fte_pct', 'definition_changed', '2015-06']]);
    expect(edited.detected.newEvents).toEqual([{ kpi: 'turnover_rate_fte_pct', kind: 'definition_changed', effectivePeriod: '2015-06' }]);
    // The comparison itself is unchanged: the file has no column of the new name.
    expect(benchmarkOf(edited.metrics, 'turnover_rate_fte_pct').benchmark).toEqual(benchmarkOf(first, 'turnover_rate_fte_pct').benchmark);
  });
});

describe('the sample council (fixtures/sample/landing, LA 750)', () => {
  let w: Warehouse;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'csc-kpi-bench-sample-'));
    w = await Warehouse.open(join(root, 'w.duckdb'));
    await migrate(w);
    const found = await pullSources(w, { asOf: '2015-02-28', landing: projectPath('fixtures', 'sample', 'landing'), home: join(root, 'home') });
    for (const f of found.filter((x) => x.status === 'new')) await loadFile(w, f, 'sample');
    await computeKpis(w, { asOf: '2015-02-28', workflowId: 'wf', runId: 'sample', laCode: '750' });
  });
  afterAll(() => w?.close());

  it('a month KPI over the financial year counts exactly its twelve monthly cohorts', async () => {
    const d = (await readKpiCatalogue()).find((k) => k.meta.id === 're_referral_12m_pct')!;
    const fy = await samePeriodFigure(w, d, { start: '2013-04-01', end: '2014-03-31' }, '2015-02-28');
    const [months] = await w.rows<{ n: number; num: number; den: number }>(
      `SELECT count(*)::INTEGER AS n, sum(numerator)::INTEGER AS num, sum(denominator)::INTEGER AS den FROM kpi.values
       WHERE run_id = 'sample' AND kpi = 're_referral_12m_pct' AND period_end BETWEEN DATE '2013-04-30' AND DATE '2014-03-31'`,
    );
    expect(months!.n).toBe(12);
    expect([fy.numerator, fy.denominator]).toEqual([months!.num, months!.den]);
    const [b] = await w.rows<{ same: number }>(`SELECT (benchmark->>'council_same_period')::DOUBLE AS same FROM kpi.benchmarks WHERE run_id = 'sample' AND kpi = 're_referral_12m_pct'`);
    expect(b!.same).toBe(fy.value);
    expect(fy.value).toBe(Math.round((1000 * months!.num) / months!.den) / 10);
  });

  it('every indicator of the spec has its benchmark on the sample', async () => {
    const rows = await w.rows<{ kpi: string; time_period: string | null }>(`SELECT kpi, benchmark->>'time_period' AS time_period FROM kpi.benchmarks WHERE run_id = 'sample' AND benchmark IS NOT NULL ORDER BY kpi`);
    expect(rows).toEqual([
      { kpi: 'agency_rate_fte_pct', time_period: '2014' },
      { kpi: 'avg_caseload', time_period: '2014' },
      { kpi: 'cp_repeat_plan_pct', time_period: '201314' },
      { kpi: 're_referral_12m_pct', time_period: '201314' },
      { kpi: 'turnover_rate_fte_pct', time_period: '2014' },
    ]);
  });
});
