/**
 * The nightly schedule on a real Temporal dev server (the time-skipping server has no schedules):
 * idempotent create, the 05:00 London time across both clock changes, and an in-order backfill.
 */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { backfillSchedule, upsertSchedule } from '../cli/schedule.js';
import { londonOffsetMinutes } from '../core/london-time.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const HEADER = 'Child Unique ID,Date of referral';

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
});
