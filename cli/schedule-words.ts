/**
 * The nightly schedule in words for `csc-kpi schedule describe`, `schedule trigger` and
 * `csc-kpi status`: when it runs, for which folders, what happens to a night that overlaps or
 * is missed, and what ran last — "missed starts are caught up if less than 12 hours late", not
 * "catch-up 43200000 ms". Formatting only: cli/schedule.ts says what the schedule is.
 */
import type { Client, ScheduleDescription } from '@temporalio/client';
import { asOfForScheduledStart } from '../core/london-time.js';
import { nightlyWorkflowId } from '../core/night.js';
import { dateInWords } from '../core/dates.js';
import { visibleControls } from '../core/shown-text.js';
import { durationWords, londonDateTime } from './time-words.js';

type Range = { start: number; end: number; step?: number };

const single = (r: Range[] | undefined): number | null => (r?.length === 1 && r[0]!.start === r[0]!.end ? r[0]!.start : null);
const everything = (r: { start: unknown; end: unknown }[] | undefined, first: unknown, last: unknown): boolean =>
  !r || r.length === 0 || (r.length === 1 && r[0]!.start === first && r[0]!.end === last);

/** "every day at 05:00 Europe/London", or, for a calendar this CLI did not make, where to look. */
export function whenInWords(d: Pick<ScheduleDescription, 'spec'>): string {
  const cals = d.spec.calendars ?? [];
  const c = cals[0];
  const hour = single(c?.hour as Range[] | undefined);
  const minute = single(c?.minute as Range[] | undefined);
  const daily =
    cals.length === 1 &&
    (d.spec.intervals ?? []).length === 0 &&
    everything(c?.dayOfMonth, 1, 31) &&
    everything(c?.month, 'JANUARY', 'DECEMBER') &&
    everything(c?.dayOfWeek, 'SUNDAY', 'SATURDAY');
  if (!daily || hour === null || minute === null) return 'on a calendar of its own (see the next runs below)';
  const hhmm = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return `every day at ${hhmm} ${d.spec.timezone ?? 'UTC'}`;
}

const OVERLAP: Record<string, string> = {
  SKIP: 'a start while the previous night is still running is skipped (nights never run side by side)',
  BUFFER_ONE: 'a start while the previous night is still running waits for it (at most one waits)',
  BUFFER_ALL: 'a start while the previous night is still running waits for it',
  CANCEL_OTHER: 'a start while the previous night is still running cancels that night',
  TERMINATE_OTHER: 'a start while the previous night is still running stops that night',
  ALLOW_ALL: 'nights may run side by side',
};

/** What the scheduled nights read and write, from the action's argument: a council's folders, or a region's config. */
function whatItRuns(d: Pick<ScheduleDescription, 'action'>): string[] {
  const arg = (d.action.args?.[0] ?? null) as { landing?: unknown; home?: unknown; config?: unknown } | null;
  if (arg && typeof arg.landing === 'string' && typeof arg.home === 'string') {
    return [`  landing folder: ${visibleControls(arg.landing)}`, `  home folder:    ${visibleControls(arg.home)}`];
  }
  if (arg && typeof arg.config === 'string') return [`  region config:  ${visibleControls(arg.config)}`];
  return ['  folders:        (not given)'];
}

/** The as-of date a start at `t` runs (the London day before). */
function nightOf(t: Date): string {
  return dateInWords(asOfForScheduledStart(t.getTime()));
}

/** `csc-kpi schedule describe`: the schedule as a page of plain lines. */
export function describeScheduleInWords(d: ScheduleDescription, count = 3): string {
  const state = d.state.paused ? `paused${d.state.note ? ` (${visibleControls(d.state.note)})` : ''}` : 'active';
  const next = d.info.nextActionTimes.slice(0, count);
  const recent = [...d.info.recentActions].reverse().slice(0, count);
  const lines = [
    `Schedule ${d.scheduleId}: ${state}`,
    `  runs ${whenInWords(d)}; each run is the night of the day before`,
    ...whatItRuns(d),
    `  task queue:     ${d.action.taskQueue}`,
    `  if a night overruns: ${OVERLAP[String(d.policies.overlap)] ?? String(d.policies.overlap)}`,
    `  if Temporal was down at a start: the start is made when it is back, if less than ${durationWords(d.policies.catchupWindow)} late; older ones are missed (use \`csc-kpi schedule backfill\`)`,
    `  after a failed night: ${d.policies.pauseOnFailure ? 'the schedule pauses' : 'the schedule carries on the next day'}`,
    d.state.paused ? '  next runs: none while paused (`csc-kpi schedule unpause`)' : `  next runs (London time):`,
    ...(d.state.paused ? [] : next.map((t) => `    ${londonDateTime(t)}: the night of ${nightOf(t)}`)),
    recent.length === 0 ? '  last runs: none yet' : '  last runs (newest first):',
    ...recent.map((a) => `    ${londonDateTime(a.scheduledAt)}: started ${a.action.workflow.workflowId}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** One line for `csc-kpi status`. */
export function scheduleLine(d: ScheduleDescription | null, scheduleId: string): string {
  if (!d) return `Schedule ${scheduleId}: none (create it with \`csc-kpi schedule create --landing DIR --home DIR\`).`;
  if (d.state.paused) return `Schedule ${d.scheduleId}: paused${d.state.note ? ` (${visibleControls(d.state.note)})` : ''}; no night will start until \`csc-kpi schedule unpause\`.`;
  const next = d.info.nextActionTimes[0];
  return next
    ? `Schedule ${d.scheduleId}: active, ${whenInWords(d)}; next run ${londonDateTime(next)} (the night of ${nightOf(next)}).`
    : `Schedule ${d.scheduleId}: active, but no run is due.`;
}

/** The watchdog's schedule in one line (or why there is none). */
export function watchdogInWords(w: ScheduleDescription | Error, scheduleId: string): string {
  if (w instanceof Error) return `Watchdog ${scheduleId}: none (\`csc-kpi schedule create\` adds it)\n`;
  const state = w.state.paused ? 'paused, with the nights' : 'active';
  return `Watchdog ${scheduleId}: ${state}; every hour at half past, it alerts when no snapshot was published for too long (README, "Alerts")\n`;
}

export interface Triggered {
  /** The workflow the schedule started. */
  workflowId: string;
  /** The night it runs, when the schedule starts a council's night through its starter (kpi-night-<as-of>). */
  nightId: string | null;
}

/**
 * Triggers the schedule now and waits (up to `waitMs`) for the workflow it starts, by watching
 * the schedule's recent actions for one that was not there before. Null when none appeared: with
 * overlap SKIP a trigger while a night runs starts nothing. A council's schedule starts
 * `scheduledNightWorkflow`, which runs the night of the day before its start as
 * `kpi-night-<as-of>`: that id is named too.
 */
export async function triggerAndName(client: Client, scheduleId: string, waitMs = 15_000): Promise<Triggered | null> {
  const handle = client.schedule.getHandle(scheduleId);
  const before = await handle.describe();
  const key = (a: ScheduleDescription['info']['recentActions'][number]) => `${a.action.workflow.workflowId}|${a.action.workflow.firstExecutionRunId}`;
  const known = new Set(before.info.recentActions.map(key));
  await handle.trigger();
  for (const deadline = Date.now() + waitMs; Date.now() < deadline; ) {
    const fresh = (await handle.describe()).info.recentActions.find((a) => !known.has(key(a)));
    if (fresh) {
      const nightId = before.action.workflowType === 'scheduledNightWorkflow' ? nightlyWorkflowId(asOfForScheduledStart(fresh.scheduledAt.getTime())) : null;
      return { workflowId: fresh.action.workflow.workflowId, nightId };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

/** What `schedule trigger` prints. */
export function triggeredInWords(scheduleId: string, t: Triggered | null): string {
  if (!t) return `schedule ${scheduleId} triggered, but it started nothing within 15 s: a night is probably still running (overlapping starts are skipped); see \`csc-kpi status\`\n`;
  const night = t.nightId ? `, which runs the night ${t.nightId}` : '';
  return `schedule ${scheduleId} triggered: started workflow ${t.workflowId}${night} (follow it with \`csc-kpi status\`)\n`;
}
