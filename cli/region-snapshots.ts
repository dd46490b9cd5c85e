/**
 * `csc-kpi snapshots show|diff` on a region's home (issue 18): a regional snapshot is verified as
 * a council's is (files, manifest, signature; activities/region-snapshot-read.ts) and shown in
 * the words `region run` uses. `list` needs nothing of its own: it checks each folder by its kind.
 */
import { join } from 'node:path';
import { readVerifiedRegionSnapshot, type VerifiedRegionSnapshot } from '../activities/region-snapshot-read.js';
import { diffRegionSnapshots, formatRegionDiff } from '../core/region-diff.js';
import { formatRegionSnapshot } from './region-summary.js';

async function load(snapshotsDir: string, id: string, key: string | null): Promise<VerifiedRegionSnapshot> {
  const s = await readVerifiedRegionSnapshot(snapshotsDir, id, key);
  // stderr: stdout carries what a script may read.
  if (s.warning) process.stderr.write(`${s.warning}\n`);
  return s;
}

export async function showRegionSnapshot(snapshotsDir: string, id: string, key: string | null): Promise<string> {
  const s = await load(snapshotsDir, id, key);
  return formatRegionSnapshot(s.region, s.manifest, join(snapshotsDir, s.id));
}

export async function diffRegionSnapshotsIn(snapshotsDir: string, a: string, b: string, key: string | null): Promise<string> {
  const A = await load(snapshotsDir, a, key);
  const B = await load(snapshotsDir, b, key);
  return formatRegionDiff(diffRegionSnapshots(A.region, B.region), { a: A.region.as_of, b: B.region.as_of });
}
