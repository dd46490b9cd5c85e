/**
 * Reads config/alerts.json and lays the CSC_KPI_ALERT_* variables over it (validated where the
 * worker started, core/env-config.ts, and passed in) into the settings alerts act on. A broken
 * file stops the night, like the other configuration files: an alert that silently went nowhere
 * is how a data team misses the night it was needed.
 */
import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { ALERTS_CONFIG, alertSettings, EMPTY_ALERTS_CONFIG, parseAlertsConfig, type AlertEnv, type AlertsConfig, type AlertSettings } from '../core/alert-config.js';
import { projectPath } from '../core/project-root.js';

export const ALERTS_CONFIG_PATH = projectPath(...ALERTS_CONFIG.split('/'));

async function readConfigFile(path: string): Promise<AlertsConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    // No file is no alerts configured in it (the environment may still set them).
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_ALERTS_CONFIG;
    throw e;
  }
  const parsed = parseAlertsConfig(text, path === ALERTS_CONFIG_PATH ? ALERTS_CONFIG : path);
  if (!parsed.value) throw ApplicationFailure.nonRetryable(`The alerts file has errors; fix them and re-run:\n${parsed.errors.join('\n')}`, 'BadAlertsConfig');
  return parsed.value;
}

/** The file with the environment laid over it; throws non-retryably with every problem named. */
export async function readAlertSettings(path = ALERTS_CONFIG_PATH, alertEnv: AlertEnv = {}): Promise<AlertSettings> {
  const config = await readConfigFile(path);
  const merged = alertSettings(config, alertEnv, path === ALERTS_CONFIG_PATH ? ALERTS_CONFIG : path);
  if (!merged.value) throw ApplicationFailure.nonRetryable(`The alert settings are incomplete; fix them and re-run:\n${merged.errors.join('\n')}`, 'BadAlertsConfig');
  return merged.value;
}
