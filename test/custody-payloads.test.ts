/**
 * Custody end to end (issue 12): a real night on a real Temporal dev server, run by the real CLI
 * (`csc-kpi worker` and `csc-kpi run` as child processes, built from this source), then
 * `csc-kpi validate` on the same landing folder. The landing folder holds files that leaked on
 * main: a referrals CSV without its header line, a file whose name carries terminal escapes, a
 * hard link to a file outside the folder, rows with a child id and a date of birth in the wrong
 * columns (a date column, a flag, an Org Role, an audit grade and type). No marker value from
 * those rows, and no raw escape character, may appear in any file under the home's snapshots/,
 * in the workflow history (payloads decoded), or in anything the CLI printed (logs decoded).
 *
 * The helpers (test/helpers/custody.ts) are meant for the all-bad-files custody test as well.
 */
import { link, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DuckDBInstance } from '@duckdb/node-api';
import { HARD_LINK_REASON } from '../activities/pull.js';
import { metricsFile } from '../core/metrics-contract.js';
import { nightlyWorkflowId } from '../core/night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';
import {
  MARKERS,
  REFERRALS_HEADER,
  buildCli,
  cliTexts,
  headerlessReferrals,
  historyText,
  leaksIn,
  runCli,
  snapshotTexts,
  startCliWorker,
  stringsIn,
  type BuiltCli,
} from './helpers/custody.js';

const AS_OF = '2015-02-28';
const ESC = '\u001b';
const HOSTILE_NAME = `referrals${ESC}[31m${ESC}]0;owned\u0007_2015-02-27.csv`;
const HR_HEADER = 'Worker ID,Org Role,Agency Worker,FTE,Role Start Date,Role End Date,Reason for Leaving,Team,Induction Completed Date';
const AUDIT_HEADER = 'Audit ID,Child Unique ID,Audit Type,Scheduled Date,Completed Date,Auditor ID,Auditor Role,Worker ID,Grade';

/** The landing folder of the night: a good extract with wrong-column rows, and every file that leaked on main. */
async function hostileLanding(root: string): Promise<string> {
  const landing = join(root, 'landing');
  for (const s of ['case-system', 'hr', 'audits']) await mkdir(join(landing, s), { recursive: true });
  const cs = (name: string) => join(landing, 'case-system', name);
  const [child, dob, worker, team, name] = MARKERS;
  // Good rows, and rows with a child id in the referral date and a date of birth in the NFA flag.
  await writeFile(
    cs('referrals_2015-02-28.csv'),
    [
      REFERRALS_HEADER,
      'C1,F,WBRI,01/01/2010,5,Team A,W1,03/02/2015,Police,N',
      'C2,M,WBRI,01/01/2011,4,Team A,W1,10/02/2015,School,Y',
      `C3,F,WBRI,01/01/2012,3,${team},${worker},${child},${name},N`,
      `C4,F,WBRI,${dob}x,3,${team},${worker},12/02/2015,Police,${dob}`,
    ].join('\r\n') + '\r\n',
  );
  await writeFile(cs('referrals_2015-01-31.csv'), headerlessReferrals());
  await writeFile(cs(HOSTILE_NAME), headerlessReferrals());
  // A hard link to a file that lives outside the landing folder.
  const outside = join(root, 'elsewhere.csv');
  await writeFile(outside, headerlessReferrals());
  await link(outside, cs('assessments_2015-02-28.csv'));
  await writeFile(
    join(landing, 'hr', 'workforce_2015-02-28.csv'),
    [HR_HEADER, 'W1,5,N,1,01/01/2014,,,Team A,01/02/2014', `${worker},${child},N,1,01/01/2014,,,${team},`].join('\r\n') + '\r\n',
  );
  // An audit grade that is a child id, an audit type that is a date of birth: unknown codes.
  await writeFile(
    join(landing, 'audits', 'QA_audits_2015.csv'),
    [
      AUDIT_HEADER,
      'A1,C1,Case File,01/02/2015,09/02/2015,A9,QA,W1,Good',
      `A2,${child},Case File,01/02/2015,10/02/2015,A9,QA,${worker},${child}`,
      `A3,C2,${dob},01/02/2015,11/02/2015,A9,QA,W1,Good`,
    ].join('\r\n') + '\r\n',
  );
  return landing;
}

async function warehouseRejectValues(home: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(join(home, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const rows = (await conn.runAndReadAll('SELECT raw_value FROM meta.rejects WHERE raw_value IS NOT NULL ORDER BY ALL')).getRowObjectsJson();
    return rows.map((r) => String(r.raw_value));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('custody of payloads: a real night through the CLI', () => {
  let env: TestWorkflowEnvironment;
  let cli: BuiltCli;
  beforeAll(async () => {
    [env, cli] = await Promise.all([startTemporal(), buildCli()]);
  });
  afterAll(async () => {
    await env?.teardown();
    await cli?.dispose();
  });

  it('no value from a bad file reaches snapshots/, the workflow history or what csc-kpi prints', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-custody-'));
    const landing = await hostileLanding(root);
    const home = join(root, 'home');
    const temporal = { TEMPORAL_ADDRESS: env.address, CSC_KPI_TASK_QUEUE: uniqueQueue('custody') };

    // A long-lived worker serves only the folders it is configured with (activities/served-folders.ts).
    const worker = startCliWorker(cli, { ...temporal, CSC_KPI_LANDING: landing, CSC_KPI_HOME: home });
    const run = await runCli(cli, ['run', '--landing', landing, '--home', home, '--as-of', AS_OF], temporal).catch(async (err: unknown) => {
      await worker.stop();
      throw err;
    });
    const workerOut = await worker.stop();
    expect(run.stderr.split('\n').filter((l) => l.includes('"level":50'))).toEqual([]);
    expect(run.code).toBe(0);
    const validate = await runCli(cli, ['validate', '--landing', landing, '--as-of', AS_OF]);
    expect(validate.code).toBe(1); // files rejected whole

    const history = await historyText(env.client.workflow.getHandle(nightlyWorkflowId(AS_OF)));
    const texts = [
      ...(await snapshotTexts(home)),
      { where: 'workflow history', text: history },
      ...cliTexts('csc-kpi run', run),
      ...cliTexts('csc-kpi worker', workerOut),
      ...cliTexts('csc-kpi validate', validate),
    ];
    // The searches see what they should: every snapshot file, decoded payloads, decoded log lines.
    expect(texts.filter((t) => t.where.startsWith('snapshots/')).length).toBeGreaterThan(10);
    expect(stringsIn(history).some((x) => x.includes('referrals_2015-01-31.csv'))).toBe(true);
    expect(stringsIn(cliTexts('worker', workerOut)).some((x) => x === 'loaded file')).toBe(true);
    expect(leaksIn(texts, [...MARKERS, ESC, '\u0007'])).toEqual([]);

    // What was exercised: each bad file met its rule, and the values are kept in the warehouse.
    const metrics = metricsFile.parse(JSON.parse(await readFile(join(home, 'snapshots', 'latest', 'metrics.json'), 'utf8')));
    const byFile = new Map(metrics.data_quality.sources.map((s) => [s.file, s]));
    expect(byFile.get('referrals_2015-01-31.csv')).toMatchObject({ status: 'rejected', reason: expect.stringContaining('the header line is probably missing') });
    expect(byFile.get('referrals\\u001b[31m\\u001b]0;owned\\u0007_2015-02-27.csv')).toMatchObject({ status: 'rejected' });
    expect(byFile.get('assessments_2015-02-28.csv')).toMatchObject({ status: 'rejected', reason: HARD_LINK_REASON });
    expect(byFile.get('referrals_2015-02-28.csv')).toMatchObject({ status: 'loaded', rows_loaded: 2, rows_rejected: 2 });
    expect(byFile.get('workforce_2015-02-28.csv')).toMatchObject({ status: 'loaded', rows_loaded: 1, rows_rejected: 1 });
    const audits = metrics.metrics.find((m) => m.kpi === 'audits_good_or_better_pct')!;
    expect(audits.value).toBeNull();
    expect(metrics.data_quality.gaps.find((g) => g.kpi === 'audits_good_or_better_pct')!.reason).toContain('An unrecognised value (not shown');
    expect(validate.stdout).toContain('column “Date of referral”: Date of referral is not a real date');
    expect(await warehouseRejectValues(home)).toEqual(expect.arrayContaining([MARKERS[0], MARKERS[1], `${MARKERS[1]}x`]));
  });
});
