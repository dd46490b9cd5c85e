/**
 * The rejects corpus: realistic ways a council's files go wrong, each asserting the exact reason
 * a data officer reads, and that nothing else was lost (rows loaded + rows rejected = rows read,
 * every good row in core, the other files of the night still loaded).
 *
 * | #  | what went wrong                                              | outcome |
 * |----|--------------------------------------------------------------|---------|
 * | 1  | extract job failed: 0-byte file                              | file rejected: empty |
 * | 2  | extract ran on an empty query: header only                   | file rejected: no data rows |
 * | 3  | file of blank lines (a failed redirect)                      | file rejected: no header |
 * | 4  | workbook saved with a .csv name                              | file rejected: zip / Excel workbook |
 * | 5  | Excel "Unicode Text" export (UTF-16)                         | file rejected: UTF-16 |
 * | 6  | binary junk (a corrupted copy) with NUL bytes                | file rejected: binary |
 * | 7  | assessments extract saved as referrals_…                     | file rejected: missing required columns |
 * | 8  | column pasted twice in the header                            | file rejected: duplicate column |
 * | 9  | copy cut off mid-line (network drop)                         | file rejected: truncated |
 * | 10 | copy cut off inside a quoted value                           | file rejected: truncated |
 * | 11 | a stray opening quote that is never closed                   | file rejected: unclosed quote |
 * | 12 | semicolon-delimited export (European Excel settings)         | file rejected: names the delimiter |
 * | 13 | date in the file name written dd-mm-yyyy                     | file refused: name |
 * | 14 | list name misspelt (referals_…)                              | file refused: unknown list |
 * | 15 | impossible extract date in the name (2015-02-30)             | file refused: date |
 * | 16 | Excel lock file (~$…) copied with the workbooks              | file refused: lock file |
 * | 17 | symlink pointing outside the landing folder                  | file refused: outside landing |
 * | 18 | macOS .DS_Store in the folder                                | file refused: hidden file |
 * | 19 | a sub-folder inside case-system                              | ignored: not where a source lives |
 * | 20 | audits saved as PDF                                          | ignored: a kind audits/ does not take |
 * | 21 | a 2 GB+ runaway export                                       | file refused: size limit |
 * | 22 | zip bomb named .xlsx (declares its size)                     | file rejected: zip bomb |
 * | 23 | zip bomb that lies about its unpacked size                   | file rejected: zip bomb |
 * | 24 | a CSV renamed .xlsx                                          | file rejected: not a zip |
 * | 25 | workbook with only a pivot/guidance sheet                    | file rejected: no audit sheet |
 * | 26 | workbook with two audit sheets                               | file rejected: two audit sheets |
 * | 27 | impossible date 31/02/2015                                   | row rejected |
 * | 28 | US date 05/13/2015                                           | row rejected |
 * | 29 | two-digit year 05/03/15                                      | row rejected |
 * | 30 | referral dated after the extract date                        | row rejected |
 * | 31 | blank Child Unique ID                                        | row rejected |
 * | 32 | flag "Maybe"                                                 | row rejected |
 * | 33 | previous CP plans "1.5" and "-1"                             | rows rejected |
 * | 34 | CP plan end before its start                                 | row rejected |
 * | 35 | FTE 0, FTE 2 and FTE "full"                                  | rows rejected |
 * | 36 | Org Role "5 Senior Manager" (number and words disagree), "7" | rows rejected |
 * | 37 | HR role start after the extract date, Agency "Agency"        | rows rejected |
 * | 38 | unquoted comma inside a value                                | row rejected (CSV) |
 * | 39 | record with missing fields                                   | row rejected (CSV) |
 * | 40 | stray quote after a quoted value                             | row rejected (CSV) |
 * | 41 | blank lines and a line break inside a quoted value, then an error | row rejected at the right physical line |
 * | 42 | Audit ID repeated in one file                                | later row rejected |
 * | 43 | blank Audit ID in a workbook                                 | row rejected with sheet and row |
 * | 44 | impossible date typed as text in a workbook                  | row rejected with sheet and row |
 * | 45 | Windows-1252 file with an impossible date                    | row rejected, £ and curly quotes intact |
 */
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CASE_SYSTEM_LISTS } from '../core/contracts/lists.js';
import { pullAndLoad, put, query, tempNight, type NightLoad, type TempNight } from './helpers/landing.js';
import { zip } from './helpers/zip.js';

const AS_OF = '2015-02-28';
const REF_HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';
const REF_GOOD = ['G1,F,WBRI,01/01/2010,5,Team A,W1,01/02/2015,Police,N', 'G2,M,WBRI,01/01/2011,4,Team A,W1,2015-02-02,School,Y'];
const CP_HEADER =
  'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Child Protection Plan Start Date,Child Protection Plan End Date,Number of Previous Child Protection Plans,Initial Category of Abuse,Latest Category of Abuse';
const HR_HEADER = 'Worker ID,Org Role,Agency Worker,FTE,Role Start Date,Role End Date,Reason for Leaving,Team,Induction Completed Date';
const AUDIT_HEADER = ['Audit ID', 'Child Unique ID', 'Audit Type', 'Scheduled Date', 'Completed Date', 'Auditor ID', 'Auditor Role', 'Worker ID', 'Grade'];
const AUDIT_ROW = (id: string, child = 'C1') => [id, child, 'Case File', '01/01/2015', '10/01/2015', 'A1', 'QA', 'W1', 'Good'];

/** A good referrals extract that every case adds, so "the other sources still load" is checked each time. */
const CONTROL = 'case-system/referrals_2015-01-31.csv';

async function night(files: Record<string, string | Buffer>, setup?: (t: TempNight) => Promise<void>): Promise<{ t: TempNight; n: NightLoad }> {
  const t = await tempNight();
  await put(t, CONTROL, [REF_HEADER, ...REF_GOOD.map((r) => r.replace('/02/2015', '/01/2015').replace('2015-02-02', '2015-01-02'))].join('\n') + '\n');
  for (const [rel, content] of Object.entries(files)) await put(t, rel, content);
  if (setup) await setup(t);
  const n = await pullAndLoad(t, AS_OF);
  // Nothing else lost: the control file loads in full whatever happened to the case's file.
  expect(n.loads.get(CONTROL)).toMatchObject({ status: 'loaded', rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
  for (const r of n.loads.values()) expect(r.rowsLoaded + r.rowsRejected).toBe(r.rowsRead);
  return { t, n };
}

/** The file was rejected whole with exactly this reason (recorded in meta.files when it was read). */
async function expectFileRejected(files: Record<string, string | Buffer>, rel: string, reason: string, setup?: (t: TempNight) => Promise<void>) {
  const { t, n } = await night(files, setup);
  const f = n.found.find((x) => x.relPath === rel);
  expect(f, `${rel} found`).toBeDefined();
  const load = n.loads.get(rel);
  if (load) {
    expect(load).toEqual({ sha256: f!.sha256, status: 'rejected', rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 });
    const [rec] = await query<{ status: string; reason: string }>(t, 'SELECT status, reason FROM meta.files WHERE sha256 = $sha', { sha: f!.sha256! });
    expect(rec).toEqual({ status: 'rejected', reason });
  } else {
    expect(f).toMatchObject({ status: 'rejected', reason });
  }
  return { t, n };
}

/** The entry was listed as ignored with exactly this reason, never read (activities/landing-walk.ts). */
async function expectIgnored(files: Record<string, string | Buffer>, rel: string, reason: string, setup?: (t: TempNight) => Promise<void>) {
  const { n } = await night(files, setup);
  expect(n.found.find((x) => x.relPath === rel)).toEqual({
    source: null, list: null, relPath: rel, name: rel.split('/').filter(Boolean).pop()! + (rel.endsWith('/') ? '/' : ''),
    sha256: null, extractDate: null, byteSize: 0, rawPath: null, encoding: null, status: 'ignored', reason,
  });
  expect(n.loads.has(rel)).toBe(false);
}

interface RowReject {
  line: number;
  column: string | null;
  reason: string;
  sheet?: string;
}

/** Rows rejected exactly as listed (one entry per problem); the good rows loaded. */
async function expectRowRejects(
  files: Record<string, string | Buffer>,
  rel: string,
  counts: { read: number; loaded: number },
  rejects: RowReject[],
  goodIds: { table: string; column: string; ids: string[] },
) {
  const { t, n } = await night(files);
  const r = n.loads.get(rel);
  const rejectedRows = new Set(rejects.map((x) => x.line)).size;
  expect(r).toMatchObject({ status: 'loaded', rowsRead: counts.read, rowsLoaded: counts.loaded, rowsRejected: rejectedRows });
  expect(counts.loaded + rejectedRows).toBe(counts.read);
  const got = await query<{ line: string; column_name: string | null; reason: string; sheet: string | null }>(
    t,
    'SELECT line, column_name, reason, sheet FROM meta.rejects WHERE file_name = $name ORDER BY line, column_name',
    { name: rel.split('/')[1]! },
  );
  expect(got.map((g) => ({ line: Number(g.line), column: g.column_name, reason: g.reason, ...(g.sheet ? { sheet: g.sheet } : {}) }))).toEqual(
    [...rejects].sort((a, b) => a.line - b.line || String(a.column).localeCompare(String(b.column))),
  );
  const ids = await query<{ id: string }>(
    t,
    `SELECT ${goodIds.column} AS id FROM core.${goodIds.table} WHERE file_sha256 = $sha ORDER BY line`,
    { sha: n.found.find((f) => f.relPath === rel)!.sha256! },
  );
  expect(ids.map((x) => x.id)).toEqual(goodIds.ids);
  return { t, n };
}

const refs = (...rows: string[]) => [REF_HEADER, ...rows].join('\n') + '\n';
const REF = 'case-system/referrals_2015-02-28.csv';
const refIds = (...ids: string[]) => ({ table: 'referrals', column: 'child_unique_id', ids });

async function workbook(sheets: { name: string; rows: unknown[][] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const BOMB_REASON = (what: string) => `the workbook ${what}: not a real audit workbook (a “zip bomb” or a damaged file), so it was not opened`;

describe('whole-file rejects', () => {
  it('1 empty file', () => expectFileRejected({ [REF]: '' }, REF, 'the file is empty (0 bytes): the extract did not run or was not copied completely'));

  it('2 header only', () =>
    expectFileRejected(
      { [REF]: REF_HEADER + '\r\n' },
      REF,
      'the file has a header row but no data rows: the extract probably failed (a full extract of a list is never empty); re-run the export',
    ));

  it('3 blank lines only', () => expectFileRejected({ [REF]: '\n\n   \n' }, REF, 'the file has no header row (it is blank)'));

  it('4 a workbook saved as .csv', async () =>
    expectFileRejected(
      { [REF]: await workbook([{ name: 'Sheet1', rows: [REF_HEADER.split(',')] }]) },
      REF,
      'not a text CSV: it is a zip file, most likely an Excel workbook saved with a .csv name; export the sheet as CSV',
    ));

  it('5 UTF-16 "Unicode Text"', () =>
    expectFileRejected(
      { [REF]: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(refs(...REF_GOOD), 'utf16le')]) },
      REF,
      'the file is UTF-16 text (Excel’s “Unicode Text”), not a CSV in UTF-8 or Windows-1252: save it as “CSV UTF-8” or “CSV (Comma delimited)”',
    ));

  it('6 binary junk', () =>
    expectFileRejected(
      { [REF]: Buffer.concat([Buffer.from(refs(REF_GOOD[0]!)), Buffer.from([0, 1, 2, 0, 0xff, 0x0a])]) },
      REF,
      'not a text CSV (it holds binary data): is it a spreadsheet or zip saved with a .csv name?',
    ));

  it('7 wrong list: assessments saved as referrals', () =>
    expectFileRejected(
      {
        [REF]:
          'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,Child Seen During Continuous Assessment\nC1,F,WBRI,01/01/2010,5,T,W1,01/02/2015,,Y\n',
      },
      REF,
      'not a Referrals (Annex A list 3) file: missing required column(s) "Date of referral"; its first line has 10 cells: the column names "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Allocated Team", and 4 more',
    ));

  it('8 duplicate header column', () =>
    expectFileRejected(
      { [REF]: refs(...REF_GOOD).replace('Referral NFA?', 'date of referral ') },
      REF,
      'the column "Date of referral" appears twice in the header; remove one',
    ));

  it('9 truncated mid-line', () =>
    expectFileRejected(
      { [REF]: [REF_HEADER, ...REF_GOOD, 'G3,F,WBRI,01/01/2010,5,Tea'].join('\r\n') },
      REF,
      'the file appears truncated: the last record (line 4) stops part-way, with 6 of 10 fields and no line break at the end; copy or export the file again',
    ));

  it('10 truncated inside a quoted value', () =>
    expectFileRejected(
      { [REF]: [REF_HEADER, ...REF_GOOD, 'G3,F,WBRI,01/01/2010,5,"Team A, East'].join('\n') },
      REF,
      'the file appears truncated: the last record (line 4) stops part-way, with a quoted value still open and no line break at the end; copy or export the file again',
    ));

  it('11 an opening quote never closed', () =>
    expectFileRejected(
      { [REF]: refs(REF_GOOD[0]!, 'G3,F,WBRI,01/01/2010,5,"Team A,W1,01/02/2015,Police,N', REF_GOOD[1]!) },
      REF,
      'a double quote opened on line 3 is never closed, so everything after it would be one value: a value has a stray quote; quote the whole value and double any quote inside it, or export again',
    ));

  it('12 semicolon-delimited export', () =>
    expectFileRejected({ [REF]: refs(...REF_GOOD).replaceAll(',', ';') }, REF, 'the file is separated by semicolons (;), not commas: export it as CSV (comma delimited)'));

  it('13 extract date written dd-mm-yyyy in the name', () =>
    expectFileRejected(
      { 'case-system/referrals_28-02-2015.csv': refs(...REF_GOOD) },
      'case-system/referrals_28-02-2015.csv',
      'file name does not match <list>_YYYY-MM-DD.csv or annex_a_YYYY-MM-DD.xlsx; rename it so the list and extract date can be read',
    ));

  it('14 misspelt list name', () =>
    expectFileRejected(
      { 'case-system/referals_2015-02-28.csv': refs(...REF_GOOD) },
      'case-system/referals_2015-02-28.csv',
      `"referals" is not a known case-system list (expected one of: ${CASE_SYSTEM_LISTS.join(', ')})`,
    ));

  it('15 impossible extract date in the name', () =>
    expectFileRejected(
      { 'case-system/referrals_2015-02-30.csv': refs(...REF_GOOD) },
      'case-system/referrals_2015-02-30.csv',
      'the extract date 2015-02-30 in the file name is not a real date',
    ));

  it('16 Excel lock file', () =>
    expectFileRejected(
      { 'audits/~$QA_audits_2015_Q1.xlsx': Buffer.from([1, 2, 3]) },
      'audits/~$QA_audits_2015_Q1.xlsx',
      'an Excel lock file (the workbook was open when copied); it is not an audit workbook',
    ));

  it('17 symlink leading outside the landing folder', () =>
    expectFileRejected({}, 'case-system/referrals_2015-02-28.csv', 'a symbolic link that leads outside the landing folder (or to nothing); copy the file into the landing folder instead', async (t) => {
      const outside = join(t.root, 'secret.csv');
      await writeFile(outside, refs(...REF_GOOD));
      await symlink(outside, join(t.landing, REF));
    }));

  it('18 .DS_Store', () =>
    expectFileRejected(
      { 'case-system/.DS_Store': Buffer.from([0, 0, 0, 1]) },
      'case-system/.DS_Store',
      'a hidden file (its name starts with "."), not an extract; remove it from the landing folder',
    ));

  it('19 a folder inside case-system', () =>
    expectIgnored(
      {},
      'case-system/old/',
      'an empty folder; it is in a folder inside case-system/, and only the files directly in case-system/ are read; move an extract up into case-system/, or remove the folder',
      async (t) => {
        await mkdir(join(t.landing, 'case-system', 'old'));
      },
    ));

  it('20 audits saved as PDF', () =>
    expectIgnored({ 'audits/audits.pdf': '%PDF-1.4' }, 'audits/audits.pdf', 'a “.pdf” file: audits/ takes only .xlsx or .csv files, so it was not read; if it should be read, save it as .xlsx'));

  it('21 a runaway 2 GB+ export (sparse file: never read)', () =>
    expectFileRejected(
      {},
      REF,
      'the file is 2048 MB, over the 2048 MB limit (limits.max_csv_bytes in config/limits.json) for a CSV extract; check the export (a runaway query or a wrong file) or split it',
      async (t) => {
        const p = await put(t, REF, '');
        await truncate(p, 2 * 1024 ** 3 + 1);
      },
    ));

  it('22 zip bomb that declares its size', () =>
    expectFileRejected(
      { 'audits/QA.xlsx': zip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(64 * 1024 ** 2) }]) },
      'audits/QA.xlsx',
      BOMB_REASON('part xl/worksheets/sheet1.xml unpacks 1029× (67108864 bytes from 65232)'),
    ));

  it('23 zip bomb that lies about its unpacked size', () =>
    expectFileRejected(
      {
        'audits/QA.xlsx': zip([
          { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
          { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(64 * 1024 ** 2), declare: 1000 },
        ]),
      },
      'audits/QA.xlsx',
      BOMB_REASON('part xl/worksheets/sheet1.xml unpacks to over 13046400 bytes although it declares 1000'),
    ));

  it('24 a CSV renamed .xlsx', () =>
    expectFileRejected(
      { 'audits/QA.xlsx': AUDIT_HEADER.join(',') + '\n' },
      'audits/QA.xlsx',
      'not an .xlsx workbook (it is not a zip package): save it from Excel as “Excel Workbook (.xlsx)”',
    ));

  it('25 workbook without an audit sheet', async () =>
    expectFileRejected(
      { 'audits/QA.xlsx': await workbook([{ name: 'Pivot', rows: [['Grade', 'Count'], ['Good', 3]] }, { name: 'Guidance', rows: [['How to use']] }]) },
      'audits/QA.xlsx',
      'no sheet has the audit columns (looked at the first 20 rows of “Pivot”, “Guidance” for a header with 2 required columns such as “Audit ID” and “Child Unique ID”)',
    ));

  it('26 workbook with two audit sheets', async () =>
    expectFileRejected(
      {
        'audits/QA.xlsx': await workbook([
          { name: 'Jan', rows: [AUDIT_HEADER, AUDIT_ROW('A1')] },
          { name: 'Feb', rows: [['February audits'], AUDIT_HEADER, AUDIT_ROW('A2')] },
        ]),
      },
      'audits/QA.xlsx',
      'sheets “Jan” and “Feb” both have the audit columns; keep one audit sheet per workbook (move the other to its own workbook) so no audit is read twice or missed',
    ));
});

const NOT_A_DATE = (c: string) => `${c} is not a real date; write it as dd/mm/yyyy or yyyy-mm-dd`;

describe('row rejects', () => {
  it('27 impossible date 31/02/2015', () =>
    expectRowRejects({ [REF]: refs(REF_GOOD[0]!, 'B1,F,WBRI,01/01/2010,5,T,W1,31/02/2015,Police,N', REF_GOOD[1]!) }, REF, { read: 3, loaded: 2 }, [
      { line: 3, column: 'Date of referral', reason: NOT_A_DATE('Date of referral') },
    ], refIds('G1', 'G2')));

  it('28 US date 05/13/2015 (never guessed)', () =>
    expectRowRejects({ [REF]: refs('B1,F,WBRI,05/13/2010,5,T,W1,01/02/2015,Police,N', ...REF_GOOD) }, REF, { read: 3, loaded: 2 }, [
      { line: 2, column: 'Date of Birth', reason: NOT_A_DATE('Date of Birth') },
    ], refIds('G1', 'G2')));

  it('29 two-digit year', () =>
    expectRowRejects({ [REF]: refs(...REF_GOOD, 'B1,F,WBRI,01/01/2010,5,T,W1,05/02/15,Police,N') }, REF, { read: 3, loaded: 2 }, [
      { line: 4, column: 'Date of referral', reason: NOT_A_DATE('Date of referral') },
    ], refIds('G1', 'G2')));

  it('30 referral after the extract date', () =>
    expectRowRejects({ [REF]: refs(...REF_GOOD, 'B1,F,WBRI,01/01/2010,5,T,W1,01/03/2015,Police,N') }, REF, { read: 3, loaded: 2 }, [
      { line: 4, column: 'Date of referral', reason: "Date of referral is after the file's extract date 28/02/2015; check the date or the file name" },
    ], refIds('G1', 'G2')));

  it('31 blank Child Unique ID', () =>
    expectRowRejects({ [REF]: refs(...REF_GOOD, '  ,F,WBRI,01/01/2010,5,T,W1,01/02/2015,Police,N') }, REF, { read: 3, loaded: 2 }, [
      { line: 4, column: 'Child Unique ID', reason: 'Child Unique ID is blank but required' },
    ], refIds('G1', 'G2')));

  it('32 flag "Maybe"', () =>
    expectRowRejects({ [REF]: refs(REF_GOOD[0]!, 'B1,F,WBRI,01/01/2010,5,T,W1,01/02/2015,Police,Maybe', REF_GOOD[1]!) }, REF, { read: 3, loaded: 2 }, [
      { line: 3, column: 'Referral NFA?', reason: 'Referral NFA? must be Y or N (Yes/No)' },
    ], refIds('G1', 'G2')));

  const CP = 'case-system/child_protection_2015-02-28.csv';
  const cp = (...rows: string[]) => [CP_HEADER, ...rows].join('\n') + '\n';
  const cpIds = (...ids: string[]) => ({ table: 'child_protection', column: 'child_unique_id', ids });
  const COUNT = 'Number of Previous Child Protection Plans must be a whole number of 0 or more (or blank if unknown)';

  it('33 previous CP plans not a whole number', () =>
    expectRowRejects(
      { [CP]: cp('G1,F,W,,,T,W1,01/01/2015,,0,Neglect,Neglect', 'B1,F,W,,,T,W1,01/01/2015,,1.5,Neglect,Neglect', 'B2,F,W,,,T,W1,01/01/2015,,-1,Neglect,Neglect', 'G2,F,W,,,T,W1,01/01/2015,,,Neglect,Neglect') },
      CP,
      { read: 4, loaded: 2 },
      [
        { line: 3, column: 'Number of Previous Child Protection Plans', reason: COUNT },
        { line: 4, column: 'Number of Previous Child Protection Plans', reason: COUNT },
      ],
      cpIds('G1', 'G2'),
    ));

  it('34 CP plan ends before it starts', () =>
    expectRowRejects(
      { [CP]: cp('G1,F,W,,,T,W1,01/01/2015,02/01/2015,0,Neglect,Neglect', 'B1,F,W,,,T,W1,01/01/2015,31/12/2014,0,Neglect,Neglect') },
      CP,
      { read: 2, loaded: 1 },
      [{ line: 3, column: 'Child Protection Plan End Date', reason: 'Child Protection Plan End Date is before Child Protection Plan Start Date' }],
      cpIds('G1'),
    ));

  const HR = 'hr/workforce_2015-02-28.csv';
  const hr = (...rows: string[]) => [HR_HEADER, ...rows].join('\n') + '\n';
  const hrIds = (...ids: string[]) => ({ table: 'workforce', column: 'worker_id', ids });
  const FTE = 'FTE must be a number above 0 and at most 1.5';
  const ROLE = 'Org Role must be 1–6 or its words (1 Senior Manager … 6 Qualified Without Cases), and a number and words must agree';

  it('35 FTE out of range or not a number', () =>
    expectRowRejects(
      { [HR]: hr('G1,5,N,1,01/01/2014,,,T,', 'B1,5,N,0,01/01/2014,,,T,', 'B2,5,N,2,01/01/2014,,,T,', 'B3,5,N,full,01/01/2014,,,T,', 'G2,Case Holder,Yes,0.5,2014-01-01,,,T,') },
      HR,
      { read: 5, loaded: 2 },
      [
        { line: 3, column: 'FTE', reason: FTE },
        { line: 4, column: 'FTE', reason: FTE },
        { line: 5, column: 'FTE', reason: FTE },
      ],
      hrIds('G1', 'G2'),
    ));

  it('36 Org Role disagreeing or off the list', () =>
    expectRowRejects(
      { [HR]: hr('G1,5 Case Holder,N,1,01/01/2014,,,T,', 'B1,5 Senior Manager,N,1,01/01/2014,,,T,', 'B2,7,N,1,01/01/2014,,,T,', 'G2,senior practitioner,n,1,01/01/2014,,,T,') },
      HR,
      { read: 4, loaded: 2 },
      [
        { line: 3, column: 'Org Role', reason: ROLE },
        { line: 4, column: 'Org Role', reason: ROLE },
      ],
      hrIds('G1', 'G2'),
    ));

  it('37 HR role starting after the extract date; Agency Worker "Agency"', () =>
    expectRowRejects(
      { [HR]: hr('G1,1,N,1,01/01/2014,,,T,', 'B1,1,N,1,01/03/2015,,,T,', 'B2,1,Agency,1,01/01/2014,,,T,') },
      HR,
      { read: 3, loaded: 1 },
      [
        { line: 3, column: 'Role Start Date', reason: "Role Start Date is after the file's extract date 28/02/2015; check the date or the file name" },
        { line: 4, column: 'Agency Worker', reason: 'Agency Worker must be Y or N (Yes/No)' },
      ],
      hrIds('G1'),
    ));

  it('38 unquoted comma inside a value', () =>
    expectRowRejects({ [REF]: refs(REF_GOOD[0]!, 'B1,F,WBRI,01/01/2010,5,Team A, East,W1,01/02/2015,Police,N', REF_GOOD[1]!) }, REF, { read: 3, loaded: 2 }, [
      { line: 3, column: null, reason: 'the line has more fields than the header: look for an unquoted comma in a value' },
    ], refIds('G1', 'G2')));

  it('39 record with fields missing', () =>
    expectRowRejects({ [REF]: refs(REF_GOOD[0]!, 'B1,F,WBRI,01/01/2010', REF_GOOD[1]!) }, REF, { read: 3, loaded: 2 }, [
      { line: 3, column: null, reason: 'the line has fewer fields than the header: the row is incomplete or wrapped onto two lines' },
    ], refIds('G1', 'G2')));

  it('40 stray quote after a quoted value', () =>
    expectRowRejects({ [REF]: refs(REF_GOOD[0]!, 'B1,F,WBRI,01/01/2010,5,"Team "A" East",W1,01/02/2015,Police,N', REF_GOOD[1]!) }, REF, { read: 3, loaded: 2 }, [
      { line: 3, column: null, reason: 'a value has a stray double quote: quote the whole value and double any quote inside it' },
    ], refIds('G1', 'G2')));

  it('41 blank lines and a value spanning two lines shift every later line number', () =>
    expectRowRejects(
      {
        [REF]: [
          REF_HEADER,
          'G1,F,WBRI,01/01/2010,5,"Team A',
          'East",W1,01/02/2015,Police,N', // line 3 continues G1's record
          '',
          'B1,F,WBRI,01/01/2010,5,T', // line 5: too few fields
          '',
          'B2,F,WBRI,01/01/2010,5,T,W1,30/02/2015,Police,N', // line 7
          'G2,M,WBRI,01/01/2011,4,Team A,W1,2015-02-02,School,Y',
        ].join('\r\n') + '\r\n',
      },
      REF,
      { read: 4, loaded: 2 },
      [
        { line: 5, column: null, reason: 'the line has fewer fields than the header: the row is incomplete or wrapped onto two lines' },
        { line: 7, column: 'Date of referral', reason: NOT_A_DATE('Date of referral') },
      ],
      refIds('G1', 'G2'),
    ));

  const AUD_CSV = 'audits/peer_audits.csv';
  const audIds = (...ids: string[]) => ({ table: 'audits', column: 'audit_id', ids });

  it('42 Audit ID repeated within one file', () =>
    expectRowRejects(
      { [AUD_CSV]: [AUDIT_HEADER, AUDIT_ROW('A1'), AUDIT_ROW('A2'), AUDIT_ROW('A1', 'C9')].map((r) => r.join(',')).join('\n') + '\n' },
      AUD_CSV,
      { read: 3, loaded: 2 },
      [
        {
          line: 4,
          column: 'Audit ID',
          reason: 'Audit ID is repeated: the same value is already on line 2 of this file (that row was kept); give each its own ID or remove the copy',
        },
      ],
      audIds('A1', 'A2'),
    ));

  it('43 blank Audit ID in a workbook (sheet and row named)', async () =>
    expectRowRejects(
      {
        'audits/QA.xlsx': await workbook([
          { name: 'Guidance', rows: [['Read me']] },
          { name: 'Audits 2015', rows: [['Case file audits'], [], AUDIT_HEADER, AUDIT_ROW('A1'), AUDIT_ROW(''), AUDIT_ROW('A3')] },
        ]),
      },
      'audits/QA.xlsx',
      { read: 3, loaded: 2 },
      [{ line: 5, column: 'Audit ID', reason: 'Audit ID is blank but required', sheet: 'Audits 2015' }],
      audIds('A1', 'A3'),
    ));

  it('44 impossible date typed as text in a workbook', async () =>
    expectRowRejects(
      {
        'audits/QA.xlsx': await workbook([
          { name: 'Audits', rows: [AUDIT_HEADER, AUDIT_ROW('A1'), [...AUDIT_ROW('A2').slice(0, 4), '31/02/2015', ...AUDIT_ROW('A2').slice(5)]] },
        ]),
      },
      'audits/QA.xlsx',
      { read: 2, loaded: 1 },
      [{ line: 3, column: 'Completed Date', reason: NOT_A_DATE('Completed Date'), sheet: 'Audits' }],
      audIds('A1'),
    ));

  it('45 Windows-1252 file with an impossible date: the rest loads with £ and curly quotes intact', async () => {
    const text = refs('G1,F,WBRI,01/01/2010,5,Team £ “East”,W1,01/02/2015,Police,N', 'B1,F,WBRI,01/01/2010,5,T,W1,29/02/2015,Police,N');
    const cp1252 = Buffer.from(
      [...text].map((ch) => ({ '£': 0xa3, '“': 0x93, '”': 0x94 })[ch] ?? ch.charCodeAt(0)),
    );
    const { t } = await expectRowRejects({ [REF]: cp1252 }, REF, { read: 2, loaded: 1 }, [
      { line: 3, column: 'Date of referral', reason: NOT_A_DATE('Date of referral') },
    ], refIds('G1'));
    const [row] = await query<{ allocated_team: string }>(t, "SELECT allocated_team FROM core.referrals WHERE child_unique_id = 'G1' AND extract_date = '2015-02-28'");
    expect(row?.allocated_team).toBe('Team £ “East”');
  });
});
