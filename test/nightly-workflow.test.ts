/**
 * The walking skeleton end to end on a real Temporal dev server and a real DuckDB file:
 * landing CSV → warehouse → re_referral_12m_pct → published snapshot.
 */
import { mkdtemp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { metricsFile } from '../core/metrics-contract.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';

// Referrals in the month ending 2015-02-28 (as of 2015-02-28):
//   C1 2015-02-28: earlier referral 2014-02-28 is exactly 12 months before → not a re-referral
//   C2 2015-02-10: earlier referral 2014-03-01 is after 2014-02-10          → re-referral
//   C3 2015-02-05 twice: same-day referrals do not count for each other    → 2 referrals, neither re
//   C4 2015-02-03: earlier referral 2015-01-20                              → re-referral
//   C5 2015-02-14: no earlier referral                                      → not
// Denominator 6 (C1, C2, C3, C3, C4, C5); numerator 2 (C2, C4); 2/6 = 33.33…% → 33.3.
// C6 is dated 2015-03-01, after the extract date: a row reject, so 10 rows read, 9 loaded, 1 rejected.
const ROWS = [
  'C1,F,WBRI,01/01/2010,5,Team A,W1,28/02/2014,Police,N',
  'C1,F,WBRI,01/01/2010,5,Team A,W1,28/02/2015,Police,N',
  'C2,M,WBRI,01/01/2011,4,Team A,W1,2014-03-01,School,No',
  'C2,M,WBRI,01/01/2011,4,Team A,W1,10/02/2015,School,No',
  'C3,M,ASIA,01/01/2012,3,Team B,W2,05/02/2015,Health,Y',
  'C3,M,ASIA,01/01/2012,3,Team B,W2,05/02/2015,Health,Yes',
  'C4,F,WBRI,01/01/2013,2,Team B,W2,20/01/2015,Police,N',
  'C4,F,WBRI,01/01/2013,2,Team B,W2,03/02/2015,Police,N',
  'C5,F,WBRI,01/01/2014,1,Team B,W2,14/02/2015,Police,N',
  'C6,F,WBRI,01/01/2014,1,Team B,W2,01/03/2015,Police,N',
];

describe('nightlyKpiWorkflow on a real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('publishes re_referral_12m_pct with its numerator and denominator, once per night', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-wf-'));
    const landing = join(root, 'landing');
    await mkdir(join(landing, 'case-system'), { recursive: true });
    await writeFile(join(landing, 'case-system', 'referrals_2015-02-28.csv'), [HEADER, ...ROWS].join('\r\n') + '\r\n');
    const home = join(root, 'home');
    const input = { asOf: '2015-02-28', landing, home };

    const taskQueue = uniqueQueue('nightly');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: createActivities(),
    });
    const [first, second] = await worker.runUntil(async () => {
      const a = await startOrJoinNight(env.client, input, taskQueue);
      const b = await startOrJoinNight(env.client, input, taskQueue);
      return [a, b];
    });

    expect(second.snapshotId).toBe(first.snapshotId);
    expect(first.rowsLoaded).toBe(9);
    expect(first.rowsRejected).toBe(1);

    const snapshots = join(home, 'snapshots');
    const index = JSON.parse(await readFile(join(snapshots, 'index.json'), 'utf8')) as unknown[];
    expect(index).toHaveLength(1);
    expect((await readdir(snapshots)).filter((n) => !['index.json', 'latest'].includes(n))).toEqual([first.snapshotId]);

    const metrics = metricsFile.parse(JSON.parse(await readFile(join(snapshots, 'latest', 'metrics.json'), 'utf8')));
    const rr = metrics.metrics.find((m) => m.kpi === 're_referral_12m_pct');
    expect(rr).toMatchObject({ value: 33.3, numerator: 2, denominator: 6, period_start: '2015-02-01', period_end: '2015-02-28', status: 'red' });
    expect(metrics.series.filter((s) => s.kpi === 're_referral_12m_pct')).toHaveLength(25);
    const src = metrics.data_quality.sources.find((s) => s.file === 'referrals_2015-02-28.csv');
    expect(src).toMatchObject({ status: 'loaded', used: true, rows_loaded: 9, rows_rejected: 1 });
  });
});
