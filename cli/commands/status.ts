/** `csc-kpi status [--home DIR] [--nights N]`: the recent nights, the schedule and whether `latest` is fresh. */
import { join, resolve } from 'node:path';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { EnvConfig } from '../../core/env-config.js';
import { readIndex, readLatest } from '../../activities/snapshot-files.js';
import { londonDate } from '../../core/dates.js';
import { latestLine, nightsTable, recentNights } from '../night-status.js';
import { SCHEDULE_ID } from '../schedule.js';
import { scheduleLine } from '../schedule-words.js';
import { homeOption } from '../folder-options.js';
import { withClient } from '../temporal-connection.js';

/** `latest` and its as-of date, from the home folder (no verification: status shows no figure). */
async function latestOf(snapshotsDir: string): Promise<{ snapshotId: string; asOf: string } | null> {
  const id = await readLatest(snapshotsDir).catch(() => null);
  if (!id) return null;
  const entry = (await readIndex(snapshotsDir).catch(() => [])).find((e) => e.snapshot_id === id);
  return { snapshotId: id, asOf: entry?.as_of ?? id.slice(0, 10) };
}

export function register(program: Command, _log: Logger, settings: EnvConfig): void {
  program
    .command('status')
    .description('the recent nights (from Temporal), the schedule’s next run, and whether the latest snapshot is fresh')
    .option(...homeOption(settings))
    .option('--nights <n>', 'how many recent nights to show', '7')
    .action(async (o: { home: string; nights: string }) => {
      const limit = Number(o.nights);
      if (!Number.isInteger(limit) || limit < 1) throw new Error('--nights must be a whole number of at least 1');
      const now = new Date();
      const { nights, schedule } = await withClient(settings, 'show the nights Temporal ran', async (c) => ({
        nights: await recentNights(c, limit),
        schedule: await c.schedule
          .getHandle(SCHEDULE_ID)
          .describe()
          .catch((e: unknown) => {
            if (e instanceof ScheduleNotFoundError) return null;
            throw e;
          }),
      }));
      const snapshotsDir = join(resolve(o.home), 'snapshots');
      process.stdout.write(
        [nightsTable(nights, now), scheduleLine(schedule, SCHEDULE_ID), latestLine(await latestOf(snapshotsDir), londonDate(now), snapshotsDir), ''].join('\n'),
      );
    });
}
