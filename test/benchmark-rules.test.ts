/**
 * The benchmark rules, pure (spec benchmarks.md; core/benchmark.ts, core/ees-cells.ts,
 * core/benchmark-indicators.ts, core/council-config.ts): EES cells and symbols, the indicator map,
 * the neighbours' mean and median, ranks with ties, quartiles at their boundaries, symbols in every
 * position, a council with no neighbours, old and new LA codes. Every expectation is worked by hand
 * in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import {
  benchmarkVersion,
  DEFAULT_BENCHMARK_INDICATORS,
  fileMatches,
  indicatorColumns,
  isTimePeriod,
  mapVersion,
  parseBenchmarkIndicators,
  periodOf,
} from '../core/benchmark-indicators.js';
import { benchmarkYearChanges, benchmarkYears, compare, differsBeyondTolerance, findCouncil, periodLabel, type BenchmarkValueRow, type NeighbourModel } from '../core/benchmark.js';
import { councilIdentity, parseCouncilConfig } from '../core/council-config.js';
import { headerInWords, readEesCell } from '../core/ees-cells.js';
import { readLaCodeEnv } from '../core/env-config.js';
import { quartileOf } from '../core/region-rollup.js';
import { readFileSync } from 'node:fs';
import { projectPath } from '../core/project-root.js';

let line = 1;
function row(level: 'National' | 'Regional' | 'Local authority', o: Partial<BenchmarkValueRow> & { cell: string }): BenchmarkValueRow {
  const c = readEesCell(o.cell);
  if ('problem' in c) throw new Error(`bad cell in test: ${o.cell}`);
  const { cell: _cell, ...rest } = o;
  return {
    file_sha256: 'sha-a',
    file_name: 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv',
    line: ++line,
    time_period: '201415',
    geographic_level: level,
    country_code: 'E92000001',
    country_name: 'England',
    region_code: null,
    region_name: null,
    old_la_code: null,
    new_la_code: null,
    la_name: null,
    value: c.value,
    symbol: c.symbol,
    ...rest,
  };
}
const london = { region_code: 'E12000007', region_name: 'London' };
const la = (old: string, name: string, cell: string, extra: Partial<BenchmarkValueRow> = {}) =>
  row('Local authority', { ...london, old_la_code: old, new_la_code: `E09000${old}`, la_name: name, cell, ...extra });

/** The spec's example: Barnet in London, its neighbours Bexley (no figure), Camden, Enfield, Harrow. */
function world(o: { council?: string; england?: string; region?: string; bexley?: string } = {}): BenchmarkValueRow[] {
  return [
    row('National', { cell: o.england ?? '24.0' }),
    row('Regional', { ...london, cell: o.region ?? '21.7' }),
    row('Regional', { region_code: 'E12000008', region_name: 'South East', cell: '19.0' }),
    la('302', 'Barnet', o.council ?? '23.1'),
    la('303', 'Bexley', o.bexley ?? 'x'),
    la('202', 'Camden', '20.0'),
    la('308', 'Enfield', '22.0'),
    la('310', 'Harrow', '25.5'),
  ];
}
const model = (refs: string[]): NeighbourModel => ({
  file: 'sn.csv',
  sha256: 'sha-sn',
  entries: [
    { code: '302', name: 'Barnet', neighbours: refs.map((ref, i) => ({ position: i + 1, ref, closeness: 'Very Close' })) },
    { code: '303', name: 'Bexley', neighbours: [] },
  ],
});
const year = (rows: BenchmarkValueRow[]) => benchmarkYears(rows, 'financial_year').years[0]!;
const barnet = { oldCode: '302', newCode: 'E09000302', name: 'Barnet' };

describe('EES cells and symbols', () => {
  it('reads numbers, every symbol (null with the symbol kept), and a u-flagged number (the number, flagged)', () => {
    expect(readEesCell('23.4')).toEqual({ value: 23.4, symbol: null });
    expect(readEesCell(' 7 ')).toEqual({ value: 7, symbol: null });
    expect(readEesCell('')).toEqual({ value: null, symbol: null });
    for (const s of ['c', 'x', 'z', 'low', 'k', 'u', ':', '~']) expect(readEesCell(s)).toEqual({ value: null, symbol: s });
    expect(readEesCell('LOW')).toEqual({ value: null, symbol: 'low' });
    expect(readEesCell('12.3 u')).toEqual({ value: 12.3, symbol: 'u' });
    expect(readEesCell('12.3u')).toEqual({ value: 12.3, symbol: 'u' });
    // Any other symbol with a number, or text, is neither: a reject, never a guess.
    for (const bad of ['5c', 'abc', '1,234', '23.4%']) expect(readEesCell(bad)).toHaveProperty('problem');
  });

  it('time periods: financial years 1 April – 31 March, census years 30 September, the year to 30 September', () => {
    expect(periodOf('financial_year', '201415')).toEqual({ start: '2014-04-01', end: '2015-03-31' });
    expect(periodOf('financial_year', '2014')).toBeNull();
    expect(periodOf('financial_year', '201416')).toBeNull();
    expect(periodOf('at_30_september', '2014')).toEqual({ start: '2014-09-30', end: '2014-09-30' });
    expect(periodOf('year_to_30_september', '2014')).toEqual({ start: '2013-10-01', end: '2014-09-30' });
    expect(isTimePeriod('199900')).toBe(true);
    expect(isTimePeriod('2014-15')).toBe(false);
    expect(periodLabel('2014-04-01', '2015-03-31')).toBe('2014-15');
    expect(periodLabel('2014-09-30', '2014-09-30')).toBe('30 September 2014');
    expect(periodLabel('2013-10-01', '2014-09-30')).toBe('the 12 months to 30 September 2014');
  });

  it('an ignored file’s header: column names named, anything that may be a row of data counted, not shown', () => {
    const said = headerInWords(['time_period', 'geographic_level', 'la_name', 'mystery_rate', 'C004733', '16/06/2005', 'Jane Smith']);
    expect(said).toBe('besides the standard EES columns, its header has "mystery_rate"; 3 other cells not shown (not column names)');
    expect(headerInWords(['C004733', '16/06/2005'])).toBe('its header has no column names we can show; 2 other cells not shown (not column names)');
  });
});

describe('the indicator map', () => {
  it('ships the spec’s five indicators, and config/benchmark-indicators.json says the same', () => {
    const shipped = parseBenchmarkIndicators(readFileSync(projectPath('config', 'benchmark-indicators.json'), 'utf8'));
    expect(shipped.errors).toEqual([]);
    expect(shipped.value).toEqual(DEFAULT_BENCHMARK_INDICATORS);
    expect(Object.keys(DEFAULT_BENCHMARK_INDICATORS.indicators).sort()).toEqual(['agency_rate_fte_pct', 'avg_caseload', 'cp_repeat_plan_pct', 're_referral_12m_pct', 'turnover_rate_fte_pct']);
  });

  it('matches a file by its pattern and the columns of any release; a renamed download by its columns alone', () => {
    const map = DEFAULT_BENCHMARK_INDICATORS;
    expect(fileMatches('csww_indicators_*.csv', 'CSWW_Indicators_2017_to_2024.csv')).toBe(true);
    expect(fileMatches('csww_indicators_*.csv', 'csww_indicators.csv.bak')).toBe(false);
    const csww = ['time_period', 'geographic_level', 'turnover_rate_fte_%', 'agency_rate_fte', 'caseload_fte', 'vacancy_rate_fte'];
    expect(indicatorColumns(map, 'csww_indicators_2013_to_2015.csv', csww)).toEqual([
      { kpi: 'turnover_rate_fte_pct', column: 'turnover_rate_fte_%', position: 2 },
      { kpi: 'agency_rate_fte_pct', column: 'agency_rate_fte', position: 3 },
      { kpi: 'avg_caseload', column: 'caseload_fte', position: 4 },
    ]);
    // Old and new spellings in one file: the current release's wins.
    expect(indicatorColumns(map, 'c1_children_in_need_referrals_and_rereferrals_x.csv', ['time_period', 'Re_referrals_percent', 'rereferral_percent'])).toEqual([
      { kpi: 're_referral_12m_pct', column: 'rereferral_percent', position: 2 },
    ]);
    // A file the d3 pattern names is read for the d3 indicator only.
    expect(indicatorColumns(map, 'd3_cpps_subsequent_plan_2013.csv', ['time_period', 'rereferral_percent'])).toEqual([]);
    expect(indicatorColumns(map, 'my download (1).csv', ['time_period', 'CPP_subsequent_percent'])).toEqual([{ kpi: 'cp_repeat_plan_pct', column: 'CPP_subsequent_percent', position: 1 }]);
  });

  it('an edit to one KPI’s entry changes that KPI’s benchmark version only', () => {
    const before = DEFAULT_BENCHMARK_INDICATORS;
    const after = structuredClone(before);
    after.indicators.turnover_rate_fte_pct!.columns.push({ name: 'turnover_fte_pct', releases: '2026' });
    for (const kpi of Object.keys(before.indicators)) {
      const same = benchmarkVersion(kpi, before.indicators[kpi]!) === benchmarkVersion(kpi, after.indicators[kpi]!);
      expect(same, kpi).toBe(kpi !== 'turnover_rate_fte_pct');
    }
    expect(mapVersion(before)).not.toBe(mapVersion(after));
  });

  it('refuses a map that would be ambiguous, saying where; an entry for a KPI the catalogue lacks is no error', () => {
    const map = structuredClone(DEFAULT_BENCHMARK_INDICATORS) as { version: number; indicators: Record<string, unknown> };
    (map.indicators.avg_caseload as { columns: { name: string; releases: string }[] }).columns.push({ name: 'Agency_Rate_FTE', releases: 'x' });
    map.indicators.no_such_kpi = { publication: 'p', file: '*.csv', columns: [{ name: 'y', releases: 'x' }], period: 'financial_year' };
    expect(parseBenchmarkIndicators(JSON.stringify(map)).errors).toEqual([
      'config/benchmark-indicators.json: indicators.avg_caseload: the column "Agency_Rate_FTE" is also an indicator of agency_rate_fte_pct; a column can serve one KPI only',
    ]);
    expect(parseBenchmarkIndicators('{"version": 1, "indicators": {"avg_caseload": {"file": "x"}}}').errors[0]).toMatch(/^config\/benchmark-indicators.json: indicators.avg_caseload/);
  });
});

describe('the council: CSC_KPI_LA_CODE or config/council.json, old or new codes', () => {
  it('the environment wins; an empty variable is unset; a malformed code is refused, naming the variable only', () => {
    const file = parseCouncilConfig('{"version": 1, "la_code": 302, "name": "Barnet"}').value!;
    expect(file).toEqual({ version: 1, la_code: '302', name: 'Barnet' });
    expect(councilIdentity(undefined, file)).toEqual({ laCode: '302', name: 'Barnet', from: 'config/council.json' });
    expect(councilIdentity('E09000003', file)).toEqual({ laCode: 'E09000003', name: null, from: 'CSC_KPI_LA_CODE' });
    expect(councilIdentity(undefined, { version: 1, la_code: null, name: null })).toBeNull();
    expect(readLaCodeEnv({ CSC_KPI_LA_CODE: '' })).toBeUndefined();
    expect(readLaCodeEnv({ CSC_KPI_LA_CODE: 'e09000003' })).toBe('E09000003');
    expect(() => readLaCodeEnv({ CSC_KPI_LA_CODE: 'Barnet' })).toThrow(/^Bad environment settings: CSC_KPI_LA_CODE: an LA code/);
    expect(parseCouncilConfig('{"la_code": "E09000003"}').value).toEqual({ version: 1, la_code: 'E09000003', name: null });
    expect(parseCouncilConfig('{"version": 1, "la_code": "30"}').errors).toEqual([
      'config/council.json: la_code: an LA code: 3 digits (old, e.g. "302") or E and 8 digits (new, e.g. "E09000003")',
    ]);
  });

  it('finds the council by its old or its new code, the same either way; a code in no file is null', () => {
    const rows = world();
    expect(findCouncil(rows, '302')).toEqual(barnet);
    expect(findCouncil(rows, 'E09000302')).toEqual(barnet);
    expect(findCouncil(rows, '999')).toBeNull();
    expect(findCouncil(rows, 'E09000999')).toBeNull();
  });
});

describe('the comparison', () => {
  it('the spec’s example: England, region, neighbours’ mean and median with one missing, rank and quartile', () => {
    const rows = world();
    const { comparison, notes } = compare({ year: year(rows), rows, council: barnet, configuredName: null, polarity: 'lower', neighbours: model(['Bexley', 'Camden', '308', 'E09000310']) });
    // Neighbours with a value: Camden 20.0, Enfield 22.0 (by old code), Harrow 25.5 (by new code); Bexley is x.
    // mean (20.0 + 22.0 + 25.5) / 3 = 67.5 / 3 = 22.5; median of 20.0, 22.0, 25.5 = 22.0.
    // Rank (lower is better) among the four LAs with a value — Camden 20.0, Enfield 22.0, Barnet 23.1, Harrow 25.5 —
    // is 3 of 4; quartile: 3 ≤ 4/4? no; 3 ≤ 4/2? no; 3 ≤ 3·4/4 = 3, yes → C.
    expect(comparison).toEqual({
      file: 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv',
      time_period: '201415',
      period_start: '2014-04-01',
      period_end: '2015-03-31',
      council_published: 23.1,
      england: 24.0,
      region: 21.7,
      region_name: 'London',
      statistical_neighbours: { mean: 22.5, median: 22.0, count: 3, missing: ['Bexley'] },
      rank: 3,
      of: 4,
      quartile: 'C',
      symbols: { council_published: null },
    });
    expect(notes).toEqual([]);
  });

  it('the median of an even count is the mean of the middle two, to 1 dp half away from zero', () => {
    const rows = world({ bexley: '21.25' });
    const { comparison } = compare({ year: year(rows), rows, council: barnet, configuredName: null, polarity: 'lower', neighbours: model(['Bexley', 'Camden', 'Enfield', 'Harrow']) });
    // 20.0, 21.25, 22.0, 25.5: mean 88.75 / 4 = 22.1875 → 22.2; median (21.25 + 22.0) / 2 = 21.625 → 21.6.
    expect(comparison.statistical_neighbours).toEqual({ mean: 22.2, median: 21.6, count: 4, missing: [] });
  });

  it('ranks with ties share the best rank (1, 2, 2, 4), for both polarities', () => {
    const rows = [row('National', { cell: '20' }), la('301', 'A', '10'), la('302', 'B', '20'), la('303', 'C', '20'), la('304', 'D', '30')];
    const rankOf = (old: string, polarity: 'lower' | 'higher') =>
      compare({ year: year(rows), rows, council: { oldCode: old, newCode: null, name: null }, configuredName: null, polarity, neighbours: null }).comparison.rank;
    // lower is better: 10 → 1, 20 and 20 → 2, 30 → 4. higher is better: 30 → 1, 20 and 20 → 2, 10 → 4.
    expect(['301', '302', '303', '304'].map((c) => rankOf(c, 'lower'))).toEqual([1, 2, 2, 4]);
    expect(['301', '302', '303', '304'].map((c) => rankOf(c, 'higher'))).toEqual([4, 2, 2, 1]);
  });

  it('quartiles at the boundaries: of = 150, 151 and 4', () => {
    // of 150: A ≤ 37.5, B ≤ 75, C ≤ 112.5. of 151: A ≤ 37.75, B ≤ 75.5, C ≤ 113.25. of 4: 1 A, 2 B, 3 C, 4 D.
    expect([37, 38, 75, 76, 112, 113].map((r) => quartileOf(r, 150))).toEqual(['A', 'B', 'B', 'C', 'C', 'D']);
    expect([37, 38, 75, 76, 113, 114].map((r) => quartileOf(r, 151))).toEqual(['A', 'B', 'B', 'C', 'C', 'D']);
    expect([1, 2, 3, 4].map((r) => quartileOf(r, 4))).toEqual(['A', 'B', 'C', 'D']);
    // And through a file of 150 authorities valued 1…150 (lower is better): the one valued 38 is 38th, B; 37 is A.
    const rows = Array.from({ length: 150 }, (_, i) => la(String(600 + i), `LA ${i}`, String(i + 1)));
    const of150 = (v: number) => compare({ year: year(rows), rows, council: { oldCode: String(600 + v - 1), newCode: null, name: null }, configuredName: null, polarity: 'lower', neighbours: null }).comparison;
    expect([of150(37), of150(38), of150(113)].map((c) => [c.rank, c.of, c.quartile])).toEqual([[37, 150, 'A'], [38, 150, 'B'], [113, 150, 'D']]);
  });

  it('symbols in every position: the council, England, the region, a neighbour and another authority', () => {
    const rows = [...world({ council: 'c', england: 'x', region: 'z', bexley: 'low' }), la('311', 'Hillingdon', 'k'), la('312', 'Hounslow', '19.5 u')];
    const { comparison, notes } = compare({ year: year(rows), rows, council: barnet, configuredName: null, polarity: 'lower', neighbours: model(['Bexley', 'Camden', 'Hounslow']) });
    // Values: none for Barnet (c), England (x), London (z), Bexley (low), Hillingdon (k); Hounslow 19.5 with its u flag counts.
    // Ranked: Hounslow 19.5, Camden 20.0, Enfield 22.0, Harrow 25.5 → of 4; Barnet unranked.
    // Neighbours with a value: Camden 20.0, Hounslow 19.5 → mean 19.75 → 19.8, median 19.8; Bexley missing.
    expect(comparison).toMatchObject({
      council_published: null,
      england: null,
      region: null,
      region_name: 'London',
      statistical_neighbours: { mean: 19.8, median: 19.8, count: 2, missing: ['Bexley'] },
      rank: null,
      of: 4,
      quartile: null,
      symbols: { council_published: 'c' },
    });
    // The spec's `symbols` has the council's own; England's and London's are said in words.
    expect(notes).toEqual([
      'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv gives England\'s figure in 2014-15 as “x” (not available), so it is not shown.',
      'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv gives London\'s figure in 2014-15 as “z” (not applicable), so it is not shown.',
    ]);
    const flagged = compare({ year: year(rows), rows, council: { oldCode: '312', newCode: null, name: null }, configuredName: null, polarity: 'lower', neighbours: null }).comparison;
    expect([flagged.council_published, flagged.symbols.council_published, flagged.rank]).toEqual([19.5, 'u', 1]);
  });

  it('a council with no neighbours (“-”), one not in the model, and no model at all: no neighbour figures, a note saying why', () => {
    const rows = world();
    const bexley = { oldCode: '303', newCode: 'E09000303', name: 'Bexley' };
    const none = compare({ year: year(rows), rows, council: bexley, configuredName: null, polarity: 'lower', neighbours: model([]) });
    expect(none.comparison.statistical_neighbours).toBeNull();
    expect(none.notes).toEqual(['The statistical neighbour file sn.csv gives Bexley no neighbours (“-”), so the neighbours are not compared.']);
    const camden = compare({ year: year(rows), rows, council: { oldCode: '202', newCode: null, name: 'Camden' }, configuredName: null, polarity: 'lower', neighbours: model([]) });
    expect(camden.notes).toEqual(['Camden is not in the statistical neighbour file sn.csv, so the neighbours are not compared.']);
    expect(compare({ year: year(rows), rows, council: barnet, configuredName: null, polarity: 'lower', neighbours: null }).notes[0]).toMatch(/^No statistical neighbour file is in the benchmarks folder/);
  });

  it('a year in two files comes from the file whose name sorts last; other years stay where they are', () => {
    const old = world().map((r) => ({ ...r, file_name: 'c1_children_in_need_referrals_and_rereferrals_2013_to_2015.csv', file_sha256: 'sha-old' }));
    const newer = world({ council: '30.0' }).map((r) => ({ ...r, line: r.line + 1000 }));
    const earlier = world().map((r) => ({ ...r, time_period: '201314', file_name: 'c1_children_in_need_referrals_and_rereferrals_2013_to_2015.csv', file_sha256: 'sha-old' }));
    const { years } = benchmarkYears([...old, ...newer, ...earlier], 'financial_year');
    expect(years.map((y) => [y.time_period, y.sha256])).toEqual([['201415', 'sha-a'], ['201314', 'sha-old']]);
    const rows = [...old, ...newer, ...earlier];
    expect(compare({ year: years[0]!, rows, council: barnet, configuredName: null, polarity: 'lower', neighbours: null }).comparison.council_published).toBe(30);
  });

  it('our own figure and the published one disagree beyond 1 percentage point, or 5% of the value', () => {
    // Percentages: 1.0 point apart is within; 1.1 is beyond (24.1 − 23.1 is 1.0000000000000014 in binary floating point).
    expect(differsBeyondTolerance(true, 23.1, 24.1)).toBe(false);
    expect(differsBeyondTolerance(true, 23.1, 24.2)).toBe(true);
    expect(differsBeyondTolerance(true, 23.1, 22.0)).toBe(true);
    // Others: 5% of 10.0 is 0.5: 10.5 is within, 10.6 beyond.
    expect(differsBeyondTolerance(false, 10.0, 10.5)).toBe(false);
    expect(differsBeyondTolerance(false, 10.0, 10.6)).toBe(true);
    expect(differsBeyondTolerance(false, 10.0, 9.4)).toBe(true);
  });

  it('a new benchmark year is a change between two snapshots', () => {
    const b = (start: string, end: string) => ({ period_start: start, period_end: end, file: 'c1.csv' });
    expect(
      benchmarkYearChanges(
        [{ kpi: 'a', benchmark: b('2013-04-01', '2014-03-31') }, { kpi: 'b', benchmark: b('2014-09-30', '2014-09-30') }, { kpi: 'c', benchmark: null }],
        [{ kpi: 'a', benchmark: b('2014-04-01', '2015-03-31') }, { kpi: 'b', benchmark: b('2014-09-30', '2014-09-30') }, { kpi: 'c' }],
      ),
    ).toEqual([{ kpi: 'a', before: '2013-14', after: '2014-15', file: 'c1.csv' }]);
  });
});
