/**
 * Sending alerts from a workflow: one `sendAlert` activity per channel, retried by Temporal, and
 * the outcome recorded whatever happens — a failed alert never fails the night. Orchestration
 * only (deterministic); deciding what to say is core/alert-*.ts, sending is activities/alert-send.ts.
 */
import { ActivityFailure, ApplicationFailure, log, proxyActivities, TimeoutFailure } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { AlertPlan } from '../core/alert-message.js';
import type { AlertRecord } from '../core/metrics-contract.js';

/** Attempts per channel: a webhook or mail server that is down for a few seconds still gets the message. */
export const ALERT_ATTEMPTS = 4;

const alerting = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // 2 s, 4 s, 8 s between the four attempts: about 15 s before a channel is recorded as not sent.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: ALERT_ATTEMPTS },
});

/** The activities that decide what to say (settings, the warehouse, the home): the nightly policy. */
export const planning = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Why a send failed, in the activity's own words, and how often it was tried. */
function notSentReason(err: unknown): string {
  if (!(err instanceof ActivityFailure)) return err instanceof Error ? err.message : String(err);
  const cause = err.cause;
  const words =
    cause instanceof ApplicationFailure ? cause.message : cause instanceof TimeoutFailure ? 'the send did not finish within a minute' : (cause?.message ?? 'the send failed');
  return err.retryState === 'MAXIMUM_ATTEMPTS_REACHED' ? `${words} (tried ${ALERT_ATTEMPTS} times)` : words;
}

/** Sends the plan's message on each of its channels (together); one record per channel. */
export async function sendEach(plan: AlertPlan): Promise<AlertRecord[]> {
  const { message, problem } = plan;
  if (problem) return plan.channels.map((channel) => ({ channel, sent: false, error: problem }));
  if (message === null) return [];
  return Promise.all(
    plan.channels.map(async (channel): Promise<AlertRecord> => {
      try {
        await alerting.sendAlert({ channel, message });
        return { channel, sent: true, error: null };
      } catch (err) {
        const error = notSentReason(err);
        log.warn(`alert not sent by ${channel}: ${error}`, { channel });
        return { channel, sent: false, error };
      }
    }),
  );
}

/** The one-line reason of a failure, from the activity (or workflow) error that ended the night. */
export function failureReason(err: unknown): string {
  let e: unknown = err;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Tells the data team a night failed, and records what was sent in the log and the workflow's
 * memo (`alerts`), since there is no snapshot to hold it. Nothing here may hide the night's own
 * failure: a problem alerting is logged, and the caller rethrows the original error.
 */
export async function alertFailedNight(o: { asOf: string | null; workflowId: string; err: unknown }): Promise<AlertRecord[]> {
  try {
    const plan = await planning.planFailedNightAlert({ asOf: o.asOf, workflowId: o.workflowId, reason: failureReason(o.err) });
    const alerts = await sendEach(plan);
    if (alerts.length > 0) log.warn('failed night: alerts', { alerts });
    return alerts;
  } catch (e) {
    log.error(`failed night: no alert could be sent: ${failureReason(e)}`);
    return [];
  }
}
