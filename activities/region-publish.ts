/**
 * Publishes a regional snapshot under the region's home, the way a council's is published
 * (activities/publish.ts, activities/snapshot-files.ts): `snapshots/<id>/` with region.json,
 * region.parquet and report.html, a manifest (signed with CSC_KPI_SIGNING_KEY when set) naming
 * every file's sha256 and every council snapshot used, checked before it is renamed into place;
 * then `latest` and `index.json`. Every run publishes a new version; a retry of the same run
 * returns the snapshot it published.
 *
 * The region's own DuckDB file (`<region home>/work/region.duckdb`) reads the councils' parquet
 * files and writes region.parquet, and, held for the whole publish, keeps two worker processes
 * from publishing into the same region at once (DuckDB allows one writer per file; the other
 * fails, retryably, and its retry publishes after).
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { signatureInfo, signManifest, SIGNATURE_FILE } from '../core/manifest-signature.js';
import type { RegionConfig } from '../core/region-config.js';
import type { PublishRegionInput, PublishRegionResult } from '../core/region-night.js';
import { shownCouncilReason } from '../core/region-reason.js';
import { renderRegionReport } from '../core/region-report-html.js';
import { buildRegionSnapshot } from '../core/region-rollup.js';
import { flattenRegion, REGION_FLAT_TYPES, regionSnapshotFile, type RegionSnapshotFile } from '../core/region-snapshot.js';
import { applySnapshotModes, homeDir, privateDir, PRIVATE_FILE, sealDuckDbFiles } from './file-modes.js';
import { codeVersion } from '../core/project-root.js';
import { snapshotIdFor } from '../core/snapshot-id.js';
import { readCouncilFigures, type CouncilRead } from './region-councils.js';
import { readRegionNeighbours } from './region-neighbours.js';
import { checkRegionFolder, REGION_FILE, type RegionManifest } from './region-snapshot-read.js';
import {
  exclusively,
  fsyncTree,
  hashFolder,
  MANIFEST,
  promote,
  readIndex,
  sweepTemporary,
  swapLatest,
  writeIndex,
  type IndexEntry,
} from './snapshot-files.js';
import { writeRowsAsParquet } from './snapshot-write.js';
import { Warehouse } from './warehouse.js';

export interface RegionPublishOptions {
  signingKey: string | null;
  /** CSC_KPI_COMMIT, in the manifest's code_version. */
  commit?: string | null;
  warn?: (message: string) => void;
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

async function resultOf(dir: string): Promise<PublishRegionResult> {
  const r = regionSnapshotFile.parse(JSON.parse(await readFile(join(dir, REGION_FILE), 'utf8')));
  return {
    snapshotId: r.snapshot_id,
    path: dir,
    councils: r.councils.map((c) => ({ id: c.id, name: c.name, status: c.status, snapshotId: c.snapshot_id, reason: c.reason })),
    summary: r.summary,
  };
}

async function readCouncils(w: Warehouse, config: RegionConfig, input: PublishRegionInput, key: string | null): Promise<CouncilRead[]> {
  const named = [config.path, config.home, ...config.councils.flatMap((c) => [c.landing, c.home])];
  const out: CouncilRead[] = [];
  for (const council of config.councils) {
    const night = input.nights.find((n) => n.council === council.id);
    const shown = night?.night === 'failed' ? { ...night, reason: shownCouncilReason(night.reason, named) } : night;
    out.push(await readCouncilFigures(w, council, shown, input.asOf, key));
  }
  return out;
}

async function writeContents(w: Warehouse, dir: string, r: RegionSnapshotFile): Promise<void> {
  await writeFile(join(dir, REGION_FILE), json(r));
  await writeRowsAsParquet(w, join(dir, 'region.parquet'), flattenRegion(r), REGION_FLAT_TYPES);
  await writeFile(join(dir, 'report.html'), renderRegionReport(r));
}

async function publishLocked(w: Warehouse, config: RegionConfig, input: PublishRegionInput, opts: RegionPublishOptions): Promise<PublishRegionResult> {
  const key = opts.signingKey;
  const snapshotsDir = join(config.home, 'snapshots');
  await sweepTemporary(snapshotsDir);
  const snapshotId = snapshotIdFor(input.asOf, input.createdAt, input.runId);
  const finalDir = join(snapshotsDir, snapshotId);
  const entry: IndexEntry = { snapshot_id: snapshotId, as_of: input.asOf, created_at: input.createdAt, workflow_id: input.workflowId, run_id: input.runId };
  const index = await readIndex(snapshotsDir);
  const mine = index.find((e) => e.run_id === input.runId);
  if (mine) return resultOf(join(snapshotsDir, mine.snapshot_id));
  if (await stat(finalDir).catch(() => null)) {
    // This run renamed its snapshot into place, then was killed before indexing it: finish, if it verifies.
    if ((await checkRegionFolder(finalDir, snapshotId, key)).length === 0) {
      await swapLatest(snapshotsDir, snapshotId);
      await writeIndex(snapshotsDir, [entry, ...index]);
      return resultOf(finalDir);
    }
    await rm(finalDir, { recursive: true, force: true });
  }

  const councils = await readCouncils(w, config, input, key);
  const { neighbours, notes } = await readRegionNeighbours(config);
  const snapshot = regionSnapshotFile.parse(
    buildRegionSnapshot({ snapshotId, asOf: input.asOf, createdAt: input.createdAt, region: config.name, councils, neighbours, notes }),
  );

  const tmp = join(snapshotsDir, `.tmp-${snapshotId}`);
  await privateDir(tmp);
  await writeContents(w, tmp, snapshot);
  const manifest: RegionManifest = {
    ...entry,
    code_version: codeVersion(opts.commit),
    previous_snapshot_id: index[0]?.snapshot_id ?? null,
    councils: councils.map((c) => ({ id: c.id, status: c.status, snapshot_id: c.snapshotId, manifest_sha256: c.manifestSha256 })),
    files: await hashFolder(tmp),
    ...(key ? { signature: signatureInfo(key) } : {}),
  };
  const manifestBytes = Buffer.from(json(manifest));
  await writeFile(join(tmp, MANIFEST), manifestBytes, { mode: PRIVATE_FILE });
  if (key) await writeFile(join(tmp, SIGNATURE_FILE), signManifest(manifestBytes, key), { mode: PRIVATE_FILE });
  else opts.warn?.(`regional snapshot ${snapshotId} is published unsigned: CSC_KPI_SIGNING_KEY is not set (README, "Signing snapshots")`);

  await fsyncTree(tmp);
  const errors = await checkRegionFolder(tmp, snapshotId, key);
  if (errors.length > 0) {
    throw ApplicationFailure.nonRetryable(`Regional snapshot ${snapshotId} failed its checks and was not published: ${errors.join('; ')}`, 'SnapshotInvalid');
  }
  await applySnapshotModes(tmp);
  await promote(tmp, finalDir);
  await swapLatest(snapshotsDir, snapshotId);
  await writeIndex(snapshotsDir, [entry, ...index]);
  return resultOf(finalDir);
}

export async function publishRegion(config: RegionConfig, input: PublishRegionInput, opts: RegionPublishOptions): Promise<PublishRegionResult> {
  await homeDir(config.home);
  await privateDir(join(config.home, 'work'));
  const dbPath = join(config.home, 'work', 'region.duckdb');
  return exclusively(join(config.home, 'snapshots'), () =>
    Warehouse.with(dbPath, async (w) => {
      await sealDuckDbFiles(dbPath);
      try {
        return await publishLocked(w, config, input, opts);
      } finally {
        await sealDuckDbFiles(dbPath);
      }
    }),
  );
}
