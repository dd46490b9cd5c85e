/**
 * Issue 12, acceptance: every bad file of the issue at once, beside the sample council's extracts,
 * through the real CLI (`csc-kpi worker` measured and without root's power to read any file,
 * `csc-kpi run` against it on the dev server), then `csc-kpi validate`, `snapshots show`, `list`
 * and `diff`. The snapshot publishes and verifies; each bad file is a reject whose reason names its
 * rule; the good files load; the worker's peak memory stays under 1.5 GB; and no marker value
 * planted in the rows (a child id, a date of birth, a worker id, a team, a name) appears under
 * `<home>/snapshots/`, in the workflow histories (payloads decoded) or in anything the CLI printed.
 *
 * Two nights, because two of the bad files cannot share one: a workbook of 3 M formatted empty rows
 * must lie in `audits/`, which the second night finds unreadable (its audits from the first night
 * still count). The second night also adds a January referral to a new extract, so `snapshots diff`
 * has a restatement whose moved source row it looks up in the warehouse and names.
 *
 * Not here: a file replaced while it is hashed cannot be staged in a night deterministically; its
 * own test is test/load-pull.test.ts, "the archive holds the bytes whose hash is recorded, even
 * when the landing file is replaced while it is read".
 */
import { appendFile, cp, link, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { HARD_LINK_REASON } from '../activities/pull.js';
import { readLatest, verifySnapshotFolder } from '../activities/snapshot-files.js';
import { projectPath } from '../core/project-root.js';
import { metricsFile, type MetricsFile } from '../core/metrics-contract.js';
import { nightlyWorkflowId } from '../core/night.js';
import { AUDIT_HEADER, REF_HEADER } from './helpers/bad-files.js';
import { makeUnreadable, MEMORY_BOUND_MB, runMeasured, startMeasured, type Measured } from './helpers/child-process.js';
import { MARKERS, buildCli, cliTexts, headerlessReferrals, historyText, leaksIn, runCli, snapshotTexts, stringsIn, type BuiltCli, type Text } from './helpers/custody.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';
import { emptyStyledRow, rowXml, writeXlsx } from './helpers/xlsx-package.js';

const NIGHT_1 = '2015-02-28';
const NIGHT_2 = '2015-03-01';
const MB = 1024 ** 2;
const ESC = '\u001b';
const [CHILD, DOB, WORKER, TEAM, NAME] = MARKERS;
/** The referral date of the row the second night adds to a past month (a date seen nowhere else). */
const PAST_REFERRAL = '17/01/2015';
/** What must never be shown: the markers, the dates as typed dates print, raw escapes. */
const NEEDLES = [...MARKERS, '2005-06-16', PAST_REFERRAL, '2015-01-17', '17 January 2015', ESC, '\u0007', '\u202e'];
const HOSTILE_NAME = `referrals${ESC}[31m${ESC}]0;owned\u0007_2015-02-23.csv`;
const SIGNING_KEY = 'custody-test-signing-key-0123456789abcdef';

/** A referral (the 10 columns of test/helpers/bad-files.ts) made of marker values. */
const MARKER_REFERRAL = `${CHILD},Female,AOTH,${DOB},9,${TEAM},${WORKER},03/02/2015,${NAME},N`;

/**
 * Rows planted in the sample's own extracts, which load and feed tonight's figures: one good row
 * of marker values per list, and rows with a child id in a date column and a date of birth where
 * it does not belong (a flag, an Org Role's place, an audit type, a grade).
 */
async function plantRows(landing: string): Promise<void> {
  // The sample's referrals have an 11th column, Number of Referrals in Last 12 Months; LF endings.
  await appendFile(
    join(landing, 'case-system', 'referrals_2015-02-28.csv'),
    [`${MARKER_REFERRAL},0`, `C0MARKER4734,Female,AOTH,01/01/2010,5,${TEAM},${WORKER},${CHILD},${NAME},N,0`, `C0MARKER4735,Male,AOTH,${DOB}x,9,${TEAM},${WORKER},12/02/2015,Police,${DOB},0`]
      .map((l) => `${l}\n`)
      .join(''),
  );
  // CRLF endings, as the sample's HR extract has.
  await appendFile(
    join(landing, 'hr', 'workforce_2015-02-28.csv'),
    [`${WORKER},5 Case Holder,N,1.0,01/01/2014,,,${TEAM},01/02/2014`, `${WORKER}X,${CHILD},N,1.0,${DOB},,,${TEAM},`].map((l) => `${l}\r\n`).join(''),
  );
  await writeFile(
    join(landing, 'audits', 'QA_markers.csv'),
    [
      AUDIT_HEADER.join(','),
      `AMARK1,${CHILD},Case File,01/02/2015,09/02/2015,${WORKER},QA,${WORKER},Good`,
      `AMARK2,${CHILD},Case File,01/02/2015,10/02/2015,${WORKER},QA,${WORKER},${CHILD}`,
      `AMARK3,${CHILD},${DOB},01/02/2015,11/02/2015,${WORKER},QA,${WORKER},Good`,
    ].join('\n') + '\n',
  );
}

/** A file with one 200 MB line that starts with a child's row. */
async function writeLongLine(path: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.write(`${REF_HEADER}\n${MARKER_REFERRAL}\n${MARKER_REFERRAL}`);
    for (let i = 0; i < 200; i++) await fh.write(Buffer.alloc(MB, 'x'));
    await fh.write(`\n${MARKER_REFERRAL}\n`);
  } finally {
    await fh.close();
  }
}

/**
 * The second night's referrals: the first night's extract and one more referral of the marker child,
 * in January, so January's re-referral figure is restated and `snapshots diff` looks up the row.
 */
async function addRestatingExtract(landing: string): Promise<void> {
  const before = await readFile(join(landing, 'case-system', 'referrals_2015-02-28.csv'), 'utf8');
  const added = `${CHILD},Female,AOTH,${DOB},9,${TEAM},${WORKER},${PAST_REFERRAL},${NAME},N,0\n`;
  await writeFile(join(landing, 'case-system', 'referrals_2015-03-01.csv'), before + added);
}

interface Landing {
  landing: string;
  /** Makes the audits/ folder unreadable to the worker (the second night). */
  lockAudits(): Promise<void>;
  restore(): Promise<void>;
}

/** The sample council's landing folder, its extracts with planted rows, and every bad file of issue 12. */
async function custodyLanding(root: string): Promise<Landing> {
  const landing = join(root, 'landing');
  await cp(projectPath('fixtures', 'sample', 'landing'), landing, { recursive: true });
  await plantRows(landing);
  const cs = (name: string) => join(landing, 'case-system', name);

  await writeFile(cs('referrals_2015-01-30.csv'), headerlessReferrals());
  const outside = join(root, 'elsewhere.csv');
  await writeFile(outside, `${REF_HEADER}\n${MARKER_REFERRAL}\n`);
  await link(outside, cs('referrals_2015-02-22.csv'));
  await writeLongLine(cs('referrals_2015-02-26.csv'));
  // 20 MB: 100 000 columns × 100 rows, each row a child's before its 99 990 extra cells.
  const extra = Array.from({ length: 100_000 - 10 }, (_, i) => `x${i}`).join(',');
  const wide = `${MARKER_REFERRAL}${',1'.repeat(100_000 - 10)}\n`;
  await writeFile(cs('referrals_2015-02-25.csv'), `${REF_HEADER},${extra}\n${wide.repeat(100)}`);
  await writeFile(cs('referrals_2015-02-24.csv'), `${REF_HEADER}\n${MARKER_REFERRAL}\n`);
  const unreadable = [await makeUnreadable(cs('referrals_2015-02-24.csv'), 'file')];
  await writeFile(cs(HOSTILE_NAME), headerlessReferrals());
  await writeFile(join(landing, 'audits', 'QA\u202Exslx.csv'), headerlessReferrals());
  const markerAudit = ['AMARK9', CHILD, 'Case File', '01/02/2015', DOB, WORKER, 'QA', WORKER, 'Good'];
  await writeXlsx(join(landing, 'audits', 'QA_2015_formatted.xlsx'), [
    {
      name: 'Audits',
      *rows() {
        yield rowXml(1, AUDIT_HEADER);
        yield rowXml(2, markerAudit);
        for (let r = 3; r <= 3_000_000; r++) yield emptyStyledRow(r);
      },
    },
  ]);
  return {
    landing,
    async lockAudits() {
      unreadable.push(await makeUnreadable(join(landing, 'audits'), 'folder'));
    },
    async restore() {
      for (const u of unreadable) await u.restore();
    },
  };
}

/** What a measured child printed, in the custody helpers' shape. */
const printed = (m: Measured) => ({ code: m.code, stdout: m.stdout, stderr: m.stderr });

async function metricsOf(home: string, id: string): Promise<MetricsFile> {
  return metricsFile.parse(JSON.parse(await readFile(join(home, 'snapshots', id, 'metrics.json'), 'utf8')));
}

function sourcesByFile(m: MetricsFile) {
  return new Map(m.data_quality.sources.map((s) => [s.file, s]));
}

/** The status and reason of a rejected file, for one comparison. */
function rejectOf(m: MetricsFile, file: string): { status?: string; rows_loaded?: number; reason?: string | null } {
  const s = sourcesByFile(m).get(file);
  return { status: s?.status, rows_loaded: s?.rows_loaded, reason: s?.reason };
}

/** Steps of a history (its events) that failed or timed out: each would have been retried. */
function failedSteps(history: unknown): unknown[] {
  return (history as { activityTaskFailedEventAttributes?: unknown; activityTaskTimedOutEventAttributes?: unknown }[]).filter(
    (e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes,
  );
}

const snapshotIdIn = (stdout: string) => /published snapshot (\S+)/.exec(stdout)?.[1];

describe('custody: every bad file of issue 12 in a real night', () => {
  let env: TestWorkflowEnvironment;
  let cli: BuiltCli;
  beforeAll(async () => {
    [env, cli] = await Promise.all([startTemporal(), buildCli()]);
  }, 300_000);
  afterAll(async () => {
    await env?.teardown();
    await cli?.dispose();
  });

  it('publishes, each bad file a reject with its rule, the good files loaded, bounded, and no source value shown anywhere', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-custody-all-'));
    const home = join(root, 'home'); // made by the worker, owner-only
    const { landing, lockAudits, restore } = await custodyLanding(root);
    const temporal = { TEMPORAL_ADDRESS: env.address, CSC_KPI_TASK_QUEUE: uniqueQueue('custody-all') };
    const debug = { LOG_LEVEL: 'debug', TEMPORAL_LOG_LEVEL: 'DEBUG' };
    const signed = { CSC_KPI_SIGNING_KEY: SIGNING_KEY };
    const worker = await startMeasured([cli.main, 'worker'], {
      asFileOwnerOnly: true,
      env: { ...temporal, ...debug, ...signed, CSC_KPI_LANDING: landing, CSC_KPI_HOME: home },
    });
    const validate = (asOf: string) => runMeasured([cli.main, 'validate', '--landing', landing, '--as-of', asOf], { asFileOwnerOnly: true, env: debug });
    try {
      const run1 = await runCli(cli, ['run', '--landing', landing, '--home', home, '--as-of', NIGHT_1], temporal);
      expect({ code: run1.code, errors: run1.stderr.split('\n').filter((l) => l.includes('"level":50')) }).toEqual({ code: 0, errors: [] });
      // The sample's 85 279 rows (74 638 in its first six lists' extracts, workforce and audit files,
      // 5 350 in the section 47, children looked after and care leavers extracts, 3 614 in its Annex
      // A workbook's lists 1, 10 and 11 (3 449 + 55 + 110), 5 in its commentary, 82 in its two plan
      // trackers, 1 440 in its three EES benchmark files (480 each) and 150 in its statistical
      // neighbour file) + 5 planted good rows (1 referral, 1 worker, 3 audits) = 85 284; 3 rows
      // rejected (2 referrals, 1 worker); 40 sample files + QA_markers.csv loaded, the 8 bad files rejected.
      expect(run1.stdout).toContain('files loaded 41, rejected 8; rows loaded 85284, rejected 3');
      const validate1 = await validate(NIGHT_1);
      await lockAudits();
      await addRestatingExtract(landing);
      const run2 = await runCli(cli, ['run', '--landing', landing, '--home', home, '--as-of', NIGHT_2], temporal);
      expect(run2.code).toBe(0);
      // The new referrals extract (the first night's 10 779 + 1 rows loaded, its 2 planted bad rows
      // rejected); the 6 bad case-system files again, and audits/.
      expect(run2.stdout).toContain('files loaded 1, rejected 7; rows loaded 10780, rejected 2');
      const validate2 = await validate(NIGHT_2);
      const workerOut = await worker.stop();

      // Bounded: the worker never passed 1.5 GB, nor did either validate.
      for (const m of [workerOut, validate1, validate2]) expect({ overBound: m.overBound, peakUnderBound: m.peakMb < MEMORY_BOUND_MB }).toEqual({ overBound: false, peakUnderBound: true });
      expect([validate1.code, validate2.code]).toEqual([1, 1]); // files rejected whole

      // Published, and verifies with its signature.
      const snapshots = join(home, 'snapshots');
      const [id1, id2] = [snapshotIdIn(run1.stdout), snapshotIdIn(run2.stdout)];
      expect(await readLatest(snapshots)).toBe(id2);
      for (const id of [id1!, id2!]) expect(await verifySnapshotFolder(join(snapshots, id), id, SIGNING_KEY)).toEqual({ errors: [], tampered: false, signature: 'signed' });
      const show = await runCli(cli, ['snapshots', 'show', 'latest', '--home', home], signed);
      const list = await runCli(cli, ['snapshots', 'list', '--home', home], signed);
      const diff = await runCli(cli, ['snapshots', 'diff', id1!, 'latest', '--home', home], signed);
      for (const r of [show, list, diff]) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });

      // No step failed or was retried: every bad file was a reject the first time.
      const handles = [NIGHT_1, NIGHT_2].map((d) => env.client.workflow.getHandle(nightlyWorkflowId(d)));
      const histories = await Promise.all(handles.map((h) => historyText(h)));
      for (const h of histories) expect(failedSteps(h)).toEqual([]);

      // No value from any source row in anything that left the warehouse.
      const texts: Text[] = [
        ...(await snapshotTexts(home)),
        ...histories.map((h, i) => ({ where: `workflow history, night ${i + 1}`, text: h })),
        ...cliTexts('csc-kpi run, night 1', run1),
        ...cliTexts('csc-kpi run, night 2', run2),
        ...cliTexts('csc-kpi worker', printed(workerOut)),
        ...cliTexts('csc-kpi validate, night 1', printed(validate1)),
        ...cliTexts('csc-kpi validate, night 2', printed(validate2)),
        ...cliTexts('csc-kpi snapshots show', show),
        ...cliTexts('csc-kpi snapshots list', list),
        ...cliTexts('csc-kpi snapshots diff', diff),
      ];
      // The searches see what they should: both snapshots, decoded payloads and log lines, the reports.
      expect(texts.filter((t) => t.where.endsWith('report.html')).length).toBe(4); // each snapshot's and its public/ one
      expect(stringsIn(histories[0]).some((x) => x.includes('referrals_2015-01-30.csv'))).toBe(true);
      expect(stringsIn(cliTexts('worker', printed(workerOut))).some((x) => x === 'loaded file')).toBe(true);
      expect(leaksIn(texts, NEEDLES)).toEqual([]);

      // Each bad file is a reject naming its rule; the good files load.
      const m1 = await metricsOf(home, id1!);
      expect(rejectOf(m1, 'referrals_2015-01-30.csv')).toMatchObject({ status: 'rejected', rows_loaded: 0, reason: expect.stringContaining('the header line is probably missing') });
      expect(rejectOf(m1, 'referrals_2015-02-22.csv')).toEqual({ status: 'rejected', rows_loaded: 0, reason: HARD_LINK_REASON });
      expect(rejectOf(m1, 'referrals_2015-02-24.csv')).toEqual({
        status: 'rejected',
        rows_loaded: 0,
        reason: 'the worker cannot read the file (permission denied); give the account that runs csc-kpi read access to it (EACCES)',
      });
      expect(rejectOf(m1, 'referrals_2015-02-25.csv')).toMatchObject({
        status: 'rejected',
        reason: expect.stringContaining('the header has more columns than the 1,000 limit (limits.max_columns in config/limits.json) allows'),
      });
      expect(rejectOf(m1, 'referrals_2015-02-26.csv')).toMatchObject({
        status: 'rejected',
        reason: expect.stringContaining('line 3 is longer than the 1 MB limit (limits.max_line_bytes in config/limits.json)'),
      });
      expect(rejectOf(m1, 'QA_2015_formatted.xlsx')).toMatchObject({
        status: 'rejected',
        reason: expect.stringContaining('sheet “Audits” holds more rows than the 1,048,576 limit (limits.max_sheet_rows in config/limits.json) allows'),
      });
      const nameReason = 'the file name holds control or invisible characters (such as a line break or a terminal escape); rename it';
      expect(rejectOf(m1, 'referrals\\u001b[31m\\u001b]0;owned\\u0007_2015-02-23.csv')).toEqual({ status: 'rejected', rows_loaded: 0, reason: nameReason });
      expect(rejectOf(m1, 'QA\\u202exslx.csv')).toEqual({ status: 'rejected', rows_loaded: 0, reason: nameReason });
      const s1 = sourcesByFile(m1);
      expect(s1.get('referrals_2015-02-28.csv')).toMatchObject({ status: 'loaded', used: true, rows_rejected: 2 });
      expect(s1.get('workforce_2015-02-28.csv')).toMatchObject({ status: 'loaded', used: true, rows_rejected: 1 });
      expect(s1.get('QA_markers.csv')).toMatchObject({ status: 'loaded', rows_loaded: 3, rows_rejected: 0 });
      // The sample's 40 files and QA_markers.csv load, nothing else does: 44 entries, the workbook as
      // its four sheets (40 + 4), all loaded but its Guidance sheet, ignored.
      const accepted = m1.data_quality.sources.filter((s) => s.status !== 'rejected');
      expect(accepted).toHaveLength(44);
      expect(accepted.filter((s) => s.status !== 'loaded').map((s) => [s.file, s.sheet, s.status])).toEqual([['annex_a_2015-02-28.xlsx', 'Guidance', 'ignored']]);
      expect(m1.data_quality.sources.filter((s) => s.status === 'rejected')).toHaveLength(8);

      const m2 = await metricsOf(home, id2!);
      expect(rejectOf(m2, 'audits/')).toEqual({
        status: 'rejected',
        rows_loaded: 0,
        reason: 'the worker cannot read the folder (permission denied); give the account that runs csc-kpi read access to it (EACCES); none of its files were read tonight',
      });
      // The audits the folder showed on the first night still count (README, choices): 26 of 26 both nights.
      for (const m of [m1, m2]) expect(m.metrics.find((k) => k.kpi === 'audits_completed_by_managers_pct')).toMatchObject({ value: 100, numerator: 26, denominator: 26 });

      // The rows that validate rejects are named by line and column, never by value.
      // The sample's referrals end at line 10779; the planted rows are lines 10780 (good) to 10782.
      expect(validate1.stdout).toContain('line 10781, column “Date of referral”: Date of referral is not a real date');
      expect(validate1.stdout).toContain('line 10782, column “Referral NFA?”: Referral NFA? must be Y or N');
      expect(validate1.stdout).toContain('line 723, column “Org Role”: Org Role must be 1–6');
      expect(validate2.stdout).toContain('REJECTED    audits/\n            the worker cannot read the folder (permission denied)');
      // January's re-referrals are restated by the row the second night added (10 779 + 3 planted + 1):
      // the diff names it by file and line, never by its values.
      expect(diff.stdout).toContain('moved by referrals_2015-03-01.csv line 10783 (referrals; new or changed in B; dated by date_of_referral)');

    } finally {
      await worker.stop();
      await restore();
      await rm(root, { recursive: true, force: true }); // some 450 MB of landing and archive
    }
  }, 900_000);
});
