/**
 * Starting a night, or joining it: `kpi-night-<as-of>` is one workflow whoever starts it —
 * `csc-kpi run` (cli/run-night.ts) or the schedule's starter when the night already exists
 * (activities/join-night.ts) — so two starts of one night wait for one run and one snapshot.
 * Asking for the same date with other folders is refused (cli/night-conflict.ts).
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { NIGHT_ID_REUSE_POLICY, nightlyWorkflowId, TASK_QUEUE, type NightInput, type NightProgress, type NightResult } from '../core/night.js';
import { assertSameNight } from './night-conflict.js';

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
    const r = await result;
    finished = true;
    await poll;
    // The night is over: show where it ended (its last stage), not the last half-second's poll.
    const last = await handle.query<NightProgress>('progress').catch(() => null);
    if (last) onProgress(last);
    return r;
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
  let handle: WorkflowHandle;
  try {
    handle = await client.workflow.start('nightlyKpiWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      memo: { asOf: input.asOf },
      // A running night is joined; a completed one is joined (not re-run by accident); a failed one runs again.
      workflowIdReusePolicy: NIGHT_ID_REUSE_POLICY,
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle(workflowId);
  }
  // USE_EXISTING hands back a running night without saying so: check it is this one either way.
  await assertSameNight(client, handle, input);
  return awaitNight(handle, onProgress);
}
