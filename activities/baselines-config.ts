/**
 * Reads and writes config/baselines.json (manual baselines; core/baseline-config.ts). A broken
 * file stops the night, like a broken KPI file: a declared baseline that silently did not apply
 * would leave the committee comparing figures it was told not to compare.
 */
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { BASELINES_CONFIG, EMPTY_CONFIG, parseBaselinesConfig, type BaselinesConfig } from '../core/baseline-config.js';
import { projectPath } from '../core/project-root.js';

export const BASELINES_CONFIG_PATH = projectPath(...BASELINES_CONFIG.split('/'));

/** The declarations, checked against the catalogue's KPI ids. A missing file is an empty one. */
export async function readBaselinesConfig(kpis: ReadonlySet<string>, path = BASELINES_CONFIG_PATH): Promise<BaselinesConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_CONFIG;
    throw e;
  }
  const parsed = parseBaselinesConfig(text, kpis, path === BASELINES_CONFIG_PATH ? BASELINES_CONFIG : path);
  if (!parsed.value) {
    throw ApplicationFailure.nonRetryable(`The manual baselines file has errors; fix them and re-run:\n${parsed.errors.join('\n')}`, 'BadBaselinesConfig');
  }
  return parsed.value;
}

/**
 * Writes the file whole (2-space JSON, trailing newline) under a temporary name, then renames.
 * It is versioned configuration, not data: it keeps the mode of the file it replaces (0644 when
 * new), so the CLI's owner-only umask does not hide it from a worker running as another account.
 */
export async function writeBaselinesConfig(config: BaselinesConfig, path = BASELINES_CONFIG_PATH): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const mode = ((await stat(path).catch(() => null))?.mode ?? 0o644) & 0o777;
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`);
  await chmod(tmp, mode);
  await rename(tmp, path);
}
