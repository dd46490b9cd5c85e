/**
 * The alert activities against real receivers the test starts (no Temporal server: the activity
 * context is Temporal's MockActivityEnvironment): what a refused or unreachable far end becomes
 * (one line in our words, naming the host, never the token or the password; retryable or not),
 * and "no channel configured" said once in the log, not every night.
 */
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { postWebhook, sendEmail } from '../activities/alert-send.js';
import type { AlertPlan } from '../core/alert-message.js';
import { closedPort, startMailReceiver, startWebhookReceiver, type MailReceiver } from './helpers/alert-receivers.js';

const PASSWORD = 'Right-Pa55word-71c2';
const MESSAGE = { subject: 'csc-kpi: test', text: 'Line one → two\n\n- a <b> & c\n' };

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
}

describe('sending alerts', () => {
  let mail: MailReceiver;
  beforeAll(async () => {
    mail = await startMailReceiver({ user: 'csc-kpi', pass: PASSWORD });
  });
  afterAll(async () => {
    await mail?.close();
  });

  it('posts { text } as JSON, escaped for chat', async () => {
    const hook = await startWebhookReceiver('/services/T0/B0/secret-token');
    await postWebhook(hook.url, MESSAGE);
    await hook.close();
    expect(hook.posts).toEqual([{ path: '/services/T0/B0/secret-token', contentType: 'application/json', body: { text: 'Line one → two\n\n- a &lt;b&gt; &amp; c\n' } }]);
  });

  it('an unreachable webhook is retryable, named by host only', async () => {
    const port = await closedPort();
    const f = await failure(postWebhook(`http://127.0.0.1:${port}/webhookb2/secret-token`, MESSAGE));
    expect(f.message).toBe(`could not reach the webhook at 127.0.0.1:${port}: the connection was refused (nothing is listening there)`);
    expect(f.nonRetryable).toBe(false);
  });

  it('a webhook that refuses (404: deleted or mistyped) is not retried; a 503 is', async () => {
    let status = 404;
    const server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/webhookb2/secret-token`;
    const gone = await failure(postWebhook(url, MESSAGE));
    status = 503;
    const busy = await failure(postWebhook(url, MESSAGE));
    await new Promise<void>((r) => server.close(() => r()));
    expect(gone.message).toBe(`the webhook at 127.0.0.1:${port} answered 404 Not Found: check the webhook address (a deleted or mistyped webhook is refused)`);
    expect(gone.nonRetryable).toBe(true);
    expect(busy.message).toBe(`the webhook at 127.0.0.1:${port} answered 503 Service Unavailable`);
    expect(busy.nonRetryable).toBe(false);
    for (const f of [gone, busy]) expect(f.message).not.toContain('secret-token');
  });

  it('sends a plain-text email after logging in with the credentials of the SMTP URL', async () => {
    mail.messages.length = 0;
    await sendEmail({ smtp: mail.url, from: 'kpi@council.gov.uk', to: ['a@council.gov.uk', 'b@council.gov.uk'] }, MESSAGE);
    expect(mail.messages).toHaveLength(1);
    expect(mail.messages[0]).toMatchObject({ user: 'csc-kpi', from: 'kpi@council.gov.uk', to: ['a@council.gov.uk', 'b@council.gov.uk'], subject: 'csc-kpi: test' });
    // The email is the text as written: no chat escaping there.
    expect(mail.messages[0]!.body).toBe(MESSAGE.text);
  });

  it('a refused login is not retried and never shows the password; an unreachable server is retried', async () => {
    const wrong = mail.url.replace(encodeURIComponent(PASSWORD), 'Wrong-Pa55word');
    const f = await failure(sendEmail({ smtp: wrong, from: 'kpi@council.gov.uk', to: ['a@council.gov.uk'] }, MESSAGE));
    const host = new URL(mail.url).host;
    expect(f.message).toBe(`the mail server ${host} refused the login (it answered 535): check the user and password in CSC_KPI_ALERT_SMTP`);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).not.toContain('Wrong-Pa55word');

    const port = await closedPort();
    const down = await failure(sendEmail({ smtp: `smtp://csc-kpi:${PASSWORD}@127.0.0.1:${port}`, from: 'kpi@council.gov.uk', to: ['a@council.gov.uk'] }, MESSAGE));
    expect(down.message).toBe(`could not reach the mail server 127.0.0.1:${port}: the connection was refused (nothing is listening there)`);
    expect(down.nonRetryable).toBe(false);
    expect(down.message).not.toContain(PASSWORD);
  });

  it('says once per worker, in the log, that no channel is configured', async () => {
    const lines: string[] = [];
    const logger = new DefaultLogger('INFO', (entry) => lines.push(entry.message));
    const acts = createActivities({ alertEnv: {} });
    const env = new MockActivityEnvironment(undefined, { logger });
    for (const asOf of ['2015-02-27', '2015-02-28']) {
      const plan = await env.run(acts.planFailedNightAlert, { asOf, workflowId: `kpi-night-${asOf}`, reason: 'x' });
      expect(plan).toEqual({ channels: [], message: null });
    }
    expect(lines.filter((l) => l.startsWith('alerts: no channel is configured'))).toEqual([
      'alerts: no channel is configured (config/alerts.json, CSC_KPI_ALERT_WEBHOOK, CSC_KPI_ALERT_SMTP), so no alert will be sent',
    ]);
  });

  it("records tonight's alert as not prepared, rather than failing the night, when the message cannot be made", async () => {
    // A home whose warehouse has no figures: building tonight's metrics fails (a bug, in real life).
    const home = await mkdtemp(join(tmpdir(), 'csc-kpi-alert-plan-'));
    const acts = createActivities({ alertEnv: { CSC_KPI_ALERT_WEBHOOK: 'https://hooks.slack.com/services/T/B/secret-token' } });
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    const plan: AlertPlan = await env.run(acts.planNightAlerts, { asOf: '2015-02-28', landing: home, home, workflowId: 'w', runId: 'r', createdAt: '2015-03-01T05:00:00.000Z', found: [] });
    expect(plan.channels).toEqual(['webhook']);
    expect(plan.message).toBeNull();
    expect(plan.problem).toBe("tonight's alert could not be prepared; the worker's log says why");
  });
});
