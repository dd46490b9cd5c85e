/**
 * Runs one night and waits for it: against TEMPORAL_ADDRESS if given, else an embedded dev
 * server with an in-process worker. Starting the same night twice joins the existing run
 * (workflow id from the as-of date), so one night gives one run and one snapshot.
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import type { Logger } from 'pino';
import { nightlyWorkflowId, TASK_QUEUE, type NightInput, type NightProgress, type NightResult } from '../core/night.js';
import { progressDisplay } from './progress-display.js';
import { readEnvConfig } from '../core/env-config.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { createWorker, installRuntimeLogger } from './worker.js';

/** Waits for a night's result, reporting its `progress` query every half second meanwhile. */
async function awaitNight(handle: WorkflowHandle, onProgress?: (p: NightProgress) => void): Promise<NightResult> {
  const result = handle.result() as Promise<NightResult>;
  if (!onProgress) return result;
  let finished = false;
  void result.finally(() => (finished = true)).catch(() => undefined);
  const poll = (async () => {
    while (!finished) {
      const p = await handle.query<NightProgress>('progress').catch(() => null);
      if (p && !finished) onProgress(p);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  try {
    return await result;
  } finally {
    finished = true;
    await poll;
  }
}

export async function startOrJoinNight(
  client: Client,
  input: NightInput,
  taskQueue = TASK_QUEUE,
  onProgress?: (p: NightProgress) => void,
): Promise<NightResult> {
  const workflowId = nightlyWorkflowId(input.asOf);
  try {
    const handle = await client.workflow.start('nightlyKpiWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      memo: { asOf: input.asOf },
      // A finished night is not re-run by accident; a running one is joined.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return await awaitNight(handle, onProgress);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return awaitNight(client.workflow.getHandle(workflowId), onProgress);
    }
    throw err;
  }
}

export async function runNight(input: NightInput, log: Logger, address = process.env.TEMPORAL_ADDRESS): Promise<NightResult> {
  installRuntimeLogger(log);
  let server: DevServer | undefined;
  if (!address) {
    log.info('no TEMPORAL_ADDRESS: starting an embedded Temporal dev server');
    server = await startDevServer();
  }
  const target = address ?? server!.address;
  try {
    const connection = await Connection.connect({ address: target });
    try {
      const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
      const display = progressDisplay();
      const taskQueue = readEnvConfig().CSC_KPI_TASK_QUEUE;
      const night = () => startOrJoinNight(client, input, taskQueue, (p) => display.update(p));
      if (address) return await night().finally(() => display.stop());
      const { worker, connection: workerConn } = await createWorker({ address: target, taskQueue });
      try {
        return await worker.runUntil(night().finally(() => display.stop()));
      } finally {
        await workerConn.close();
      }
    } finally {
      await connection.close();
    }
  } finally {
    await server?.stop();
  }
}
