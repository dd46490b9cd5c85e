/**
 * Tonight's alert, decided before the snapshot is published so that what was sent can be recorded
 * in it: the snapshot's id and folder are fixed by the night's workflow time and run id
 * (`snapshotIdFor`), and `metrics.json` is built here exactly as publish builds it (same warehouse,
 * same run, same catalogue). The previous snapshot is read through snapshot-trust, so a tampered
 * one is never compared with: the message says it could not be.
 */
import { join } from 'node:path';
import { nightAlert } from '../core/alert-night.js';
import type { AlertMessage } from '../core/alert-message.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { PublishInput } from '../core/night.js';
import { buildMetrics } from './build-metrics.js';
import { readKpiCatalogue, type CatalogueOptions } from './kpi-files.js';
import { readFreshnessConfig } from './freshness-config.js';
import { snapshotIdFor } from '../core/snapshot-id.js';
import { standingSnapshot } from './publish.js';
import { readIndex } from './snapshot-files.js';
import { previousSnapshot } from './previous-snapshot.js';
import type { Warehouse } from './warehouse.js';

/** Where tonight's snapshot will be, once published. */
export function snapshotFolderFor(input: Pick<PublishInput, 'home' | 'asOf' | 'createdAt' | 'runId'>): { snapshotId: string; path: string } {
  const snapshotId = snapshotIdFor(input.asOf, input.createdAt, input.runId);
  return { snapshotId, path: join(input.home, 'snapshots', snapshotId) };
}

export async function planNightAlert(
  w: Warehouse,
  input: PublishInput,
  o: {
    rejectedRowsPercent: number;
    signingKey: string | null;
    catalogue?: CatalogueOptions;
    /** The catalogue tonight's figures were computed under (activities/night-catalogue.ts); given, `catalogue` is not read. */
    defs?: KpiDefinition[];
    freshnessPath?: string;
  },
): Promise<AlertMessage | null> {
  const { snapshotId, path } = snapshotFolderFor(input);
  const defs = o.defs ?? (await readKpiCatalogue(o.catalogue));
  const metrics = await buildMetrics(w, input, snapshotId, defs, await readFreshnessConfig(o.freshnessPath), o.signingKey);
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
