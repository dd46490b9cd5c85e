/**
 * Determinism guard and observability of the nightly workflow on a real dev server: a recorded
 * history (committed in test/histories/) must replay against the current workflow code, and a
 * fresh run exposes its progress query and its memo (as-of date, snapshot id).
 *
 * To re-record after an intentional, versioned workflow change: RECORD_HISTORY=1 npx vitest run test/workflow-replay.test.ts
 */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { NightProgress } from '../core/night.js';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { projectPath } from '../core/project-root.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const RECORDED = projectPath('test', 'histories', 'nightly-kpi-v1.history.bin');

describe('nightlyKpiWorkflow history and progress', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('reports progress, records as-of and snapshot id in its memo, and replays deterministically', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-replay-'));
    const landing = join(root, 'landing');
    await mkdir(join(landing, 'case-system'), { recursive: true });
    await writeFile(join(landing, 'case-system', 'referrals_2015-02-28.csv'), 'Child Unique ID,Date of referral\nC1,03/02/2015\nC1,10/02/2015\nC2,bad date\n');
    const taskQueue = uniqueQueue('replay');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const seen: NightProgress[] = [];
    const input = { asOf: '2015-02-28', landing, home: join(root, 'home') };
    const handle = env.client.workflow.getHandle('kpi-night-2015-02-28');
    // Queries are answered by a worker, so ask while it still runs.
    const [result, final] = await worker.runUntil(async () => {
      const r = await startOrJoinNight(env.client, input, taskQueue, (p) => seen.push(p));
      return [r, await handle.query<NightProgress>('progress')] as const;
    });
    expect(final).toEqual({ stage: 'done', filesToLoad: 1, filesDone: 1, rowsLoaded: 2, rowsRejected: 1, snapshotId: result.snapshotId });
    expect(seen.length).toBeGreaterThan(0);
    const described = await handle.describe();
    expect(described.memo).toEqual({ asOf: '2015-02-28', snapshotId: result.snapshotId });

    const history = await handle.fetchHistory();
    await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, history)).resolves.toBeUndefined();
    // Stored as protobuf binary: the SDK's JSON reader (historyFromJSON) trips over two copies of
    // protobufjs in this dependency tree ("type must be a Type").
    if (process.env.RECORD_HISTORY) await writeFile(RECORDED, temporal.api.history.v1.History.encode(history).finish());
  });

  it('replays the committed history of an earlier run against the current code', async () => {
    const history = temporal.api.history.v1.History.decode(await readFile(RECORDED));
    await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, history, 'kpi-night-recorded')).resolves.toBeUndefined();
  });
});
