/**
 * The small typed messages passed between the nightly workflow's steps. Paths, hashes and
 * counts only: rows never cross the Temporal boundary.
 */
import type { SourceKind } from './contracts/lists.js';

/** A folder of the landing folder: a source of rows, or managers' commentary (core/commentary.ts). */
export type LandingSource = SourceKind | 'commentary';

export interface NightInput {
  /** The as-of date D, ISO. Computations never read the wall clock. */
  asOf: string;
  /** Landing folder the council drops files into. */
  landing: string;
  /** Home folder: raw archive, warehouse, snapshots. */
  home: string;
}

export type FoundStatus = 'new' | 'already_loaded' | 'rejected' | 'after_as_of';

/** One file found in the landing folder tonight. */
export interface FoundFile {
  source: LandingSource;
  list: string | null;
  /**
   * Path relative to the landing folder, e.g. `case-system/referrals_2015-02-28.csv`, and the
   * file's name. A name pull refuses (control characters) is carried in its shown form.
   */
  relPath: string;
  name: string;
  sha256: string | null;
  extractDate: string | null;
  byteSize: number;
  /** Where the bytes were archived (absolute), when new. */
  rawPath: string | null;
  encoding: 'utf-8' | 'windows-1252' | null;
  status: FoundStatus;
  /**
   * Why pull rejected or left the file, in our own words (core/shown-text.ts); null for a file
   * rejected whole on an earlier night, whose reason publishing reads from meta.files.
   */
  reason: string | null;
}

/** Counts only: a rejected file's reason is recorded in meta.files, where publishing reads it. */
export interface LoadResult {
  sha256: string;
  status: 'loaded' | 'rejected';
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

export interface ComputeResult {
  /** Each KPI's headline figure (core/headline.ts) and the end of its period. */
  kpis: { kpi: string; value: number | null; periodEnd: string; definitionVersion: string }[];
  /** Points copied from an earlier run instead of computed (activities/kpi-reuse.ts). */
  pointsReused?: number;
}

export interface PublishInput extends NightInput {
  workflowId: string;
  runId: string;
  /** Workflow time (deterministic), ISO instant. */
  createdAt: string;
  found: FoundFile[];
}

export interface PublishResult {
  snapshotId: string;
  path: string;
}

export interface NightResult {
  asOf: string;
  snapshotId: string;
  snapshotPath: string;
  filesLoaded: number;
  filesRejected: number;
  rowsLoaded: number;
  rowsRejected: number;
  kpis: ComputeResult['kpis'];
}

export const TASK_QUEUE = 'csc-kpi';

/** One workflow per night, keyed by its as-of date, so a second start for the same night joins the first. */
export function nightlyWorkflowId(asOf: string): string {
  return `kpi-night-${asOf}`;
}

/** The nightly workflow's `progress` query. */
export interface NightProgress {
  stage: 'pull' | 'load' | 'compute' | 'detect' | 'publish' | 'done';
  filesToLoad: number;
  filesDone: number;
  rowsLoaded: number;
  rowsRejected: number;
  snapshotId: string | null;
}
