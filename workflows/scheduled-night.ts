/**
 * What the nightly schedule starts. A schedule cannot template workflow ids (it names each start
 * `<prefix>-<scheduled time>`), so this small workflow turns its scheduled start time into the
 * as-of date and runs that night as `kpi-night-<as-of>`, the same workflow id `csc-kpi run`
 * uses: a child workflow when the night does not exist yet, else the night that does (started by
 * hand, running or done) is joined and waited for. Either way it finishes only when the night
 * has, so overlap SKIP and an in-order BUFFER_ALL backfill still see one night at a time.
 * Orchestration only, like the night itself.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NIGHT_ID_REUSE_POLICY, nightlyWorkflowId, type NightInput, type NightResult } from '../core/night.js';
import { nightlyKpiWorkflow, resolveAsOf } from './nightly.js';

const join = proxyActivities<Activities>({
  // Waits for a whole night (a regional one takes minutes, not hours); heartbeats every 5 s.
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function scheduledNightWorkflow(args: Omit<NightInput, 'asOf'> & { asOf?: string }): Promise<NightResult> {
  const input = resolveAsOf(args);
  upsertMemo({ asOf: input.asOf });
  try {
    return await executeChild(nightlyKpiWorkflow, {
      workflowId: nightlyWorkflowId(input.asOf),
      args: [input],
      workflowIdReusePolicy: NIGHT_ID_REUSE_POLICY,
      // The night is the council's, not the starter's: it goes on if the starter is terminated.
      parentClosePolicy: 'ABANDON',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // Child starts cannot join (no USE_EXISTING): join as `csc-kpi run` does, folders checked.
    return await join.joinNight(input);
  }
}
