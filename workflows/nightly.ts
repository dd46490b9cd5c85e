/**
 * The nightly KPI workflow: pull → load → compute → detect baselines → alert → publish, orchestration only. Deterministic:
 * no IO, no wall clock (Temporal's workflow time stands in for "now" in the snapshot's
 * created_at), no rows — only paths, hashes and counts cross into it.
 *
 * Alerts (workflows/alerts.ts) go out after the figures are final and before the snapshot is
 * published, so what was sent is recorded in the snapshot itself (`alerts` in metrics.json, under
 * the signed manifest); the message names the snapshot by the id and folder it is published
 * under. A night that fails alerts with its reason, recorded in the log and the memo.
 */
import { ApplicationFailure, defineQuery, isCancellation, patched, proxyActivities, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NightInput, NightProgress, NightResult } from '../core/night.js';
import { asOfForScheduledStart } from '../core/london-time.js';
import { alertFailedNight, planning, sendEach } from './alerts.js';

/** Nights started before alerts existed replay without them (their histories have no alert steps). */
export const ALERTS_PATCH = 'alerts-v1';

const io = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  // Activities heartbeat every 5 s: a worker that dies mid-step is noticed within 30 s.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * A schedule cannot template arguments, so a scheduled night leaves `asOf` out and takes the
 * London date before its scheduled start time (what the schedule meant, even when backfilled).
 * The schedule starts workflows/scheduled-night.ts, which resolves it; a schedule made by an
 * older version still starts this workflow directly, until `csc-kpi schedule create` updates it.
 */
export function resolveAsOf(input: Omit<NightInput, 'asOf'> & { asOf?: string }): NightInput {
  if (input.asOf) return input as NightInput;
  const scheduled = workflowInfo().searchAttributes?.TemporalScheduledStartTime?.[0];
  if (!(scheduled instanceof Date)) throw ApplicationFailure.nonRetryable('nightlyKpiWorkflow needs asOf unless started by a schedule', 'MissingAsOf');
  return { ...input, asOf: asOfForScheduledStart(scheduled.getTime()) };
}

/** Where the night is, for `csc-kpi run`'s progress display and anyone watching in the Temporal UI. */
export const progressQuery = defineQuery<NightProgress>('progress');

export async function nightlyKpiWorkflow(nightInput: Omit<NightInput, 'asOf'> & { asOf?: string }): Promise<NightResult> {
  const alerts = patched(ALERTS_PATCH);
  let asOf = nightInput.asOf ?? null;
  try {
    const input = resolveAsOf(nightInput);
    asOf = input.asOf;
    return await night(input, alerts);
  } catch (err) {
    // A cancelled night was stopped on purpose: nobody needs telling.
    if (alerts && !isCancellation(err)) {
      const sent = await alertFailedNight({ asOf, workflowId: workflowInfo().workflowId, err });
      if (sent.length > 0) upsertMemo({ alerts: sent });
    }
    throw err;
  }
}

async function night(input: NightInput, alerts: boolean): Promise<NightResult> {
  const { workflowId, runId } = workflowInfo();
  const progress: NightProgress = { stage: 'pull', filesToLoad: 0, filesDone: 0, rowsLoaded: 0, rowsRejected: 0, snapshotId: null };
  setHandler(progressQuery, () => progress);
  upsertMemo({ asOf: input.asOf });
  const found = await io.pullSources(input);

  let filesLoaded = 0;
  let filesRejected = found.filter((f) => f.status === 'rejected').length;
  const toLoad = found.filter((f) => f.status === 'new');
  progress.stage = 'load';
  progress.filesToLoad = toLoad.length;
  // One file at a time: DuckDB has a single writer, and a night's files are few.
  for (const file of toLoad) {
    const r = await io.loadFile({ home: input.home, file, runId });
    if (r.status === 'loaded') filesLoaded++;
    else if (r.status === 'rejected') filesRejected++;
    progress.filesDone++;
    progress.rowsLoaded += r.rowsLoaded;
    progress.rowsRejected += r.rowsRejected;
  }

  progress.stage = 'compute';
  const computed = await io.computeKpis({ home: input.home, asOf: input.asOf, workflowId, runId });
  // Workflow time, fixed once: it names the snapshot, which the baseline events announce.
  const createdAt = new Date().toISOString();
  progress.stage = 'detect';
  // The later steps use the catalogue compute read (its hash, activities/night-catalogue.ts).
  const catalogue = computed.catalogue;
  await io.detectBaselines({ home: input.home, asOf: input.asOf, workflowId, runId, createdAt, catalogue });
  progress.stage = 'publish';
  const publishInput = { ...input, workflowId, runId, createdAt, found, catalogue };
  const sent = alerts ? await sendEach(await planning.planNightAlerts(publishInput)) : undefined;
  const published = await io.publishSnapshot({ ...publishInput, ...(sent ? { alerts: sent } : {}) });
  progress.stage = 'done';
  progress.snapshotId = published.snapshotId;
  upsertMemo({ asOf: input.asOf, snapshotId: published.snapshotId });
  return {
    asOf: input.asOf,
    snapshotId: published.snapshotId,
    snapshotPath: published.path,
    published: published.published,
    filesLoaded,
    filesRejected,
    rowsLoaded: progress.rowsLoaded,
    rowsRejected: progress.rowsRejected,
    kpis: computed.kpis,
    ...(sent ? { alerts: sent } : {}),
  };
}
