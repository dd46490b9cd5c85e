/**
 * (a) The full nightly workflow through Temporal, as `csc-kpi run` does it: an embedded dev
 * server (cli/dev-server.ts) and an in-process worker with the real activities, on a fresh home:
 * pull, validate, load, compute every KPI and series, detect baselines, publish (and hand the
 * analysts their warehouse copy). Then (c) the quiet night: the next day (as-of + 1) on the same
 * home and landing folder, so every file is already loaded and the night is pull, compute,
 * detect, publish.
 *
 * Timed from the workflow start to its result; starting the server and bundling the workflow
 * (once per worker process) are not in it. Each activity's wall time is recorded as well, and
 * the warehouse statements each ran, from outside (bench/statement-timing.ts). After the nights,
 * the analysts' copy (activities/export-warehouse.ts) is timed again on its own, on the working
 * warehouse the nights left.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, workingWarehousePath } from '../activities/index.js';
import { exportWarehouse } from '../activities/export-warehouse.js';
import { Warehouse } from '../activities/warehouse.js';
import { startDevServer } from '../cli/dev-server.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { workflowsPath } from '../cli/worker.js';
import type { NightResult } from '../core/night.js';
import { AS_OF, QUIET_AS_OF, type Dataset } from './dataset.js';
import { treeHighWaterMb } from './measure.js';
import { timeStatements, type StatementTimer } from './statement-timing.js';

export interface NightTiming {
  ms: number;
  result: NightResult;
  /** Wall time of each activity type, summed over its calls. */
  activities: Record<string, number>;
  /** The loader's statements by kind, summed over files, and its time outside them. */
  loadSteps: Record<string, number>;
  /** Compute's statements: each KPI's SQL and the rest. */
  computeSteps: Record<string, number>;
  /** Publish's statements (the checkpoint before the analysts' copy among them). */
  publishSteps: Record<string, number>;
}

export interface NightsResult {
  night: NightTiming;
  quiet: NightTiming;
  /** Sum of VmHWM over this process and the dev server (upper bound of their peak together). */
  highWaterMb: number;
  /** The analysts' copy of the working warehouse the nights left, timed alone. */
  analystCopy: { ms: number; mb: number };
}

type Activities = ReturnType<typeof createActivities>;

/** The real activities, each timed into `into`; the statement timer told which one runs. */
function timed(acts: Activities, into: Map<string, number>, statements: StatementTimer): Activities {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(acts) as [string, (input: unknown) => Promise<unknown>][]) {
    out[name] = async (input: unknown) => {
      const t0 = performance.now();
      statements.activity = name;
      try {
        return await fn(input);
      } finally {
        statements.activity = null;
        into.set(name, (into.get(name) ?? 0) + performance.now() - t0);
      }
    };
  }
  return out as Activities;
}

/** The statements run under one activity, by kind (ms). */
function under(statements: StatementTimer, activity: string): Record<string, number> {
  const prefix = `${activity}: `;
  return Object.fromEntries([...statements.ms].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** Times the analysts' copy alone: the same function publish calls, on the warehouse the nights left. */
async function timeAnalystCopy(home: string): Promise<{ ms: number; mb: number }> {
  const dest = join(home, 'bench-analyst-copy.duckdb');
  return Warehouse.with(workingWarehousePath(home), async (w) => {
    const t0 = performance.now();
    await exportWarehouse(w, dest);
    const ms = performance.now() - t0;
    const mb = (await stat(dest)).size / 1024 ** 2;
    await rm(dest, { force: true });
    return { ms, mb };
  });
}

export async function nights(data: Dataset): Promise<NightsResult> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const home = await mkdtemp(join(tmpdir(), 'csc-kpi-bench-home-'));
  const server = await startDevServer();
  try {
    const connection = await Connection.connect({ address: server.address });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const activityMs = new Map<string, number>();
      const statements = timeStatements();
      const taskQueue = `bench-${process.pid}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowsPath: workflowsPath(),
        activities: timed(createActivities(), activityMs, statements),
        maxConcurrentActivityTaskExecutions: 2,
      });
      const run = async (asOf: string): Promise<NightTiming> => {
        activityMs.clear();
        statements.ms.clear();
        const t0 = performance.now();
        const result = await startOrJoinNight(client, { asOf, landing: data.landing, home }, taskQueue);
        const ms = performance.now() - t0;
        const loadSteps = under(statements, 'loadFile');
        const inStatements = Object.values(loadSteps).reduce((a, b) => a + b, 0);
        loadSteps['outside DuckDB statements (scan, header, transcode, workbooks)'] = (activityMs.get('loadFile') ?? 0) - inStatements;
        return {
          ms,
          result,
          activities: Object.fromEntries(activityMs),
          loadSteps,
          computeSteps: under(statements, 'computeKpis'),
          publishSteps: under(statements, 'publishSnapshot'),
        };
      };
      const out = await worker.runUntil(async () => {
        const night = await run(AS_OF);
        globalThis.gc?.();
        const quiet = await run(QUIET_AS_OF);
        return { night, quiet };
      });
      statements.stop();
      // Read before the server stops: this process and the dev server, each at its own peak.
      const highWaterMb = treeHighWaterMb(process.pid);
      return { ...out, highWaterMb, analystCopy: await timeAnalystCopy(home) };
    } finally {
      await nativeConnection.close();
      await connection.close();
    }
  } finally {
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}
