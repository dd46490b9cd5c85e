/**
 * Reads config/header-aliases.json (core/header-names.ts). A missing file means names only; a
 * broken one stops the night, like the other configuration files: an alias that silently did not
 * apply would reject a council's files as "missing a required column".
 */
import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/common';
import { HEADER_ALIASES_CONFIG, NAMES_ONLY, parseHeaderAliases, type HeaderNames } from '../core/header-names.js';
import { projectPath } from '../core/project-root.js';

export const HEADER_ALIASES_PATH = projectPath(...HEADER_ALIASES_CONFIG.split('/'));

export async function readHeaderAliases(path = HEADER_ALIASES_PATH): Promise<HeaderNames> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return NAMES_ONLY;
    throw e;
  }
  const parsed = parseHeaderAliases(text, path === HEADER_ALIASES_PATH ? HEADER_ALIASES_CONFIG : path);
  if (!parsed.value) {
    throw ApplicationFailure.nonRetryable(`The header alias file has errors; fix them and re-run:\n${parsed.errors.join('\n')}`, 'BadHeaderAliasesConfig');
  }
  return parsed.value;
}
