/**
 * Analysts read `<home>/warehouse.duckdb`; the night writes a private working file. After a
 * snapshot is published the working file is checkpointed, copied and renamed over the analysts'
 * file: an analyst's open read-only connection keeps the old file until it reconnects, and
 * never sees a half-loaded warehouse or waits on the night's write lock. Owner-only (0600), like
 * everything in the home that holds rows.
 */
import { constants } from 'node:fs';
import { copyFile, rename } from 'node:fs/promises';
import { privateFile } from './file-modes.js';
import type { Warehouse } from './warehouse.js';

export async function exportWarehouse(w: Warehouse, dest: string): Promise<void> {
  await w.run('CHECKPOINT');
  const tmp = `${dest}.tmp-${process.pid}`;
  // A reflink where the file system offers one (btrfs, XFS: instant, no bytes copied), else a copy.
  await copyFile(w.path, tmp, constants.COPYFILE_FICLONE);
  // A copy takes its source's mode; the analysts' copy holds child-level data: owner-only whatever the source was.
  await privateFile(tmp);
  await rename(tmp, dest);
}
