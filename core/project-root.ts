/**
 * The project's root directory: the nearest directory at or above this module that holds a
 * package.json. Works from source (core/) and from the build (dist/core/, dist has no
 * package.json). Node-only: not for workflows/.
 */
import { existsSync } from 'node:fs';
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
