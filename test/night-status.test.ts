/**
 * `csc-kpi status`, `schedule describe` and `schedule trigger` against a real Temporal dev
 * server, through the built CLI: one night published (with a rejected row), one failed (no
 * landing folder), the nightly schedule; and the wording on its own (durations, London times,
 * whether `latest` is fresh).
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { latestLine, nightsTable } from '../cli/night-status.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { SCHEDULE_ID, upsertSchedule } from '../cli/schedule.js';
import { describeScheduleInWords, whenInWords } from '../cli/schedule-words.js';
import { durationWords, londonDateTime } from '../cli/time-words.js';
import { workflowsPath } from '../cli/worker.js';
import { latestFreshness } from '../core/freshness.js';
import { asOfForScheduledStart } from '../core/london-time.js';
import { projectPath } from '../core/project-root.js';
import { writeReferrals } from './helpers/snapshot-night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [projectPath('bin', 'csc-kpi.js'), ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the nights, the schedule and latest, from Temporal', () => {
  let env: TestWorkflowEnvironment;
  let root: string;
  let landing: string;
  let home: string;
  let taskQueue: string;
  let published: string;

  beforeAll(async () => {
    env = await startTemporal();
    root = await mkdtemp(join(tmpdir(), 'csc-kpi-status-'));
    landing = join(root, 'landing');
    home = join(root, 'home');
    // Line 4's date is not a date: one rejected row.
    await writeReferrals(landing, '2015-02-28', [
      ['C1', '10/01/2015'],
      ['C1', '20/02/2015'],
      ['C2', '31/02/2015'],
    ]);
    taskQueue = uniqueQueue('status');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    published = await worker.runUntil(async () => {
      const r = await startOrJoinNight(env.client, { asOf: '2015-02-28', landing, home }, taskQueue);
      // A night whose landing folder is not there fails, non-retryable, at pull.
      const failed = await env.client.workflow.start('nightlyKpiWorkflow', { taskQueue, workflowId: 'kpi-night-2015-03-31', args: [{ asOf: '2015-03-31', landing: join(root, 'gone'), home }] });
      await expect(failed.result()).rejects.toThrow();
      return r.snapshotId;
    });
    await upsertSchedule(env.client, { landing, home, taskQueue, startAt: new Date('2030-01-01T00:00:00Z') });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('status: each night with its outcome, snapshot, rejects and reason; the next run; latest not fresh', async () => {
    const r = await cli(['status', '--home', home], { TEMPORAL_ADDRESS: env.address, CSC_KPI_TASK_QUEUE: taskQueue });
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Nights (newest first):');
    expect(lines[1]).toMatch(/^as of\s+started \(London\)\s+outcome\s+took\s+snapshot\s+rejected$/);
    // Newest first: the failed night, its reason on the line under it, then the published one.
    expect(lines[3]).toMatch(/^2015-03-31\s+\d{1,2} \w{3} \d{4} \d{2}:\d{2}\s+failed\s+\d+ s\s+—\s+—$/);
    expect(lines[4]).toBe(`  why: The landing folder ${join(root, 'gone')} does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.`);
    expect(lines[5]).toMatch(new RegExp(`^2015-02-28\\s+\\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2}\\s+published\\s+\\d+ s\\s+${published}\\s+0 files, 1 row$`));
    expect(r.out).toContain('Schedule csc-kpi-nightly: active, every day at 05:00 Europe/London; next run Tuesday 1 January 2030 at 05:00 (the night of 31 December 2029).');
    expect(r.out).toMatch(new RegExp(`Latest snapshot: ${published}, as of 28 February 2015: NOT FRESH — the night of .* should have published by now \\(\\d+ nights behind\\)\\.`));
  });

  it('schedule describe: in words, with the folders', async () => {
    const r = await cli(['schedule', 'describe'], { TEMPORAL_ADDRESS: env.address });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`Schedule ${SCHEDULE_ID}: active\n  runs every day at 05:00 Europe/London; each run is the night of the day before\n`);
    expect(r.out).toContain(`  landing folder: ${landing}\n  home folder:    ${home}\n  task queue:     ${taskQueue}\n`);
    expect(r.out).toContain('a start while the previous night is still running is skipped');
    expect(r.out).toContain('if less than 12 hours late');
    expect(r.out).toContain('    Tuesday 1 January 2030 at 05:00: the night of 31 December 2029\n');
    expect(r.out).toContain('  last runs: none yet');
    expect(r.out).toContain('Watchdog csc-kpi-watchdog: none (`csc-kpi schedule create` adds it)');
    expect(r.out).not.toMatch(/\d{5,} ?ms|SKIP|catch-up/);
  });

  it('schedule trigger: prints the workflow it started and the night it runs', async () => {
    const r = await cli(['schedule', 'trigger'], { TEMPORAL_ADDRESS: env.address });
    expect(r.code, r.err).toBe(0);
    const [, id, night] = /started workflow (\S+), which runs the night (kpi-night-\d{4}-\d{2}-\d{2}) /.exec(r.out) ?? [];
    expect(id, r.out).toBeDefined();
    const d = await env.client.schedule.getHandle(SCHEDULE_ID).describe();
    const action = d.info.recentActions.find((a) => a.action.workflow.workflowId === id);
    expect(action).toBeDefined();
    // The starter runs the night of the London day before its scheduled start.
    expect(night).toBe(`kpi-night-${asOfForScheduledStart(action!.scheduledAt.getTime())}`);
    const started = await env.client.workflow.getHandle(id!).describe();
    expect(started.type).toBe('scheduledNightWorkflow');
    await env.client.workflow.getHandle(id!).terminate('test: only its id was wanted');
  });
});

describe('the words', () => {
  it('durations to the two largest units', () => {
    expect(durationWords(43_200_000)).toBe('12 hours');
    expect(durationWords(9_000)).toBe('9 s');
    expect(durationWords(200_000)).toBe('3 min 20 s');
    expect(durationWords(3_900_000)).toBe('1 hour 5 min');
    expect(durationWords(108_000_000)).toBe('1 day 6 hours');
  });

  it('London wall-clock times either side of the clock change', () => {
    expect(londonDateTime(new Date('2027-03-27T05:00:00Z'))).toBe('Saturday 27 March 2027 at 05:00');
    expect(londonDateTime(new Date('2027-03-29T04:00:00Z'))).toBe('Monday 29 March 2027 at 05:00');
  });

  it('a region schedule names its region.json instead of folders', () => {
    const d = {
      scheduleId: 'csc-kpi-region-nightly',
      spec: { calendars: [{ hour: [{ start: 5, end: 5, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] }], timezone: 'Europe/London' },
      action: { type: 'startWorkflow', workflowType: 'regionNightWorkflow', taskQueue: 'north', args: [{ config: '/region/region.json' }] },
      policies: { overlap: 'SKIP', catchupWindow: 43_200_000, pauseOnFailure: false },
      state: { paused: false },
      info: { nextActionTimes: [new Date('2030-01-01T05:00:00Z')], recentActions: [] },
    };
    const text = describeScheduleInWords(d as never);
    expect(text).toContain('  runs every day at 05:00 Europe/London; each run is the night of the day before\n  region config:  /region/region.json\n  task queue:     north\n');
    expect(text).toContain('if less than 12 hours late');
  });

  it('a calendar the CLI did not make is not described as daily', () => {
    const hourly = { spec: { calendars: [{ hour: [{ start: 0, end: 23, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] }], timezone: 'Europe/London' } };
    expect(whenInWords(hourly as never)).toBe('on a calendar of its own (see the next runs below)');
  });

  // latest is fresh when its as-of is yesterday (London) or later: the schedule runs each morning as of the day before.
  it('latest is fresh as of yesterday, one night behind the day before', () => {
    expect(latestFreshness('2026-12-01', '2026-12-02')).toEqual({ fresh: true, yesterday: '2026-12-01', daysBehind: 0 });
    expect(latestFreshness('2026-12-02', '2026-12-02')).toEqual({ fresh: true, yesterday: '2026-12-01', daysBehind: 0 });
    expect(latestFreshness('2026-11-30', '2026-12-02')).toEqual({ fresh: false, yesterday: '2026-12-01', daysBehind: 1 });
    // Across a month end and a leap day.
    expect(latestFreshness('2016-02-28', '2016-03-01')).toEqual({ fresh: false, yesterday: '2016-02-29', daysBehind: 1 });
    expect(latestLine({ snapshotId: 's1', asOf: '2026-12-01' }, '2026-12-02', '/h/snapshots')).toBe('Latest snapshot: s1, as of 1 December 2026: fresh.');
    expect(latestLine({ snapshotId: 's0', asOf: '2026-11-30' }, '2026-12-02', '/h/snapshots')).toBe(
      'Latest snapshot: s0, as of 30 November 2026: NOT FRESH — the night of 1 December 2026 should have published by now (1 night behind).',
    );
    expect(latestLine(null, '2026-12-02', '/h/snapshots')).toContain('none in /h/snapshots');
  });

  it('a running night shows how long so far, without a snapshot', () => {
    const started = new Date('2026-12-02T05:00:00Z');
    const text = nightsTable([{ workflowId: 'kpi-night-2026-12-01', asOf: '2026-12-01', started, closed: null, outcome: 'running', snapshotId: null, filesRejected: null, rowsRejected: null, reason: null }], new Date('2026-12-02T05:03:20Z'));
    expect(text.split('\n')[3]).toMatch(/^2026-12-01\s+2 Dec 2026 05:00\s+running\s+3 min 20 s so far\s+—\s+—$/);
  });
});
