/**
 * The Annex A workbook (sources.md v2) written by ExcelJS: each `List N` sheet an extract of its
 * list dated by the file name, other sheets ignored and named, a sheet missing a required column
 * rejected alone, a title row above a header, ids as numbers (a number cell 7961370 is the text
 * `7961370`; a zero-padded number format keeps its zeros) and as text with leading zeros, dates as
 * date cells, serials and text; every reject names the sheet and its row, and in every sheet rows
 * loaded + rejected = rows in the sheet. Then the same list as a CSV and a sheet on one date (the
 * later-sorting file's extract counts), two sheets of one list, a workbook with no list sheet, and
 * a sheet over the caps.
 */
import ExcelJS from 'exceljs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../activities/load-file.js';
import { migrate } from '../activities/migrate.js';
import { pullSources } from '../activities/pull.js';
import { Warehouse } from '../activities/warehouse.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { renderReport } from '../core/report-html.js';
import { buildMetrics } from '../activities/build-metrics.js';
import { anyRejectedWhole, formatValidation, listsWithoutExtract, validateLanding } from '../activities/validate.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { projectPath } from '../core/project-root.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const d = (y: number, m: number, day: number): Date => new Date(Date.UTC(y, m - 1, day));
const xlsx = async (wb: ExcelJS.Workbook): Promise<Buffer> => Buffer.from(await wb.xlsx.writeBuffer());

interface SheetRow {
  sheet_index: number;
  sheet: string;
  list: string | null;
  status: string;
  reason: string | null;
  header_row: number | null;
  rows_read: string;
  rows_loaded: string;
  rows_rejected: string;
  columns_unknown: string[];
}
const sheets = (t: Awaited<ReturnType<typeof tempNight>>) =>
  query<SheetRow>(t, 'SELECT sheet_index, sheet, list, status, reason, header_row, rows_read, rows_loaded, rows_rejected, columns_unknown FROM meta.sheets ORDER BY sheet_index');

/** An Annex A workbook as a council's team might keep it. */
function councilWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Guidance').addRows([['Annex A: one sheet per list.'], ['Do not rename the sheets.']]);

  // List 1 under a merged title row: ids as a number, as text with leading zeros, and as a number
  // formatted 0000000 (Excel shows 0012345).
  const l1 = wb.addWorksheet('List 1 - Contacts');
  l1.mergeCells(1, 1, 1, 7);
  l1.getCell(1, 1).value = 'Annex A List 1: Contacts in the last six months';
  l1.getRow(3).values = ['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age', 'Date of Contact', 'Contact Source', 'Notes'];
  l1.getRow(4).values = [7961370, 'a) Male', 'WBRI', d(2010, 5, 1), 4, d(2015, 2, 2), '1B) Police', 'x'];
  l1.getRow(5).values = ['0012345', 'b) Female', 'WIRI', '01/06/2011', 3, 42037, '5A) School', null];
  l1.getRow(6).values = [12345, 'b) Female', 'WIRI', null, 3, '2015-02-04', '5A) School', null];
  l1.getCell(6, 1).numFmt = '0000000';
  l1.getRow(7).values = ['C4', 'a) Male', 'WBRI', null, 3, '31/02/2015', '1B) Police', null];

  // List 3 with today's Ofsted headings (Date of Referral, Age, Number of Referrals in Last 12 Months).
  const l3 = wb.addWorksheet('LIST 3');
  l3.addRow(['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age', 'Date of Referral', 'Referral Source', 'Referral NFA?', 'Number of Referrals in Last 12 Months', 'Allocated Team', 'Allocated Worker']);
  l3.addRow([7961370, 'a) Male', 'WBRI', d(2010, 5, 1), 4, d(2015, 2, 10), '1B) Police', 'No', 0, 'Team A', 901]);
  l3.addRow(['R2', 'a) Male', 'WBRI', null, 4, d(2015, 2, 11), '1B) Police', 'Yes', 2, 'Team A', 'W2']);
  l3.addRow(['R3', 'a) Male', 'WBRI', null, 4, d(2015, 3, 30), '1B) Police', 'maybe', 'two', 'Team A', 'W3']);

  // List 4 lacks a required column: rejected alone.
  const l4 = wb.addWorksheet('List 4');
  l4.addRow(['Child Unique ID', 'Continuous Assessment Date of Authorisation']);
  l4.addRow(['A1', d(2015, 1, 5)]);

  // List 10 (Age of Child (Years) here) and list 11 (adopters: no Child Unique ID).
  const l10 = wb.addWorksheet('List 10 Adoption');
  // A header cell wrapped onto two lines (Alt+Enter), as Annex A templates often have.
  l10.addRow(['Child Unique ID', 'Family identifier', 'Gender', 'Ethnicity', 'Date of Birth', 'Age of Child (Years)', 'Date the Child\nEntered Care', 'Date of Adoption Order']);
  l10.addRow(['AD1', 55, 'a) Male', 'WBRI', d(2012, 1, 1), 3, d(2013, 6, 1), d(2015, 1, 20)]);
  l10.addRow(['AD2', null, 'b) Female', 'WBRI', d(2013, 1, 1), 2, d(2014, 6, 1), null]);
  const l11 = wb.addWorksheet('list11');
  l11.addRow(['Individual adopter identifier', 'Family identifier', 'Gender', 'Date enquiry received', 'Date Stage 1 started', 'Date Stage 1 ended', 'No. of children placed']);
  l11.addRow([301, 55, 'b) Female', d(2014, 1, 10), d(2014, 2, 1), d(2014, 3, 1), 1]);
  l11.addRow([302, null, 'a) Male', d(2014, 5, 10), d(2014, 6, 1), d(2014, 5, 1), 'one']);
  wb.addWorksheet('Pivot').addRow(['Count of referrals', 3]);
  return wb;
}

describe('an Annex A workbook written by ExcelJS', () => {
  it('loads each List sheet as an extract of its list, ignores and names the others, rejects a sheet missing a required column alone', async () => {
    const t = await tempNight();
    await put(t, 'case-system/annex_a_2015-02-28.xlsx', await xlsx(councilWorkbook()));
    const n = await pullAndLoad(t, '2015-02-28');
    expect(n.found.map((f) => [f.relPath, f.list, f.extractDate, f.status])).toEqual([['case-system/annex_a_2015-02-28.xlsx', 'annex_a', '2015-02-28', 'new']]);
    // The workbook's sums over the four sheets that loaded: read 4 + 3 + 2 + 2, loaded 3 + 2 + 2 + 1, rejected 1 + 1 + 0 + 1.
    expect(n.loads.get('case-system/annex_a_2015-02-28.xlsx')).toMatchObject({ status: 'loaded', rowsRead: 11, rowsLoaded: 8, rowsRejected: 3 });

    const got = await sheets(t);
    expect(got.map((s) => [s.sheet_index, s.sheet, s.list, s.status, s.header_row, `${s.rows_read} = ${s.rows_loaded} + ${s.rows_rejected}`])).toEqual([
      [1, 'Guidance', null, 'ignored', null, '0 = 0 + 0'],
      [2, 'List 1 - Contacts', 'contacts', 'loaded', 3, '4 = 3 + 1'],
      [3, 'LIST 3', 'referrals', 'loaded', 1, '3 = 2 + 1'],
      [4, 'List 4', 'assessments', 'rejected', null, '0 = 0 + 0'],
      [5, 'List 10 Adoption', 'adoption', 'loaded', 1, '2 = 2 + 0'],
      [6, 'list11', 'adopters', 'loaded', 1, '2 = 1 + 1'],
      [7, 'Pivot', null, 'ignored', null, '0 = 0 + 0'],
    ]);
    expect(got[0]!.reason).toBe('its name does not read “List N” (N from 1 to 11), so it is not one of the Annex A lists');
    expect(got[3]!.reason).toBe(
      'no header row in its first 20 rows has every required column of Assessments (Annex A list 4): row 1 comes closest and lacks "Continuous Assessment Start Date"; add the column (or its name to config/header-aliases.json)',
    );
    // Unknown headers are kept and listed, never an error: their cells in raw.<list>.extra_columns, as a CSV's are.
    expect(got[1]!.columns_unknown).toEqual(['Notes']);
    expect(await query(t, "SELECT line, extra_columns['Notes'] AS notes FROM raw.contacts ORDER BY line")).toEqual([
      { line: '4', notes: 'x' },
      { line: '5', notes: null },
      { line: '6', notes: null },
      { line: '7', notes: null },
    ]);

    // Ids exactly as written: a number cell's digits, text with its zeros, a zero-padded number as Excel shows it.
    expect(await query(t, 'SELECT line, child_unique_id, date_of_birth::VARCHAR AS dob, age_of_child_years AS age, date_of_contact::VARCHAR AS contact, contact_source FROM core.contacts ORDER BY line')).toEqual([
      { line: '4', child_unique_id: '7961370', dob: '2010-05-01', age: '4', contact: '2015-02-02', contact_source: '1B) Police' },
      // 42037 is the 1900-system serial of 2 February 2015 (42063 is 28 February)
      { line: '5', child_unique_id: '0012345', dob: '2011-06-01', age: '3', contact: '2015-02-02', contact_source: '5A) School' },
      { line: '6', child_unique_id: '0012345', dob: null, age: '3', contact: '2015-02-04', contact_source: '5A) School' },
    ]);
    expect(await query(t, 'SELECT line, child_unique_id, date_of_referral::VARCHAR AS referred, referral_nfa, number_of_referrals_in_last_12_months AS n12, allocated_worker FROM core.referrals ORDER BY line')).toEqual([
      { line: '2', child_unique_id: '7961370', referred: '2015-02-10', referral_nfa: false, n12: 0, allocated_worker: '901' },
      { line: '3', child_unique_id: 'R2', referred: '2015-02-11', referral_nfa: true, n12: 2, allocated_worker: 'W2' },
    ]);
    expect(await query(t, 'SELECT individual_adopter_identifier AS id, family_identifier AS fam, no_of_children_placed AS n FROM core.adopters')).toEqual([{ id: '301', fam: '55', n: 1 }]);
    // Every reject names the sheet and its row.
    expect(await query(t, 'SELECT sheet, line, column_name, reason FROM meta.rejects ORDER BY sheet, line, column_name')).toEqual([
      { sheet: 'LIST 3', line: '4', column_name: 'Date of referral', reason: "Date of referral is after the file's extract date 28/02/2015; check the date or the file name" },
      { sheet: 'LIST 3', line: '4', column_name: 'Number of Referrals in Last 12 Months', reason: 'Number of Referrals in Last 12 Months must be a whole number of 0 or more (or blank if unknown)' },
      { sheet: 'LIST 3', line: '4', column_name: 'Referral NFA?', reason: 'Referral NFA? must be Y or N (Yes/No)' },
      { sheet: 'List 1 - Contacts', line: '7', column_name: 'Date of Contact', reason: 'Date of Contact is not a real date; write it as dd/mm/yyyy or yyyy-mm-dd' },
      { sheet: 'list11', line: '3', column_name: 'Date Stage 1 ended', reason: 'Date Stage 1 ended is before Date Stage 1 started' },
      { sheet: 'list11', line: '3', column_name: 'No. of children placed', reason: 'No. of children placed must be a whole number of 0 or more (or blank if unknown)' },
    ]);
    // Tonight's extract of each list comes from the workbook; assessments (rejected) has none.
    expect(await query(t, "SELECT list, sheet, extract_date::VARCHAR AS d FROM meta.extracts_at('2015-02-28'::DATE) ORDER BY list")).toEqual([
      { list: 'adopters', sheet: 'list11', d: '2015-02-28' },
      { list: 'adoption', sheet: 'List 10 Adoption', d: '2015-02-28' },
      { list: 'contacts', sheet: 'List 1 - Contacts', d: '2015-02-28' },
      { list: 'referrals', sheet: 'LIST 3', d: '2015-02-28' },
    ]);
    expect(await query(t, "SELECT count(*) AS n FROM core.referrals_at('2015-02-28'::DATE)")).toEqual([{ n: '2' }]);

    // The next night reads nothing again; each sheet is still reported with its own fate and rows.
    const next = await pullAndLoad(t, '2015-03-01', 'run-2');
    expect(next.found.map((f) => f.status)).toEqual(['already_loaded']);
    const metrics = await Warehouse.with(t.warehouse, (w) =>
      buildMetrics(w, { asOf: '2015-03-01', landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run-2', createdAt: '2015-03-02T05:00:00Z', found: next.found }, 'snap', []),
    );
    expect(metrics.data_quality.sources.map((s) => [s.sheet, s.source, s.status, s.used, s.rows_loaded, s.rows_rejected, s.age_days])).toEqual([
      ['Guidance', 'case-system', 'ignored', false, 0, 0, null],
      ['List 1 - Contacts', 'case-system/contacts', 'already_loaded', true, 3, 1, 1],
      ['LIST 3', 'case-system/referrals', 'already_loaded', true, 2, 1, 1],
      ['List 4', 'case-system/assessments', 'rejected', false, 0, 0, null],
      ['List 10 Adoption', 'case-system/adoption', 'already_loaded', true, 2, 0, 1],
      ['list11', 'case-system/adopters', 'already_loaded', true, 1, 1, 1],
      ['Pivot', 'case-system', 'ignored', false, 0, 0, null],
    ]);
  });

  it('csc-kpi validate reports the workbook sheet by sheet, with no value from a row', async () => {
    const t = await tempNight();
    await put(t, 'case-system/annex_a_2015-02-28.xlsx', await xlsx(councilWorkbook()));
    await put(t, 'case-system/referrals_2015-02-28.csv', 'Child Unique ID,Date of referral,Referral Source,Referral NFA?\nX1,10/02/2015,Police,N\n');
    const files = await validateLanding({ landing: t.landing, asOf: '2015-02-28', maxRejects: 2 });
    expect(anyRejectedWhole(files)).toBe(true); // List 4
    const S = ' '.repeat(12); // a sheet under its workbook
    const R = ' '.repeat(21); // a sheet's reason and rejects
    expect(formatValidation(files)).toBe(
      [
        'LOADED      case-system/annex_a_2015-02-28.xlsx (Annex A workbook)  loaded, 3 rows rejected (read 11, loaded 8)',
        `${S}IGNORED  sheet “Guidance”`,
        `${R}its name does not read “List N” (N from 1 to 11), so it is not one of the Annex A lists`,
        `${S}LOADED   sheet “List 1 - Contacts” (contacts)  loaded, 1 row rejected (read 4, loaded 3)`,
        `${R}1 extra column kept but not used: “Notes”`,
        `${R}- sheet “List 1 - Contacts”, row 7, column “Date of Contact”: Date of Contact is not a real date; write it as dd/mm/yyyy or yyyy-mm-dd`,
        `${S}LOADED   sheet “LIST 3” (referrals)  loaded, 1 row rejected (read 3, loaded 2)`,
        `${R}the same extract is also in referrals_2015-02-28.csv, whose file name sorts later: that copy counts, this one does not`,
        `${R}- sheet “LIST 3”, row 4, column “Date of referral”: Date of referral is after the file's extract date 28/02/2015; check the date or the file name`,
        `${R}- sheet “LIST 3”, row 4, column “Number of Referrals in Last 12 Months”: Number of Referrals in Last 12 Months must be a whole number of 0 or more (or blank if unknown)`,
        `${S}REJECTED sheet “List 4” (assessments)`,
        `${R}no header row in its first 20 rows has every required column of Assessments (Annex A list 4): row 1 comes closest and lacks "Continuous Assessment Start Date"; add the column (or its name to config/header-aliases.json)`,
        `${S}OK       sheet “List 10 Adoption” (adoption)  read 2, loaded 2, rejected 0`,
        `${S}LOADED   sheet “list11” (adopters)  loaded, 1 row rejected (read 2, loaded 1)`,
        `${R}- sheet “list11”, row 3, column “Date Stage 1 ended”: Date Stage 1 ended is before Date Stage 1 started`,
        `${R}- sheet “list11”, row 3, column “No. of children placed”: No. of children placed must be a whole number of 0 or more (or blank if unknown)`,
        `${S}IGNORED  sheet “Pivot”`,
        `${R}its name does not read “List N” (N from 1 to 11), so it is not one of the Annex A lists`,
        'OK          case-system/referrals_2015-02-28.csv (referrals)  read 1, loaded 1, rejected 0',
        '',
        '2 file(s): 2 loaded, 0 rejected whole, 1 workbook sheet(s) rejected whole; 3 row(s) rejected.',
        // Every extract list with no loaded CSV or sheet, in contract order: assessments because its sheet was rejected.
        'No extract on or before the as-of date: Assessments (Annex A list 4), Children in need (Annex A list 6), Child protection plans (Annex A list 7), ' +
          'Care proceedings (local list), Case closures (local list), Social-work workforce (HR, DfE census shape), Section 47 enquiries (Annex A list 5), ' +
          'Children looked after (Annex A list 8), Care leavers (Annex A list 9), Early help assessments (Annex A list 2). ' +
          'A list with no extract loads nothing, and a figure reading it is missing data, not a zero.',
        '',
      ].join('\n'),
    );
  });

  it('a workbook and a CSV of one list and date are one extract: the file whose name sorts last counts', async () => {
    const t = await tempNight();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('List 3').addRows([
      ['Child Unique ID', 'Date of Referral', 'Referral Source', 'Referral NFA?'],
      ['FROM-BOOK', d(2015, 2, 10), 'Police', 'N'],
    ]);
    wb.addWorksheet('List 10').addRows([
      ['Child Unique ID', 'Date the Child Entered Care', 'Date of Adoption Order'],
      ['FROM-BOOK', d(2014, 2, 10), null],
    ]);
    await put(t, 'case-system/annex_a_2015-02-28.xlsx', await xlsx(wb));
    // "referrals_…" sorts after "annex_a_…"; "adoption_…" before it.
    await put(t, 'case-system/referrals_2015-02-28.csv', 'Child Unique ID,Date of referral,Referral Source,Referral NFA?\nFROM-CSV-1,10/02/2015,Police,N\nFROM-CSV-2,11/02/2015,Police,N\n');
    await put(t, 'case-system/adoption_2015-02-28.csv', 'Child Unique ID,Date the Child Entered Care,Date of Adoption Order\nFROM-CSV,10/02/2014,\n');
    const n = await pullAndLoad(t, '2015-02-28');
    expect(await query(t, "SELECT list, file_name, sheet FROM meta.extracts_at('2015-02-28'::DATE) ORDER BY list")).toEqual([
      { list: 'adoption', file_name: 'annex_a_2015-02-28.xlsx', sheet: 'List 10' },
      { list: 'referrals', file_name: 'referrals_2015-02-28.csv', sheet: null },
    ]);
    expect(await query(t, "SELECT child_unique_id FROM core.referrals_at('2015-02-28'::DATE) ORDER BY 1")).toEqual([{ child_unique_id: 'FROM-CSV-1' }, { child_unique_id: 'FROM-CSV-2' }]);
    expect(await query(t, "SELECT child_unique_id FROM core.adoption_at('2015-02-28'::DATE)")).toEqual([{ child_unique_id: 'FROM-BOOK' }]);
    // Both are kept; the other of each pair is superseded, naming the one that counts.
    expect(await query(t, 'SELECT list, file_name, sheet, chosen, chosen_file, chosen_sheet FROM meta.extract_choice ORDER BY list, chosen')).toEqual([
      { list: 'adoption', file_name: 'adoption_2015-02-28.csv', sheet: null, chosen: false, chosen_file: 'annex_a_2015-02-28.xlsx', chosen_sheet: 'List 10' },
      { list: 'adoption', file_name: 'annex_a_2015-02-28.xlsx', sheet: 'List 10', chosen: true, chosen_file: 'annex_a_2015-02-28.xlsx', chosen_sheet: 'List 10' },
      { list: 'referrals', file_name: 'annex_a_2015-02-28.xlsx', sheet: 'List 3', chosen: false, chosen_file: 'referrals_2015-02-28.csv', chosen_sheet: null },
      { list: 'referrals', file_name: 'referrals_2015-02-28.csv', sheet: null, chosen: true, chosen_file: 'referrals_2015-02-28.csv', chosen_sheet: null },
    ]);

    // data_quality.sources: one entry per sheet read; the copy not counted says which one is, in words.
    const metrics = await Warehouse.with(t.warehouse, (w) =>
      buildMetrics(w, { asOf: '2015-02-28', landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run', createdAt: '2015-03-01T05:00:00Z', found: n.found }, 'snap', []),
    );
    expect(metrics.data_quality.sources.map((s) => [s.file, s.sheet ?? null, s.list, s.source, s.status, s.used, s.rows_loaded, s.rows_rejected])).toEqual([
      ['adoption_2015-02-28.csv', null, 'adoption', 'case-system/adoption', 'superseded', false, 1, 0],
      ['annex_a_2015-02-28.xlsx', 'List 3', 'referrals', 'case-system/referrals', 'superseded', false, 1, 0],
      ['annex_a_2015-02-28.xlsx', 'List 10', 'adoption', 'case-system/adoption', 'loaded', true, 1, 0],
      ['referrals_2015-02-28.csv', null, 'referrals', 'case-system/referrals', 'loaded', true, 2, 0],
    ]);
    expect(metrics.data_quality.sources[1]!.reason).toBe(
      'the same referrals extract of 28 February 2015 also came in referrals_2015-02-28.csv, whose file name sorts later: that copy is used, and the rows of this one are kept but not counted',
    );
    expect(metrics.data_quality.sources[0]!.reason).toContain('also came in annex_a_2015-02-28.xlsx, sheet “List 10”, whose file name sorts later');
    // The report's table of files received names the sheet, and says why a copy is not counted.
    const html = renderReport(metrics);
    expect(html).toContain('<th scope="row">annex_a_2015-02-28.xlsx, sheet “List 3”</th><td>case-system/referrals</td>');
    expect(html).toContain('Not counted: the same extract came in a file whose name sorts later: the same referrals extract of 28 February 2015');
  });

  it('two sheets of one list are both rejected; a workbook with no list sheet is rejected whole', async () => {
    const t = await tempNight();
    const twins = new ExcelJS.Workbook();
    for (const name of ['List 3', 'List 3 (old)', 'List 1']) {
      twins.addWorksheet(name).addRows(name === 'List 1' ? [['Child Unique ID', 'Date of Contact', 'Contact Source'], ['C1', d(2015, 2, 1), null]] : [['Child Unique ID', 'Date of Referral', 'Referral Source', 'Referral NFA?'], ['R1', d(2015, 2, 1), 'Police', 'N']]);
    }
    await put(t, 'case-system/annex_a_2015-02-28.xlsx', await xlsx(twins));
    const none = new ExcelJS.Workbook();
    none.addWorksheet('Referrals').addRow(['Child Unique ID']);
    none.addWorksheet('Annex A List 3').addRow(['Child Unique ID']);
    await put(t, 'case-system/annex_a_2015-01-31.xlsx', await xlsx(none));
    const n = await pullAndLoad(t, '2015-02-28');
    expect(n.loads.get('case-system/annex_a_2015-01-31.xlsx')).toMatchObject({ status: 'rejected', rowsRead: 0 });
    expect(await query(t, "SELECT status, reason FROM meta.files WHERE file_name = 'annex_a_2015-01-31.xlsx'")).toEqual([
      { status: 'rejected', reason: 'no sheet of the workbook is an Annex A list (sheets named “List 1” to “List 11”); its sheets: “Referrals”, “Annex A List 3”' },
    ]);
    expect(await sheets(t).then((s) => s.map((x) => [x.sheet, x.status, x.reason]))).toEqual([
      ['List 3', 'rejected', 'sheets “List 3” and “List 3 (old)” are all list 3; keep one sheet per list in the workbook'],
      ['List 3 (old)', 'rejected', 'sheets “List 3” and “List 3 (old)” are all list 3; keep one sheet per list in the workbook'],
      ['List 1', 'loaded', null],
    ]);
    expect(await query(t, 'SELECT count(*) AS n FROM core.referrals')).toEqual([{ n: '0' }]);
  });

  it('a sheet over the caps is rejected alone, naming the limit; the other sheets load', async () => {
    const t = await tempNight();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('List 1').addRows([['Child Unique ID', 'Date of Contact', 'Contact Source'], ['C1', d(2015, 2, 1), 'Police']]);
    const big = wb.addWorksheet('List 3');
    big.addRow(['Child Unique ID', 'Date of Referral', 'Referral Source', 'Referral NFA?']);
    for (let i = 0; i < 30; i++) big.addRow([`R${i}`, d(2015, 2, 1), 'Police', 'N']);
    wb.addWorksheet('List 11').addRows([['Individual adopter identifier', 'Date enquiry received'], [1, d(2015, 2, 1)]]);
    await put(t, 'case-system/annex_a_2015-02-28.xlsx', await xlsx(wb));
    const limits = { ...DEFAULT_LIMITS, max_sheet_rows: 20 };
    const r = await Warehouse.with(t.warehouse, async (w) => {
      await migrate(w);
      const [f] = await pullSources(w, { asOf: '2015-02-28', landing: t.landing, home: t.home }, { limits });
      return loadFile(w, f!, 'run', { limits });
    });
    expect(r).toMatchObject({ status: 'loaded', rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
    expect((await sheets(t)).map((s) => [s.sheet, s.status, s.reason])).toEqual([
      ['List 1', 'loaded', null],
      [
        'List 3',
        'rejected',
        'it holds more rows than the 20 limit (limits.max_sheet_rows in config/limits.json) allows (formatted empty rows count too): delete the rows below the list, or copy the list into a new sheet, and save it again',
      ],
      ['List 11', 'loaded', null],
    ]);
    expect(await query(t, 'SELECT count(*) AS n FROM core.referrals')).toEqual([{ n: '0' }]);
  });
});

describe('the sample’s Annex A workbook (fixtures/sample/README.md)', () => {
  const SAMPLE = projectPath('fixtures', 'sample', 'landing');
  const BOOK = 'case-system/annex_a_2015-02-28.xlsx';

  /** Data rows of each sheet and its header row, counted by ExcelJS (not by the loader under test). */
  async function rowsInSheets(): Promise<Map<string, { header: number; rows: number }>> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(SAMPLE, BOOK));
    const out = new Map<string, { header: number; rows: number }>();
    for (const ws of wb.worksheets) {
      let header = 0;
      ws.eachRow((row, i) => {
        if (header === 0 && /^(Child Unique ID|Individual adopter identifier)$/.test(String(row.getCell(1).value))) header = i;
      });
      out.set(ws.name, { header, rows: header === 0 ? 0 : ws.rowCount - header });
    }
    return out;
  }

  it('the night: every sheet in data_quality.sources with its list and rows, Guidance ignored and named, ids as text, no list but List 2 without an extract', async () => {
    const t = await tempNight();
    await cp(SAMPLE, t.landing, { recursive: true });
    const n = await pullAndLoad(t, '2015-02-28');
    const metrics = await Warehouse.with(t.warehouse, (w) =>
      buildMetrics(w, { asOf: '2015-02-28', landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run', createdAt: '2015-03-01T05:00:00Z', found: n.found }, 'snap', []),
    );
    const inBook = await rowsInSheets();
    expect([...inBook.keys()]).toEqual(['Guidance', 'List 1 - Contacts', 'List 10 - Adoption', 'List 11 - Adopters']);
    // List 1 sits under a title row and a blank row: its header is row 3.
    expect([...inBook.values()].map((s) => s.header)).toEqual([0, 3, 1, 1]);
    const rows = (sheet: string): number => inBook.get(sheet)!.rows;
    expect(rows('List 1 - Contacts')).toBeGreaterThan(1000);

    // One entry per sheet; every row of every list sheet loaded (none rejected), each sheet tonight's extract of its list.
    const book = metrics.data_quality.sources.filter((s) => s.file === 'annex_a_2015-02-28.xlsx');
    expect(book.map((s) => [s.sheet, s.list, s.source, s.status, s.used, s.rows_loaded, s.rows_rejected, s.extract_date])).toEqual([
      ['Guidance', null, 'case-system', 'ignored', false, 0, 0, '2015-02-28'],
      ['List 1 - Contacts', 'contacts', 'case-system/contacts', 'loaded', true, rows('List 1 - Contacts'), 0, '2015-02-28'],
      ['List 10 - Adoption', 'adoption', 'case-system/adoption', 'loaded', true, rows('List 10 - Adoption'), 0, '2015-02-28'],
      ['List 11 - Adopters', 'adopters', 'case-system/adopters', 'loaded', true, rows('List 11 - Adopters'), 0, '2015-02-28'],
    ]);
    expect(book[0]!.reason).toBe('its name does not read “List N” (N from 1 to 11), so it is not one of the Annex A lists');
    // No other copy of lists 1, 10, 11: nothing superseded, nothing rejected anywhere in the sample.
    expect(metrics.data_quality.sources.filter((s) => !['loaded', 'ignored'].includes(s.status))).toEqual([]);
    expect(await query(t, 'SELECT header_row FROM meta.sheets WHERE sheet = $s', { s: 'List 1 - Contacts' })).toEqual([{ header_row: 3 }]);

    // Tonight's extract of every extract list but one: List 2 (early help) came in no file.
    const extracts = await query<{ list: string }>(t, "SELECT list FROM meta.extracts_at('2015-02-28'::DATE) ORDER BY list");
    const extractLists = [...CONTRACTS.values()].filter((c) => c.source === 'case-system' || c.source === 'hr').map((c) => c.list);
    expect(extractLists.filter((l) => !extracts.some((e) => e.list === l))).toEqual(['early_help']);

    // List 11's identifiers are number cells in the workbook; in the warehouse they are their digits as text (no "3001207.0").
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(SAMPLE, BOOK));
    const typed = wb.getWorksheet('List 11 - Adopters')!.getColumn(1).values.slice(2);
    expect(typed.every((v) => typeof v === 'number')).toBe(true);
    const loaded = await query<{ id: string; family: string | null }>(t, 'SELECT individual_adopter_identifier AS id, family_identifier AS family FROM core.adopters ORDER BY line');
    expect(loaded.map((r) => r.id)).toEqual(typed.map((v) => String(v)));
    expect(loaded.every((r) => /^\d{7}$/.test(r.id) && (r.family === null || /^\d+$/.test(r.family)))).toBe(true);
  });

  it('csc-kpi validate: the workbook sheet by sheet, and List 2 named as having no extract', async () => {
    const files = await validateLanding({ landing: SAMPLE, asOf: '2015-02-28' });
    expect(anyRejectedWhole(files)).toBe(false);
    const book = files.find((f) => f.file === BOOK)!;
    expect(book.sheets?.map((s) => [s.sheet, s.list, s.status, s.rowsRead === s.rowsLoaded, s.rowsRejected])).toEqual([
      ['Guidance', null, 'ignored', true, 0],
      ['List 1 - Contacts', 'contacts', 'ok', true, 0],
      ['List 10 - Adoption', 'adoption', 'ok', true, 0],
      ['List 11 - Adopters', 'adopters', 'ok', true, 0],
    ]);
    expect(listsWithoutExtract(files)).toEqual(['early_help']);
    const text = formatValidation(files);
    expect(text).toContain(`            IGNORED  sheet “Guidance”`);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'No extract on or before the as-of date: Early help assessments (Annex A list 2). A list with no extract loads nothing, and a figure reading it is missing data, not a zero.',
    );
  });
});
