/**
 * `csc-kpi run --home B` for a night already run with `--home A` printed A's snapshot and exited 0
 * (issue 12): one as-of date is one workflow id, so the second run joined the first. Now a second
 * run is joined only when it asks for the same folders; otherwise it is refused with what to do.
 * Real dev server and worker.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOrJoinNight } from '../cli/run-night.js';
import { createWorker } from '../cli/worker.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

async function council(name: string) {
  const root = await mkdtemp(join(tmpdir(), `csc-kpi-${name}-`));
  const landing = join(root, 'landing');
  await mkdir(join(landing, 'case-system'), { recursive: true });
  await writeFile(join(landing, 'case-system', 'referrals_2015-02-28.csv'), 'Child Unique ID,Date of referral\r\nC1,02/02/2015\r\n');
  return { root, landing, home: join(root, 'home') };
}

describe('one as-of date, one night: a run with other folders is refused', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('refuses --home B for a night completed with --home A, naming both and what to do; B is not created', async () => {
    const a = await council('home-a');
    const b = await council('home-b');
    const taskQueue = uniqueQueue('conflict');
    const worker = await createWorker({ connection: env.nativeConnection, served: [a, b], taskQueue });
    const [first, second, again] = await worker.runUntil(async () => {
      const ranA = await startOrJoinNight(env.client, { asOf: '2015-02-28', ...a }, taskQueue);
      const asB = await startOrJoinNight(env.client, { asOf: '2015-02-28', ...b }, taskQueue).then(
        () => null,
        (e: Error) => e,
      );
      // The same folders spelled another way (a symlink to A's home) are the same night: joined.
      const link = join(b.root, 'link-to-a-home');
      await symlink(a.home, link);
      const joined = await startOrJoinNight(env.client, { asOf: '2015-02-28', landing: a.landing, home: link }, taskQueue);
      return [ranA, asB, joined];
    });
    expect(second).toBeInstanceOf(Error);
    expect(second!.message).toBe(
      `The night of 2015-02-28 (workflow kpi-night-2015-02-28) already ran (completed) with home ${JSON.stringify(a.home)} and landing ${JSON.stringify(a.landing)}; ` +
        `this run asked for home ${JSON.stringify(b.home)} and landing ${JSON.stringify(b.landing)}. One as-of date is one night in a Temporal namespace: ` +
        `to see that night run \`csc-kpi run --as-of 2015-02-28 --home ${a.home} --landing ${a.landing}\`; ` +
        'to run another home, give it a Temporal namespace of its own (TEMPORAL_NAMESPACE) and a worker serving it.',
    );
    expect(existsSync(b.home)).toBe(false);
    expect(again.snapshotId).toBe(first.snapshotId);
  });

  it('refuses at once to join a running night that has other folders (no worker has picked it up yet)', async () => {
    const a = await council('running-a');
    const b = await council('running-b');
    const taskQueue = uniqueQueue('conflict-running'); // no worker polls it: the night stays running
    const handle = await env.client.workflow.start('nightlyKpiWorkflow', { taskQueue, workflowId: 'kpi-night-2015-01-31', args: [{ asOf: '2015-01-31', ...a }] });
    try {
      await expect(startOrJoinNight(env.client, { asOf: '2015-01-31', ...b }, taskQueue)).rejects.toThrow(
        /^The night of 2015-01-31 \(workflow kpi-night-2015-01-31\) is running with home .*running-a.*; this run asked for home .*running-b/,
      );
    } finally {
      await handle.terminate('test done');
    }
  });
});
