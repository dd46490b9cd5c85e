/**
 * A region's night (issue 18): the workflow ids and the small typed messages between the
 * regional workflow, its children and its activities. Paths, ids and one-line reasons only: no
 * figure of a child and no row ever crosses here. Pure and free of Node built-ins, because the
 * workflow imports it.
 */

/** What the regional workflow is started with: the region.json a worker serves, and the night. */
export interface RegionNightInput {
  /** Absolute path of region.json (a worker serves exactly one; activities/region.ts checks). */
  config: string;
  /** The as-of date D, ISO; left out by the schedule (the day before its start, London time). */
  asOf?: string;
}

/** One council as the workflow needs it: where its night runs and on which task queue. */
export interface RegionCouncilPlan {
  id: string;
  name: string;
  landing: string;
  home: string;
  taskQueue: string;
}

/** region.json as the workflow sees it (activities/region.ts reads and validates the file). */
export interface RegionPlan {
  name: string | null;
  home: string;
  taskQueue: string;
  councils: RegionCouncilPlan[];
}

/**
 * How a council's child night ended, as the workflow saw it:
 * - `published`: it ran tonight and published `snapshotId`;
 * - `already_ran`: a night with the same id completed before (an earlier run of this region
 *   night), so it was not run again — its snapshot is found in the council's index;
 * - `failed`: it failed, timed out or was terminated; `reason` is one line.
 */
export type CouncilNightOutcome =
  | { council: string; night: 'published'; snapshotId: string; reason: null }
  | { council: string; night: 'already_ran'; snapshotId: null; reason: null }
  | { council: string; night: 'failed'; snapshotId: null; reason: string };

export interface PublishRegionInput {
  config: string;
  asOf: string;
  workflowId: string;
  runId: string;
  /** Workflow time (deterministic), ISO instant: names the regional snapshot. */
  createdAt: string;
  nights: CouncilNightOutcome[];
}

/**
 * A council in the regional snapshot:
 * - `published`: its snapshot for tonight's as-of date is in the regional figures;
 * - `stale`: tonight's night did not publish, so its latest earlier snapshot is shown (named,
 *   with its date) but left out of the region's summary and ranks;
 * - `failed`: no snapshot of it can be used (none yet, or one that does not verify).
 */
export type RegionCouncilStatus = 'published' | 'failed' | 'stale';

export interface RegionCouncilResult {
  id: string;
  name: string;
  status: RegionCouncilStatus;
  snapshotId: string | null;
  reason: string | null;
}

/** One KPI's regional spread, as `csc-kpi region run` prints it. */
export interface RegionSummaryLine {
  kpi: string;
  councils: number;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface PublishRegionResult {
  snapshotId: string;
  path: string;
  councils: RegionCouncilResult[];
  summary: RegionSummaryLine[];
}

export interface RegionNightResult extends PublishRegionResult {
  asOf: string;
}

/** One regional night per as-of date: `region-night-2015-02-28`. */
export function regionNightId(asOf: string): string {
  return `region-night-${asOf}`;
}

/**
 * A council's child night in a region: `kpi-night-<council id>-<as-of>`. Councils of a region
 * share a Temporal namespace, so the single council's `kpi-night-<as-of>` would collide; the
 * council id makes it distinct (and can never equal a bare `kpi-night-<as-of>`: it is longer).
 */
export function councilNightId(councilId: string, asOf: string): string {
  return `kpi-night-${councilId}-${asOf}`;
}

/** The region's schedule: one region per Temporal namespace, like one council per namespace. */
export const REGION_SCHEDULE_ID = 'csc-kpi-region-nightly';

/** A council's night that has not finished by then is named failed, and the region publishes without it. */
export const COUNCIL_NIGHT_TIMEOUT = '12 hours';
