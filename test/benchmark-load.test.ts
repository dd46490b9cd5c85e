/**
 * `<landing>/benchmarks/` as a source (activities/load-benchmark.ts, activities/load-neighbours.ts):
 * EES files into core.benchmark_values with symbols in every position and rows rejected by line and
 * column; a file of no known layout ignored with its header named; the neighbour model from the wide
 * CSV (named, coded, `-`) and from DfE's workbook; what a later night reads again. Real DuckDB.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../activities/load-file.js';
import { migrate } from '../activities/migrate.js';
import { formatValidation, validateLanding } from '../activities/validate.js';
import { pullSources } from '../activities/pull.js';
import { Warehouse } from '../activities/warehouse.js';
import { DEFAULT_BENCHMARK_INDICATORS, mapVersion } from '../core/benchmark-indicators.js';
import { benchmarkLanding, csv, EES_HEAD, eesRow, neighbourCsv, put, type BenchmarkNight } from './helpers/benchmark-night.js';

const LONDON: [string, string] = ['E12000007', 'London'];
const la = (old: string, name: string): { region: [string, string]; la: [string, string, string] } => ({ region: LONDON, la: [old, `E09000${old}`, name] });

/** The re-referral file: a symbol in the first data row, every symbol somewhere, and five bad rows. */
const C1 = csv(
  [...EES_HEAD, 'rereferral_percent', 'referrals'],
  [
    eesRow('201415', 'National', {}, ['c', '100']), // line 2: the first row, a symbol
    eesRow('201415', 'Regional', { region: LONDON }, ['21.7', '5']),
    eesRow('201415', 'Local authority', la('302', 'Barnet'), ['23.1', '5']),
    eesRow('201415', 'Local authority', la('303', 'Bexley'), ['x', '5']), // line 5
    eesRow('201415', 'Local authority', la('304', 'Brent'), ['low', '5']),
    eesRow('201415', 'Local authority', la('305', 'Bromley'), ['K', '5']),
    eesRow('201415', 'Local authority', la('306', 'Camden'), ['u', '5']),
    eesRow('201415', 'Local authority', la('307', 'Croydon'), [':', '5']),
    eesRow('201415', 'Local authority', la('308', 'Ealing'), ['~', '5']), // line 10
    eesRow('201415', 'Local authority', la('309', 'Enfield'), ['12.3 u', '5']),
    eesRow('2014-15', 'Local authority', la('310', 'Hackney'), ['20.0', '5']), // line 12: time_period unreadable
    eesRow('201415', 'Local authority', { region: LONDON, la: ['', '', 'Nowhere'] }, ['20.0', '5']), // no LA code
    eesRow('201415', 'Local authority', la('311', 'Harrow'), ['twenty', '5']), // not a number or a symbol
    [...eesRow('201415', 'Local authority', la('312', 'Havering'), ['20.0', '5']), 'extra'], // line 15: a field too many
    ['201415', 'Financial year', '', 'E92000001', 'England', '', '', '', '', '', '20.0', '5'], // level blank
    eesRow('201415', 'Local authority', la('313', 'Hillingdon'), ['z', '5']), // line 17: the last row, a symbol
  ],
);

/** The workforce file: the older turnover name, indicators first, in the middle and last, symbols among them. */
const CSWW = csv(
  [...EES_HEAD.slice(0, 3), 'turnover_rate_fte_%', ...EES_HEAD.slice(3), 'agency_rate_fte', 'vacancy_rate_fte', 'caseload_fte'],
  [
    ['2014', 'Reporting year', 'Local authority', 'c', 'E92000001', 'England', ...LONDON, '302', 'E09000302', 'Barnet', '21.0', '9', 'x'],
    ['2014', 'Reporting year', 'National', '15.9', 'E92000001', 'England', '', '', '', '', '', '16.2', 'x', '16.4'],
  ],
);

let t: BenchmarkNight;
let w: Warehouse;
const map = DEFAULT_BENCHMARK_INDICATORS;

async function pullAndLoad(version = mapVersion(map)) {
  const found = await pullSources(w, { asOf: '2016-06-30', landing: t.landing, home: t.home }, { benchmarkMapVersion: version });
  const loads = new Map<string, Awaited<ReturnType<typeof loadFile>>>();
  for (const f of found.filter((x) => x.status === 'new')) loads.set(f.name, await loadFile(w, f, 'run', { benchmarkIndicators: map }));
  return { found, loads };
}

beforeAll(async () => {
  t = await benchmarkLanding();
  w = await Warehouse.open(t.warehouse);
  await migrate(w);
});
afterAll(() => w?.close());

describe('EES open-data files', () => {
  it('loads every indicator cell in long format, symbols kept beside a null value, in every position', async () => {
    await put(t, 'benchmarks', { 'c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv': C1, 'csww_indicators_2014.csv': CSWW });
    const { loads } = await pullAndLoad();
    // 16 data rows: 5 rejected (lines 12–16), 11 loaded.
    expect(loads.get('c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv')).toMatchObject({ status: 'loaded', rowsRead: 16, rowsLoaded: 11, rowsRejected: 5 });
    const cells = await w.rows<{ line: string; la_name: string | null; cell: string | null; value: number | null; symbol: string | null; indicator: string }>(
      `SELECT line, la_name, cell, value, symbol, indicator FROM core.benchmark_values WHERE kpi = 're_referral_12m_pct' ORDER BY line`,
    );
    expect(cells.map((c) => [Number(c.line), c.la_name, c.value, c.symbol])).toEqual([
      [2, null, null, 'c'],
      [3, null, 21.7, null],
      [4, 'Barnet', 23.1, null],
      [5, 'Bexley', null, 'x'],
      [6, 'Brent', null, 'low'],
      [7, 'Bromley', null, 'k'],
      [8, 'Camden', null, 'u'],
      [9, 'Croydon', null, ':'],
      [10, 'Ealing', null, '~'],
      [11, 'Enfield', 12.3, 'u'],
      [17, 'Hillingdon', null, 'z'],
    ]);
    expect(new Set(cells.map((c) => c.indicator))).toEqual(new Set(['rereferral_percent']));
    const rejects = await w.rows<{ line: string; column_name: string | null; raw_value: string | null; reason: string }>(
      `SELECT line, column_name, raw_value, reason FROM meta.rejects WHERE file_name LIKE 'c1_%' ORDER BY line`,
    );
    expect(rejects.map((r) => [Number(r.line), r.column_name, r.raw_value, r.reason])).toEqual([
      [12, 'time_period', '2014-15', 'time_period is not a year (2014) or a financial year (201415)'],
      [13, 'old_la_code', null, 'a Local authority row needs an LA code: old_la_code (3 digits) or new_la_code (e.g. E09000003)'],
      [14, 'rereferral_percent', 'twenty', 'rereferral_percent is not a number or an EES symbol (c, x, z, low, k, u, :, ~)'],
      [15, null, null, 'the line has more fields than the header: look for an unquoted comma in a value'],
      [16, 'geographic_level', null, 'geographic_level is blank (expected National, Regional or Local authority)'],
    ]);
  });

  it('reads an older release’s column names, and indicators wherever they sit in the header', async () => {
    const cells = await w.rows<{ kpi: string; indicator: string; geographic_level: string; value: number | null; symbol: string | null }>(
      `SELECT kpi, indicator, geographic_level, value, symbol FROM core.benchmark_values WHERE file_name = 'csww_indicators_2014.csv' ORDER BY line, kpi`,
    );
    expect(cells).toEqual([
      { kpi: 'agency_rate_fte_pct', indicator: 'agency_rate_fte', geographic_level: 'Local authority', value: 21, symbol: null },
      { kpi: 'avg_caseload', indicator: 'caseload_fte', geographic_level: 'Local authority', value: null, symbol: 'x' },
      { kpi: 'turnover_rate_fte_pct', indicator: 'turnover_rate_fte_%', geographic_level: 'Local authority', value: null, symbol: 'c' },
      { kpi: 'agency_rate_fte_pct', indicator: 'agency_rate_fte', geographic_level: 'National', value: 16.2, symbol: null },
      { kpi: 'avg_caseload', indicator: 'caseload_fte', geographic_level: 'National', value: 16.4, symbol: null },
      { kpi: 'turnover_rate_fte_pct', indicator: 'turnover_rate_fte_%', geographic_level: 'National', value: 15.9, symbol: null },
    ]);
  });

  it('a file of no known layout is ignored with its header named (column names only), and read again on a later night', async () => {
    await put(t, 'benchmarks', {
      'la_children_looked_after_2024.csv': csv([...EES_HEAD, 'cla_rate_per_10000', 'placement_stability'], [eesRow('2024', 'National', {}, ['70', '68'])]),
      'child_list.csv': 'C004733,16/06/2005,Smith\nC004734,01/02/2006,Jones\n',
    });
    const { loads } = await pullAndLoad();
    expect(loads.get('la_children_looked_after_2024.csv')).toMatchObject({ status: 'ignored', rowsRead: 0, rowsLoaded: 0 });
    expect(loads.get('child_list.csv')).toMatchObject({ status: 'ignored' });
    const files = await w.rows<{ file_name: string; status: string; reason: string }>(
      `SELECT file_name, status, reason FROM meta.files WHERE status = 'ignored' ORDER BY file_name`,
    );
    expect(files).toEqual([
      {
        file_name: 'child_list.csv',
        status: 'ignored',
        reason:
          'neither an EES open-data file (no time_period and geographic_level columns) nor a statistical neighbour file (old_la_code, la_name, SN_1 …); its header has no column names we can show; 3 other cells not shown (not column names)',
      },
      {
        file_name: 'la_children_looked_after_2024.csv',
        status: 'ignored',
        reason: 'an EES file, but none of its columns is an indicator of config/benchmark-indicators.json; besides the standard EES columns, its header has "cla_rate_per_10000", "placement_stability"',
      },
    ]);
    // Nothing of theirs is in the tables; the next night looks at them again (the map may know them by then).
    expect(await w.rows(`SELECT * FROM core.benchmark_values WHERE file_name IN ('la_children_looked_after_2024.csv', 'child_list.csv')`)).toEqual([]);
    const again = await pullAndLoad();
    expect(again.found.filter((f) => f.status === 'new').map((f) => f.name).sort()).toEqual(['child_list.csv', 'la_children_looked_after_2024.csv']);
  });

  it('a file loaded under another version of the indicator map is read again; under the same one it is not', async () => {
    const same = await pullAndLoad();
    expect(same.found.find((f) => f.name === 'csww_indicators_2014.csv')?.status).toBe('already_loaded');
    const other = await pullAndLoad('sha256:another-map');
    expect(other.found.find((f) => f.name === 'csww_indicators_2014.csv')?.status).toBe('new');
    expect(other.loads.get('csww_indicators_2014.csv')).toMatchObject({ status: 'loaded', rowsLoaded: 2 });
    // Read again, not twice: its cells are there once.
    expect(await w.rows(`SELECT count(*)::INTEGER AS n FROM core.benchmark_values WHERE file_name = 'csww_indicators_2014.csv'`)).toEqual([{ n: 6 }]);
  });
});

describe('the statistical neighbour model', () => {
  it('the wide CSV: neighbours named or coded, nearest first, a council with “-” listed with none, bad rows rejected', async () => {
    await put(t, 'benchmarks', {
      'statistical_neighbours.csv': neighbourCsv([
        ['302', 'Barnet', [['Bexley', 'Extremely Close'], ['202', 'Very Close'], ['E09000010', 'Close']]],
        ['303', 'Bexley', []],
        ['Barnet', 'Barnet', [['Camden', 'Close']]],
        ['302', 'Barnet again', [['Camden', 'Close']]],
      ]),
    });
    const { loads } = await pullAndLoad();
    expect(loads.get('statistical_neighbours.csv')).toMatchObject({ status: 'loaded', rowsRead: 4, rowsLoaded: 2, rowsRejected: 2 });
    const sn = await w.rows<{ line: string; council_code: string; council_name: string; rank: number | null; neighbour: string | null; closeness: string | null }>(
      `SELECT line, council_code, council_name, rank, neighbour, closeness FROM core.statistical_neighbours WHERE file_name = 'statistical_neighbours.csv' ORDER BY line, rank`,
    );
    expect(sn.map((r) => [Number(r.line), r.council_code, r.council_name, r.rank, r.neighbour, r.closeness])).toEqual([
      [2, '302', 'Barnet', 1, 'Bexley', 'Extremely Close'],
      [2, '302', 'Barnet', 2, '202', 'Very Close'],
      [2, '302', 'Barnet', 3, 'E09000010', 'Close'],
      [3, '303', 'Bexley', null, null, null],
    ]);
    const rejects = await w.rows<{ line: string; reason: string }>(`SELECT line, reason FROM meta.rejects WHERE file_name = 'statistical_neighbours.csv' ORDER BY line`);
    expect(rejects.map((r) => [Number(r.line), r.reason])).toEqual([
      [4, 'old_la_code is not a 3-digit LA code (e.g. 302), so the council cannot be known'],
      [5, 'LA 302 is listed twice; its neighbours are taken from its first row (line 2)'],
    ]);
  });

  it('DfE’s workbook: the “LA SN Groups” sheet under its title rows, SNk with the SNP after it; a workbook without it is ignored', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Introduction').addRow(['Children’s services statistical neighbour benchmarking tool']);
    const ws = wb.addWorksheet('LA SN Groups');
    ws.addRow(['Statistical neighbours']);
    ws.addRow([]);
    ws.addRow(['LA num', 'LA Name', 'Region', ...Array.from({ length: 10 }, (_, i) => [`SN${i + 1}`, 'SNP']).flat()]);
    ws.addRow([302, 'Barnet', 'London', 'Bexley', 'Extremely Close', 'Camden', 'Very Close', ...Array.from({ length: 16 }, () => '-')]);
    ws.addRow([810, 'Kingston upon Hull, City of', 'Yorkshire and The Humber', 'Hartlepool', 'Close']);
    const path = join(t.root, 'sn.xlsx');
    await wb.xlsx.writeFile(path);
    const other = new ExcelJS.Workbook();
    other.addWorksheet('Summary').addRow(['a']);
    other.addWorksheet('Data').addRow(['b']);
    const otherPath = join(t.root, 'other.xlsx');
    await other.xlsx.writeFile(otherPath);
    await put(t, 'benchmarks', { 'SN_model_2024.xlsx': await readFile(path), 'not_the_model.xlsx': await readFile(otherPath) });
    const { loads } = await pullAndLoad();
    expect(loads.get('SN_model_2024.xlsx')).toMatchObject({ status: 'loaded', rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
    const sn = await w.rows<{ line: string; council_code: string; council_name: string; rank: number; neighbour: string; closeness: string }>(
      `SELECT line, council_code, council_name, rank, neighbour, closeness FROM core.statistical_neighbours WHERE file_name = 'SN_model_2024.xlsx' ORDER BY line, rank`,
    );
    expect(sn.map((r) => [Number(r.line), r.council_code, r.council_name, r.rank, r.neighbour, r.closeness])).toEqual([
      [4, '302', 'Barnet', 1, 'Bexley', 'Extremely Close'],
      [4, '302', 'Barnet', 2, 'Camden', 'Very Close'],
      [5, '810', 'Kingston upon Hull, City of', 1, 'Hartlepool', 'Close'],
    ]);
    expect(loads.get('not_the_model.xlsx')).toMatchObject({ status: 'ignored' });
    const [rec] = await w.rows<{ reason: string }>(`SELECT reason FROM meta.files WHERE file_name = 'not_the_model.xlsx'`);
    expect(rec?.reason).toBe('a workbook without a “LA SN Groups” sheet, so not DfE\'s statistical neighbour workbook (sheets: “Summary”, “Data”)');
  });

  it('a file of another kind in the folder is ignored with the reason, unread, and the night goes on', async () => {
    await writeFile(join(t.landing, 'benchmarks', 'notes.txt'), 'read me');
    const { found } = await pullAndLoad();
    // benchmarks/ takes .csv and .xlsx (core/source-folders.ts), as every source folder its kinds.
    expect(found.find((f) => f.name === 'notes.txt')).toMatchObject({
      source: null,
      status: 'ignored',
      reason: 'a “.txt” file: benchmarks/ takes only .csv or .xlsx files, so it was not read; if it should be read, save it as .csv',
    });
  });
});

describe('csc-kpi validate', () => {
  it('reports benchmark files as a night would: loaded with their rejects by line, ignored ones as ignored', async () => {
    const files = await validateLanding({ landing: t.landing, asOf: '2016-06-30' });
    const byName = new Map(files.map((f) => [f.file, f]));
    expect(byName.get('benchmarks/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv')).toMatchObject({ status: 'ok', rowsRead: 16, rowsLoaded: 11, rowsRejected: 5 });
    expect(byName.get('benchmarks/la_children_looked_after_2024.csv')).toMatchObject({ status: 'ignored' });
    const text = formatValidation(files);
    expect(text).toContain('IGNORED     benchmarks/la_children_looked_after_2024.csv (benchmarks)');
    expect(text).toContain('            - line 14, column “rereferral_percent”: rereferral_percent is not a number or an EES symbol (c, x, z, low, k, u, :, ~)');
    expect(text).toContain('IGNORED     benchmarks/notes.txt\n            a “.txt” file: benchmarks/ takes only .csv or .xlsx files');
  });
});
