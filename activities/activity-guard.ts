/**
 * What every nightly activity does around its work: heartbeat while it runs (so a worker that
 * dies mid-load is noticed within the heartbeat timeout and the step retried elsewhere, instead of
 * waiting out the start-to-close timeout), and sort failures. A SQL or contract error is a bug or
 * a broken configuration that no retry can mend, so it fails at once (non-retryable); anything
 * else — a slow share, a full disk, a lost connection — is retried by the workflow's policy.
 *
 * A library's error never leaves as it is: its message becomes part of the workflow history and
 * of what `csc-kpi run` prints, and DuckDB or csv-parse messages can quote a row. Only its shown
 * form (core/shown-text.ts) leaves; our own ApplicationFailures are written without file content.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { shownLibraryError } from '../core/shown-text.js';

export const HEARTBEAT_EVERY_MS = 5_000;

const DETERMINISTIC_SQL = /^(Binder|Parser|Catalog|Not implemented|Invalid Input|Conversion) Error/;

export function isDeterministicFailure(err: unknown): boolean {
  if (err instanceof ZodError) return true;
  return err instanceof Error && DETERMINISTIC_SQL.test(err.message);
}

/** The failure an activity reports for an error it did not raise itself. */
export function activityFailure(step: string, err: unknown): TemporalFailure {
  if (err instanceof TemporalFailure) return err;
  const shown = shownLibraryError(err);
  if (isDeterministicFailure(err)) return ApplicationFailure.nonRetryable(`${step} failed in a way a retry cannot fix: ${shown}`, 'DeterministicFailure');
  const code = (err as { code?: unknown } | null)?.code;
  const type = typeof code === 'string' ? code : err instanceof Error ? err.name : 'Error';
  return ApplicationFailure.retryable(`${step} failed: ${shown}`, type);
}

/** Runs `work` with a heartbeat every few seconds; deterministic failures become non-retryable. */
export async function guarded<T>(step: string, work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat({ step }), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } catch (err) {
    throw activityFailure(step, err);
  } finally {
    clearInterval(timer);
  }
}
