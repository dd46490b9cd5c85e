/**
 * The scheduled starter's fallback (workflows/scheduled-night.ts): when `kpi-night-<as-of>`
 * already exists — started by hand, running or done — the starter waits for that night here, the
 * way `csc-kpi run` does (cli/night-start.ts), through the worker's own Temporal client. It
 * heartbeats while it waits, so a worker that dies is noticed and the retry joins again.
 * Touches no disk: the night's own activities check its folders.
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NightConflictError } from '../cli/night-conflict.js';
import { startOrJoinNight } from '../cli/night-start.js';
import type { NightInput, NightResult } from '../core/night.js';

const HEARTBEAT_MS = 5_000;

export async function joinNight(input: NightInput): Promise<NightResult> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  try {
    return await Promise.race([startOrJoinNight(ctx.client, input, ctx.info.taskQueue), ctx.cancelled]);
  } catch (err) {
    // Neither changes on a retry: say it once, as the night's own failure would.
    if (err instanceof NightConflictError) throw ApplicationFailure.nonRetryable(err.message, 'NightConflict');
    if (err instanceof WorkflowFailedError) {
      throw ApplicationFailure.nonRetryable(`The night of ${input.asOf} failed: ${err.cause?.message ?? err.message}`, 'NightFailed');
    }
    throw err;
  } finally {
    clearInterval(beat);
  }
}
