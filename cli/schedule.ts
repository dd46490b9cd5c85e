/**
 * The nightly Temporal schedule: one schedule, created idempotently (create, or update if it
 * exists), firing at a Europe/London wall-clock time outside 01:00–01:59 — the hour that the
 * March change skips and the October change repeats — so no night is skipped or run twice.
 * Overlap SKIP (a slow night is never doubled), an explicit catch-up window, and the as-of date
 * derived in the workflow from the scheduled start time (schedules cannot template arguments).
 */
import { Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import { TASK_QUEUE } from '../core/night.js';

export const SCHEDULE_ID = 'csc-kpi-nightly';
/** 05:00 Europe/London: after overnight extracts land, and outside the 01:00–01:59 clock-change hour. */
export const NIGHTLY_HOUR = 5;
export const NIGHTLY_MINUTE = 0;
export const CATCHUP_WINDOW = '12 hours';

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

/** Creates a nightly schedule by the rules above, or updates it to these settings if it already exists. */
export async function upsertNightlySchedule(client: Client, s: Timing, night: ScheduledNight): Promise<'created' | 'updated'> {
  const opts = options(s, night);
  try {
    await client.schedule.create(opts);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(opts.scheduleId).update((prev) => ({ ...prev, spec: opts.spec, action: opts.action, policies: opts.policies }));
    return 'updated';
  }
}

/** Creates the council's nightly schedule, or updates it to these settings if it already exists. */
export async function upsertSchedule(client: Client, s: ScheduleSettings): Promise<'created' | 'updated'> {
  const { landing, home, ...timing } = s;
  return upsertNightlySchedule(client, timing, { workflowType: 'nightlyKpiWorkflow', args: [{ landing, home }], purpose: 'nightly KPI run' });
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
 * its scheduled time on the following morning, BUFFER_ALL so they run one after another.
 */
export async function backfillSchedule(client: Client, from: string, to: string, scheduleId = SCHEDULE_ID): Promise<void> {
  // The run for as-of D is scheduled at 05:00 London on D+1; cover [D_from+1 00:00, D_to+1 23:59] UTC-safe.
  const start = new Date(`${from}T12:00:00Z`);
  const end = new Date(new Date(`${to}T12:00:00Z`).getTime() + 24 * 3600_000);
  await client.schedule.getHandle(scheduleId).backfill({ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
}
