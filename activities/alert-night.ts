/**
 * Tonight's alert, decided before the snapshot is published so that what was sent can be recorded
 * in it: the snapshot's id and folder are fixed by the night's workflow time and run id
 * (`snapshotIdFor`), and `metrics.json` is built here exactly as publish builds it (same warehouse,
 * same run, same catalogue). The previous snapshot is read through snapshot-trust, so a tampered
 * one is never compared with: the message says it could not be.
 */
import { join } from 'node:path';
import { nightAlert, type PreviousSnapshot } from '../core/alert-night.js';
import type { AlertMessage } from '../core/alert-message.js';
import type { PublishInput } from '../core/night.js';
import { buildMetrics } from './build-metrics.js';
import { readKpiCatalogue, type CatalogueOptions } from './kpi-files.js';
import { readFreshnessConfig } from './freshness-config.js';
import { snapshotIdFor } from '../core/snapshot-id.js';
import { standingSnapshot } from './publish.js';
import { readIndex } from './snapshot-files.js';
import { readVerifiedSnapshot } from './snapshot-trust.js';
import type { Warehouse } from './warehouse.js';

/** Where tonight's snapshot will be, once published. */
export function snapshotFolderFor(input: Pick<PublishInput, 'home' | 'asOf' | 'createdAt' | 'runId'>): { snapshotId: string; path: string } {
  const snapshotId = snapshotIdFor(input.asOf, input.createdAt, input.runId);
  return { snapshotId, path: join(input.home, 'snapshots', snapshotId) };
}

/** The newest published snapshot of an earlier as-of date (the one `comparable_with_previous` looks at). */
async function previousSnapshot(w: Warehouse, input: PublishInput, key: string | null): Promise<PreviousSnapshot> {
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

export async function planNightAlert(
  w: Warehouse,
  input: PublishInput,
  o: { rejectedRowsPercent: number; signingKey: string | null; catalogue?: CatalogueOptions; freshnessPath?: string },
): Promise<AlertMessage | null> {
  const { snapshotId, path } = snapshotFolderFor(input);
  const defs = await readKpiCatalogue(o.catalogue);
  const metrics = await buildMetrics(w, input, snapshotId, defs, await readFreshnessConfig(o.freshnessPath));
  // A re-run that equals the standing snapshot of its as-of publishes nothing new: nothing new to say either.
  const snapshotsDir = join(input.home, 'snapshots');
  if (await standingSnapshot(snapshotsDir, await readIndex(snapshotsDir), metrics, o.signingKey, () => undefined)) return null;
  return nightAlert({
    metrics,
    reportPath: join(path, 'report.html'),
    previous: await previousSnapshot(w, input, o.signingKey),
    rejectedRowsPercent: o.rejectedRowsPercent,
  });
}
