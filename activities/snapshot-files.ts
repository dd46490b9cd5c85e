/**
 * Atomic snapshot publishing on a POSIX file system: a snapshot is written under a hidden
 * temporary name, checked, then renamed into place; `latest` is a symlink replaced by rename,
 * so a reader sees the old snapshot or the new one, never a partial one.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, rename, rm, symlink, writeFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface IndexEntry {
  snapshot_id: string;
  as_of: string;
  created_at: string;
  workflow_id: string;
  run_id: string;
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function readIndex(snapshotsDir: string): Promise<IndexEntry[]> {
  try {
    return JSON.parse(await readFile(join(snapshotsDir, 'index.json'), 'utf8')) as IndexEntry[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Points `latest` at a snapshot folder with one atomic rename of a fresh symlink. */
export async function swapLatest(snapshotsDir: string, snapshotId: string): Promise<void> {
  const tmp = join(snapshotsDir, `.latest-${snapshotId}`);
  await rm(tmp, { force: true });
  await symlink(snapshotId, tmp);
  await rename(tmp, join(snapshotsDir, 'latest'));
}

/** Moves a finished temporary folder into place; refuses to replace an existing snapshot. */
export async function promote(tmpDir: string, finalDir: string): Promise<void> {
  if (await stat(finalDir).catch(() => null)) throw new Error(`snapshot ${finalDir} already exists; snapshots are immutable`);
  await rename(tmpDir, finalDir);
}

/** Removes leftovers of publishes that were interrupted before their rename. */
export async function sweepTemporary(snapshotsDir: string): Promise<void> {
  await mkdir(snapshotsDir, { recursive: true });
  for (const name of await readdir(snapshotsDir)) {
    if (name.startsWith('.tmp-') || name.startsWith('.latest-')) await rm(join(snapshotsDir, name), { recursive: true, force: true });
  }
}
