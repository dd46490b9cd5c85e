/**
 * A region's night (issue 18), orchestration only: read region.json, start every council's night
 * as a child — the existing `nightlyKpiWorkflow`, unchanged, on that council's task queue, with
 * id `kpi-night-<council id>-<as-of>` — wait for all of them, then publish the regional snapshot
 * from the councils' published snapshots. A council whose night fails (or times out) is named
 * with a one-line reason and never fails the region; only a broken region.json does.
 *
 * Running the region night again for the same date (a later retry) runs only the councils whose
 * night failed — a child that already completed is not repeated (id reuse "failed only") — and
 * publishes a new regional version.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  executeChild,
  proxyActivities,
  TerminatedFailure,
  TimeoutFailure,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
// The error a child start rejects with when its id is taken (@temporalio/workflow does not re-export it).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { RegionActivities } from '../activities/region.js';
import { asOfForScheduledStart } from '../core/london-time.js';
import {
  COUNCIL_NIGHT_TIMEOUT,
  councilNightId,
  type CouncilNightOutcome,
  type RegionCouncilPlan,
  type RegionNightInput,
  type RegionNightResult,
} from '../core/region-night.js';
import { nightlyKpiWorkflow } from './nightly.js';

const config = proxyActivities<RegionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

const rollUp = proxyActivities<RegionActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * Tonight's date: given, or (a scheduled start) the London date before the scheduled start. The
 * schedule starts workflows/scheduled-region-night.ts, which resolves it; a schedule made by an
 * older version still starts this workflow directly, until `region schedule create` updates it.
 */
export function regionAsOf(input: RegionNightInput, workflow = 'regionNightWorkflow'): string {
  if (input.asOf) return input.asOf;
  const scheduled = workflowInfo().searchAttributes?.TemporalScheduledStartTime?.[0];
  if (!(scheduled instanceof Date)) throw ApplicationFailure.nonRetryable(`${workflow} needs asOf unless started by a schedule`, 'MissingAsOf');
  return asOfForScheduledStart(scheduled.getTime());
}

/** The most specific failure in a chain (ChildWorkflowFailure → ActivityFailure → ApplicationFailure). */
function innermost(err: unknown): { failure: unknown; parent: unknown } {
  let parent: unknown = null;
  let failure: unknown = err;
  while (failure instanceof Error && failure.cause instanceof Error) {
    parent = failure;
    failure = failure.cause;
  }
  return { failure, parent };
}

/** Why a council's night failed, in one line (the activity cleans paths out of it before publishing). */
export function councilFailureReason(err: unknown, council: RegionCouncilPlan): string {
  const { failure, parent } = innermost(err);
  if (failure instanceof TimeoutFailure) {
    if (parent instanceof ActivityFailure) {
      return `A step of the council's night (${parent.activityType}) timed out: the worker running it stopped or lost its connection, and the retries ran out.`;
    }
    return `The council's night did not finish within ${COUNCIL_NIGHT_TIMEOUT}: is a worker polling task queue "${council.taskQueue}"?`;
  }
  if (failure instanceof TerminatedFailure) return "The council's night was terminated before it finished.";
  if (failure instanceof CancelledFailure) return "The council's night was cancelled before it finished.";
  const message = failure instanceof Error ? failure.message : String(failure);
  return message.split('\n')[0]!.trim() || "The council's night failed without a reason.";
}

async function councilNight(c: RegionCouncilPlan, asOf: string): Promise<CouncilNightOutcome> {
  try {
    const r = await executeChild(nightlyKpiWorkflow, {
      workflowId: councilNightId(c.id, asOf),
      taskQueue: c.taskQueue,
      args: [{ asOf, landing: c.landing, home: c.home }],
      memo: { asOf, council: c.id },
      // A council's night that completed is not repeated when the region runs again; a failed one is retried.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowExecutionTimeout: COUNCIL_NIGHT_TIMEOUT,
    });
    return { council: c.id, night: 'published', snapshotId: r.snapshotId, reason: null };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { council: c.id, night: 'already_ran', snapshotId: null, reason: null };
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    return { council: c.id, night: 'failed', snapshotId: null, reason: councilFailureReason(err, c) };
  }
}

export async function regionNightWorkflow(input: RegionNightInput): Promise<RegionNightResult> {
  const { workflowId, runId } = workflowInfo();
  const asOf = regionAsOf(input);
  upsertMemo({ asOf, config: input.config });
  const plan = await config.readRegionConfig({ config: input.config });
  const nights = await Promise.all(plan.councils.map((c) => councilNight(c, asOf)));
  // Workflow time, fixed once: it names the regional snapshot.
  const createdAt = new Date().toISOString();
  const published = await rollUp.publishRegion({ config: input.config, asOf, workflowId, runId, createdAt, nights });
  upsertMemo({ asOf, config: input.config, snapshotId: published.snapshotId });
  return { asOf, ...published };
}
