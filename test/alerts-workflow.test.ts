/**
 * Alerts through the real nightly workflow and the watchdog, on a real Temporal dev server, to
 * real receivers the test starts: an HTTP webhook receiver and an SMTP server with a login.
 *
 * - a night with a rejected file, rows rejected over the threshold and a baseline event sends
 *   exactly one message on each channel, with the snapshot id and report path, recorded in the
 *   published (and verified) snapshot; no value from a source row and no credential anywhere;
 * - an unreachable webhook is retried, recorded as not sent with its reason in words, and the
 *   night still publishes (the email still goes);
 * - a failed night (no landing folder) alerts with its one-line reason, recorded in the memo;
 * - the watchdog, started by its own schedule, alerts when `latest` is older than 36 hours (once,
 *   not every hour) and not when it is fresh.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { readVerifiedSnapshot } from '../activities/snapshot-trust.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { upsertWatchdogSchedule } from '../cli/schedule.js';
import { metricsFile } from '../core/metrics-contract.js';
import type { WatchdogResult } from '../workflows/watchdog.js';
import { closedPort, startMailReceiver, startWebhookReceiver, type MailReceiver, type WebhookReceiver } from './helpers/alert-receivers.js';
import { auditFiles, baselineNight, putFiles, referralsExtract, REFERRAL_HEADER } from './helpers/baseline-night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const PASSWORD = 'Smtp-Pa55word-9f3e';
const LOGIN = { user: 'csc-kpi', pass: PASSWORD };
/** Values that exist only in source rows: none may reach a message, the snapshot or the history. */
const MARKERS = ['MARKER-CHILD-7731', 'MARKER-CP-4471', '17/13/2014'];

/** A child-protection extract missing its required start-date column: rejected whole at load. */
const CP_WITHOUT_START = `Child Unique ID,Gender\r\n${MARKERS[1]},F\r\n`;

/** Tonight's referrals with 2 bad rows: an impossible date, and a marker child with no date. */
function referralsWithRejects(extract: string): string {
  return `${referralsExtract(extract).trimEnd()}\r\n${MARKERS[0]},F,WBRI,01/01/2010,5,Team A,W0001,${MARKERS[2]},Police,N\r\n${MARKERS[0]},F,WBRI,01/01/2010,5,Team A,W0001,,Police,N\r\n`;
}

const FROM = 'csc-kpi@council.gov.uk';
const TO = 'performance-team@council.gov.uk';

async function alertsFile(dir: string, rejectedRowsPercent: number): Promise<string> {
  const file = join(dir, 'alerts.json');
  await writeFile(file, JSON.stringify({ version: 1, email: { from: FROM, to: [TO] }, rejected_rows_percent: rejectedRowsPercent }));
  return file;
}

function expectNoSecrets(text: string): void {
  for (const m of MARKERS) expect(text).not.toContain(m);
  expect(text).not.toContain(PASSWORD);
}

describe('alerts through the nightly workflow and the watchdog', () => {
  let env: TestWorkflowEnvironment;
  let hook: WebhookReceiver;
  let mail: MailReceiver;
  beforeAll(async () => {
    env = await startTemporal();
    hook = await startWebhookReceiver();
    mail = await startMailReceiver(LOGIN);
  });
  afterAll(async () => {
    await hook?.close();
    await mail?.close();
    await env?.teardown();
  });

  const reset = () => {
    hook.posts.length = 0;
    mail.messages.length = 0;
  };

  async function worker(taskQueue: string, deps: ActivityDeps, webhook = hook.url): Promise<Worker> {
    return Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: createActivities({ ...deps, alertEnv: { CSC_KPI_ALERT_WEBHOOK: webhook, CSC_KPI_ALERT_SMTP: mail.url } }),
    });
  }

  it('sends one grouped message per channel for a night with a rejected file and a baseline event, and records it in the snapshot', async () => {
    reset();
    const t = await baselineNight(['assessment_quality_good_pct', 're_referral_12m_pct']);
    await putFiles(t, 'audits', auditFiles());
    await putFiles(t, 'case-system', { 'referrals_2015-02-28.csv': referralsWithRejects('2015-02-28'), 'child_protection_2015-02-28.csv': CP_WITHOUT_START });
    const taskQueue = uniqueQueue('alerts-night');
    const w = await worker(taskQueue, { kpiDir: t.kpiDir, baselinesConfig: t.baselinesConfig, alertsConfig: await alertsFile(t.root, 0) });
    const result = await w.runUntil(startOrJoinNight(env.client, { asOf: '2015-02-28', landing: t.landing, home: t.home }, taskQueue));

    expect(hook.posts).toHaveLength(1);
    expect(mail.messages).toHaveLength(1);
    const chat = hook.posts[0]!;
    expect(chat.path).toBe('/webhookb2/test-token');
    expect(chat.contentType).toBe('application/json');
    const text = chat.body.text as string;
    const report = join(result.snapshotPath, 'report.html');
    const lines = text.split('\n');
    expect(lines[0]).toBe(`csc-kpi: the night of 28 February 2015 published snapshot \`${result.snapshotId}\`, with 3 things to look at.`);
    expect(lines[1]).toBe(`Report: \`${report}\``);
    expect(lines).toContain('Rejected files (nothing in them was loaded; replace or remove each):');
    expect(lines.find((l) => l.startsWith('- child_protection_2015-02-28.csv (case-system/child_protection): '))).toMatch(/Child Protection Plan Start Date/);
    expect(lines).toContain("Files loaded tonight with more than 0% of their rows rejected (the report lists each rejected row's file, line and rule):");
    expect(lines.find((l) => l.startsWith('- referrals_2015-02-28.csv (case-system/referrals): '))).toMatch(/^- referrals_2015-02-28\.csv \(case-system\/referrals\): 2 of \d+ rows rejected \(0\.\d%\)$/);
    expect(lines).toContain('New baselines (figures before and after are not comparable):');
    expect(lines.find((l) => l.startsWith('- Assessment'))).toMatch(/: a new baseline from (June|July|August) 2014 \(the monthly figure moved to a new level and stayed there\)$/);

    // The email carries the same text, with a subject that counts the groups.
    const email = mail.messages[0]!;
    expect(email.user).toBe('csc-kpi');
    expect(email.from).toBe(FROM);
    expect(email.to).toEqual([TO]);
    expect(email.subject).toMatch(/^csc-kpi, the night of 28 February 2015: 1 rejected file, 1 file over the reject threshold, \d+ new baselines?$/);
    expect(email.body.trimEnd()).toBe(text.trimEnd());

    // The record is in the published snapshot, under its verified manifest, and in the result.
    const sent = [
      { channel: 'webhook', sent: true, error: null },
      { channel: 'email', sent: true, error: null },
    ];
    expect(result.alerts).toEqual(sent);
    const verified = await readVerifiedSnapshot(join(t.home, 'snapshots'), result.snapshotId, null);
    expect(verified.metrics.alerts).toEqual(sent);
    // The public copy is for sharing: who was alerted is not its business.
    const pub = JSON.parse(await readFile(join(result.snapshotPath, 'public', 'metrics.json'), 'utf8')) as Record<string, unknown>;
    expect(pub.alerts).toBeUndefined();

    // Custody: no source value and no credential in either message, the snapshot or the workflow history.
    const history = JSON.stringify(await env.client.workflow.getHandle('kpi-night-2015-02-28').fetchHistory());
    for (const where of [text, email.raw, await readFile(join(result.snapshotPath, 'metrics.json'), 'utf8'), history]) expectNoSecrets(where);
  });

  it('retries an unreachable webhook, records it as not sent with the reason in words, and still publishes', async () => {
    reset();
    const t = await baselineNight(['re_referral_12m_pct']);
    await putFiles(t, 'case-system', { 'referrals_2015-03-31.csv': referralsExtract('2015-03-31'), 'child_protection_2015-03-31.csv': CP_WITHOUT_START });
    const port = await closedPort();
    const taskQueue = uniqueQueue('alerts-unreachable');
    const w = await worker(taskQueue, { kpiDir: t.kpiDir, baselinesConfig: t.baselinesConfig, alertsConfig: await alertsFile(t.root, 1) }, `http://127.0.0.1:${port}/webhookb2/x`);
    const result = await w.runUntil(startOrJoinNight(env.client, { asOf: '2015-03-31', landing: t.landing, home: t.home }, taskQueue));

    const webhookError = `could not reach the webhook at 127.0.0.1:${port}: the connection was refused (nothing is listening there) (tried 4 times)`;
    const expected = [
      { channel: 'webhook', sent: false, error: webhookError },
      { channel: 'email', sent: true, error: null },
    ];
    expect(result.alerts).toEqual(expected);
    const metrics = metricsFile.parse(JSON.parse(await readFile(join(result.snapshotPath, 'metrics.json'), 'utf8')));
    expect(metrics.alerts).toEqual(expected);
    expect((JSON.parse(await readFile(join(t.home, 'snapshots', 'index.json'), 'utf8')) as { snapshot_id: string }[])[0]!.snapshot_id).toBe(result.snapshotId);
    expect(mail.messages).toHaveLength(1);
    expect(mail.messages[0]!.body).toContain('child_protection_2015-03-31.csv');

    // Temporal retried the webhook's send: its one started event is the fourth attempt.
    const history = await env.client.workflow.getHandle('kpi-night-2015-03-31').fetchHistory();
    const events = history.events ?? [];
    const sends = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendAlert').map((e) => Number(e.eventId));
    expect(sends).toHaveLength(2);
    const attempts = events.filter((e) => sends.includes(Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? -1))).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts.sort()).toEqual([1, 4]);
  });

  it('alerts a failed night (no landing folder) with its one-line reason, recorded in the memo', async () => {
    reset();
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-alerts-fail-'));
    const landing = join(root, 'no-such-landing');
    const taskQueue = uniqueQueue('alerts-failed');
    const w = await worker(taskQueue, { alertsConfig: await alertsFile(root, 1) });
    const err = await w.runUntil(startOrJoinNight(env.client, { asOf: '2015-04-30', landing, home: join(root, 'home') }, taskQueue).catch((e: unknown) => e));
    // The night's own failure is what the caller sees, unchanged.
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause?.cause as Error).message).toMatch(/^The landing folder .* does not exist or is not a folder/);

    expect(hook.posts).toHaveLength(1);
    expect(mail.messages).toHaveLength(1);
    const text = hook.posts[0]!.body.text as string;
    expect(text).toBe(
      'csc-kpi: the night of 30 April 2015 failed and published no snapshot; readers still see the last snapshot published.\n\n' +
        `Reason: The landing folder ${landing} does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.\n\n` +
        'Workflow: `kpi-night-2015-04-30` (its history, with every step and the error, is in the Temporal UI).\n',
    );
    expect(mail.messages[0]!.subject).toBe('csc-kpi, the night of 30 April 2015: FAILED, no snapshot published');
    const described = await env.client.workflow.getHandle('kpi-night-2015-04-30').describe();
    expect(described.memo?.alerts).toEqual([
      { channel: 'webhook', sent: true, error: null },
      { channel: 'email', sent: true, error: null },
    ]);
  });

  it('a broken alerts file fails the night non-retryably, naming the key', async () => {
    reset();
    const t = await baselineNight(['re_referral_12m_pct']);
    await putFiles(t, 'case-system', { 'referrals_2015-04-15.csv': referralsExtract('2015-04-15') });
    const broken = join(t.root, 'alerts.json');
    await writeFile(broken, JSON.stringify({ version: 1, webhok: 'https://example.invalid/x' }));
    const taskQueue = uniqueQueue('alerts-broken');
    const w = await worker(taskQueue, { kpiDir: t.kpiDir, baselinesConfig: t.baselinesConfig, alertsConfig: broken });
    const err = await w.runUntil(startOrJoinNight(env.client, { asOf: '2015-04-15', landing: t.landing, home: t.home }, taskQueue).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause?.cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('BadAlertsConfig');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toBe(`The alerts file has errors; fix them and re-run:\n${broken}: (top level): Unrecognized key: "webhok"`);
    // Nothing published, and the failure could not be alerted either (the same file): the log says so, the memo has no record.
    expect(await readFile(join(t.home, 'snapshots', 'index.json'), 'utf8').catch(() => 'none')).toBe('none');
    expect(hook.posts).toHaveLength(0);
    const described = await env.client.workflow.getHandle('kpi-night-2015-04-15').describe();
    expect(described.memo?.alerts).toBeUndefined();
  });

  it('the watchdog, on its own schedule, alerts when latest is older than 36 hours (once) and not when it is fresh', async () => {
    reset();
    const taskQueue = uniqueQueue('alerts-watchdog');
    // A fresh home: a night published just now.
    const fresh = await baselineNight(['re_referral_12m_pct']);
    await putFiles(fresh, 'case-system', { 'referrals_2015-05-31.csv': `${REFERRAL_HEADER}\r\nC1,F,WBRI,01/01/2010,5,Team A,W0001,05/05/2015,Police,N\r\n` });
    // An old home: its latest snapshot was made 40 hours ago (index.json as publish writes it).
    const old = await mkdtemp(join(tmpdir(), 'csc-kpi-watchdog-old-'));
    const oldId = '2015-05-30_20150531T040000Z_0ld0ld00';
    await mkdir(join(old, 'home', 'snapshots'), { recursive: true });
    const fortyHoursAgo = new Date(Date.now() - 40 * 3600_000).toISOString();
    await writeFile(
      join(old, 'home', 'snapshots', 'index.json'),
      JSON.stringify([{ snapshot_id: oldId, as_of: '2015-05-30', created_at: fortyHoursAgo, workflow_id: 'kpi-night-2015-05-30', run_id: 'r' }]),
    );

    const w = await worker(taskQueue, { kpiDir: fresh.kpiDir, baselinesConfig: fresh.baselinesConfig, alertsConfig: await alertsFile(fresh.root, 1) });
    const runWatchdog = async (home: string, landing: string): Promise<WatchdogResult> => {
      const scheduleId = uniqueQueue('watchdog');
      await upsertWatchdogSchedule(env.client, { scheduleId, home, landing, taskQueue });
      const handle = env.client.schedule.getHandle(scheduleId);
      await handle.trigger();
      for (let i = 0; i < 400; i++) {
        const started = (await handle.describe()).info.recentActions[0]?.action;
        if (started) {
          await handle.delete();
          return env.client.workflow.getHandle<() => Promise<WatchdogResult>>(started.workflow.workflowId, started.workflow.firstExecutionRunId).result();
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the watchdog schedule did not start its workflow');
    };

    const [freshCheck, oldCheck, oldAgain] = await w.runUntil(async () => {
      await startOrJoinNight(env.client, { asOf: '2015-05-31', landing: fresh.landing, home: fresh.home }, taskQueue);
      expect(hook.posts).toHaveLength(0); // a quiet night says nothing
      const a = await runWatchdog(fresh.home, fresh.landing);
      const b = await runWatchdog(join(old, 'home'), join(old, 'landing'));
      const c = await runWatchdog(join(old, 'home'), join(old, 'landing'));
      return [a, b, c];
    });

    expect(freshCheck).toMatchObject({ overdue: false, hoursSince: 0, alerts: [] });
    expect(oldCheck).toMatchObject({ overdue: true, hoursSince: 40, latestSnapshotId: oldId });
    expect(oldCheck.alerts).toEqual([
      { channel: 'webhook', sent: true, error: null },
      { channel: 'email', sent: true, error: null },
    ]);
    // The next hour's check is quiet: one alert, then a reminder a day later.
    expect(oldAgain).toMatchObject({ overdue: true, alerts: [] });
    expect(hook.posts).toHaveLength(1);
    expect(mail.messages).toHaveLength(1);
    const text = hook.posts[0]!.body.text as string;
    expect(text.split('\n')[0]).toBe(`csc-kpi: no snapshot published for 40 hours in \`${join(old, 'home')}\` (the limit is 36 hours). Committee figures are getting old.`);
    expect(text).toContain(`The latest is \`${oldId}\` (the night of 30 May 2015)`);
    expect(text).toContain(`Report: \`${join(old, 'home', 'snapshots', oldId, 'report.html')}\``);
    expect(mail.messages[0]!.subject).toBe('csc-kpi: no snapshot published for 40 hours');
  });
});
