/**
 * What the region's schedule starts (`csc-kpi region schedule create`), as the council's schedule
 * starts workflows/scheduled-night.ts: a schedule cannot template workflow ids, so this small
 * workflow turns its scheduled start time into the as-of date (the London date before it) and
 * runs that region night as `region-night-<as-of>`, the id `csc-kpi region run` uses too — as a
 * child when that night does not exist yet or failed, else the region night that does (running,
 * or done: its regional snapshot stands) is joined and waited for. So a trigger, a backfill and a
 * `region run` of one date make one region night, and overlap SKIP or an in-order BUFFER_ALL
 * backfill still see one night at a time. Orchestration only.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { RegionActivities } from '../activities/region.js';
import { NIGHT_ID_REUSE_POLICY } from '../core/night.js';
import { regionNightId, type RegionNightInput, type RegionNightResult } from '../core/region-night.js';
import { regionAsOf, regionNightWorkflow } from './region.js';

const join = proxyActivities<RegionActivities>({
  // Waits for a whole region night (every council's); heartbeats every 5 s.
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function scheduledRegionNightWorkflow(args: RegionNightInput): Promise<RegionNightResult> {
  const input = { config: args.config, asOf: regionAsOf(args, 'scheduledRegionNightWorkflow') };
  upsertMemo({ asOf: input.asOf, config: input.config });
  try {
    return await executeChild(regionNightWorkflow, {
      workflowId: regionNightId(input.asOf),
      args: [input],
      // `region run` checks a region night it joins was started with its region.json, from this memo.
      memo: { asOf: input.asOf, config: input.config },
      // Completed: joined, its snapshot stands (a retry of failed councils is `region run`'s); failed: run again.
      workflowIdReusePolicy: NIGHT_ID_REUSE_POLICY,
      // The region night is the region's, not the starter's: it goes on if the starter is terminated.
      parentClosePolicy: 'ABANDON',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // Child starts cannot join (no USE_EXISTING): join as `region run` does, region.json checked.
    return await join.joinRegionNight(input);
  }
}
