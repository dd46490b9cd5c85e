/**
 * The nightly Temporal schedule: one schedule, created idempotently (create, or update if it
 * exists), firing at a Europe/London wall-clock time outside 01:00–01:59 — the hour that the
 * March change skips and the October change repeats — so no night is skipped or run twice.
 * Overlap SKIP (a slow night is never doubled), an explicit catch-up window. Schedules cannot
 * template arguments or workflow ids, so each action starts `scheduledNightWorkflow`
 * (workflows/scheduled-night.ts), which derives the as-of date from its scheduled start time and
 * runs — or joins — the night `kpi-night-<as-of>`, the id a manual `csc-kpi run` uses too.
 */
import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import { TASK_QUEUE } from '../core/night.js';

export const SCHEDULE_ID = 'csc-kpi-nightly';
/** 05:00 Europe/London: after overnight extracts land, and outside the 01:00–01:59 clock-change hour. */
export const NIGHTLY_HOUR = 5;
export const NIGHTLY_MINUTE = 0;
export const CATCHUP_WINDOW = '12 hours';
/** The watchdog's own schedule (workflows/watchdog.ts): hourly, at half past, whatever the nights do. */
export const WATCHDOG_SCHEDULE_ID = 'csc-kpi-watchdog';

export interface ScheduleSettings {
  landing: string;
  home: string;
  scheduleId?: string;
  taskQueue?: string;
  /** For tests: the first instant the schedule may fire. */
  startAt?: Date;
}

/** What a nightly schedule starts: a council's night, or a region's (cli/commands/region.ts). */
export interface ScheduledNight {
  workflowType: string;
  args: unknown[];
  purpose: string;
}

type Timing = Omit<ScheduleSettings, 'landing' | 'home'>;

function options(s: Timing, night: ScheduledNight): ScheduleOptions {
  return {
    scheduleId: s.scheduleId ?? SCHEDULE_ID,
    spec: {
      calendars: [{ hour: NIGHTLY_HOUR, minute: NIGHTLY_MINUTE, comment: night.purpose }],
      timezone: 'Europe/London',
      startAt: s.startAt,
    },
    action: {
      type: 'startWorkflow',
      workflowType: night.workflowType,
      taskQueue: s.taskQueue ?? TASK_QUEUE,
      args: night.args,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW, pauseOnFailure: false },
    memo: { purpose: `csc-kpi ${night.purpose}` },
  };
}

/**
 * The watchdog: every hour at half past (UTC intervals, so no clock change skips or doubles it),
 * overlap SKIP, and a one-hour catch-up window — after an outage one check is enough, not one per
 * missed hour.
 */
function watchdogOptions(s: ScheduleSettings): ScheduleOptions {
  return {
    scheduleId: s.scheduleId ?? WATCHDOG_SCHEDULE_ID,
    spec: { intervals: [{ every: '1 hour', offset: '30 minutes' }], startAt: s.startAt },
    action: {
      type: 'startWorkflow',
      workflowType: 'snapshotWatchdogWorkflow',
      taskQueue: s.taskQueue ?? TASK_QUEUE,
      args: [{ landing: s.landing, home: s.home }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour', pauseOnFailure: false },
    memo: { purpose: 'csc-kpi watchdog: alerts when no snapshot was published for too long (config/alerts.json)' },
  };
}

/** Creates the watchdog's schedule, or updates it to these settings if it already exists. */
export async function upsertWatchdogSchedule(client: Client, s: ScheduleSettings): Promise<'created' | 'updated'> {
  return upsert(client, watchdogOptions(s));
}

/** Creates a schedule from its options, or updates it to them if it already exists. */
async function upsert(client: Client, opts: ScheduleOptions): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create(opts);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(opts.scheduleId).update((prev) => ({ ...prev, spec: opts.spec, action: opts.action, policies: opts.policies }));
    return 'updated';
  }
}

/** Creates a nightly schedule by the rules above, or updates it to these settings if it already exists. */
export async function upsertNightlySchedule(client: Client, s: Timing, night: ScheduledNight): Promise<'created' | 'updated'> {
  return upsert(client, options(s, night));
}

/** Creates the council's nightly schedule, or updates it to these settings if it already exists. */
export async function upsertSchedule(client: Client, s: ScheduleSettings): Promise<'created' | 'updated'> {
  const { landing, home, ...timing } = s;
  return upsertNightlySchedule(client, timing, { workflowType: 'scheduledNightWorkflow', args: [{ landing, home }], purpose: 'nightly KPI run' });
}

export async function describeSchedule(client: Client, scheduleId = SCHEDULE_ID, createCommand = 'csc-kpi schedule create') {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new Error(`No schedule "${scheduleId}" yet: run \`${createCommand}\` first.`);
    throw err;
  }
}

/**
 * Backfill nights from..to (London dates, inclusive) in order: each night's action fires at
 * its scheduled time on the following morning, BUFFER_ALL so they run one after another (each
 * starter finishes only when its night has). A night that already completed is joined, not run
 * again; one that failed runs again (core/night.ts, NIGHT_ID_REUSE_POLICY).
 */
export async function backfillSchedule(client: Client, from: string, to: string, scheduleId = SCHEDULE_ID): Promise<void> {
  // The run for as-of D is scheduled at 05:00 London on D+1; cover [D_from+1 00:00, D_to+1 23:59] UTC-safe.
  const start = new Date(`${from}T12:00:00Z`);
  const end = new Date(new Date(`${to}T12:00:00Z`).getTime() + 24 * 3600_000);
  await client.schedule.getHandle(scheduleId).backfill({ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
}
