/**
 * The small typed messages passed between the nightly workflow's steps. Paths, hashes and
 * counts only: rows never cross the Temporal boundary.
 */
import type { AlertRecord } from './metrics-contract.js';
import type { SourceKind } from './source-folders.js';

export interface NightInput {
  /** The as-of date D, ISO. Computations never read the wall clock. */
  asOf: string;
  /** Landing folder the council drops files into. */
  landing: string;
  /** Home folder: raw archive, warehouse, snapshots. */
  home: string;
}

/**
 * `ignored`: in the landing folder but not where a source lives (its root, a folder that is not a
 * source folder, a sub-folder, a kind of file its folder does not take); listed with the reason,
 * never read (activities/landing-walk.ts).
 */
export type FoundStatus = 'new' | 'already_loaded' | 'rejected' | 'after_as_of' | 'ignored';

/** One file found in the landing folder tonight. */
export interface FoundFile {
  /** The source folder the file is in; null for an ignored entry (not in one). */
  source: SourceKind | null;
  list: string | null;
  /**
   * Path relative to the landing folder, e.g. `case-system/referrals_2015-02-28.csv`, and the
   * file's name. A name pull refuses (control characters) is carried in its shown form, as is every
   * part of an ignored entry's path; an ignored folder's path and name end with "/".
   */
  relPath: string;
  name: string;
  sha256: string | null;
  extractDate: string | null;
  byteSize: number;
  /** Where the bytes were archived (absolute): a new file, or one rejected for its name. */
  rawPath: string | null;
  encoding: 'utf-8' | 'windows-1252' | null;
  status: FoundStatus;
  /**
   * Why pull rejected or left the file, in our own words (core/shown-text.ts); null for a file
   * rejected whole on an earlier night, whose reason publishing reads from meta.files.
   */
  reason: string | null;
}

/**
 * Counts only: a rejected file's reason is recorded in meta.files, where publishing reads it.
 * `ignored`: a benchmark file that holds nothing the benchmarks read (its header is named in the reason).
 */
export interface LoadResult {
  sha256: string;
  status: 'loaded' | 'rejected' | 'ignored';
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

export interface ComputeResult {
  /** Each KPI's headline figure (core/headline.ts) and the end of its period. */
  kpis: { kpi: string; value: number | null; periodEnd: string; definitionVersion: string }[];
  /** Points copied from an earlier run instead of computed (activities/kpi-reuse.ts). */
  pointsReused?: number;
  /**
   * The hash naming the KPI catalogue the figures were computed under (activities/kpi-files.ts
   * `catalogueHash`): the night's later steps use that catalogue, not whatever is on disk by then.
   * Absent from nights computed before it existed.
   */
  catalogue?: string;
}

export interface PublishInput extends NightInput {
  workflowId: string;
  runId: string;
  /** Workflow time (deterministic), ISO instant. */
  createdAt: string;
  found: FoundFile[];
  /** What tonight's alerts did, recorded in metrics.json before the manifest is signed (absent: a night from before alerts). */
  alerts?: AlertRecord[];
  /** The KPI catalogue tonight's figures were computed under (ComputeResult `catalogue`; absent: read from disk). */
  catalogue?: string;
}

export interface PublishResult {
  snapshotId: string;
  path: string;
  /**
   * False when tonight's figures, baseline events and sources equal the newest snapshot of the
   * same as-of date (core/snapshot-sameness.ts): nothing new was published and `snapshotId` is
   * that standing snapshot.
   */
  published: boolean;
}

export interface NightResult {
  asOf: string;
  /** The snapshot published tonight or, when `published` is false, the one that stands. */
  snapshotId: string;
  snapshotPath: string;
  published: boolean;
  filesLoaded: number;
  filesRejected: number;
  rowsLoaded: number;
  rowsRejected: number;
  kpis: ComputeResult['kpis'];
  /** Tonight's alerts, one per configured channel (also in the snapshot's metrics.json). */
  alerts?: AlertRecord[];
}

export const TASK_QUEUE = 'csc-kpi';

/** One workflow per night, keyed by its as-of date, so a second start for the same night joins the first. */
export function nightlyWorkflowId(asOf: string): string {
  return `kpi-night-${asOf}`;
}

/**
 * How every start of a night (`csc-kpi run`, the schedule, a backfill) treats an earlier
 * workflow with its id: a running night is joined (conflict policy USE_EXISTING where the start
 * allows it); a night that completed is joined too (its snapshot stands); a night that failed,
 * was terminated or timed out is run again, so fixing the cause and starting it again works.
 */
export const NIGHT_ID_REUSE_POLICY = 'ALLOW_DUPLICATE_FAILED_ONLY' as const;

/** The nightly workflow's `progress` query. */
export interface NightProgress {
  stage: 'pull' | 'load' | 'compute' | 'detect' | 'publish' | 'done';
  filesToLoad: number;
  filesDone: number;
  rowsLoaded: number;
  rowsRejected: number;
  snapshotId: string | null;
}
