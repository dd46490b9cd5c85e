/**
 * The watchdog's rule: no snapshot published for more than `no_snapshot_hours` (36) is worth an
 * alert, whatever stopped the nights — a night that failed, one stuck and skipping the nights
 * after it, a paused schedule, a worker that cannot reach the home. Pure: `now` is an input.
 *
 * It runs every hour (cli/schedule.ts), so it remembers what it said (`WatchdogState`, a small
 * file in the home): the first alert for a given latest snapshot goes out as soon as it is
 * overdue, then at most one reminder a day until a new snapshot is published. A home with no
 * snapshot at all counts from the watchdog's first look at it, so a fresh install is not alerted
 * about before its first nights had their chance.
 */
import { formatDate } from './report-html.js';
import { londonOffsetMinutes } from './london-time.js';
import { code, counted, type AlertMessage } from './alert-message.js';

/** Reminders while still overdue: at most one a day. */
export const REMIND_EVERY_HOURS = 24;

export interface WatchdogState {
  /** The first time the watchdog looked at this home (ISO instant). */
  watching_since: string;
  /** The last alert that went out: about which latest snapshot (null: none published), and when. */
  alerted: { snapshot_id: string | null; at: string } | null;
}

export interface LatestSnapshot {
  snapshot_id: string;
  as_of: string;
  created_at: string;
}

export interface WatchdogInput {
  now: string;
  home: string;
  latest: LatestSnapshot | null;
  state: WatchdogState | null;
  noSnapshotHours: number;
  /** Where the latest snapshot's report is (null when there is none). */
  reportPath: string | null;
}

export interface WatchdogVerdict {
  /** Whole hours since the latest snapshot (or since the watchdog started watching an empty home). */
  hoursSince: number;
  overdue: boolean;
  /** The alert to send now, or null (not overdue, or already said within the reminder interval). */
  message: AlertMessage | null;
  /** The state to keep whatever happens (watching_since set on the first look). */
  state: WatchdogState;
}

const HOUR_MS = 3_600_000;

/** 2015-03-01T05:04:00Z → "05:04 on 1 March 2015" (UK time). */
export function londonTimeOf(iso: string): string {
  const ms = Date.parse(iso);
  const local = new Date(ms + londonOffsetMinutes(ms) * 60_000);
  const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return `${hhmm} on ${formatDate(local.toISOString().slice(0, 10))}`;
}

export function watchdogVerdict(i: WatchdogInput): WatchdogVerdict {
  const now = Date.parse(i.now);
  const state: WatchdogState = i.state ?? { watching_since: i.now, alerted: null };
  const since = Date.parse(i.latest?.created_at ?? state.watching_since);
  const hoursSince = Math.floor((now - since) / HOUR_MS);
  const overdue = now - since > i.noSnapshotHours * HOUR_MS;
  if (!overdue) return { hoursSince, overdue, message: null, state };
  const latestId = i.latest?.snapshot_id ?? null;
  const last = state.alerted;
  const due = last === null || last.snapshot_id !== latestId || now - Date.parse(last.at) >= REMIND_EVERY_HOURS * HOUR_MS;
  return { hoursSince, overdue, message: due ? watchdogMessage(i, hoursSince) : null, state };
}

function watchdogMessage(i: WatchdogInput, hours: number): AlertMessage {
  const what = `no snapshot published for ${counted(hours, 'hour')}`;
  const latest = i.latest
    ? `The latest is ${code(i.latest.snapshot_id)} (the night of ${formatDate(i.latest.as_of)}), made at ${londonTimeOf(i.latest.created_at)} (UK time).${
        i.reportPath ? `\nReport: ${code(i.reportPath)}` : ''
      }`
    : `No snapshot has ever been published there; the watchdog has been watching since ${londonTimeOf(i.state?.watching_since ?? i.now)} (UK time).`;
  const text = [
    `csc-kpi: ${what} in ${code(i.home)} (the limit is ${counted(i.noSnapshotHours, 'hour')}). Committee figures are getting old.`,
    latest,
    'Check that the worker is running and the schedule is active (csc-kpi schedule describe), and look in the Temporal UI for nights that failed or are still running.',
  ];
  return { subject: `csc-kpi: ${what}`, text: `${text.join('\n\n')}\n` };
}
