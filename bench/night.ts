/**
 * (a) The full nightly workflow through Temporal, as `csc-kpi run` does it: an embedded dev
 * server (cli/dev-server.ts) and an in-process worker with the real activities, on a fresh home:
 * pull, validate, load, compute every KPI and series, detect baselines, publish (and hand the
 * analysts their warehouse copy). Then (c) the quiet night: the next day (as-of + 1) on the same
 * home and landing folder, so every file is already loaded and the night is pull, compute,
 * detect, publish.
 *
 * Timed from the workflow start to its result; starting the server and bundling the workflow
 * (once per worker process) are not in it. Each activity's wall time is recorded as well.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { computeStepMs } from '../activities/compute.js';
import { loadStepMs } from '../activities/load-csv.js';
import { startDevServer } from '../cli/dev-server.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { workflowsPath } from '../cli/worker.js';
import type { NightResult } from '../core/night.js';
import { AS_OF, QUIET_AS_OF, type Dataset } from './dataset.js';
import { treeHighWaterMb } from './measure.js';

export interface NightTiming {
  ms: number;
  result: NightResult;
  /** Wall time of each activity type, summed over its calls. */
  activities: Record<string, number>;
  /** The loader's steps (activities/load-csv.ts), summed over files. */
  loadSteps: Record<string, number>;
  /** Each KPI's SQL (activities/compute.ts). */
  computeSteps: Record<string, number>;
}

export interface NightsResult {
  night: NightTiming;
  quiet: NightTiming;
  /** Sum of VmHWM over this process and the dev server (upper bound of their peak together). */
  highWaterMb: number;
}

type Activities = ReturnType<typeof createActivities>;

/** The real activities, each timed into `into`. */
function timed(acts: Activities, into: Map<string, number>): Activities {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(acts) as [string, (input: unknown) => Promise<unknown>][]) {
    out[name] = async (input: unknown) => {
      const t0 = performance.now();
      try {
        return await fn(input);
      } finally {
        into.set(name, (into.get(name) ?? 0) + performance.now() - t0);
      }
    };
  }
  return out as Activities;
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
      const taskQueue = `bench-${process.pid}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowsPath: workflowsPath(),
        activities: timed(createActivities(), activityMs),
        maxConcurrentActivityTaskExecutions: 2,
      });
      const run = async (asOf: string): Promise<NightTiming> => {
        activityMs.clear();
        loadStepMs.clear();
        computeStepMs.clear();
        const t0 = performance.now();
        const result = await startOrJoinNight(client, { asOf, landing: data.landing, home }, taskQueue);
        const ms = performance.now() - t0;
        return { ms, result, activities: Object.fromEntries(activityMs), loadSteps: Object.fromEntries(loadStepMs), computeSteps: Object.fromEntries(computeStepMs) };
      };
      const out = await worker.runUntil(async () => {
        const night = await run(AS_OF);
        globalThis.gc?.();
        const quiet = await run(QUIET_AS_OF);
        return { night, quiet };
      });
      // Read before the server stops: this process and the dev server, each at its own peak.
      return { ...out, highWaterMb: treeHighWaterMb(process.pid) };
    } finally {
      await nativeConnection.close();
      await connection.close();
    }
  } finally {
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}
