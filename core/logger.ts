/**
 * Logs (pino) on standard error, so stdout stays a readable summary a script may read. Two
 * looks: `json`, one JSON object a line for a log collector, and `pretty`, one human line each
 * ("18:12:26 INFO  loaded file  file=case-system/referrals_2015-02-28.csv rowsLoaded=7309 …") for
 * a person at a terminal. Temporal's own logger is routed here too (cli/worker.ts), so workflow
 * and activity lines carry the workflow id.
 *
 * Never log a child identifier: log files, counts and hashes. Temporal's activity task tokens
 * (an opaque credential that completes the activity) are removed from every line, in both looks.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/** Where lines go: anything with write(string). The CLI passes one that keeps clear of its progress bar. */
export interface LogSink {
  write(line: string): void;
}

/** Fields on every Temporal line that tell a person at a terminal nothing they need (kept in JSON). */
const QUIET_FIELDS = new Set([
  'pid',
  'hostname',
  'app',
  'sdkComponent',
  'taskQueue',
  'namespace',
  'isLocal',
  'attempt',
  'activityId',
  'activityType',
  'workflowType',
  'workflowRunId',
  'runId',
]);

const STANDARD_FIELDS = new Set(['level', 'time', 'msg', 'err', 'error']);

function fieldText(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** The message, then the line's own fields as key=value (the workflow id last: which night it was). */
export function humanMessage(line: Record<string, unknown>): string {
  const fields = Object.entries(line).filter(([k]) => !STANDARD_FIELDS.has(k) && !QUIET_FIELDS.has(k) && k !== 'workflowId');
  const parts = [String(line.msg ?? '')];
  if (fields.length > 0) parts.push(fields.map(([k, v]) => `${k}=${fieldText(v)}`).join(' '));
  if (typeof line.workflowId === 'string') parts.push(`(${line.workflowId})`);
  return parts.join('  ');
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  format?: LogFormat;
  /** Default: standard error. */
  sink?: LogSink;
  /** Colour the level names (pretty only; default: when standard error is a terminal). */
  colour?: boolean;
}

export function createLogger(o: LoggerOptions = {}): Logger {
  const sink: LogSink = o.sink ?? { write: (s) => process.stderr.write(s) };
  const options = {
    level: o.level ?? 'info',
    base: { app: 'csc-kpi' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // The task token is Temporal's handle to complete an activity from outside: not for a log.
    redact: { paths: ['taskToken', '*.taskToken'], remove: true },
  };
  if (o.format !== 'pretty') return pino(options, sink);
  const format = prettyFactory({
    colorize: o.colour ?? Boolean(process.stderr.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    hideObject: true,
    messageFormat: (line: Record<string, unknown>) => humanMessage(line),
  });
  // Formatted in this process, synchronously, line by line (no transport thread to flush at exit).
  return pino(options, { write: (json: string) => sink.write(format(json)) });
}
