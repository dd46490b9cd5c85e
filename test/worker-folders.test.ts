/**
 * A worker serves only the landing and home folders it was configured with (issue 12): any
 * Temporal client can start a night with any input, and one wrote to a home folder of its own
 * choosing. Real dev server, the worker exactly as the CLI builds it (cli/worker.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOrJoinNight } from '../cli/run-night.js';
import { createWorker, servedFromEnv } from '../cli/worker.js';
import { readEnvConfig } from '../core/env-config.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const REFERRALS = 'Child Unique ID,Date of referral\r\nC1,02/02/2015\r\nC2,03/02/2015\r\n';

async function folders() {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-served-'));
  const landing = join(root, 'landing');
  await mkdir(join(landing, 'case-system'), { recursive: true });
  await writeFile(join(landing, 'case-system', 'referrals_2015-02-28.csv'), REFERRALS);
  return { root, landing, home: join(root, 'home') };
}

/** The ApplicationFailure at the end of WorkflowFailedError → ActivityFailure → ApplicationFailure. */
async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activity = (err as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  const app = (activity as ActivityFailure).cause;
  expect(app).toBeInstanceOf(ApplicationFailure);
  return app as ApplicationFailure;
}

describe('the worker serves only its own folders', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('refuses a night started by another client with a home of its choosing, before creating anything there', async () => {
    const ours = await folders();
    const theirs = join(await mkdtemp(join(tmpdir(), 'csc-kpi-other-')), 'home');
    const taskQueue = uniqueQueue('served');
    const worker = await createWorker({ connection: env.nativeConnection, served: [{ landing: ours.landing, home: ours.home }], taskQueue });
    const failure = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('nightlyKpiWorkflow', {
        taskQueue,
        workflowId: 'kpi-night-2015-02-28-other-home',
        args: [{ asOf: '2015-02-28', landing: ours.landing, home: theirs }],
      });
      return failureOf(handle.result());
    });
    expect(failure.type).toBe('FolderNotServed');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      `This worker serves landing ${JSON.stringify(ours.landing)} with home ${JSON.stringify(ours.home)} only; ` +
        `the night asked for landing ${JSON.stringify(ours.landing)} and home ${JSON.stringify(theirs)}. ` +
        'Start the night with the folders the worker serves, or run a worker configured for these (CSC_KPI_LANDING, CSC_KPI_HOME).',
    );
    expect(existsSync(theirs)).toBe(false);
    expect(existsSync(ours.home)).toBe(false);
  });

  it('refuses another landing folder with its own home (a client cannot make it archive /etc)', async () => {
    const ours = await folders();
    const taskQueue = uniqueQueue('served');
    const worker = await createWorker({ connection: env.nativeConnection, served: [{ landing: ours.landing, home: ours.home }], taskQueue });
    const failure = await worker.runUntil(
      failureOf(startOrJoinNight(env.client, { asOf: '2015-01-31', landing: '/etc', home: ours.home }, taskQueue)),
    );
    expect(failure.type).toBe('FolderNotServed');
    expect(failure.message).toContain('the night asked for landing "/etc" and home');
    expect(existsSync(ours.home)).toBe(false);
  });

  it('runs the night for its own folders, however they are spelled (a symlink, a trailing "/.")', async () => {
    const ours = await folders();
    const linked = join(ours.root, 'landing-link');
    await symlink(ours.landing, linked);
    const taskQueue = uniqueQueue('served');
    const worker = await createWorker({ connection: env.nativeConnection, served: [{ landing: ours.landing, home: ours.home }], taskQueue });
    const result = await worker.runUntil(startOrJoinNight(env.client, { asOf: '2015-03-31', landing: linked, home: `${ours.home}/.` }, taskQueue));
    expect(result.rowsLoaded).toBe(2);
    expect(await readdir(join(ours.home, 'snapshots'))).toContain(result.snapshotId);
  });

  it('`csc-kpi worker` will not start without CSC_KPI_LANDING and CSC_KPI_HOME', () => {
    const msg = 'Set CSC_KPI_LANDING and CSC_KPI_HOME: a worker serves only the landing and home folders it is configured with.';
    expect(() => servedFromEnv(readEnvConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toThrow(msg);
    expect(() => servedFromEnv(readEnvConfig({ TEMPORAL_ADDRESS: 'temporal:7233', CSC_KPI_HOME: '/home/csc-kpi' }))).toThrow(msg);
    expect(servedFromEnv(readEnvConfig({ CSC_KPI_LANDING: '/landing', CSC_KPI_HOME: '/home/csc-kpi' }))).toEqual([{ landing: '/landing', home: '/home/csc-kpi' }]);
  });
});
