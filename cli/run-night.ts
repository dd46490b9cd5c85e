/**
 * Runs one night and waits for it: against TEMPORAL_ADDRESS if given, else an embedded dev
 * server with an in-process worker serving this run's folders. Starting the same night twice
 * joins the existing run (workflow id from the as-of date, cli/night-start.ts), so one night
 * gives one run and one snapshot; asking for the same date with other folders is refused
 * (cli/night-conflict.ts).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { NightInput, NightResult } from '../core/night.js';
import { progressDisplay, type ProgressDisplay } from './progress-display.js';
import { logSettingsOf, type EnvConfig } from '../core/env-config.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { startOrJoinNight } from './night-start.js';
import { StoppedBySignal, stoppedBySignal, watchShutdownSignals } from './shutdown-signals.js';
import { connectClient } from './temporal-connection.js';
import { activityDepsFrom, createWorker, installRuntimeLogger } from './worker.js';

export { startOrJoinNight };

/**
 * What `run` prints on a terminal: the bar from the start, warnings and errors above it, and
 * nothing below `warn` while it shows (the bar says where the night is; the summary follows) —
 * unless LOG_LEVEL was set, which is then honoured line by line above the bar.
 */
function quietWhileShowing(log: Logger, display: ProgressDisplay, levelGiven: boolean): () => void {
  if (!display.shows || levelGiven || log.levelVal >= log.levels.values.warn!) return () => undefined;
  const level = log.level;
  log.level = 'warn';
  return () => {
    log.level = level;
  };
}

export async function runNight(input: NightInput, log: Logger, env: EnvConfig): Promise<NightResult> {
  installRuntimeLogger(log, env);
  const stopped = watchShutdownSignals();
  const stoppedHere = (signal: NodeJS.Signals) =>
    new StoppedBySignal(
      signal,
      `the night of ${input.asOf} was stopped (${signal}) before it finished (a step under way was let finish; \`csc-kpi snapshots list --home ${input.home}\` shows whether it published). Run it again: files already loaded are not loaded twice.`,
    );
  const display = progressDisplay();
  const restoreLevel = quietWhileShowing(log, display, logSettingsOf(env).levelGiven);
  try {
    const night = (client: Client) => startOrJoinNight(client, input, env.CSC_KPI_TASK_QUEUE, (p) => display.update(p));
    if (env.TEMPORAL_ADDRESS) {
      // A cluster: its own workers (which serve only their configured folders) run the night.
      display.begin('connecting');
      const { client, connection } = await connectClient(env.TEMPORAL_ADDRESS, env);
      try {
        // The cluster's workers run the night: a signal here only stops this wait (the runtime would otherwise swallow it).
        return await Promise.race([
          night(client),
          stopped.rejectWhenHeard(
            (signal) => new StoppedBySignal(signal, `stopped waiting for the night of ${input.asOf} (${signal}): it goes on on the cluster's workers; \`csc-kpi status\` shows how it ends.`),
          ),
        ]);
      } finally {
        await connection.close();
      }
    }
    log.info('no TEMPORAL_ADDRESS: starting an embedded Temporal dev server');
    display.begin('starting Temporal');
    const server: DevServer = await startDevServer({ temporalCli: env.TEMPORAL_CLI });
    try {
      if (stopped.signal) throw stoppedHere(stopped.signal); // asked to stop while the server started
      // Loopback and in memory for this run only: no TLS, and the worker serves this run's folders.
      const connection = await Connection.connect({ address: server.address });
      const workerConn = await NativeConnection.connect({ address: server.address });
      try {
        // The embedded server has only the `default` namespace.
        const client = new Client({ connection });
        const worker = await createWorker({
          connection: workerConn,
          served: [{ landing: input.landing, home: input.home }],
          taskQueue: env.CSC_KPI_TASK_QUEUE,
          deps: activityDepsFrom(env),
        });
        try {
          // A signal stops the worker (Temporal's runtime): the wait ends at once with this line, and
          // runUntil still waits for the worker to let the step under way finish.
          return await worker.runUntil(Promise.race([night(client), stopped.rejectWhenHeard(stoppedHere)]));
        } catch (err) {
          throw stoppedBySignal(err) ?? err;
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
    display.stop();
    restoreLevel();
  }
}
