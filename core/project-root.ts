/**
 * The project's root directory: the nearest directory at or above this module that holds a
 * package.json. Works from source (core/) and from the build (dist/core/, dist has no
 * package.json). Node-only: not for workflows/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached !== undefined) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found at or above ${start}`);
    dir = parent;
  }
}

/** An absolute path inside the project: projectPath('sql', 'reference', 'calendar.sql'). */
export function projectPath(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}

/**
 * The version of the code running: package.json's version, plus `+<commit>` when CSC_KPI_COMMIT
 * is set (a deployment sets it at build). `csc-kpi --version` prints it and every manifest
 * records it as `code_version`, so the two can be matched.
 */
export function codeVersion(commit: string | null | undefined): string {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  return commit ? `${pkg.version}+${commit}` : pkg.version;
}
