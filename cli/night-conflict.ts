/**
 * One as-of date is one workflow (`kpi-night-<as-of>`), so a second `csc-kpi run` for the same
 * date joins the first. That is only right when it asks for the same night: the same landing and
 * home folders. Asked for other folders, joining would print another home's snapshot as if it
 * were this one's; this refuses instead, naming the folders the night ran with.
 */
import { fromPayloadsAtIndex } from '@temporalio/common';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { canonicalPath } from '../activities/served-folders.js';
import type { NightInput } from '../core/night.js';

/** The input the workflow was started with: its first history event, as any client started it. */
async function startedInput(client: Client, workflowId: string, runId: string): Promise<Partial<NightInput> | null> {
  const res = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const payloads = res.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return fromPayloadsAtIndex<Partial<NightInput> | null>(client.options.loadedDataConverter.payloadConverter, 0, payloads) ?? null;
}

/** A start of a night that is already running, or ran, with other folders. */
export class NightConflictError extends Error {
  override name = 'NightConflictError';
}

const same = async (a: string | undefined, b: string) => a !== undefined && (await canonicalPath(a)) === (await canonicalPath(b));

/** Throws, with what to do, when the night behind `handle` was started with other folders than `input`. */
export async function assertSameNight(client: Client, handle: WorkflowHandle, input: NightInput): Promise<void> {
  const described = await handle.describe();
  const theirs = await startedInput(client, handle.workflowId, described.runId);
  if (theirs && (await same(theirs.home, input.home)) && (await same(theirs.landing, input.landing))) return;
  const state = described.status.name === 'RUNNING' ? 'is running' : `already ran (${described.status.name.toLowerCase()})`;
  const q = (p: string | undefined) => JSON.stringify(p ?? '?');
  throw new NightConflictError(
    `The night of ${input.asOf} (workflow ${handle.workflowId}) ${state} with home ${q(theirs?.home)} and landing ${q(theirs?.landing)}; ` +
      `this run asked for home ${q(input.home)} and landing ${q(input.landing)}. One as-of date is one night in a Temporal namespace: ` +
      `to see that night run \`csc-kpi run --as-of ${input.asOf} --home ${theirs?.home ?? '…'} --landing ${theirs?.landing ?? '…'}\`; ` +
      'to run another home, give it a Temporal namespace of its own (TEMPORAL_NAMESPACE) and a worker serving it.',
  );
}
