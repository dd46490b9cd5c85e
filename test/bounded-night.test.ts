/**
 * Issue 12: a night on a real Temporal dev server with every bad file at once — a file and a
 * source folder the worker cannot read, a CSV with a 200 MB line, a CSV of 100 000 columns, a
 * workbook of 3 M formatted empty rows — beside good files. The worker runs in a child process
 * built from this checkout, without root's power to read any file (test/helpers/child-process.ts),
 * and measured. The snapshot publishes; each bad file is a reject with its reason in
 * `data_quality.sources`; the good files load; no step failed or was retried; the worker's peak
 * memory stays under 1.5 GB. And a broken config/limits.json fails the night at once, like the
 * other configuration files.
 */
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { metricsFile } from '../core/metrics-contract.js';
import { buildProject, makeUnreadable, MEMORY_BOUND_MB, startMeasured, type BuiltProject } from './helpers/child-process.js';
import { AUDIT_HEADER, GOOD_AUDIT_ROWS, REF_HEADER, referralRows } from './helpers/bad-files.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';
import { emptyStyledRow, rowXml, writeXlsx } from './helpers/xlsx-package.js';

const MB = 1024 ** 2;

/** The landing folder: good files, and every bad file of the issue. */
async function badLanding(root: string): Promise<{ landing: string; restore(): Promise<void> }> {
  const landing = join(root, 'landing');
  const cs = join(landing, 'case-system');
  for (const s of ['case-system', 'hr', 'audits']) await mkdir(join(landing, s), { recursive: true });
  // Good.
  await writeFile(join(cs, 'referrals_2015-02-28.csv'), `${REF_HEADER}\n${referralRows(1, 50).join('\n')}\n`);
  await writeFile(join(landing, 'audits', 'QA_good.csv'), `${AUDIT_HEADER.join(',')}\n${GOOD_AUDIT_ROWS.map((r) => r.join(',')).join('\n')}\n`);
  // Unreadable: a file (mode 600, another owner) and the whole hr/ folder.
  await writeFile(join(cs, 'referrals_2015-02-27.csv'), `${REF_HEADER}\n${referralRows(100, 10).join('\n')}\n`);
  await writeFile(join(landing, 'hr', 'workforce_2015-02-28.csv'), 'Worker ID\nW1\n');
  const unreadable = [await makeUnreadable(join(cs, 'referrals_2015-02-27.csv'), 'file'), await makeUnreadable(join(landing, 'hr'), 'folder')];
  // One 200 MB line.
  const fh = await open(join(cs, 'referrals_2015-02-26.csv'), 'w');
  await fh.write(`${REF_HEADER}\n${referralRows(200, 1)[0]}\n`);
  for (let i = 0; i < 200; i++) await fh.write(Buffer.alloc(MB, 'x'));
  await fh.write(`\n${referralRows(201, 1)[0]}\n`);
  await fh.close();
  // 100 000 columns × 100 rows.
  const extra = Array.from({ length: 100_000 - 10 }, (_, i) => `x${i}`).join(',');
  await writeFile(join(cs, 'referrals_2015-02-25.csv'), `${REF_HEADER},${extra}\n${referralRows(300, 100).map((r) => `${r},${',1'.repeat(100_000 - 10).slice(1)}`).join('\n')}\n`);
  // 3 M formatted empty rows below a few audits.
  await writeXlsx(join(landing, 'audits', 'QA_2015_Q1.xlsx'), [
    {
      name: 'Audits',
      *rows() {
        yield rowXml(1, AUDIT_HEADER);
        for (const [i, row] of GOOD_AUDIT_ROWS.entries()) yield rowXml(i + 2, row.map((v, c) => (c === 0 ? `${v}-x` : v)));
        for (let r = GOOD_AUDIT_ROWS.length + 2; r <= 3_000_000; r++) yield emptyStyledRow(r);
      },
    },
  ]);
  return {
    landing,
    async restore() {
      for (const u of unreadable) await u.restore();
    },
  };
}

describe('a night with every bad file at once', () => {
  let env: TestWorkflowEnvironment;
  let built: BuiltProject;
  beforeAll(async () => {
    [env, built] = await Promise.all([startTemporal(), buildProject()]);
  }, 300_000);
  afterAll(async () => {
    await env?.teardown();
    await built?.remove();
  });

  it('publishes, with each bad file a reject and its reason, the good files loaded, in bounded memory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-bounded-night-'));
    const home = join(root, 'home');
    await mkdir(home);
    const { landing, restore } = await badLanding(root);
    const taskQueue = uniqueQueue('bounded');
    const worker = await startMeasured([built.cli, 'worker'], {
      asFileOwnerOnly: true,
      env: { TEMPORAL_ADDRESS: env.address, CSC_KPI_TASK_QUEUE: taskQueue, CSC_KPI_LANDING: landing, CSC_KPI_HOME: home },
    });
    try {
      const asOf = '2015-02-28';
      const result = await startOrJoinNight(env.client, { asOf, landing, home }, taskQueue);
      const measured = await worker.stop();
      expect({ overBound: measured.overBound, peakUnderBound: measured.peakMb < MEMORY_BOUND_MB }).toEqual({ overBound: false, peakUnderBound: true });

      // Not one step failed, so none was retried: every bad file was a reject the first time.
      const history = await env.client.workflow.getHandle(`kpi-night-${asOf}`).fetchHistory();
      expect(history.events?.filter((e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes)).toEqual([]);

      const metrics = metricsFile.parse(JSON.parse(await readFile(join(result.snapshotPath, 'metrics.json'), 'utf8')));
      const sources = Object.fromEntries(metrics.data_quality.sources.map((s) => [s.file, s]));
      expect(Object.keys(sources).sort()).toEqual([
        'QA_2015_Q1.xlsx',
        'QA_good.csv',
        'hr/',
        'referrals_2015-02-25.csv',
        'referrals_2015-02-26.csv',
        'referrals_2015-02-27.csv',
        'referrals_2015-02-28.csv',
      ]);
      expect(sources['referrals_2015-02-28.csv']).toMatchObject({ status: 'loaded', rows_loaded: 50, rows_rejected: 0 });
      expect(sources['QA_good.csv']).toMatchObject({ status: 'loaded', rows_loaded: GOOD_AUDIT_ROWS.length, rows_rejected: 0 });
      const rejected = (file: string) => ({ status: sources[file]?.status, rows_loaded: sources[file]?.rows_loaded, reason: sources[file]?.reason });
      expect(rejected('referrals_2015-02-27.csv')).toEqual({
        status: 'rejected',
        rows_loaded: 0,
        reason: 'the worker cannot read the file (permission denied); give the account that runs csc-kpi read access to it (EACCES)',
      });
      expect(rejected('hr/')).toEqual({
        status: 'rejected',
        rows_loaded: 0,
        reason: 'the worker cannot read the folder (permission denied); give the account that runs csc-kpi read access to it (EACCES); none of its files were read tonight',
      });
      expect(rejected('referrals_2015-02-26.csv')).toMatchObject({ status: 'rejected', rows_loaded: 0 });
      expect(sources['referrals_2015-02-26.csv']!.reason).toContain('line 3 is longer than the 1 MB limit (limits.max_line_bytes in config/limits.json)');
      expect(rejected('referrals_2015-02-25.csv')).toMatchObject({ status: 'rejected', rows_loaded: 0 });
      expect(sources['referrals_2015-02-25.csv']!.reason).toContain('the header has more columns than the 1,000 limit (limits.max_columns in config/limits.json) allows');
      expect(rejected('QA_2015_Q1.xlsx')).toMatchObject({ status: 'rejected', rows_loaded: 0 });
      expect(sources['QA_2015_Q1.xlsx']!.reason).toContain('sheet “Audits” holds more rows than the 1,048,576 limit (limits.max_sheet_rows in config/limits.json) allows');
      expect(result).toMatchObject({ filesLoaded: 2, filesRejected: 5, rowsLoaded: 50 + GOOD_AUDIT_ROWS.length, rowsRejected: 0 });
    } finally {
      await worker.stop();
      await restore();
      await rm(root, { recursive: true, force: true }); // some 400 MB of landing and archive
    }
  }, 300_000);

  it('fails at once, not retried, when config/limits.json is broken', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-bounded-night-'));
    await mkdir(join(root, 'landing', 'case-system'), { recursive: true });
    await writeFile(join(root, 'landing', 'case-system', 'referrals_2015-02-28.csv'), `${REF_HEADER}\n${referralRows(1, 5).join('\n')}\n`);
    const limitsConfig = join(root, 'limits.json');
    await writeFile(limitsConfig, '{"version":1,"max_line_bytes":-1}');
    const taskQueue = uniqueQueue('bounded-config');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities({ limitsConfig }) });
    const asOf = '2015-02-27'; // a night of its own on this server
    const failed = await worker
      .runUntil(startOrJoinNight(env.client, { asOf, landing: join(root, 'landing'), home: join(root, 'home') }, taskQueue))
      .then(() => null, (e: unknown) => e);
    const chain: string[] = [];
    for (let e = failed; e; e = (e as { cause?: unknown }).cause) chain.push(`${(e as { type?: string }).type ?? (e as Error).name}: ${(e as Error).message.split('\n')[0]}`);
    expect(chain.at(-1)).toBe('BadLimitsConfig: The limits file has errors; fix them and re-run:');
    const history = await env.client.workflow.getHandle(`kpi-night-${asOf}`).fetchHistory();
    // pullSources ran once (not retried); the failed-night alert step after it is another activity.
    const pulls = history.events?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pullSources').map((e) => e.eventId?.toString());
    const attempts = history.events
      ?.filter((e) => e.activityTaskStartedEventAttributes && pulls?.includes(e.activityTaskStartedEventAttributes.scheduledEventId?.toString()))
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);
  });
});
