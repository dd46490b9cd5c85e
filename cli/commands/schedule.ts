/** `csc-kpi schedule create|describe|pause|unpause|trigger|backfill` against TEMPORAL_ADDRESS. */
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { isIsoDate } from '../../core/dates.js';
import { backfillSchedule, describeSchedule, SCHEDULE_ID, upsertSchedule } from '../schedule.js';
import { describeScheduleInWords, triggerAndName } from '../schedule-words.js';
import { withClient as withConfiguredClient } from '../temporal-connection.js';

/** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings, as every connection reads them. */
const withClient = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withConfiguredClient('manage the schedule', fn);

export function register(program: Command, _log: Logger): void {
  const schedule = program.command('schedule').description('manage the nightly Temporal schedule (05:00 Europe/London)');
  schedule
    .command('create')
    .description('create the nightly schedule, or update it if it exists')
    .option('--home <dir>', 'home folder', './data')
    .option('--landing <dir>', 'landing folder (default: <home>/landing)')
    .action(async (o: { home: string; landing?: string }) => {
      const home = resolve(o.home);
      const what = await withClient((c) => upsertSchedule(c, { home, landing: resolve(o.landing ?? `${home}/landing`) }));
      process.stdout.write(`schedule ${SCHEDULE_ID} ${what}: every day at 05:00 Europe/London, as of the day before\n`);
    });
  schedule
    .command('describe')
    .description('the schedule in words: when, for which folders, what happens to late or missed nights, what ran last')
    .action(async () => {
      const d = await withClient((c) => describeSchedule(c));
      process.stdout.write(describeScheduleInWords(d));
    });
  schedule.command('pause').option('--note <text>', 'why', 'paused from csc-kpi').action(async (o: { note: string }) => {
    await withClient((c) => c.schedule.getHandle(SCHEDULE_ID).pause(o.note));
    process.stdout.write(`schedule ${SCHEDULE_ID} paused\n`);
  });
  schedule.command('unpause').action(async () => {
    await withClient((c) => c.schedule.getHandle(SCHEDULE_ID).unpause());
    process.stdout.write(`schedule ${SCHEDULE_ID} unpaused\n`);
  });
  schedule
    .command('trigger')
    .description('run the scheduled action now and print the workflow it started')
    .action(async () => {
      const workflowId = await withClient((c) => triggerAndName(c, SCHEDULE_ID));
      process.stdout.write(
        workflowId
          ? `schedule ${SCHEDULE_ID} triggered: started workflow ${workflowId} (follow it with \`csc-kpi status\`)\n`
          : `schedule ${SCHEDULE_ID} triggered, but it started no night within 15 s: one is probably still running (overlapping nights are skipped); see \`csc-kpi status\`\n`,
      );
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
