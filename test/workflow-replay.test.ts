/**
 * Determinism guard and observability of the nightly workflow on a real dev server: a recorded
 * history (committed in test/histories/) must replay against the current workflow code, and a
 * fresh run exposes its progress query and its memo (as-of date, snapshot id).
 *
 * The schedule's starter (workflows/scheduled-night.ts) has histories of its own, one per path:
 * the night started as its child, and a night that already existed joined through an activity.
 * The nightly workflow's v1 history predates the starter and still replays: the starter added no
 * command to the night (only a field of its result). The region schedule's starter
 * (workflows/scheduled-region-night.ts) has the same two paths, recorded by
 * test/region-workflow.test.ts and replayed here.
 *
 * To re-record after an intentional, versioned workflow change, only the histories that changed:
 * RECORD_HISTORY=1 npx vitest run test/workflow-replay.test.ts -t '<test name>'
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
import { backfillSchedule, upsertSchedule } from '../cli/schedule.js';
import type { NightResult } from '../core/night.js';
import { projectPath } from '../core/project-root.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const RECORDED = projectPath('test', 'histories', 'nightly-kpi-v1.history.bin');
const RECORDED_SCHEDULED = {
  child: projectPath('test', 'histories', 'scheduled-night-child-v1.history.bin'),
  join: projectPath('test', 'histories', 'scheduled-night-join-v1.history.bin'),
};
/** The region schedule's starter (workflows/scheduled-region-night.ts), recorded by test/region-workflow.test.ts. */
const RECORDED_SCHEDULED_REGION = {
  child: projectPath('test', 'histories', 'scheduled-region-night-child-v1.history.bin'),
  join: projectPath('test', 'histories', 'scheduled-region-night-join-v1.history.bin'),
};

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

  it('a scheduled start records the night as its child, or joins a night that exists, and both replay deterministically', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-replay-sched-'));
    const landing = join(root, 'landing');
    await mkdir(join(landing, 'case-system'), { recursive: true });
    await writeFile(join(landing, 'case-system', 'referrals_2015-01-31.csv'), 'Child Unique ID,Date of referral\nC1,03/01/2015\n');
    const taskQueue = uniqueQueue('replay-sched');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    // Two schedules for one home, one backfilled night each: the first starts the night, the second finds it done.
    const schedules = [uniqueQueue('replay-child'), uniqueQueue('replay-join')];
    const [child, joined] = await worker.runUntil(async () => {
      const starters = [];
      for (const scheduleId of schedules) {
        await upsertSchedule(env.client, { scheduleId, landing, home: join(root, 'home'), taskQueue });
        await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
        await backfillSchedule(env.client, '2015-01-31', '2015-01-31', scheduleId);
        let action;
        while (!(action = (await env.client.schedule.getHandle(scheduleId).describe()).info.recentActions[0])) await new Promise((r) => setTimeout(r, 250));
        const handle = env.client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId);
        await handle.result();
        starters.push(handle);
      }
      return starters;
    });
    for (const scheduleId of schedules) await env.client.schedule.getHandle(scheduleId).delete();
    expect(((await joined!.result()) as NightResult).snapshotId).toBe(((await child!.result()) as NightResult).snapshotId);

    const childHistory = await child!.fetchHistory();
    const joinHistory = await joined!.fetchHistory();
    const types = (h: typeof childHistory) => (h.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')));
    expect(types(childHistory)).toContain('childWorkflowExecutionCompletedEventAttributes');
    expect(types(joinHistory)).toContain('startChildWorkflowExecutionFailedEventAttributes');
    expect(types(joinHistory)).toContain('activityTaskCompletedEventAttributes');
    for (const h of [childHistory, joinHistory]) await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, h)).resolves.toBeUndefined();
    if (process.env.RECORD_HISTORY) {
      await writeFile(RECORDED_SCHEDULED.child, temporal.api.history.v1.History.encode(childHistory).finish());
      await writeFile(RECORDED_SCHEDULED.join, temporal.api.history.v1.History.encode(joinHistory).finish());
    }
  });

  it.each(Object.entries(RECORDED_SCHEDULED))('replays the committed history of a scheduled start (%s) against the current code', async (path, file) => {
    const history = temporal.api.history.v1.History.decode(await readFile(file));
    await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, history, `scheduled-night-${path}-recorded`)).resolves.toBeUndefined();
  });

  it.each(Object.entries(RECORDED_SCHEDULED_REGION))('replays the committed history of a scheduled region night (%s) against the current code', async (path, file) => {
    const history = temporal.api.history.v1.History.decode(await readFile(file));
    await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, history, `scheduled-region-night-${path}-recorded`)).resolves.toBeUndefined();
  });
});
