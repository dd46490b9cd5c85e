/**
 * The watchdog's IO: the newest snapshot from `snapshots/index.json`, and what the watchdog last
 * said, kept in `<home>/watchdog.json` (owner-only, written atomically). The rule itself is
 * core/alert-watchdog.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { watchdogVerdict, type WatchdogState, type WatchdogVerdict } from '../core/alert-watchdog.js';
import { readIndex, writeFileAtomic } from './snapshot-files.js';

export const WATCHDOG_STATE = 'watchdog.json';

const watchdogState = z.object({
  watching_since: z.string().datetime(),
  alerted: z.object({ snapshot_id: z.string().nullable(), at: z.string().datetime() }).nullable(),
});

/** The saved state; a missing or unreadable file is a first look (the worst case is one alert too many). */
async function readState(home: string): Promise<WatchdogState | null> {
  try {
    const parsed = watchdogState.safeParse(JSON.parse(await readFile(join(home, WATCHDOG_STATE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeWatchdogState(home: string, state: WatchdogState): Promise<void> {
  await writeFileAtomic(join(home, WATCHDOG_STATE), `${JSON.stringify(state, null, 2)}\n`);
}

export interface SnapshotAgeCheck extends WatchdogVerdict {
  latestSnapshotId: string | null;
}

export async function checkSnapshotAge(home: string, now: string, noSnapshotHours: number): Promise<SnapshotAgeCheck> {
  const snapshotsDir = join(home, 'snapshots');
  const [latest] = await readIndex(snapshotsDir);
  const state = await readState(home);
  const verdict = watchdogVerdict({
    now,
    home,
    latest: latest ?? null,
    state,
    noSnapshotHours,
    reportPath: latest ? join(snapshotsDir, latest.snapshot_id, 'report.html') : null,
  });
  // Remember the first look, so an empty home is measured from it.
  if (state === null) await writeWatchdogState(home, verdict.state);
  return { ...verdict, latestSnapshotId: latest?.snapshot_id ?? null };
}

/** After an alert went out on at least one channel: remember it, so the next one is a day away. */
export async function recordWatchdogAlert(home: string, snapshotId: string | null, at: string): Promise<void> {
  const state = (await readState(home)) ?? { watching_since: at, alerted: null };
  await writeWatchdogState(home, { ...state, alerted: { snapshot_id: snapshotId, at } });
}
