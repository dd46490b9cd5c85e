/**
 * Joining a region night that exists: `region-night-<as-of>` is one workflow whoever starts it —
 * `csc-kpi region run` (cli/region-run.ts) or the region schedule's starter when that night
 * already runs or ran (workflows/scheduled-region-night.ts) — so both wait for one night and one
 * regional snapshot. Joining a night of another region.json is refused: one as-of date is one
 * region night in a Temporal namespace.
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { regionNightId, type RegionNightInput, type RegionNightResult } from '../core/region-night.js';
import { canonicalPath } from './served-folders.js';

const HEARTBEAT_MS = 5_000;

/** A start of a region night that is running, or ran, with another region.json. */
export class RegionNightConflictError extends Error {
  override name = 'RegionNightConflictError';
}

/** Waits for the region night of `input.asOf` once it is known to be this region.json's (its memo says which). */
export async function awaitSameRegionNight(client: Client, input: Required<RegionNightInput>): Promise<RegionNightResult> {
  const workflowId = regionNightId(input.asOf);
  const handle = client.workflow.getHandle(workflowId);
  const theirs = (await handle.describe()).memo?.config;
  if (typeof theirs !== 'string' || (await canonicalPath(theirs)) !== (await canonicalPath(input.config))) {
    throw new RegionNightConflictError(
      `The region night of ${input.asOf} (workflow ${workflowId}) is running, or ran, with ${JSON.stringify(theirs ?? '?')}, not ${JSON.stringify(input.config)}. ` +
        'One as-of date is one region night in a Temporal namespace: wait for it, or give this region a namespace of its own (TEMPORAL_NAMESPACE).',
    );
  }
  return (await handle.result()) as RegionNightResult;
}

/** The scheduled starter's join, through the worker's own client; heartbeats while it waits, so a dead worker is noticed. */
export async function joinRegionNight(input: Required<RegionNightInput>): Promise<RegionNightResult> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  try {
    return await Promise.race([awaitSameRegionNight(ctx.client, input), ctx.cancelled]);
  } catch (err) {
    // Neither changes on a retry: say it once, as the region night's own failure would.
    if (err instanceof RegionNightConflictError) throw ApplicationFailure.nonRetryable(err.message, 'RegionNightConflict');
    if (err instanceof WorkflowFailedError) {
      throw ApplicationFailure.nonRetryable(`The region night of ${input.asOf} failed: ${err.cause?.message ?? err.message}`, 'RegionNightFailed');
    }
    throw err;
  } finally {
    clearInterval(beat);
  }
}
