/**
 * config/alerts.json and the CSC_KPI_ALERT_* variables: the shipped file, the environment laid
 * over it, every mistake named without repeating a secret, and a broken file failing the night's
 * alert step non-retryably.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { alertChannels, alertSettings, describeChannels, EMPTY_ALERTS_CONFIG, parseAlertsConfig } from '../core/alert-config.js';
import { readAlertEnv, readEnvConfig } from '../core/env-config.js';
import { readAlertSettings } from '../activities/alert-settings.js';

const SECRET = 'hunter2-Sup3rSecret';
const HOOK = `https://example.webhook.office.com/webhookb2/${SECRET}`;

describe('config/alerts.json', () => {
  it('ships with no channel, the 1% reject threshold and the 36-hour watchdog', async () => {
    const s = await readAlertSettings(undefined, {});
    expect(s).toEqual({ webhook: null, email: null, rejectedRowsPercent: 1, noSnapshotHours: 36 });
    expect(alertChannels(s)).toEqual([]);
    expect(describeChannels(s)).toBe('none');
  });

  it('names every mistake with its key, and refuses credentials in the file (it is in git)', () => {
    const r = parseAlertsConfig(
      JSON.stringify({ version: 1, webhok: 'x', webhook: 'ftp://x', email: { smtp: `smtp://user:${SECRET}@mail.council.local`, from: 'nobody', to: ['a@b.gov.uk'] }, no_snapshot_hours: 0 }),
    );
    expect(r.value).toBeUndefined();
    const text = r.errors.join('\n');
    expect(text).toContain('config/alerts.json: (top level): Unrecognized key: "webhok"');
    expect(text).toContain('config/alerts.json: webhook: an http(s):// URL');
    expect(text).toContain('config/alerts.json: email.smtp: no user or password here (this file is in git): give the URL with its credentials in CSC_KPI_ALERT_SMTP');
    expect(text).toContain('config/alerts.json: email.from: an email address');
    expect(text).toContain('config/alerts.json: no_snapshot_hours:');
    expect(text).not.toContain(SECRET);
    expect(parseAlertsConfig('{ "version": 1,').errors[0]).toMatch(/^config\/alerts.json: not valid JSON/);
  });

  it('lets each variable replace its key in the file', () => {
    const config = parseAlertsConfig(JSON.stringify({ version: 1, webhook: 'https://hooks.slack.com/services/A/B/C', email: { smtp: 'smtp://relay.council.local:25', from: 'kpi@council.gov.uk', to: ['team@council.gov.uk'] }, rejected_rows_percent: 0.5 })).value!;
    const env = readAlertEnv({ CSC_KPI_ALERT_WEBHOOK: HOOK, CSC_KPI_ALERT_SMTP: `smtps://kpi:${SECRET}@mail.council.gov.uk:465`, CSC_KPI_ALERT_TO: 'a@council.gov.uk, b@council.gov.uk' });
    const s = alertSettings(config, env).value!;
    expect(s).toEqual({
      webhook: HOOK,
      email: { smtp: `smtps://kpi:${SECRET}@mail.council.gov.uk:465`, from: 'kpi@council.gov.uk', to: ['a@council.gov.uk', 'b@council.gov.uk'] },
      rejectedRowsPercent: 0.5,
      noSnapshotHours: 36,
    });
    expect(alertChannels(s)).toEqual(['webhook', 'email']);
    // The log line names hosts only: the webhook's path is its token, the SMTP URL holds a password.
    expect(describeChannels(s)).toBe('webhook to example.webhook.office.com; email through mail.council.gov.uk:465 to 2 recipients');
  });

  it('needs a sender and a recipient once there is a mail server', () => {
    const r = alertSettings(EMPTY_ALERTS_CONFIG, readAlertEnv({ CSC_KPI_ALERT_SMTP: 'smtp://relay.council.local' }));
    expect(r.errors).toEqual([
      'email alerts have a mail server but no sender: set CSC_KPI_ALERT_FROM (or email.from in config/alerts.json)',
      'email alerts have a mail server but no recipient: set CSC_KPI_ALERT_TO (or email.to in config/alerts.json)',
    ]);
  });

  it('validates the variables with the rest of the environment, naming each without its value; empty is unset', () => {
    expect(() => readEnvConfig({ CSC_KPI_ALERT_WEBHOOK: `hooks.slack.com/${SECRET}`, CSC_KPI_ALERT_SMTP: `http://u:${SECRET}@mail`, CSC_KPI_ALERT_TO: 'a@b.gov.uk; c' })).toThrow(
      /CSC_KPI_ALERT_WEBHOOK: an http\(s\):\/\/ URL.*CSC_KPI_ALERT_SMTP: an smtp:\/\/.*CSC_KPI_ALERT_TO\.0: an email address/,
    );
    const message = (() => {
      try {
        readEnvConfig({ CSC_KPI_ALERT_WEBHOOK: `hooks.slack.com/${SECRET}`, CSC_KPI_ALERT_SMTP: `http://u:${SECRET}@mail` });
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^Bad environment settings: CSC_KPI_ALERT_WEBHOOK: /);
    expect(message).not.toContain(SECRET);
    expect(readAlertEnv({ CSC_KPI_ALERT_WEBHOOK: '', CSC_KPI_ALERT_SMTP: '', CSC_KPI_ALERT_FROM: '', CSC_KPI_ALERT_TO: '' })).toEqual({});
  });

  it('a broken file, or settings that cannot send, fail non-retryably, with the fix named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-alerts-config-'));
    const file = join(dir, 'alerts.json');
    await writeFile(file, '{ "version": 2 }\n');
    const err = await readAlertSettings(file, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).type).toBe('BadAlertsConfig');
    expect((err as ApplicationFailure).message).toBe(`The alerts file has errors; fix them and re-run:\n${file}: version: Invalid input: expected 1`);

    await writeFile(file, '{ "version": 1 }\n');
    // A malformed variable never gets this far: the environment is validated where it is read,
    // as the CLI or worker starts (the test above). Valid but incomplete settings stop the night.
    const bad = (await readAlertSettings(file, readAlertEnv({ CSC_KPI_ALERT_SMTP: `smtp://u:${SECRET}@x` })).catch((e: unknown) => e)) as ApplicationFailure;
    expect(bad.nonRetryable).toBe(true);
    expect(bad.message).toContain('email alerts have a mail server but no sender: set CSC_KPI_ALERT_FROM');
    expect(bad.message).not.toContain(SECRET);
    // A missing file is no channel from the file; the environment alone may configure alerts.
    expect((await readAlertSettings(join(dir, 'none.json'), { CSC_KPI_ALERT_WEBHOOK: HOOK })).webhook).toBe(HOOK);
  });
});
