/**
 * The alert activities, part of `createActivities` (activities/index.ts): plan tonight's message,
 * plan a failed night's, send one message on one channel (the workflow retries it and records
 * the outcome), and the watchdog's check and memory. Settings are read at each use, so an edited
 * config/alerts.json applies from the next night without restarting the worker.
 */
import type { Context } from '@temporalio/activity';
import { alertChannels, describeChannels, type AlertSettings } from '../core/alert-config.js';
import { failedNightMessage, oneLine, type AlertMessage, type AlertPlan } from '../core/alert-message.js';
import type { AlertChannel } from '../core/metrics-contract.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { PublishInput } from '../core/night.js';
import { planNightAlert } from './alert-night.js';
import { postWebhook, sendEmail } from './alert-send.js';
import { readAlertSettings } from './alert-settings.js';
import { checkSnapshotAge, recordWatchdogAlert, type SnapshotAgeCheck } from './alert-watchdog.js';
import { homeDir } from './file-modes.js';
import type { ActivityDeps } from './index.js';
import type { Warehouse } from './warehouse.js';

interface Folders {
  home: string;
  landing?: string;
}

export interface AlertActivityContext {
  deps: ActivityDeps;
  /** The definitions tonight's figures were computed under (activities/night-catalogue.ts). */
  definitionsOf: (catalogue: string | undefined) => Promise<KpiDefinition[]>;
  checkFolders: (folders: Folders) => Promise<void>;
  withWarehouse: <T>(folders: Folders, fn: (w: Warehouse) => Promise<T>) => Promise<T>;
  signingKey: () => string | null;
  log: () => Context['log'];
}

export interface WatchdogCheck extends AlertPlan {
  overdue: boolean;
  hoursSince: number;
  latestSnapshotId: string | null;
}

export function alertActivities(c: AlertActivityContext) {
  let saidNoChannel = false;

  /** The settings and their channels; "none configured" is said once per worker, not every night. */
  const configured = async (): Promise<{ settings: AlertSettings; channels: AlertChannel[] }> => {
    const settings = await readAlertSettings(c.deps.alertsConfig, c.deps.alertEnv);
    const channels = alertChannels(settings);
    if (channels.length === 0 && !saidNoChannel) {
      saidNoChannel = true;
      c.log().info('alerts: no channel is configured (config/alerts.json, CSC_KPI_ALERT_WEBHOOK, CSC_KPI_ALERT_SMTP), so no alert will be sent');
    }
    return { settings, channels };
  };

  return {
    /**
     * Tonight's message (null: nothing to say), decided from the metrics about to be published.
     * Broken settings fail the night (above); anything else that stops the message being made is
     * recorded against each channel rather than failing the night over an alert.
     */
    async planNightAlerts(input: PublishInput): Promise<AlertPlan> {
      const { settings, channels } = await configured();
      if (channels.length === 0) return { channels, message: null };
      const key = c.signingKey();
      let message: AlertMessage | null;
      try {
        const defs = await c.definitionsOf(input.catalogue);
        message = await c.withWarehouse(input, (w) =>
          planNightAlert(w, input, {
            rejectedRowsPercent: settings.rejectedRowsPercent,
            signingKey: key,
            defs,
            ...(c.deps.freshnessConfig ? { freshnessPath: c.deps.freshnessConfig } : {}),
          }),
        );
      } catch (e) {
        // The record says what happened in our words; a library's message stays in the log.
        c.log().warn(`tonight's alert could not be prepared: ${oneLine((e as Error).message)}`);
        return { channels, message: null, problem: "tonight's alert could not be prepared; the worker's log says why" };
      }
      c.log().info(message ? 'alerts: tonight has something to say' : 'alerts: nothing to say tonight', { channels: describeChannels(settings) });
      return { channels, message };
    },

    /** A failed night's message. Reads no folder: the failure may be that the folders are wrong. */
    async planFailedNightAlert(input: { asOf: string | null; workflowId: string; reason: string }): Promise<AlertPlan> {
      const { channels } = await configured();
      return { channels, message: channels.length > 0 ? failedNightMessage(input) : null };
    },

    /** One message on one channel; a failure is thrown (in words) for the workflow to retry and record. */
    async sendAlert(input: { channel: AlertChannel; message: AlertMessage }): Promise<void> {
      const { settings } = await configured();
      if (input.channel === 'webhook') {
        if (!settings.webhook) throw new Error('the webhook is no longer configured');
        await postWebhook(settings.webhook, input.message);
      } else {
        if (!settings.email) throw new Error('email is no longer configured');
        await sendEmail(settings.email, input.message);
      }
      c.log().info('alert sent', { channel: input.channel, to: describeChannels({ ...settings, ...(input.channel === 'webhook' ? { email: null } : { webhook: null }) }) });
    },

    /** The watchdog: how old the newest snapshot is, and the alert due now (if any). */
    async checkSnapshotAge(input: { home: string; landing: string; now: string }): Promise<WatchdogCheck> {
      await c.checkFolders(input);
      const { settings, channels } = await configured();
      // Not the warehouse: a night may hold it. Only index.json and the watchdog's own file.
      await homeDir(input.home);
      const check: SnapshotAgeCheck = await checkSnapshotAge(input.home, input.now, settings.noSnapshotHours);
      if (check.overdue) c.log().warn(`no snapshot published for ${check.hoursSince} hours in ${input.home}`, { latest: check.latestSnapshotId, alerting: channels.length > 0 && check.message !== null });
      return { channels, message: channels.length > 0 ? check.message : null, overdue: check.overdue, hoursSince: check.hoursSince, latestSnapshotId: check.latestSnapshotId };
    },

    async recordWatchdogAlert(input: { home: string; landing: string; snapshotId: string | null; at: string }): Promise<void> {
      await c.checkFolders(input);
      await recordWatchdogAlert(input.home, input.snapshotId, input.at);
    },
  };
}
