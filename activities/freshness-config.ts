/**
 * Reads config/freshness.json (core/freshness.ts): the maximum age of each source kind. A missing
 * file means the spec's defaults; a broken one stops the night, like a broken KPI file — a figure
 * published as fresh under a limit nobody set would mislead the committee.
 */
import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_FRESHNESS, FRESHNESS_CONFIG, parseFreshnessConfig, type FreshnessConfig } from '../core/freshness.js';
import { projectPath } from '../core/project-root.js';

export const FRESHNESS_CONFIG_PATH = projectPath(...FRESHNESS_CONFIG.split('/'));

export async function readFreshnessConfig(path = FRESHNESS_CONFIG_PATH): Promise<FreshnessConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_FRESHNESS;
    throw e;
  }
  const parsed = parseFreshnessConfig(text, path === FRESHNESS_CONFIG_PATH ? FRESHNESS_CONFIG : path);
  if (!parsed.value) {
    throw ApplicationFailure.nonRetryable(
      `The freshness file has errors; fix them (or delete the file to use the defaults: case-system 7 days, hr 45, audits 100) and re-run:\n${parsed.errors.join('\n')}`,
      'BadFreshnessConfig',
    );
  }
  return parsed.value;
}
