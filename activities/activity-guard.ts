/**
 * What every nightly activity does around its work: heartbeat while it runs (so a worker that
 * dies mid-load is noticed within the heartbeat timeout and the step retried elsewhere, instead of
 * waiting out the start-to-close timeout), and sort failures. A SQL or contract error is a bug or
 * a broken configuration that no retry can mend, so it fails at once (non-retryable); anything
 * else — a slow share, a full disk, a lost connection — is retried by the workflow's policy.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';

export const HEARTBEAT_EVERY_MS = 5_000;

const DETERMINISTIC_SQL = /^(Binder|Parser|Catalog|Not implemented|Invalid Input|Conversion) Error/;

export function isDeterministicFailure(err: unknown): boolean {
  if (err instanceof ZodError) return true;
  return err instanceof Error && DETERMINISTIC_SQL.test(err.message);
}

/** Runs `work` with a heartbeat every few seconds; deterministic failures become non-retryable. */
export async function guarded<T>(step: string, work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat({ step }), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } catch (err) {
    if (err instanceof ApplicationFailure || !isDeterministicFailure(err)) throw err;
    throw ApplicationFailure.nonRetryable(`${step} failed in a way a retry cannot fix: ${(err as Error).message}`, 'DeterministicFailure');
  } finally {
    clearInterval(timer);
  }
}
