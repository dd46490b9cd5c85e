/**
 * Reads config/limits.json (core/limits.ts). A missing file is the defaults; a broken one stops
 * the night, like the other configuration files: limits that silently did not apply would let
 * one file exhaust the worker again.
 */
import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_LIMITS, LIMITS_CONFIG, parseLimits, type Limits } from '../core/limits.js';
import { projectPath } from '../core/project-root.js';

export const LIMITS_CONFIG_PATH = projectPath(...LIMITS_CONFIG.split('/'));

export async function readLimits(path = LIMITS_CONFIG_PATH): Promise<Limits> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_LIMITS;
    throw e;
  }
  const parsed = parseLimits(text, path === LIMITS_CONFIG_PATH ? LIMITS_CONFIG : path);
  if (!parsed.value) {
    throw ApplicationFailure.nonRetryable(`The limits file has errors; fix them and re-run:\n${parsed.errors.join('\n')}`, 'BadLimitsConfig');
  }
  return parsed.value;
}
