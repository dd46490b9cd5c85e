/**
 * Custody of reasons (issue 12): no value from a source file reaches a reason, a published source
 * entry, `csc-kpi validate`'s report or an activity failure. Each case was reproduced on main; the
 * marker values are distinctive so a search for them means something.
 *
 * | # | what was reproduced on main                                            | now |
 * |---|------------------------------------------------------------------------|-----|
 * | 1 | a headerless referrals CSV: reason quoted the first data row           | cells counted, never quoted |
 * | 2 | a hard link to a file outside the landing folder: archived and read    | rejected whole, never read |
 * | 3 | validate printed a child id typed into a date column, a date of birth  | no row value but a code |
 * | 4 | reasons built from library messages; unbounded reasons published       | our own words; capped on the way out |
 * | 5 | file names with ANSI escapes raw in metrics.json and the terminal      | shown form everywhere |
 */
import { link, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { buildMetrics } from '../activities/build-metrics.js';
import { activityFailure } from '../activities/activity-guard.js';
import { HEADER_QUOTE_OPEN } from '../activities/csv-header.js';
import { WORKBOOK_UNREADABLE } from '../activities/load-xlsx.js';
import { migrate } from '../activities/migrate.js';
import { HARD_LINK_REASON } from '../activities/pull.js';
import { formatValidation, validateLanding } from '../activities/validate.js';
import { Warehouse } from '../activities/warehouse.js';
import type { FoundFile } from '../core/night.js';
import { REASON_MAX_CHARS } from '../core/shown-text.js';
import { MARKERS, REFERRALS_HEADER, headerlessReferrals, leaksIn } from './helpers/custody.js';
import { pullAndLoad, put, query, tempNight, type TempNight } from './helpers/landing.js';
import { zip } from './helpers/zip.js';

const AS_OF = '2015-02-28';
const ESC = '\u001b';

async function fileReason(t: TempNight, f: FoundFile | undefined): Promise<string | null> {
  const [rec] = await query<{ reason: string | null }>(t, 'SELECT reason FROM meta.files WHERE sha256 = $sha', { sha: f!.sha256! });
  return rec?.reason ?? null;
}

async function publishedSources(t: TempNight, found: FoundFile[]) {
  const m = await Warehouse.with(t.warehouse, (w) =>
    buildMetrics(w, { asOf: AS_OF, landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run', createdAt: '2015-03-01T02:00:00Z', found }, 'snap', []),
  );
  return m.data_quality.sources;
}

describe('custody of reasons', () => {
  it('1 a referrals CSV without its header line: the reason counts the cells and quotes none of them', async () => {
    const t = await tempNight();
    await put(t, 'case-system/referrals_2015-02-28.csv', headerlessReferrals());
    const n = await pullAndLoad(t, AS_OF);
    const f = n.found.find((x) => x.name === 'referrals_2015-02-28.csv');
    expect(n.loads.get(f!.relPath)).toEqual({ sha256: f!.sha256, status: 'rejected', rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 });
    expect(await fileReason(t, f)).toBe(
      'not a Referrals (Annex A list 3) file: missing required column(s) "Child Unique ID", "Date of referral"; none of the 10 cells on its first line is a column name of any list, so the header line is probably missing (the first line is not shown: it may be a row of data)',
    );
    const text = formatValidation(await validateLanding({ landing: t.landing, asOf: AS_OF }));
    expect(text).toContain('the header line is probably missing');
    expect(leaksIn([{ where: 'validate', text }, { where: 'metrics sources', text: JSON.stringify(await publishedSources(t, n.found)) }], MARKERS)).toEqual([]);
  });

  it('1 a first line naming some known columns: those are named, the others counted', async () => {
    const t = await tempNight();
    await put(t, 'case-system/referrals_2015-02-28.csv', `Gender,${MARKERS[0]},Date of Birth,Referral Source\nF,x,01/01/2010,Police\n`);
    const n = await pullAndLoad(t, AS_OF);
    expect(await fileReason(t, n.found[0])).toBe(
      'not a Referrals (Annex A list 3) file: missing required column(s) "Child Unique ID", "Date of referral"; its first line has 4 cells: the column names "Gender", "Date of Birth", "Referral Source"; 1 other cell is not column names of any list (not shown)',
    );
  });

  it('2 a hard link to a file outside the landing folder is rejected whole, never archived or read', async () => {
    const t = await tempNight();
    const outside = join(t.root, 'elsewhere', 'referrals_2015-02-28.csv');
    await mkdir(join(t.root, 'elsewhere'));
    await writeFile(outside, [REFERRALS_HEADER, `${MARKERS[0]},F,WBRI,${MARKERS[1]},9,Team A,W1,01/02/2015,Police,N`].join('\n') + '\n');
    await link(outside, join(t.landing, 'case-system', 'referrals_2015-02-28.csv'));
    const n = await pullAndLoad(t, AS_OF);
    expect(n.found.map((f) => [f.relPath, f.status, f.reason, f.sha256, f.rawPath])).toEqual([
      ['case-system/referrals_2015-02-28.csv', 'rejected', HARD_LINK_REASON, null, null],
    ]);
    expect(n.loads.size).toBe(0);
    expect(await readdir(join(t.home, 'raw', 'case-system')).catch(() => [])).toEqual([]);
    expect(await query(t, 'SELECT count(*)::INT AS n FROM raw.referrals')).toEqual([{ n: 0 }]);
  });

  it('3 validate prints no row value: not a child id in a date column, not a date of birth; a code of a code column only when it looks like one', async () => {
    const t = await tempNight();
    await put(
      t,
      'case-system/referrals_2015-02-28.csv',
      [REFERRALS_HEADER, `C1,F,WBRI,${MARKERS[1]}x,9,Team A,W1,${MARKERS[0]},Police,N`, 'C2,F,WBRI,01/01/2010,9,Team A,W1,01/02/2015,Police,16/06/2005'].join('\n') + '\n',
    );
    await put(
      t,
      'hr/workforce_2015-02-28.csv',
      ['Worker ID,Org Role,Agency Worker,FTE,Role Start Date,Role End Date,Reason for Leaving,Team,Induction Completed Date', 'W1,7,N,1,01/01/2014,,,T,', `W2,${MARKERS[0]},N,1,01/01/2014,,,T,`].join('\n') + '\n',
    );
    const text = formatValidation(await validateLanding({ landing: t.landing, asOf: AS_OF }));
    expect(text).toContain('line 2, column “Date of Birth”: Date of Birth is not a real date');
    expect(text).toContain('line 2, column “Date of referral”: Date of referral is not a real date');
    expect(text).toContain('line 3, column “Referral NFA?”: Referral NFA? must be Y or N');
    expect(text).toContain('line 2, column “Org Role” (value “7”): Org Role must be 1–6');
    expect(text).toContain('line 3, column “Org Role”: Org Role must be 1–6');
    expect(leaksIn([{ where: 'validate', text }], MARKERS)).toEqual([]);
  });

  it('4 no library message in a reason: a workbook exceljs cannot parse, a first line with an unclosed quote', async () => {
    const t = await tempNight();
    await put(t, 'audits/QA.xlsx', zip([{ name: 'xl/workbook.xml', data: Buffer.from(`<workbook><${MARKERS[0]} "${MARKERS[1]}`) }]));
    await put(t, 'case-system/referrals_2015-02-28.csv', `"${MARKERS[0]},F,WBRI\nsecond line",x\n`);
    const n = await pullAndLoad(t, AS_OF);
    expect(await fileReason(t, n.found.find((f) => f.name === 'QA.xlsx'))).toBe(WORKBOOK_UNREADABLE);
    expect(await fileReason(t, n.found.find((f) => f.name === 'referrals_2015-02-28.csv'))).toBe(HEADER_QUOTE_OPEN);
  });

  it('4 a failure from a library leaves an activity in our words, without the row it quoted', async () => {
    const root = await tempNight();
    const err = await Warehouse.with(root.warehouse, (w) => w.run(`SELECT CAST('${MARKERS[0]}' AS INTEGER)`).then(() => null, (e: unknown) => e));
    const failure = activityFailure('loadFile', err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.message).toBe("loadFile failed in a way a retry cannot fix: Conversion Error: Could not convert string '…' to INT32");
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect(failure.cause).toBeUndefined();
  });

  it('4 what an older warehouse recorded is scrubbed or capped on its way out', async () => {
    const t = await tempNight();
    await put(t, 'case-system/referrals_2015-02-28.csv', headerlessReferrals());
    await put(t, 'case-system/children_in_need_2015-02-28.csv', 'junk\n');
    const n = await pullAndLoad(t, AS_OF);
    // The reasons main wrote: the first row quoted, and a 262 250-character one with an escape.
    const quoted = `not a Referrals (Annex A list 3) file: missing required column(s) "Child Unique ID", "Date of referral" (header starts "${MARKERS[0]}", "Female", "${MARKERS[1]}", …)`;
    const huge = `the line could not be read as CSV: ${ESC}[2J${'x'.repeat(262_200)}`;
    await Warehouse.with(t.warehouse, async (w) => {
      await w.run("UPDATE meta.files SET reason = $r WHERE list = 'referrals'", { r: quoted });
      await w.run("UPDATE meta.files SET reason = $r WHERE list = 'children_in_need'", { r: huge });
      await migrate(w);
    });
    const sources = await publishedSources(t, n.found);
    const reasons = Object.fromEntries(sources.map((s) => [s.file, s.reason]));
    expect(reasons['referrals_2015-02-28.csv']).toBe(
      'not a Referrals (Annex A list 3) file: missing required column(s) "Child Unique ID", "Date of referral" (the first line is not shown)',
    );
    expect(Array.from(reasons['children_in_need_2015-02-28.csv']!)).toHaveLength(REASON_MAX_CHARS);
    expect(reasons['children_in_need_2015-02-28.csv']!.startsWith('the line could not be read as CSV: \\u001b[2J')).toBe(true);
    expect(leaksIn([{ where: 'sources', text: JSON.stringify(sources) }], [...MARKERS, ESC])).toEqual([]);
  });

  it('5 file names with escapes and invisible characters: refused, and shown with them made visible', async () => {
    const t = await tempNight();
    const hostile = `referrals${ESC}[31m${ESC}]0;pwned\u0007_2015-02-28.csv`;
    await put(t, `case-system/${hostile}`, headerlessReferrals());
    await put(t, 'audits/QA\u202Excsl.csv', 'x\n');
    const n = await pullAndLoad(t, AS_OF);
    expect(n.found.map((f) => [f.relPath, f.status])).toEqual([
      ['case-system/referrals\\u001b[31m\\u001b]0;pwned\\u0007_2015-02-28.csv', 'rejected'],
      ['audits/QA\\u202excsl.csv', 'rejected'],
    ]);
    expect(n.found[0]!.reason).toBe('the file name holds control or invisible characters (such as a line break or a terminal escape); rename it');
    const text = formatValidation(await validateLanding({ landing: t.landing, asOf: AS_OF }));
    const sources = JSON.stringify(await publishedSources(t, n.found));
    expect(sources).toContain('referrals\\\\u001b[31m');
    expect(leaksIn([{ where: 'validate', text }, { where: 'sources', text: JSON.parse(sources) as unknown }, { where: 'found', text: n.found }], [ESC, '\u0007', '\u202E', ...MARKERS])).toEqual([]);
  });
});
