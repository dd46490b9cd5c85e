/**
 * Which landing and home folders a worker serves. Any Temporal client can start a night with any
 * input, so the worker — not the client — decides where it reads and writes: an activity asked
 * about another folder fails, non-retryably, before it touches the disk. Folders are compared as
 * real paths (symlinks and `..` resolved), so another spelling of the same folder is the same
 * folder and a symlink cannot smuggle a different one in.
 *
 * A list of (landing, home) pairs, so one worker can serve several councils (issue 18).
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';

export interface ServedFolders {
  landing: string;
  home: string;
  /** The council's LA code (region.json's `la_code`) for its benchmarks; absent: CSC_KPI_LA_CODE or config/council.json. */
  laCode?: string;
}

/**
 * The real path of `p`, or, for a folder not created yet (a first night's home), the real path
 * of its nearest existing parent with the rest appended.
 */
export async function canonicalPath(p: string): Promise<string> {
  const abs = resolve(p);
  try {
    return await realpath(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(abs) === abs) throw err;
    return join(await canonicalPath(dirname(abs)), basename(abs));
  }
}

/** Paths quoted as JSON strings: a client's path with control characters cannot reach a terminal raw. */
const q = (path: string) => JSON.stringify(path);
const describe = (pairs: ServedFolders[]) => pairs.map((p) => `landing ${q(p.landing)} with home ${q(p.home)}`).join('; ');

/** Checks a night's folders against the served pairs; `landing` absent = a step that only gets the home. */
export function servedFoldersGuard(served: ServedFolders[]) {
  if (served.length === 0) throw new Error('A worker must serve at least one (landing, home) pair: set CSC_KPI_LANDING and CSC_KPI_HOME.');
  return async function check(asked: { home: string; landing?: string }): Promise<void> {
    const pairs = await Promise.all(served.map(async (p) => ({ landing: await canonicalPath(p.landing), home: await canonicalPath(p.home) })));
    // A path that cannot even be resolved (ENOTDIR, EACCES) is not one of ours either.
    const home = await canonicalPath(asked.home).catch(() => null);
    const landing = asked.landing === undefined ? undefined : await canonicalPath(asked.landing).catch(() => null);
    if (home !== null && landing !== null && pairs.some((p) => p.home === home && (landing === undefined || p.landing === landing))) return;
    const what = asked.landing === undefined ? `home ${q(asked.home)}` : `landing ${q(asked.landing)} and home ${q(asked.home)}`;
    throw ApplicationFailure.nonRetryable(
      `This worker serves ${describe(served)} only; the night asked for ${what}. ` +
        'Start the night with the folders the worker serves, or run a worker configured for these (CSC_KPI_LANDING, CSC_KPI_HOME).',
      'FolderNotServed',
    );
  };
}

/** The LA code of the served council whose home this is (a region's worker serves several), if one was given. */
export async function servedLaCode(served: readonly ServedFolders[], home: string): Promise<string | undefined> {
  const asked = await canonicalPath(home).catch(() => null);
  if (asked === null) return undefined;
  for (const p of served) if (p.laCode && (await canonicalPath(p.home).catch(() => null)) === asked) return p.laCode;
  return undefined;
}
