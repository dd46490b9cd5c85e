/**
 * Who may read the home folder. Everything the pipeline keeps (the raw archive, both warehouse
 * files, work/ scratch, snapshots, index.json) is owner-only: folders 0700, files 0600. The one
 * exception is each snapshot's `public/` (small numbers suppressed), which is meant to be shared:
 * 0755/0644, reached through the home, `snapshots/` and the snapshot folder, which are 0711 —
 * another account may pass through them to a name it already knows (`snapshots/latest/public/`)
 * but cannot list them, and every file in them is 0600 anyway.
 *
 * New paths get these modes exactly (chmod after creation, so the process umask cannot widen
 * them). A home made by an earlier version is tightened at the start of each night: a mode is
 * only ever narrowed there, never widened. Symbolic links are never followed, and the landing
 * folder (by default inside the home) is never touched: it belongs to whoever delivers the files.
 */
import { chmod, lstat, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;
export const PASS_THROUGH_DIR = 0o711;
export const PUBLIC_DIR = 0o755;
export const PUBLIC_FILE = 0o644;

/** The mode a path under the home should have, from its place in the home (`rel` with `/` separators, '' for the home). */
export function wantedMode(rel: string, isDir: boolean): number {
  const parts = rel === '' ? [] : rel.split('/');
  const inSnapshot = parts[0] === 'snapshots' && parts.length >= 2 && !parts[1]!.startsWith('.');
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'snapshots') || (inSnapshot && parts.length === 2 && isDir)) return PASS_THROUGH_DIR;
  if (inSnapshot && parts[2] === 'public') return isDir ? PUBLIC_DIR : PUBLIC_FILE;
  return isDir ? PRIVATE_DIR : PRIVATE_FILE;
}

/** Creates a folder (and any missing parents) and gives the folders it created exactly `mode`. */
export async function makeDir(path: string, mode: number): Promise<void> {
  const missing: string[] = [];
  for (let p = path; !(await stat(p).catch(() => null)); ) {
    missing.unshift(p);
    const parent = join(p, '..');
    if (parent === p) break;
    p = parent;
  }
  if (missing.length === 0) return;
  await mkdir(path, { recursive: true, mode });
  for (const p of missing) await chmod(p, mode);
}

/** An owner-only folder (0700), made if missing. */
export function privateDir(path: string): Promise<void> {
  return makeDir(path, PRIVATE_DIR);
}

/** The home folder (0711: passable to reach snapshots' public/, not listable), made if missing. */
export function homeDir(home: string): Promise<void> {
  return makeDir(home, PASS_THROUGH_DIR);
}

/** Makes a file owner-only (0600); a missing file is left missing. */
export async function privateFile(path: string): Promise<void> {
  await chmod(path, PRIVATE_FILE).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/**
 * DuckDB makes its own files with the process umask: the database, its write-ahead log and the
 * folder it spills to. Made owner-only after DuckDB has created them.
 */
export async function sealDuckDbFiles(dbPath: string): Promise<void> {
  await privateFile(dbPath);
  await privateFile(`${dbPath}.wal`);
  await chmod(`${dbPath}.tmp`, PRIVATE_DIR).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/** Gives a finished snapshot folder its published modes: the folder 0711, public/ 0755/0644, everything else 0600. */
export async function applySnapshotModes(dir: string): Promise<void> {
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = `${rel}/${e.name}`;
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        await chmod(p, wantedMode(r, true));
        await walk(p, r);
      } else {
        await chmod(p, wantedMode(r, false));
      }
    }
  };
  // The folder's own place under snapshots/ decides; its temporary name does not matter.
  const rel = 'snapshots/snapshot';
  await chmod(dir, wantedMode(rel, true));
  await walk(dir, rel);
}

export interface TightenResult {
  /** Paths (relative to the home) whose mode was narrowed. */
  tightened: string[];
  /** Paths that could not be narrowed (owned by another account), with the error code. */
  failed: string[];
}

/**
 * Narrows every path under the home to at most its wanted mode (never widens one). Skips
 * symbolic links and the landing folder. Returns what it changed, for the night's log.
 */
export async function tightenHome(home: string, landing?: string): Promise<TightenResult> {
  const out: TightenResult = { tightened: [], failed: [] };
  const homeStat = await lstat(home).catch(() => null);
  if (!homeStat?.isDirectory()) return out;
  const landingReal = landing ? await realpath(landing).catch(() => null) : null;
  const narrow = async (path: string, rel: string, mode: number, isDir: boolean): Promise<void> => {
    const current = mode & 0o777;
    const next = current & wantedMode(rel, isDir);
    if (next === current) return;
    try {
      await chmod(path, next);
      out.tightened.push(rel === '' ? '.' : rel);
    } catch (e) {
      out.failed.push(`${rel === '' ? '.' : rel} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (landingReal && (await realpath(p)) === landingReal) continue;
        await narrow(p, r, (await lstat(p)).mode, true);
        await walk(p, r);
      } else {
        await narrow(p, r, (await lstat(p)).mode, false);
      }
    }
  };
  await narrow(home, '', homeStat.mode, true);
  await walk(home, '');
  out.tightened.sort();
  out.failed.sort();
  return out;
}

/** One log line's worth of a tightening: the first few paths and how many more. */
export function describePaths(paths: string[], shown = 5): string {
  const head = paths.slice(0, shown).join(', ');
  return paths.length > shown ? `${head} and ${paths.length - shown} more` : head;
}
