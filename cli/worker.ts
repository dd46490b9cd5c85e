/** Builds a worker for the nightly workflow with the activities from `createActivities`. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, DefaultLogger, Worker, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { TASK_QUEUE } from '../core/night.js';

/** The workflows entry: the .ts source under vitest, the compiled .js in dist/. */
export function workflowsPath(): string {
  for (const ext of ['.js', '.ts']) {
    const p = fileURLToPath(new URL(`../workflows/index${ext}`, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('workflows/index not found next to the CLI');
}

let runtimeInstalled = false;

/** Route Temporal's logs (with workflowId and runId on workflow and activity lines) to pino. */
export function installRuntimeLogger(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env.LOG_LEVEL === 'silent' ? 'ERROR' : (process.env.TEMPORAL_LOG_LEVEL ?? 'INFO')) as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const fn = entry.level === 'ERROR' ? log.error : entry.level === 'WARN' ? log.warn : entry.level === 'DEBUG' || entry.level === 'TRACE' ? log.debug : log.info;
      // pino serialises errors under `err`; Temporal passes them as `error`.
      const { error, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
      fn.call(log, error === undefined ? meta : { ...meta, err: error }, entry.message);
    }),
  });
}

export async function createWorker(opts: {
  address: string;
  namespace?: string;
  taskQueue?: string;
  deps?: ActivityDeps;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowsPath: workflowsPath(),
    activities: createActivities(opts.deps),
    // DuckDB has one writer per file: the night's steps run one at a time anyway.
    maxConcurrentActivityTaskExecutions: 2,
  });
  return { worker, connection };
}
