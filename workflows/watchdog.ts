/**
 * The watchdog: started every hour by its own schedule (cli/schedule.ts, `csc-kpi-watchdog`), apart
 * from the nightly one, so it still runs when no night could start, a night is stuck (the nightly
 * schedule skips while one runs) or nights keep failing. It alerts when the newest snapshot is
 * older than `no_snapshot_hours` (36), then at most once a day until one is published
 * (core/alert-watchdog.ts). Orchestration only.
 */
import type { AlertRecord } from '../core/metrics-contract.js';
import { planning, sendEach } from './alerts.js';

export interface WatchdogInput {
  landing: string;
  home: string;
}

export interface WatchdogResult {
  overdue: boolean;
  hoursSince: number;
  latestSnapshotId: string | null;
  alerts: AlertRecord[];
}

export async function snapshotWatchdogWorkflow(input: WatchdogInput): Promise<WatchdogResult> {
  // Workflow time (deterministic), never the wall clock.
  const now = new Date().toISOString();
  const check = await planning.checkSnapshotAge({ ...input, now });
  const alerts = await sendEach(check);
  if (alerts.some((a) => a.sent)) await planning.recordWatchdogAlert({ ...input, snapshotId: check.latestSnapshotId, at: now });
  return { overdue: check.overdue, hoursSince: check.hoursSince, latestSnapshotId: check.latestSnapshotId, alerts };
}
