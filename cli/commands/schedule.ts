/** `csc-kpi schedule create|describe|pause|unpause|trigger|backfill` against TEMPORAL_ADDRESS. */
import { resolve } from 'node:path';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { isIsoDate } from '../../core/dates.js';
import type { EnvConfig } from '../../core/env-config.js';
import { homeOption, landingOption } from '../folder-options.js';
import { backfillSchedule, describeSchedule, SCHEDULE_ID, upsertSchedule, upsertWatchdogSchedule, WATCHDOG_SCHEDULE_ID } from '../schedule.js';
import { describeScheduleInWords, triggeredInWords, triggerAndName, watchdogInWords } from '../schedule-words.js';
import { withClient as withConfiguredClient } from '../temporal-connection.js';

/** Runs a step on the watchdog's schedule; false when it does not exist (made before watchdogs: `schedule create` adds it). */
async function onWatchdog(step: () => Promise<void>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

const watchdogNote = (done: boolean, verb: string): string =>
  done ? `, with its watchdog ${WATCHDOG_SCHEDULE_ID}` : ` (no watchdog schedule ${WATCHDOG_SCHEDULE_ID} to ${verb}: \`csc-kpi schedule create\` adds it)`;

export function register(program: Command, _log: Logger, settings: EnvConfig): void {
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings, as every connection reads them. */
  const withClient = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withConfiguredClient(settings, 'manage the schedule', fn);
  const schedule = program.command('schedule').description('manage the nightly Temporal schedule (05:00 Europe/London)');
  schedule
    .command('create')
    .description('create the nightly schedule and its hourly watchdog, or update them if they exist')
    .option(...homeOption(settings))
    .option(...landingOption(settings))
    .action(async (o: { home: string; landing?: string }) => {
      const home = resolve(o.home);
      const settings = { home, landing: resolve(o.landing ?? `${home}/landing`) };
      const [what, watchdog] = await withClient(async (c) => [await upsertSchedule(c, settings), await upsertWatchdogSchedule(c, settings)] as const);
      process.stdout.write(`schedule ${SCHEDULE_ID} ${what}: every day at 05:00 Europe/London, as of the day before\n`);
      process.stdout.write(`schedule ${WATCHDOG_SCHEDULE_ID} ${watchdog}: every hour, alerts when no snapshot was published for too long (README, "Alerts")\n`);
    });
  schedule
    .command('describe')
    .description('the schedule and its watchdog in words: when, for which folders, what happens to late or missed nights, what ran last')
    .action(async () => {
      const d = await withClient((c) => describeSchedule(c));
      const w = await withClient((c) => describeSchedule(c, WATCHDOG_SCHEDULE_ID)).catch((e: Error) => e);
      process.stdout.write(describeScheduleInWords(d) + watchdogInWords(w, WATCHDOG_SCHEDULE_ID));
    });
  // The watchdog pauses with the nights: a council that stops the nights on purpose is not told so every day.
  schedule.command('pause').option('--note <text>', 'why', 'paused from csc-kpi').action(async (o: { note: string }) => {
    const watchdog = await withClient(async (c) => {
      await c.schedule.getHandle(SCHEDULE_ID).pause(o.note);
      return onWatchdog(() => c.schedule.getHandle(WATCHDOG_SCHEDULE_ID).pause(o.note));
    });
    process.stdout.write(`schedule ${SCHEDULE_ID} paused${watchdogNote(watchdog, 'pause')}\n`);
  });
  schedule.command('unpause').action(async () => {
    const watchdog = await withClient(async (c) => {
      await c.schedule.getHandle(SCHEDULE_ID).unpause();
      return onWatchdog(() => c.schedule.getHandle(WATCHDOG_SCHEDULE_ID).unpause());
    });
    process.stdout.write(`schedule ${SCHEDULE_ID} unpaused${watchdogNote(watchdog, 'unpause')}\n`);
  });
  schedule
    .command('trigger')
    .description('run the scheduled action now and print the workflow it started')
    .action(async () => {
      const started = await withClient((c) => triggerAndName(c, SCHEDULE_ID));
      process.stdout.write(triggeredInWords(SCHEDULE_ID, started));
    });
  schedule
    .command('backfill')
    .description('recompute the nights --from..--to (inclusive), in order, one snapshot each')
    .requiredOption('--from <date>', 'first as-of date')
    .requiredOption('--to <date>', 'last as-of date')
    .action(async (o: { from: string; to: string }) => {
      if (!isIsoDate(o.from) || !isIsoDate(o.to) || o.from > o.to) throw new Error('--from and --to must be ISO dates with from ≤ to');
      await withClient((c) => backfillSchedule(c, o.from, o.to));
      process.stdout.write(`backfill of nights ${o.from}..${o.to} requested\n`);
    });
}
