/**
 * Nothing in the landing folder goes unmentioned (issue 13 item 3), through the real pull, loader,
 * build-metrics and validate on a real DuckDB: files in the landing folder's root, in an unknown or
 * wrongly-cased folder, in a sub-folder or of a kind their folder does not take are listed as
 * `ignored` with the reason (before: `validate` counted 7 of these 9 files and said nothing of the
 * others); semicolon and tab files are rejected naming the separator; extra columns are kept and
 * listed; a file with rejected rows is "loaded, N rows rejected", never OK; a file of an unknown
 * list is archived like every other file the night reads. The walk is bounded and follows no link.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMetrics } from '../activities/build-metrics.js';
import { migrate } from '../activities/migrate.js';
import { pullSources } from '../activities/pull.js';
import { formatValidation, validateLanding } from '../activities/validate.js';
import { Warehouse } from '../activities/warehouse.js';
import { delimiterProblem } from '../core/csv-delimiter.js';
import { contractFor } from '../core/contracts/lists.js';
import { extraColumns, extraColumnsText } from '../core/extra-columns.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { FoundFile } from '../core/night.js';
import { sourceFolderList } from '../core/source-folders.js';
import { pullAndLoad, put, query, tempNight, type TempNight } from './helpers/landing.js';

const AS_OF = '2015-02-28';
const REF_HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';
const REF_ROWS = ['C1,F,WBRI,,,Team A,W1,01/02/2015,Police,N', 'C2,M,WBRI,,,Team A,W1,31/02/2015,Police,N', 'C3,M,WBRI,,,Team B,W2,03/02/2015,School,Y'];
const HR = 'Worker ID,Org Role,Agency Worker,FTE,Role Start Date\nW1,5,N,1,01/01/2014\n';
const CP_HEADER =
  'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Child Protection Plan Start Date,Child Protection Plan End Date,Number of Previous Child Protection Plans,Initial Category of Abuse,Latest Category of Abuse';
const CIN = 'Child Unique ID,CIN Start Date,CIN Closure Date,Primary Need Code,Reason for Closure,Case Status\nC1,01/01/2015,,N1,,c) Child in need plan\n';

/**
 * The folder the issue found: 9 files, of which validate spoke of 7. Here: 2 good extracts (one
 * with a rejected row and 2 extra columns), a file of an unknown list, a semicolon file, a tab
 * file, and 4 not where a source lives.
 */
async function nineFiles(): Promise<TempNight> {
  const t = await tempNight();
  await put(t, 'case-system/referrals_2015-02-28.csv', [`${REF_HEADER},Local Notes,Team Leader`, ...REF_ROWS.map((r) => `${r},x,y`)].join('\r\n') + '\r\n');
  await put(t, 'hr/workforce_2015-02-28.csv', HR);
  await put(t, 'case-system/placements_2015-02-28.csv', 'Child Unique ID,Placement Start\nC1,01/01/2015\n');
  await put(t, 'case-system/children_in_need_2015-02-28.csv', CIN.replaceAll(',', ';'));
  await put(t, 'case-system/child_protection_2015-02-28.csv', `${CP_HEADER}\nC1,F,WBRI,,,T,W1,01/01/2015,,0,Neglect,Neglect\n`.replaceAll(',', '\t'));
  await put(t, 'notes.txt', 'remember to chase HR\n');
  await put(t, 'hr-old/workforce_2015-01-31.csv', HR);
  await put(t, 'Case-System/referrals_2015-01-31.csv', [REF_HEADER, REF_ROWS[0]].join('\n') + '\n');
  await put(t, 'case-system/README.txt', 'how the extracts are made\n');
  return t;
}

/** The source folders as reasons name them (core/source-folders.ts; the list grows with each kind of source). */
const FOLDERS = sourceFolderList();
const LANDING_ROOT = `it is in the landing folder itself, not in a source folder (${FOLDERS}); move it into its source folder if it is an extract, or remove it`;
const notASourceFolder = (folder: string) => `“${folder}/” is not a source folder (${FOLDERS}), so nothing in it was read; move extracts into their source folders, or remove it`;
const HR_OLD = notASourceFolder('hr-old');
const CASE_SYSTEM_CAPITALS = 'the folder “Case-System/” is not a source folder: source folder names are lower case, so rename it “case-system/” (nothing in it was read)';
const README_TXT = 'a “.txt” file: case-system/ takes only .csv or .xlsx files, so it was not read; if it should be read, save it as .csv';
const UNKNOWN_LIST =
  '"placements" is not a known case-system list (expected one of: referrals, assessments, children_in_need, child_protection, care_proceedings, case_closures, section_47, children_looked_after, care_leavers, contacts, early_help, adoption, adopters)';

async function sources(t: TempNight, found: FoundFile[]) {
  const m = await Warehouse.with(t.warehouse, (w) =>
    buildMetrics(w, { asOf: AS_OF, landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run', createdAt: '2015-03-01T02:00:00Z', found }, 'snap', []),
  );
  return m.data_quality.sources;
}

describe('every file in the landing folder is mentioned', () => {
  it('files in the root, in an unknown or wrongly-cased folder, or of an unknown kind are ignored with the reason, in metrics.json and validate', async () => {
    const t = await nineFiles();
    const n = await pullAndLoad(t, AS_OF);
    const got = await sources(t, n.found);
    expect(got.length).toBe(9);
    const ignored = got.filter((s) => s.status === 'ignored');
    const blank = { list: null, sha256: null, extract_date: null, used: false, rows_loaded: 0, rows_rejected: 0, age_days: null, stale: null };
    expect(ignored).toEqual([
      { source: 'Case-System/', file: 'referrals_2015-01-31.csv', status: 'ignored', reason: CASE_SYSTEM_CAPITALS, ...blank },
      { source: 'case-system/', file: 'README.txt', status: 'ignored', reason: README_TXT, ...blank },
      { source: 'hr-old/', file: 'workforce_2015-01-31.csv', status: 'ignored', reason: HR_OLD, ...blank },
      { source: 'landing folder', file: 'notes.txt', status: 'ignored', reason: LANDING_ROOT, ...blank },
    ]);
    // The other five: two loaded (one with a row rejected), three rejected whole with their reasons.
    expect(got.filter((s) => s.status !== 'ignored').map((s) => [s.file, s.status, s.rows_loaded, s.rows_rejected, s.reason])).toEqual([
      ['child_protection_2015-02-28.csv', 'rejected', 0, 0, 'the file is separated by tabs, not commas: export it as CSV (comma delimited)'],
      ['children_in_need_2015-02-28.csv', 'rejected', 0, 0, 'the file is separated by semicolons (;), not commas: export it as CSV (comma delimited)'],
      ['placements_2015-02-28.csv', 'rejected', 0, 0, UNKNOWN_LIST],
      ['referrals_2015-02-28.csv', 'loaded', 2, 1, null],
      ['workforce_2015-02-28.csv', 'loaded', 1, 0, null],
    ]);

    const text = formatValidation(await validateLanding({ landing: t.landing, asOf: AS_OF }));
    for (const [rel, reason] of [
      ['notes.txt', LANDING_ROOT],
      ['hr-old/workforce_2015-01-31.csv', HR_OLD],
      ['Case-System/referrals_2015-01-31.csv', CASE_SYSTEM_CAPITALS],
      ['case-system/README.txt', README_TXT],
    ]) {
      expect(text).toContain(`IGNORED     ${rel}\n            ${reason}\n`);
    }
    expect(text).toContain('9 file(s): 2 loaded, 3 rejected whole, 4 ignored (not where a source lives); 1 row(s) rejected.');
  });

  it('a file with rejected rows is "loaded, N rows rejected", never OK; its extra columns are named', async () => {
    const t = await nineFiles();
    const text = formatValidation(await validateLanding({ landing: t.landing, asOf: AS_OF }));
    expect(text).toContain(
      'LOADED      case-system/referrals_2015-02-28.csv (referrals)  loaded, 1 row rejected (read 3, loaded 2)\n' +
        '            2 extra columns kept but not used: “Local Notes”, “Team Leader”\n' +
        '            - line 3, column “Date of referral”: Date of referral is not a real date; write it as dd/mm/yyyy or yyyy-mm-dd\n',
    );
    expect(text).toContain('OK          hr/workforce_2015-02-28.csv (workforce)  read 1, loaded 1, rejected 0\n');
    expect(text).not.toMatch(/^OK .*referrals/m);
  });

  it('a file of an unknown list is archived like every file the night reads, and stays a reject', async () => {
    const t = await nineFiles();
    const bytes = await readFile(join(t.landing, 'case-system/placements_2015-02-28.csv'));
    const sha = createHash('sha256').update(bytes).digest('hex');
    for (const run of ['run-1', 'run-2']) {
      const n = await pullAndLoad(t, AS_OF, run);
      const f = n.found.find((x) => x.name === 'placements_2015-02-28.csv')!;
      expect(f).toMatchObject({ status: 'rejected', reason: UNKNOWN_LIST, sha256: sha, list: null, rawPath: join(t.home, 'raw', 'case-system', `${sha}.csv`) });
      expect(await readFile(f.rawPath!)).toEqual(bytes);
      expect(n.loads.has(f.relPath)).toBe(false);
      expect((await sources(t, n.found)).find((s) => s.file === f.name)).toMatchObject({ status: 'rejected', sha256: sha, reason: UNKNOWN_LIST, used: false, rows_loaded: 0 });
    }
    // Refused bytes are nobody's twin: the same bytes under a good name are still read as that list.
    const twin = await tempNight();
    const refs = [REF_HEADER, REF_ROWS[0]].join('\n') + '\n';
    await put(twin, 'case-system/referals_2015-02-28.csv', refs);
    await put(twin, 'case-system/referrals_2015-02-28.csv', refs);
    const n = await pullAndLoad(twin, AS_OF);
    expect(n.found.map((f) => [f.name, f.status])).toEqual([
      ['referals_2015-02-28.csv', 'rejected'],
      ['referrals_2015-02-28.csv', 'new'],
    ]);
    expect(n.loads.get('case-system/referrals_2015-02-28.csv')).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
  });

  it('semicolons, tabs and vertical bars are named; a comma file whose names hold a semicolon is not taken for one', () => {
    expect(delimiterProblem(['Child Unique ID;Gender;Date of referral'])).toBe('the file is separated by semicolons (;), not commas: export it as CSV (comma delimited)');
    expect(delimiterProblem(['Child Unique ID\tGender\tDate of referral'])).toBe('the file is separated by tabs, not commas: export it as CSV (comma delimited)');
    expect(delimiterProblem(['Child Unique ID|Gender|Date of referral'])).toBe('the file is separated by vertical bars (|), not commas: export it as CSV (comma delimited)');
    // A semicolon file with a comma in one name is still a semicolon file.
    expect(delimiterProblem(['Child Unique ID;Notes (a', ' b);Gender'])).toMatch(/semicolons/);
    expect(delimiterProblem(['Child Unique ID', 'Notes; free text', 'Gender'])).toBeNull();
    expect(delimiterProblem(['Child Unique ID'])).toBeNull();
  });
});

describe('extra columns', () => {
  it('are kept in raw.<list>.extra_columns by header and listed in meta.files.columns_seen after the contract columns', async () => {
    const t = await tempNight();
    await put(t, 'case-system/children_in_need_2015-02-28.csv', 'Child Unique ID,Local Notes,CIN Start Date,,CIN Closure Date,Primary Need Code,Reason for Closure,Case Status,Local Notes,cin_plan_start_date\nC1,note one,01/01/2015,blank-headed,,N1,,c) Child in need plan,again,01/02/2015\n');
    const n = await pullAndLoad(t, AS_OF);
    expect(n.loads.get('case-system/children_in_need_2015-02-28.csv')).toMatchObject({ status: 'loaded', rowsLoaded: 1, rowsRejected: 0 });
    const [rec] = await query<{ columns_seen: string[] }>(t, 'SELECT columns_seen FROM meta.files');
    expect(rec!.columns_seen).toEqual([
      'child_unique_id', 'cin_start_date', 'cin_closure_date', 'primary_need_code', 'reason_for_closure', 'case_status',
      // A second "Local Notes", a blank header, and a header spelt as a warehouse column (not the contract's
      // "CIN Plan Start Date") each get a key of their own that cannot be read as a contract column.
      'Local Notes', 'column 4', 'Local Notes (column 9)', 'cin_plan_start_date (column 10)',
    ]);
    expect(await query(t, "SELECT extra_columns['Local Notes'] AS a, extra_columns['column 4'] AS b, extra_columns['Local Notes (column 9)'] AS c, cin_plan_start_date FROM raw.children_in_need")).toEqual([
      { a: 'note one', b: 'blank-headed', c: 'again', cin_plan_start_date: null },
    ]);
    // A file without extra columns keeps none.
    await put(t, 'case-system/children_in_need_2015-01-31.csv', 'Child Unique ID,CIN Start Date,CIN Closure Date,Primary Need Code,Reason for Closure,Case Status\nC1,01/01/2015,,N1,,c) Child in need plan\n');
    await pullAndLoad(t, AS_OF);
    expect(await query(t, "SELECT extra_columns FROM raw.children_in_need r JOIN meta.files f ON f.sha256 = r.file_sha256 WHERE f.extract_date = DATE '2015-01-31'")).toEqual([{ extra_columns: null }]);
  });

  it('are named in words, a few at a time', () => {
    const cin = contractFor('children_in_need');
    const header = ['Child Unique ID', ...Array.from({ length: 12 }, (_, i) => `Extra ${i + 1}`)];
    const keys = extraColumns(cin, header, header.map((h, i) => (i === 0 ? h : null))).map((e) => e.key);
    expect(extraColumnsText(keys)).toBe(
      '12 extra columns kept but not used: “Extra 1”, “Extra 2”, “Extra 3”, “Extra 4”, “Extra 5”, “Extra 6”, “Extra 7”, “Extra 8”, “Extra 9”, “Extra 10”, and 2 more',
    );
    expect(extraColumnsText(['Notes'])).toBe('1 extra column kept but not used: “Notes”');
    expect(extraColumnsText([])).toBeNull();
  });

  it('a warehouse made before extra columns were kept gains the column', async () => {
    const t = await tempNight();
    await Warehouse.with(t.warehouse, async (w) => {
      await w.run('CREATE SCHEMA raw');
      await w.run('CREATE TABLE raw.referrals (file_sha256 VARCHAR NOT NULL, line BIGINT NOT NULL, child_unique_id VARCHAR)');
      await migrate(w);
      await migrate(w);
      expect(await w.rows("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'referrals' AND column_name = 'extra_columns'")).toEqual([
        { column_name: 'extra_columns', data_type: 'MAP(VARCHAR, VARCHAR)' },
      ]);
    });
  });
});

describe('the walk of the landing folder', () => {
  it('lists a sub-folder’s files, an empty folder and a link (never followed), stops at the depth and entry limits', async () => {
    const t = await tempNight();
    await put(t, 'case-system/referrals_2015-02-28.csv', [REF_HEADER, REF_ROWS[0]].join('\n') + '\n');
    await put(t, 'case-system/old/referrals_2015-01-31.csv', 'x\n');
    await mkdir(join(t.landing, 'archive', 'empty'), { recursive: true });
    await put(t, 'a/b/c/deep.csv', 'x\n');
    await symlink('/etc', join(t.landing, 'etc-link'));
    await symlink(join(t.landing, 'case-system'), join(t.landing, 'archive', 'loop'));
    await symlink(join(t.landing, 'archive'), join(t.landing, 'case-system', 'archive-link'));
    const limits = { ...DEFAULT_LIMITS, max_landing_depth: 2 };
    const pull = (l = limits) => Warehouse.with(t.warehouse, async (w) => (await migrate(w), pullSources(w, { asOf: AS_OF, landing: t.landing, home: t.home }, { limits: l })));
    const found = await pull();
    expect(found.filter((f) => f.status === 'ignored').map((f) => [f.relPath, f.name, f.reason])).toEqual([
      // Whole, within REASON_MAX_CHARS: the advice at its end is not cut off.
      ['a/b/c/', 'c/', `a folder 3 levels down, deeper than the 2 limit (limits.max_landing_depth in config/limits.json) allows: not opened; ${notASourceFolder('a')}`],
      ['archive/empty/', 'empty/', `an empty folder; ${notASourceFolder('archive')}`],
      ['archive/loop', 'loop', `a link, which is not followed; ${notASourceFolder('archive')}`],
      ['case-system/archive-link', 'archive-link', 'a link, which is not followed; a file without an extension: case-system/ takes only .csv or .xlsx files, so it was not read; if it should be read, save it as .csv'],
      ['case-system/old/referrals_2015-01-31.csv', 'referrals_2015-01-31.csv', 'it is in a folder inside case-system/, and only the files directly in case-system/ are read; move an extract up into case-system/, or remove the folder'],
      ['etc-link', 'etc-link', `a link, which is not followed; ${LANDING_ROOT}`],
    ]);
    expect(found.filter((f) => f.status !== 'ignored').map((f) => [f.relPath, f.status])).toEqual([['case-system/referrals_2015-02-28.csv', 'new']]);

    // Two entries allowed: the third says the rest were not looked at.
    const capped = (await pull({ ...limits, max_landing_entries: 2 })).filter((f) => f.status === 'ignored');
    expect(capped).toHaveLength(3);
    expect(capped.map((f) => f.reason)).toContainEqual(
      'the landing folder holds more entries that are not where a source lives than the 2 limit (limits.max_landing_entries in config/limits.json) allows, so the walk stopped here and the rest were not looked at; tidy the landing folder',
    );
  });
});
