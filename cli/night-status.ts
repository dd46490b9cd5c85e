/**
 * `csc-kpi status`: how the nightly load is doing, on one screen — the recent nights as Temporal
 * recorded them (as-of, when it started, outcome, how long it took, the snapshot, what was
 * rejected, and why a failed night failed, in one line), the schedule's next run, and whether the
 * published `latest` is fresh. Gathering (Temporal, the home folder) and wording are separate, so
 * the wording is tested on its own.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { latestFreshness } from '../core/freshness.js';
import { dateInWords } from '../core/dates.js';
import type { NightResult } from '../core/night.js';
import { visibleControls } from '../core/shown-text.js';
import { textTable } from './commands/snapshots.js';
import { durationWords, londonShort } from './time-words.js';

export type Outcome = 'published' | 'running' | 'failed' | 'cancelled' | 'stopped' | 'timed out';

export interface NightLine {
  workflowId: string;
  asOf: string | null;
  started: Date;
  closed: Date | null;
  outcome: Outcome;
  snapshotId: string | null;
  filesRejected: number | null;
  rowsRejected: number | null;
  /** A night that did not publish: the most specific cause, on one line. */
  reason: string | null;
}

const OUTCOME: Record<string, Outcome> = {
  RUNNING: 'running',
  COMPLETED: 'published',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'stopped',
  TIMED_OUT: 'timed out',
  CONTINUED_AS_NEW: 'running',
};

/** The innermost message of an error's cause chain (ActivityFailure → ApplicationFailure), on one line. */
export function innermostReason(err: unknown): string {
  let e: unknown = err;
  while ((e as { cause?: unknown })?.cause) e = (e as { cause: unknown }).cause;
  const text = e instanceof Error ? e.message : String(e);
  return visibleControls(text.replace(/:\s*\n/g, ': ').replace(/\s*\n\s*/g, '; ').trim());
}

function asOfOf(info: WorkflowExecutionInfo): string | null {
  const memo = info.memo?.asOf;
  if (typeof memo === 'string') return memo;
  return /^kpi-night-(\d{4}-\d{2}-\d{2})$/.exec(info.workflowId)?.[1] ?? null;
}

async function nightLine(client: Client, info: WorkflowExecutionInfo): Promise<NightLine> {
  const line: NightLine = {
    workflowId: info.workflowId,
    asOf: asOfOf(info),
    started: info.startTime,
    closed: info.closeTime ?? null,
    outcome: OUTCOME[info.status.name] ?? 'running',
    snapshotId: typeof info.memo?.snapshotId === 'string' ? info.memo.snapshotId : null,
    filesRejected: null,
    rowsRejected: null,
    reason: null,
  };
  if (line.outcome === 'running') return line;
  // A closed night's result (or failure) is in its history.
  try {
    const r = (await client.workflow.getHandle(info.workflowId, info.runId).result()) as NightResult;
    return { ...line, asOf: r.asOf, snapshotId: r.snapshotId, filesRejected: r.filesRejected, rowsRejected: r.rowsRejected };
  } catch (err) {
    return { ...line, reason: innermostReason(err) };
  }
}

/** The newest `limit` nights (any start: `run`, the schedule, a backfill), newest first. */
export async function recentNights(client: Client, limit: number): Promise<NightLine[]> {
  // Visibility's order is not promised (running ones may come first): read a few more, sort, keep the newest.
  const infos: WorkflowExecutionInfo[] = [];
  for await (const info of client.workflow.list({ query: "WorkflowType = 'nightlyKpiWorkflow'" })) {
    infos.push(info);
    if (infos.length >= Math.max(50, limit * 5)) break;
  }
  infos.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  return Promise.all(infos.slice(0, limit).map((i) => nightLine(client, i)));
}

const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The nights as a table, each failed night's reason on the line under it. */
export function nightsTable(nights: NightLine[], now: Date): string {
  if (nights.length === 0) return 'Nights: none recorded by this Temporal server yet.\n';
  const rows = nights.map((n) => [
    n.asOf ?? '?',
    londonShort(n.started),
    n.outcome,
    durationWords((n.closed ?? now).getTime() - n.started.getTime()) + (n.closed ? '' : ' so far'),
    n.snapshotId ?? '—',
    n.filesRejected === null ? '—' : `${count(n.filesRejected, 'file')}, ${count(n.rowsRejected ?? 0, 'row')}`,
  ]);
  const table = textTable(['as of', 'started (London)', 'outcome', 'took', 'snapshot', 'rejected'], rows).split('\n');
  const out = ['Nights (newest first):', ...table.slice(0, 2)];
  nights.forEach((n, i) => {
    out.push(table[i + 2]!);
    if (n.reason) out.push(`  why: ${n.reason}`);
  });
  return `${out.join('\n')}\n`;
}

/** Whether `latest` is fresh, in one line; `today` is the London date now. */
export function latestLine(latest: { snapshotId: string; asOf: string } | null, today: string, snapshotsDir: string): string {
  if (!latest) return `Latest snapshot: none in ${snapshotsDir} (no night has published there yet, or --home is not the worker's home).`;
  const f = latestFreshness(latest.asOf, today);
  const head = `Latest snapshot: ${latest.snapshotId}, as of ${dateInWords(latest.asOf)}`;
  if (f.fresh) return `${head}: fresh.`;
  return `${head}: NOT FRESH — the night of ${dateInWords(f.yesterday)} should have published by now (${f.daysBehind} ${f.daysBehind === 1 ? 'night' : 'nights'} behind).`;
}
