/**
 * Ordinary ways a night goes wrong, on a real Temporal dev server and real DuckDB: a step that
 * fails and is retried, a worker process killed mid-load, the Temporal server restarted mid-run.
 * Each night must still end with exactly one snapshot and every file loaded once.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, Connection } from '@temporalio/client';
import { Worker, NativeConnection } from '@temporalio/worker';
import { DuckDBInstance } from '@duckdb/node-api';
import { Warehouse } from '../activities/warehouse.js';
import { createActivities, workingWarehousePath } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { startDevServer } from '../cli/dev-server.js';
import { projectPath } from '../core/project-root.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';


async function landingWith(rows: number): Promise<{ landing: string; home: string }> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-fail-'));
  const landing = join(root, 'landing');
  await mkdir(join(landing, 'case-system'), { recursive: true });
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  // Synthetic referrals: child C<i mod 40000>, dates spread over 2014.
  await conn.run(
    `COPY (SELECT 'C' || (i % 40000) AS "Child Unique ID", strftime(DATE '2014-01-01' + (i % 365)::INTEGER, '%d/%m/%Y') AS "Date of referral", 'N' AS "Referral NFA?"
           FROM range($n) t(i)) TO $path (HEADER)`,
    { n: rows, path: join(landing, 'case-system', 'referrals_2015-01-31.csv') },
  );
  conn.closeSync();
  inst.closeSync();
  return { landing, home: join(root, 'home') };
}

async function warehouseCounts(home: string): Promise<{ rows: number; files: number }> {
  // A failed night's last step may still hold the file open for a next step (NEXT_STEP_LINGER_MS).
  await Warehouse.closeIdle(workingWarehousePath(home));
  const inst = await DuckDBInstance.create(workingWarehousePath(home), { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  try {
    const r = (await conn.runAndReadAll('SELECT (SELECT count(*) FROM core.referrals) AS rows, (SELECT count(*) FROM meta.files) AS files')).getRowObjectsJson()[0]!;
    return { rows: Number(r.rows), files: Number(r.files) };
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

async function snapshotCount(home: string): Promise<number> {
  return (JSON.parse(await readFile(join(home, 'snapshots', 'index.json'), 'utf8')) as unknown[]).length;
}

async function waitForActivityStart(client: Client, workflowId: string, activityType: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory().catch(() => null);
    const started = history?.events?.some(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType,
    );
    if (started) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const history = await client.workflow.getHandle(workflowId).fetchHistory().catch((e: Error) => e.message);
  const events = typeof history === 'string' ? history : history.events?.map((e) => e.eventType).join(',');
  throw new Error(`${activityType} never started; history: ${String(events)}`);
}

describe('a night that goes wrong in ordinary ways', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('retries a step that fails twice after writing, without duplicating rows or snapshots', async () => {
    const { landing, home } = await landingWith(1000);
    const real = createActivities();
    let loadFailures = 0;
    let publishFailures = 0;
    const flaky = {
      ...real,
      // The share drops just after the load committed: the retry must not load the rows again.
      async loadFile(input: Parameters<typeof real.loadFile>[0]) {
        const r = await real.loadFile(input);
        if (loadFailures++ < 2) throw new Error('ECONNRESET: the file share went away');
        return r;
      },
      // The worker loses its connection just after publishing: the retry must find the snapshot.
      async publishSnapshot(input: Parameters<typeof real.publishSnapshot>[0]) {
        const r = await real.publishSnapshot(input);
        if (publishFailures++ < 1) throw new Error('ETIMEDOUT: lost the connection');
        return r;
      },
    };
    const taskQueue = uniqueQueue('flaky');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: flaky });
    const result = await worker.runUntil(startOrJoinNight(env.client, { asOf: '2015-01-31', landing, home }, taskQueue));
    expect(loadFailures).toBe(3);
    expect(publishFailures).toBe(2);
    expect(result.rowsLoaded).toBe(1000);
    expect(await warehouseCounts(home)).toEqual({ rows: 1000, files: 1 });
    expect(await snapshotCount(home)).toBe(1);
  });

  it('completes when the worker process is killed during the load and another takes over', async () => {
    const { landing, home } = await landingWith(3_000_000);
    const taskQueue = uniqueQueue('killed');
    const child = spawn(process.execPath, [projectPath('bin', 'csc-kpi.js'), 'worker'], {
      env: { ...process.env, TEMPORAL_ADDRESS: env.address, CSC_KPI_TASK_QUEUE: taskQueue, CSC_KPI_LANDING: landing, CSC_KPI_HOME: home, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const asOf = '2015-02-01'; // a night of its own: the first test already ran 2015-01-31 on this server
    const running = startOrJoinNight(env.client, { asOf, landing, home }, taskQueue);
    await waitForActivityStart(env.client, `kpi-night-${asOf}`, 'loadFile');
    await new Promise((r) => setTimeout(r, 300)); // let it get into the load
    child.kill('SIGKILL');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const result = await worker.runUntil(running);
    expect(result.rowsLoaded).toBe(3_000_000);
    expect(await warehouseCounts(home)).toEqual({ rows: 3_000_000, files: 1 });
    expect(await snapshotCount(home)).toBe(1);
  }, 240_000);

  it('completes when the Temporal server restarts mid-run (persistent database)', async () => {
    const { landing, home } = await landingWith(500_000);
    const dbFile = join(home, '..', 'temporal.db');
    let server = await startDevServer({ dbFile });
    const port = Number(server.address.split(':')[1]);
    const taskQueue = uniqueQueue('restart');
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const workerConn = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({ connection: workerConn, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const asOf = '2015-01-31';
    try {
      const result = await worker.runUntil(async () => {
        const handle = await client.workflow.start('nightlyKpiWorkflow', { taskQueue, workflowId: `kpi-night-${asOf}`, args: [{ asOf, landing, home }] });
        await waitForActivityStart(client, handle.workflowId, 'loadFile');
        await server.stop();
        server = await startDevServer({ dbFile, port });
        return handle.result();
      });
      expect(result.rowsLoaded).toBe(500_000);
      expect(await warehouseCounts(home)).toEqual({ rows: 500_000, files: 1 });
      expect(await snapshotCount(home)).toBe(1);
    } finally {
      await connection.close();
      await workerConn.close();
      await server.stop();
    }
  }, 240_000);
});
