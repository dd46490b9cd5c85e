/**
 * `csc-kpi region run`: one region night (`region-night-<as-of>`), now, and wait for it —
 * against TEMPORAL_ADDRESS if given (the region's and the councils' workers run it), else an
 * embedded dev server with one in-process worker per task queue named in region.json, each
 * serving the councils on its queue, the region's also the roll-up.
 *
 * A region night still running for the date is joined (with the same region.json only); one that
 * finished is run again — only its failed councils re-run — and publishes a new regional version.
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { awaitSameRegionNight } from '../activities/region-join.js';
import { regionWorkerPlan } from '../activities/region-served.js';
import type { EnvConfig } from '../core/env-config.js';
import type { RegionConfig } from '../core/region-config.js';
import { regionNightId, type RegionNightInput, type RegionNightResult } from '../core/region-night.js';
import { startDevServer } from './dev-server.js';
import { StoppedBySignal, watchShutdownSignals } from './shutdown-signals.js';
import { connectClient } from './temporal-connection.js';
import { activityDepsFrom, createWorker, installRuntimeLogger, quietBundle } from './worker.js';

/** Starts the region night for `asOf`, or joins the one running with the same region.json; waits for its result. */
export async function startOrJoinRegionNight(client: Client, input: Required<RegionNightInput>, taskQueue: string): Promise<RegionNightResult> {
  try {
    await client.workflow.start('regionNightWorkflow', {
      taskQueue,
      workflowId: regionNightId(input.asOf),
      args: [input],
      memo: { asOf: input.asOf, config: input.config },
      // A finished region night may run again (a retry of its failed councils); a running one is joined.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  // USE_EXISTING hands back a running night without saying so: check it is this region's either way.
  return awaitSameRegionNight(client, input);
}

/** In-process workers for every task queue of the region, sharing one workflow bundle. */
async function embeddedWorkers(connection: NativeConnection, config: RegionConfig, env: EnvConfig): Promise<Worker[]> {
  const queues = [...new Set([config.taskQueue, ...config.councils.map((c) => c.taskQueue)])];
  const workflowBundle = await quietBundle();
  return Promise.all(
    queues.map((taskQueue) => {
      const plan = regionWorkerPlan(config, taskQueue);
      return createWorker({
        connection,
        served: plan.served,
        region: plan.region,
        taskQueue,
        workflowBundle,
        identity: `csc-kpi region run (${taskQueue})`,
        deps: activityDepsFrom(env),
      });
    }),
  );
}

export async function runRegion(config: RegionConfig, asOf: string, log: Logger, env: EnvConfig): Promise<RegionNightResult> {
  installRuntimeLogger(log, env);
  const input = { config: config.path, asOf };
  const stopped = watchShutdownSignals();
  const stoppedHere = (signal: NodeJS.Signals) =>
    new StoppedBySignal(
      signal,
      `the region night of ${asOf} was stopped (${signal}) before it finished (steps under way were let finish; \`csc-kpi snapshots list --home ${config.home}\` shows whether the regional snapshot was published). Run it again: files already loaded are not loaded twice.`,
    );
  try {
    if (env.TEMPORAL_ADDRESS) {
      const { client, connection } = await connectClient(env.TEMPORAL_ADDRESS, env);
      try {
        return await Promise.race([
          startOrJoinRegionNight(client, input, config.taskQueue),
          stopped.rejectWhenHeard(
            (signal) =>
              new StoppedBySignal(
                signal,
                `stopped waiting for the region night of ${asOf} (${signal}): it goes on on the cluster's workers; run \`csc-kpi region run\` again to wait for it (it joins the night still running).`,
              ),
          ),
        ]);
      } finally {
        await connection.close();
      }
    }
    log.info('no TEMPORAL_ADDRESS: starting an embedded Temporal dev server');
    const server = await startDevServer({ temporalCli: env.TEMPORAL_CLI });
    try {
      if (stopped.signal) throw stoppedHere(stopped.signal); // asked to stop while the server started
      const connection = await Connection.connect({ address: server.address });
      const workerConn = await NativeConnection.connect({ address: server.address });
      try {
        const workers = await embeddedWorkers(workerConn, config, env);
        const running = workers.map((w) => w.run());
        try {
          // A shutdown signal stops the workers (Temporal's runtime): no result will come, so stop waiting.
          return await Promise.race([
            startOrJoinRegionNight(new Client({ connection }), input, config.taskQueue),
            stopped.rejectWhenHeard(stoppedHere),
          ]);
        } finally {
          for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
          await Promise.allSettled(running);
        }
      } finally {
        await workerConn.close();
        await connection.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    stopped.dispose();
  }
}
