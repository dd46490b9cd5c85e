/**
 * Analysts read `<home>/warehouse.duckdb`; the night writes a private working file. After a
 * snapshot is published the working file is checkpointed, copied and renamed over the analysts'
 * file: an analyst's open read-only connection keeps the old file until it reconnects, and
 * never sees a half-loaded warehouse or waits on the night's write lock.
 */
import { copyFile, rename } from 'node:fs/promises';
import type { Warehouse } from './warehouse.js';

export async function exportWarehouse(w: Warehouse, dest: string): Promise<void> {
  await w.run('CHECKPOINT');
  const tmp = `${dest}.tmp-${process.pid}`;
  await copyFile(w.path, tmp);
  await rename(tmp, dest);
}
