/**
 * Builds a worker for the nightly workflow with the activities from `createActivities`. A worker
 * serves only the folders it is given: a night started (by any Temporal client) with another
 * landing or home fails before anything is read or written (activities/served-folders.ts).
 * With a region.json (issue 18), a worker on a task queue serves the councils on that queue, and
 * on the region's own queue also the regional roll-up (activities/region.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Runtime, DefaultLogger, Worker, type LogLevel, type Logger as TemporalLogger, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { createRegionActivities } from '../activities/region.js';
import { readRegionConfigFile } from '../activities/region-config-file.js';
import { refuseCouncilNights, regionWorkerPlan } from '../activities/region-served.js';
import type { ServedFolders } from '../activities/served-folders.js';
import { TASK_QUEUE } from '../core/night.js';
import { alertEnvOf, type EnvConfig } from '../core/env-config.js';
import { connectWorker, requireAddress } from './temporal-connection.js';

/** The workflows entry: the .ts source under vitest, the compiled .js in dist/. */
export function workflowsPath(): string {
  for (const ext of ['.js', '.ts']) {
    const p = fileURLToPath(new URL(`../workflows/index${ext}`, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('workflows/index not found next to the CLI');
}

let runtimeInstalled = false;

/**
 * Route Temporal's logs (with workflowId and runId on workflow and activity lines) to pino, at
 * TEMPORAL_LOG_LEVEL (only errors when LOG_LEVEL is silent).
 */
export function installRuntimeLogger(log: Logger, c: Pick<EnvConfig, 'LOG_LEVEL' | 'TEMPORAL_LOG_LEVEL'>): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level: LogLevel = c.LOG_LEVEL === 'silent' ? 'ERROR' : c.TEMPORAL_LOG_LEVEL;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const fn = entry.level === 'ERROR' ? log.error : entry.level === 'WARN' ? log.warn : entry.level === 'DEBUG' || entry.level === 'TRACE' ? log.debug : log.info;
      // pino serialises errors under `err`; Temporal passes them as `error`.
      const { error, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
      fn.call(log, error === undefined ? meta : { ...meta, err: error }, entry.message);
    }),
  });
}

/**
 * The workflow bundle, built with webpack's report (a page of module paths) kept at debug level:
 * it says nothing to a data officer, and errors still come through as errors.
 */
export async function quietBundle(): Promise<{ code: string }> {
  const rt = Runtime.instance().logger;
  const logger: TemporalLogger = {
    log: (level, message, meta) => rt.log(level === 'INFO' ? 'DEBUG' : level, message, meta),
    trace: (m, meta) => rt.trace(m, meta),
    debug: (m, meta) => rt.debug(m, meta),
    info: (m, meta) => rt.debug(m, meta),
    warn: (m, meta) => rt.warn(m, meta),
    error: (m, meta) => rt.error(m, meta),
  };
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger });
  return { code };
}

/**
 * A worker on `connection` serving `served`. The caller owns the connection: the embedded run
 * connects to its loopback dev server, the long-lived worker to TEMPORAL_ADDRESS with TLS.
 */
export async function createWorker(opts: {
  connection: NativeConnection;
  served: ServedFolders[];
  namespace?: string;
  taskQueue?: string;
  deps?: Omit<ActivityDeps, 'served'>;
  /** The region.json whose roll-up this worker runs (a worker on the region's task queue). */
  region?: string;
  /** The workflows bundled once for several workers of one process (the embedded region run). */
  workflowBundle?: WorkflowBundle;
  /** Names the worker in workflow histories (default pid@host). */
  identity?: string;
}): Promise<Worker> {
  // A worker on a queue with no council (only the region's roll-up) refuses every council step.
  const council = opts.served.length > 0 ? createActivities({ ...opts.deps, served: opts.served }) : refuseCouncilNights(createActivities(opts.deps));
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowBundle: opts.workflowBundle ?? (await quietBundle()),
    activities: { ...council, ...createRegionActivities({ config: opts.region, signingKey: opts.deps?.signingKey, commit: opts.deps?.commit }) },
    ...(opts.identity ? { identity: opts.identity } : {}),
    // DuckDB has one writer per file: the night's steps run one at a time anyway.
    maxConcurrentActivityTaskExecutions: 2,
  });
}

/** What the activities take from the settings: the signing key, the release's commit and the alert variables — nothing else. */
export function activityDepsFrom(c: EnvConfig): Pick<ActivityDeps, 'signingKey' | 'commit' | 'alertEnv' | 'laCode'> {
  return { signingKey: c.CSC_KPI_SIGNING_KEY ?? null, commit: c.CSC_KPI_COMMIT ?? null, alertEnv: alertEnvOf(c), ...(c.CSC_KPI_LA_CODE ? { laCode: c.CSC_KPI_LA_CODE } : {}) };
}

/** The folders a long-lived worker serves, from CSC_KPI_LANDING and CSC_KPI_HOME (both required). */
export function servedFromEnv(c: EnvConfig): ServedFolders[] {
  if (!c.CSC_KPI_LANDING || !c.CSC_KPI_HOME) {
    throw new Error('Set CSC_KPI_LANDING and CSC_KPI_HOME: a worker serves only the landing and home folders it is configured with.');
  }
  return [{ landing: c.CSC_KPI_LANDING, home: c.CSC_KPI_HOME }];
}

export interface WorkerOptions {
  /** The task queue to poll (default CSC_KPI_TASK_QUEUE). */
  queue?: string;
  /** A region.json (default CSC_KPI_REGION_CONFIG): serve the councils on `queue`, and the roll-up on the region's queue. */
  config?: string;
}

/** `csc-kpi worker`: polls TEMPORAL_ADDRESS (with its TLS settings) until stopped. */
export async function runWorker(log: Logger, c: EnvConfig, opts: WorkerOptions = {}): Promise<void> {
  const address = requireAddress(c, 'run a worker');
  const taskQueue = opts.queue ?? c.CSC_KPI_TASK_QUEUE;
  const configPath = opts.config ?? c.CSC_KPI_REGION_CONFIG;
  const plan = configPath ? regionWorkerPlan(await readRegionConfigFile(configPath), taskQueue) : { served: servedFromEnv(c), region: undefined };
  installRuntimeLogger(log, c);
  const connection = await connectWorker(address, c);
  try {
    const worker = await createWorker({ connection, served: plan.served, namespace: c.TEMPORAL_NAMESPACE, taskQueue, region: plan.region, deps: activityDepsFrom(c) });
    log.info({ address, taskQueue, served: plan.served, region: plan.region ?? null, tls: Boolean(c.TEMPORAL_TLS_CA ?? c.TEMPORAL_TLS_CERT) }, 'worker started');
    await worker.run();
  } finally {
    await connection.close();
  }
}
