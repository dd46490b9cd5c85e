/**
 * Structured logs (pino, JSON lines on stderr so stdout stays a readable summary). Temporal's
 * own logger is routed here too, so workflow and activity lines carry workflowId and runId.
 * Never log a child identifier: log files, counts and hashes.
 */
import { pino, type Logger } from 'pino';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'csc-kpi' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}
