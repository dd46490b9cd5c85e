/**
 * `csc-kpi region run|schedule …` (issue 18): a region's night — every council's night on its own
 * task queue, then the regional snapshot — now, or every night at 05:00 Europe/London as of the
 * day before (the council schedule's rules, cli/schedule.ts), as `region-night-<as-of>` either way.
 */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { readRegionConfigFile } from '../../activities/region-config-file.js';
import { isIsoDate, londonDate } from '../../core/dates.js';
import type { EnvConfig } from '../../core/env-config.js';
import type { RegionConfig } from '../../core/region-config.js';
import { REGION_SCHEDULE_ID } from '../../core/region-night.js';
import { runRegion } from '../region-run.js';
import { formatRegionSummary } from '../region-summary.js';
import { backfillSchedule, describeSchedule, upsertNightlySchedule } from '../schedule.js';
import { describeScheduleInWords, triggeredInWords, triggerAndName } from '../schedule-words.js';
import { withClient as withConfiguredClient } from '../temporal-connection.js';

/**
 * Creates the region's nightly schedule, or updates it. Each firing starts
 * `scheduledRegionNightWorkflow`, which runs — or joins — `region-night-<as-of>`, the id
 * `region run` uses, so one date is one region night however often it is triggered.
 */
export async function upsertRegionSchedule(client: Client, config: RegionConfig, timing: { scheduleId?: string; startAt?: Date } = {}): Promise<'created' | 'updated'> {
  return upsertNightlySchedule(
    client,
    { scheduleId: REGION_SCHEDULE_ID, ...timing, taskQueue: config.taskQueue },
    { workflowType: 'scheduledRegionNightWorkflow', args: [{ config: config.path }], purpose: 'regional night' },
  );
}

export function register(program: Command, log: Logger, settings: EnvConfig): void {
  const withClient = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withConfiguredClient(settings, 'manage the region schedule', fn);
  const region = program.command('region').description('a region: every council’s night, then one regional snapshot of their published figures');

  region
    .command('run')
    .description('run the region night once, now, and wait for it (embedded Temporal dev server without TEMPORAL_ADDRESS)')
    .requiredOption('--config <file>', 'the region’s region.json')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in Europe/London)')
    .action(async (o: { config: string; asOf?: string }) => {
      const asOf = o.asOf ?? londonDate(new Date());
      if (!isIsoDate(asOf)) throw new Error(`--as-of must be a date YYYY-MM-DD, not ${JSON.stringify(asOf)}`);
      const config = await readRegionConfigFile(o.config);
      process.stdout.write(formatRegionSummary(await runRegion(config, asOf, log, settings)));
    });

  const schedule = region.command('schedule').description('the region’s nightly Temporal schedule (05:00 Europe/London, as of the day before)');
  schedule
    .command('create')
    .description('create the region’s nightly schedule, or update it if it exists')
    .requiredOption('--config <file>', 'the region’s region.json')
    .action(async (o: { config: string }) => {
      const config = await readRegionConfigFile(o.config);
      const what = await withClient((c) => upsertRegionSchedule(c, config));
      process.stdout.write(`schedule ${REGION_SCHEDULE_ID} ${what}: every day at 05:00 Europe/London, as of the day before, for the ${config.councils.length} councils of ${config.path}\n`);
    });
  schedule
    .command('describe')
    .description('the region schedule in words: when, which region, what happens to late or missed nights, what ran last')
    .action(async () => {
      const d = await withClient((c) => describeSchedule(c, REGION_SCHEDULE_ID, 'csc-kpi region schedule create --config region.json'));
      process.stdout.write(describeScheduleInWords(d));
    });
  schedule.command('pause').option('--note <text>', 'why', 'paused from csc-kpi').action(async (o: { note: string }) => {
    await withClient((c) => c.schedule.getHandle(REGION_SCHEDULE_ID).pause(o.note));
    process.stdout.write(`schedule ${REGION_SCHEDULE_ID} paused\n`);
  });
  schedule.command('unpause').action(async () => {
    await withClient((c) => c.schedule.getHandle(REGION_SCHEDULE_ID).unpause());
    process.stdout.write(`schedule ${REGION_SCHEDULE_ID} unpaused\n`);
  });
  schedule
    .command('trigger')
    .description('run the scheduled region night now (as of yesterday; joins that night if it already runs) and print the workflow it started')
    .action(async () => {
      const started = await withClient((c) => triggerAndName(c, REGION_SCHEDULE_ID));
      process.stdout.write(triggeredInWords(REGION_SCHEDULE_ID, started));
    });
  schedule
    .command('backfill')
    .description('run the region nights --from..--to (inclusive), in order; a night that already ran stands (re-run one with region run --as-of)')
    .requiredOption('--from <date>', 'first as-of date')
    .requiredOption('--to <date>', 'last as-of date')
    .action(async (o: { from: string; to: string }) => {
      if (!isIsoDate(o.from) || !isIsoDate(o.to) || o.from > o.to) throw new Error('--from and --to must be ISO dates with from ≤ to');
      await withClient((c) => backfillSchedule(c, o.from, o.to, REGION_SCHEDULE_ID));
      process.stdout.write(`backfill of region nights ${o.from}..${o.to} requested\n`);
    });
}
