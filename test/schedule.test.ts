/**
 * The nightly schedule on a real Temporal dev server (the time-skipping server has no schedules):
 * idempotent create, the 05:00 London time across both clock changes, an in-order backfill, and
 * one night per as-of date whoever starts it: a scheduled (or backfilled) start and a manual
 * `csc-kpi run` of one night are one workflow run, `kpi-night-<as-of>`, and one snapshot; a
 * backfill after a later night leaves `latest` on the later night.
 */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, type Client, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { readIndex, readLatest } from '../activities/snapshot-files.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { workflowsPath } from '../cli/worker.js';
import { backfillSchedule, upsertSchedule } from '../cli/schedule.js';
import { londonOffsetMinutes } from '../core/london-time.js';
import type { NightResult } from '../core/night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const HEADER = 'Child Unique ID,Date of referral';

/** Polls `probe` every 250 ms until it gives a value, for at most 60 s. */
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
  for (let i = 0; i < 240; i++) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A landing folder with one referrals extract dated `extractDate`, and a home beside it. */
async function council(extractDate: string): Promise<{ landing: string; home: string }> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-sched-'));
  const landing = join(root, 'landing');
  await mkdir(join(landing, 'case-system'), { recursive: true });
  await writeFile(join(landing, 'case-system', `referrals_${extractDate}.csv`), `${HEADER}\nC1,05/01/2015\nC1,20/01/2015\n`);
  return { landing, home: join(root, 'home') };
}

/** The workflow the schedule's `n`th action started (1-based), once it has started it. */
async function scheduledStart(client: Client, scheduleId: string, n: number) {
  const action = await waitFor(`scheduled start ${n}`, async () => (await client.schedule.getHandle(scheduleId).describe()).info.recentActions[n - 1]);
  return client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId);
}

/** Every run (execution) of a workflow id in the namespace. */
async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(wf.runId);
  return runs;
}

const describeNight = (client: Client, workflowId: string) => client.workflow.getHandle(workflowId).describe().catch(() => null);

describe('nightly schedule', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('is one schedule however often it is created', async () => {
    const s = { scheduleId: uniqueQueue('sched'), landing: '/tmp/l', home: '/tmp/h', taskQueue: 'unused' };
    expect(await upsertSchedule(env.client, s)).toBe('created');
    expect(await upsertSchedule(env.client, s)).toBe('updated');
    const ids: string[] = [];
    for await (const sch of env.client.schedule.list()) if (sch.scheduleId === s.scheduleId) ids.push(sch.scheduleId);
    expect(ids).toEqual([s.scheduleId]);
    const d = await env.client.schedule.getHandle(s.scheduleId).describe();
    expect(d.policies.overlap).toBe('SKIP');
    await env.client.schedule.getHandle(s.scheduleId).delete();
  });

  // 2027: clocks go forward on Sun 28 March and back on Sun 31 October. At 05:00 London every
  // day fires once: 05:00 UTC in winter, 04:00 UTC in summer, never skipped, never doubled.
  it.each([
    ['March', '2027-03-25T00:00:00Z', '2027-03-28'],
    ['October', '2027-10-28T00:00:00Z', '2027-10-31'],
  ])('fires exactly once a day at 05:00 London across the %s clock change', async (_name, startAt, changeDay) => {
    const scheduleId = uniqueQueue('dst');
    await upsertSchedule(env.client, { scheduleId, landing: '/tmp/l', home: '/tmp/h', taskQueue: 'unused', startAt: new Date(startAt) });
    const d = await env.client.schedule.getHandle(scheduleId).describe();
    await env.client.schedule.getHandle(scheduleId).delete();
    const times = d.info.nextActionTimes.slice(0, 7).map((t) => t.getTime());
    expect(times.length).toBe(7);
    const localHours = times.map((t) => new Date(t + londonOffsetMinutes(t) * 60_000).getUTCHours());
    expect(localHours).toEqual([5, 5, 5, 5, 5, 5, 5]);
    const localDays = times.map((t) => new Date(t + londonOffsetMinutes(t) * 60_000).toISOString().slice(0, 10));
    expect(new Set(localDays).size).toBe(7); // no day twice
    const gapsHours = times.slice(1).map((t, i) => (t - times[i]!) / 3600_000);
    expect(gapsHours.filter((g) => g !== 24)).toHaveLength(1); // the clock change: one 23 h or 25 h gap
    expect(localDays).toContain(changeDay);
  });

  it('backfills three nights in order, one snapshot each', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-sched-'));
    const landing = join(root, 'landing');
    await mkdir(join(landing, 'case-system'), { recursive: true });
    await writeFile(join(landing, 'case-system', 'referrals_2015-02-01.csv'), `${HEADER}\nC1,05/01/2015\nC1,20/01/2015\n`);
    const home = join(root, 'home');
    const taskQueue = uniqueQueue('backfill');
    const scheduleId = uniqueQueue('bf');
    await upsertSchedule(env.client, { scheduleId, landing, home, taskQueue });
    // Paused, so only the backfill acts (a paused schedule still runs backfills).
    await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const index = await worker.runUntil(async () => {
      await backfillSchedule(env.client, '2015-02-25', '2015-02-27', scheduleId);
      for (let i = 0; i < 240; i++) {
        const entries = JSON.parse(await readFile(join(home, 'snapshots', 'index.json'), 'utf8').catch(() => '[]')) as { as_of: string }[];
        if (entries.length >= 3) return entries;
        await new Promise((r) => setTimeout(r, 250));
      }
      const runs: string[] = [];
      for await (const wf of env.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        const failure = wf.status.name === 'FAILED' ? await env.client.workflow.getHandle(wf.workflowId, wf.runId).result().catch((e: Error) => (e.cause as Error | undefined)?.cause instanceof Error ? ((e.cause as Error).cause as Error).message : e.message) : '';
        runs.push(`${wf.workflowId} ${wf.status.name} ${String(failure)}`);
      }
      throw new Error(`backfill did not publish three snapshots within 60 s; runs: ${runs.join('; ') || 'none'}`);
    });
    await env.client.schedule.getHandle(scheduleId).delete();
    // index.json is newest first: the nights ran in as-of order.
    expect(index.map((e) => e.as_of)).toEqual(['2015-02-27', '2015-02-26', '2015-02-25']);
  });

  it('a manual start and then a scheduled start of one night are one run and one snapshot', async () => {
    const { landing, home } = await council('2015-02-28');
    const taskQueue = uniqueQueue('manual-first');
    const scheduleId = uniqueQueue('mf');
    await upsertSchedule(env.client, { scheduleId, landing, home, taskQueue });
    await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
    // No worker yet: the manual night is started and stays running while the schedule starts its own.
    const manual = startOrJoinNight(env.client, { asOf: '2015-02-28', landing, home }, taskQueue);
    await waitFor('the manual night', () => describeNight(env.client, 'kpi-night-2015-02-28'));
    await backfillSchedule(env.client, '2015-02-28', '2015-02-28', scheduleId);
    const starter = await scheduledStart(env.client, scheduleId, 1);
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const [byHand, bySchedule] = await worker.runUntil(async () => [await manual, (await starter.result()) as NightResult] as const);
    await env.client.schedule.getHandle(scheduleId).delete();

    expect(bySchedule.snapshotId).toBe(byHand.snapshotId);
    expect(byHand).toMatchObject({ asOf: '2015-02-28', published: true });
    expect(await runsOf(env.client, 'kpi-night-2015-02-28')).toHaveLength(1);
    // The scheduled start joined the night started by hand rather than starting one of its own.
    expect((await describeNight(env.client, 'kpi-night-2015-02-28'))?.parentExecution).toBeUndefined();
    expect((await readIndex(join(home, 'snapshots'))).map((e) => e.snapshot_id)).toEqual([byHand.snapshotId]);
  });

  it('a scheduled start and then a manual start of one night are one run and one snapshot', async () => {
    const { landing, home } = await council('2015-03-31');
    const taskQueue = uniqueQueue('schedule-first');
    const scheduleId = uniqueQueue('sf');
    await upsertSchedule(env.client, { scheduleId, landing, home, taskQueue });
    await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const [bySchedule, byHand, starterId] = await worker.runUntil(async () => {
      await backfillSchedule(env.client, '2015-03-31', '2015-03-31', scheduleId);
      const starter = await scheduledStart(env.client, scheduleId, 1);
      await waitFor('the scheduled night', () => describeNight(env.client, 'kpi-night-2015-03-31'));
      const hand = await startOrJoinNight(env.client, { asOf: '2015-03-31', landing, home }, taskQueue);
      return [(await starter.result()) as NightResult, hand, starter.workflowId] as const;
    });
    await env.client.schedule.getHandle(scheduleId).delete();

    expect(byHand.snapshotId).toBe(bySchedule.snapshotId);
    expect(await runsOf(env.client, 'kpi-night-2015-03-31')).toHaveLength(1);
    // The night is the scheduled starter's child, with the as-of date's id (not the schedule's <prefix>-<time>).
    expect((await describeNight(env.client, 'kpi-night-2015-03-31'))?.parentExecution?.workflowId).toBe(starterId);
    expect((await readIndex(join(home, 'snapshots'))).map((e) => e.snapshot_id)).toEqual([bySchedule.snapshotId]);
  });

  it('a backfill after a later night: earlier nights published in order, the later night joined, latest unchanged', async () => {
    const { landing, home } = await council('2015-04-01');
    const snapshots = join(home, 'snapshots');
    const taskQueue = uniqueQueue('backfill-after');
    const scheduleId = uniqueQueue('ba');
    await upsertSchedule(env.client, { scheduleId, landing, home, taskQueue });
    await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const [later, backfilled] = await worker.runUntil(async () => {
      const late = await startOrJoinNight(env.client, { asOf: '2015-04-30', landing, home }, taskQueue);
      // 28, 29 and 30 April: the 30th already ran by hand.
      await backfillSchedule(env.client, '2015-04-28', '2015-04-30', scheduleId);
      const results: NightResult[] = [];
      for (const n of [1, 2, 3]) results.push((await (await scheduledStart(env.client, scheduleId, n)).result()) as NightResult);
      return [late, results] as const;
    });
    await env.client.schedule.getHandle(scheduleId).delete();

    expect(backfilled.map((r) => r.asOf)).toEqual(['2015-04-28', '2015-04-29', '2015-04-30']);
    // The 30th was joined, not run again: its result is the manual run's own.
    expect(backfilled[2]).toEqual(later);
    expect(await runsOf(env.client, 'kpi-night-2015-04-30')).toHaveLength(1);
    expect(await readLatest(snapshots)).toBe(later.snapshotId);
    // index.json newest first (by publication): the backfilled nights, then the later night.
    expect((await readIndex(snapshots)).map((e) => e.as_of)).toEqual(['2015-04-29', '2015-04-28', '2015-04-30']);
  });

  it('a scheduled start of a night running with other folders fails with what to do, and leaves that night alone', async () => {
    const ours = await council('2015-01-31');
    const theirs = await council('2015-01-31');
    const taskQueue = uniqueQueue('sched-conflict');
    const scheduleId = uniqueQueue('sc');
    await upsertSchedule(env.client, { scheduleId, ...ours, taskQueue });
    await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
    // Another home's night of the same date, on a queue no worker polls: it stays running.
    const other = await env.client.workflow.start('nightlyKpiWorkflow', { taskQueue: uniqueQueue('nobody'), workflowId: 'kpi-night-2015-01-31', args: [{ asOf: '2015-01-31', ...theirs }] });
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    try {
      const failure = await worker.runUntil(async () => {
        await backfillSchedule(env.client, '2015-01-31', '2015-01-31', scheduleId);
        return (await scheduledStart(env.client, scheduleId, 1)).result().then(
          () => null,
          (e: unknown) => e,
        );
      });
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const activity = (failure as WorkflowFailedError).cause;
      expect(activity).toBeInstanceOf(ActivityFailure);
      const app = (activity as ActivityFailure).cause as ApplicationFailure;
      expect(app).toBeInstanceOf(ApplicationFailure);
      expect(app.type).toBe('NightConflict');
      expect(app.message).toMatch(/^The night of 2015-01-31 \(workflow kpi-night-2015-01-31\) is running with home .*; this run asked for home /);
      expect(app.message).toContain(JSON.stringify(theirs.home));
      expect((await other.describe()).status.name).toBe('RUNNING');
    } finally {
      await other.terminate('test done');
      await env.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('a scheduled night that failed runs again when started by hand once the cause is fixed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-sched-'));
    const landing = join(root, 'landing'); // not there yet: the night cannot mean anything
    const home = join(root, 'home');
    const taskQueue = uniqueQueue('failed-again');
    const scheduleId = uniqueQueue('fa');
    await upsertSchedule(env.client, { scheduleId, landing, home, taskQueue });
    await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const [scheduled, byHand] = await worker.runUntil(async () => {
      await backfillSchedule(env.client, '2014-12-31', '2014-12-31', scheduleId);
      const failed = await (await scheduledStart(env.client, scheduleId, 1)).result().then(
        () => 'completed',
        () => 'failed',
      );
      await mkdir(join(landing, 'case-system'), { recursive: true });
      await writeFile(join(landing, 'case-system', 'referrals_2014-12-31.csv'), `${HEADER}\nC1,05/12/2014\n`);
      return [failed, await startOrJoinNight(env.client, { asOf: '2014-12-31', landing, home }, taskQueue)] as const;
    });
    await env.client.schedule.getHandle(scheduleId).delete();
    expect(scheduled).toBe('failed');
    expect(byHand).toMatchObject({ asOf: '2014-12-31', published: true, rowsLoaded: 1 });
    expect(await runsOf(env.client, 'kpi-night-2014-12-31')).toHaveLength(2);
  });
});
