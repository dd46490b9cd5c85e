/**
 * Runs one night and waits for it: against TEMPORAL_ADDRESS if given, else an embedded dev
 * server with an in-process worker. Starting the same night twice joins the existing run
 * (workflow id from the as-of date), so one night gives one run and one snapshot.
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Logger } from 'pino';
import { nightlyWorkflowId, TASK_QUEUE, type NightInput, type NightResult } from '../core/night.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { createWorker, installRuntimeLogger } from './worker.js';

export async function startOrJoinNight(client: Client, input: NightInput, taskQueue = TASK_QUEUE): Promise<NightResult> {
  const workflowId = nightlyWorkflowId(input.asOf);
  try {
    const handle = await client.workflow.start('nightlyKpiWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      // A finished night is not re-run by accident; a running one is joined.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return (await handle.result()) as NightResult;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return (await client.workflow.getHandle(workflowId).result()) as NightResult;
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
      if (address) return await startOrJoinNight(client, input);
      const { worker, connection: workerConn } = await createWorker({ address: target });
      try {
        return await worker.runUntil(startOrJoinNight(client, input));
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
