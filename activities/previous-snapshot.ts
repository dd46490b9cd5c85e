/**
 * The snapshot a night is compared with: the newest published snapshot of an earlier as-of date
 * (the one `comparable_with_previous` looks at), read through snapshot-trust so a tampered one is
 * never compared with. Alerts compare statuses with it; the improvement plan counts slips against it.
 */
import { join } from 'node:path';
import type { PreviousSnapshot } from '../core/alert-night.js';
import type { NightInput } from '../core/night.js';
import { readVerifiedSnapshot } from './snapshot-trust.js';
import type { Warehouse } from './warehouse.js';

export async function previousSnapshot(w: Warehouse, input: Pick<NightInput, 'asOf' | 'home'>, key: string | null): Promise<PreviousSnapshot> {
  const [prev] = await w.rows<{ snapshot_id: string }>(
    'SELECT snapshot_id FROM meta.snapshots WHERE as_of < $as_of::DATE ORDER BY as_of DESC, created_at DESC LIMIT 1',
    { as_of: input.asOf },
  );
  if (!prev) return null;
  try {
    const v = await readVerifiedSnapshot(join(input.home, 'snapshots'), prev.snapshot_id, key);
    return { snapshotId: v.id, metrics: v.metrics };
  } catch (e) {
    return { snapshotId: prev.snapshot_id, problem: (e as Error).message };
  }
}
