/**
 * Publish: write tonight's snapshot folder under a temporary name, check it (re-read metrics.json
 * against the shipped JSON Schema and the zod contract, verify every manifest hash), rename it
 * into place, swap `latest`, rewrite `index.json`. A reader of `latest` or `index.json` sees the
 * previous state or the new one, never a partial snapshot.
 *
 * Recovery, at the start of every publish: hidden leftovers of an interrupted publish are swept;
 * a complete snapshot folder that a killed publish renamed into place but never indexed is
 * verified and adopted into index.json; a retry of a run that already published returns its
 * snapshot (no duplicate) and finishes the `latest` swap if the kill came before it.
 *
 * One night, one snapshot: a re-run whose figures, baseline events and sources equal the newest
 * snapshot of its as-of date (core/snapshot-sameness.ts; read through activities/snapshot-trust.ts,
 * so a snapshot that does not verify never stands) publishes nothing and names that snapshot.
 * `latest` is the newest snapshot of the newest as-of date (`latestOf`): a backfill of an earlier
 * night never moves it back in time.
 *
 * Custody: the folder is written owner-only and given its published modes (activities/file-modes.ts)
 * just before the rename; with a signing key, manifest.sig signs manifest.json's bytes
 * (core/manifest-signature.ts), and recovery adopts only folders that verify under that key.
 */
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { KpiDefinition } from '../core/kpi-definition.js';
import type { PublishInput, PublishResult } from '../core/night.js';
import { codeVersion } from '../core/project-root.js';
import { snapshotIdFor } from '../core/snapshot-id.js';
import { signatureInfo, signManifest, SIGNATURE_FILE } from '../core/manifest-signature.js';
import { buildMetrics } from './build-metrics.js';
import { recordPublishedFigures } from './published-figures.js';
import { applySnapshotModes, privateDir, PRIVATE_FILE } from './file-modes.js';
import { readFreshnessConfig } from './freshness-config.js';
import { readKpiCatalogue, type CatalogueOptions } from './kpi-files.js';
import { sameNight } from '../core/snapshot-sameness.js';
import type { MetricsFile } from '../core/metrics-contract.js';
import {
  exclusively,
  fsyncTree,
  hashFolder,
  latestOf,
  MANIFEST,
  newestOfAsOf,
  promote,
  readIndex,
  readLatest,
  readManifest,
  sweepTemporary,
  swapLatest,
  unindexedFolders,
  verifySnapshotFolder,
  writeIndex,
  type IndexEntry,
  type Manifest,
} from './snapshot-files.js';
import { readVerifiedSnapshot } from './snapshot-trust.js';
import { writeSnapshotContents } from './snapshot-write.js';
import type { Warehouse } from './warehouse.js';

/** The points between publish steps; tests stop a publish at each one. */
export type PublishStep = 'contents-written' | 'manifest-written' | 'checked' | 'promoted' | 'latest-swapped' | 'indexed';

export interface PublishOptions {
  /** Called after each step (tests kill or fail the publish here). */
  after?: (step: PublishStep) => void | Promise<void>;
  /** Told about anything recovery found and could not use. */
  warn?: (message: string) => void;
  /** Where the KPI catalogue is read from (default sql/kpi/); tests point it at a temp copy. */
  catalogue?: CatalogueOptions;
  /** The catalogue tonight's figures were computed under (activities/night-catalogue.ts); given, `catalogue` is not read. */
  defs?: KpiDefinition[];
  /** CSC_KPI_SIGNING_KEY: signs manifest.json; without it the snapshot is published unsigned (and `warn` says so). */
  signingKey?: string | null;
  /** CSC_KPI_COMMIT, in the manifest's code_version (`codeVersion`). */
  commit?: string | null;
  /** Maximum source ages (default config/freshness.json); tests point it elsewhere. */
  freshnessPath?: string;
}

function indexEntry(m: IndexEntry): IndexEntry {
  return { snapshot_id: m.snapshot_id, as_of: m.as_of, created_at: m.created_at, workflow_id: m.workflow_id, run_id: m.run_id };
}

/** Adds complete, verified snapshot folders that index.json misses; leaves (and reports) anything else. */
async function adoptUnindexed(snapshotsDir: string, index: IndexEntry[], key: string | null, warn: (m: string) => void): Promise<IndexEntry[]> {
  const adopted: IndexEntry[] = [];
  for (const id of await unindexedFolders(snapshotsDir, index)) {
    const dir = join(snapshotsDir, id);
    const { errors } = await verifySnapshotFolder(dir, id, key);
    if (errors.length > 0) {
      warn(`snapshots/${id} is not in index.json and does not verify, so it was left out: ${errors.join('; ')}`);
      continue;
    }
    adopted.push(indexEntry(await readManifest(dir)));
  }
  if (adopted.length > 0) await writeIndex(snapshotsDir, [...index, ...adopted]);
  return adopted.length > 0 ? readIndex(snapshotsDir) : index;
}

/** meta.snapshots, and every published figure in kpi.published (with `latest` marked). */
async function recordInWarehouse(w: Warehouse, e: IndexEntry, path: string, warn: (m: string) => void): Promise<void> {
  const { skipped } = await recordPublishedFigures(w, dirname(path));
  if (skipped.length > 0) warn(`kpi.published leaves out ${skipped.length} older snapshots whose metrics.json is an earlier schema version (${skipped.join(', ')})`);
  await w.run('INSERT OR REPLACE INTO meta.snapshots VALUES ($id, $as_of::DATE, $created::TIMESTAMP, $wf, $run, $path)', {
    id: e.snapshot_id,
    as_of: e.as_of,
    created: e.created_at.replace('Z', ''),
    wf: e.workflow_id,
    run: e.run_id,
    path,
  });
}

/** Points `latest` at the newest snapshot of the newest as-of among `entries`, if it does not already. */
async function pointLatest(snapshotsDir: string, entries: IndexEntry[]): Promise<void> {
  const target = latestOf(entries);
  if (target && (await readLatest(snapshotsDir)) !== target.snapshot_id) await swapLatest(snapshotsDir, target.snapshot_id);
}

/**
 * The snapshot that stands instead of tonight's: the newest of tonight's as-of date, when it
 * verifies and tonight's metrics equal its own. One that does not verify (tampered, or signed
 * under another key) is said in `warn` and never stands.
 */
export async function standingSnapshot(snapshotsDir: string, index: IndexEntry[], tonight: MetricsFile, key: string | null, warn: (m: string) => void): Promise<IndexEntry | null> {
  const newest = newestOfAsOf(index, tonight.as_of);
  if (!newest) return null;
  try {
    const standing = await readVerifiedSnapshot(snapshotsDir, newest.snapshot_id, key);
    return sameNight(tonight, standing.metrics) ? newest : null;
  } catch (e) {
    warn(`${(e as Error).message} Tonight's snapshot is published in its place.`);
    return null;
  }
}

export async function publishSnapshot(w: Warehouse, input: PublishInput, opts: PublishOptions = {}): Promise<PublishResult> {
  const snapshotsDir = join(input.home, 'snapshots');
  const after = opts.after ?? (() => undefined);
  const warn = opts.warn ?? (() => undefined);
  const key = opts.signingKey ?? null;
  return exclusively(snapshotsDir, async () => {
    await sweepTemporary(snapshotsDir);
    const snapshotId = snapshotIdFor(input.asOf, input.createdAt, input.runId);
    const finalDir = join(snapshotsDir, snapshotId);
    const index = await adoptUnindexed(snapshotsDir, await readIndex(snapshotsDir), key, warn);
    const mine = index.find((e) => e.run_id === input.runId);
    if (mine) {
      // This run published before (an activity retry). If the kill came before index.json was
      // written, `latest` may not point where it should yet: finish the swap.
      await pointLatest(snapshotsDir, index);
      await recordInWarehouse(w, mine, join(snapshotsDir, mine.snapshot_id), warn);
      return { snapshotId: mine.snapshot_id, path: join(snapshotsDir, mine.snapshot_id), published: true };
    }

    const defs = opts.defs ?? (await readKpiCatalogue(opts.catalogue));
    const built = await buildMetrics(w, input, snapshotId, defs, await readFreshnessConfig(opts.freshnessPath), key);
    const standing = await standingSnapshot(snapshotsDir, index, built, key, warn);
    if (standing) {
      await pointLatest(snapshotsDir, index);
      await recordInWarehouse(w, standing, join(snapshotsDir, standing.snapshot_id), warn);
      return { snapshotId: standing.snapshot_id, path: join(snapshotsDir, standing.snapshot_id), published: false };
    }
    // Tonight's alerts were sent before publishing (workflows/alerts.ts): their record is part of the snapshot.
    const metrics = { ...built, ...(input.alerts ? { alerts: input.alerts } : {}) };
    const tmp = join(snapshotsDir, `.tmp-${snapshotId}`);
    await rm(tmp, { recursive: true, force: true });
    await privateDir(tmp);
    await writeSnapshotContents(w, tmp, metrics, defs);
    await after('contents-written');

    const entry: IndexEntry = { snapshot_id: snapshotId, as_of: input.asOf, created_at: input.createdAt, workflow_id: input.workflowId, run_id: input.runId };
    const manifest: Manifest = {
      ...entry,
      code_version: codeVersion(opts.commit),
      previous_snapshot_id: index[0]?.snapshot_id ?? null,
      sources: metrics.data_quality.sources
        .filter((s) => s.used)
        .map((s) => ({
          file: s.file,
          ...(s.sheet ? { sheet: s.sheet } : {}),
          source: s.source,
          sha256: s.sha256,
          extract_date: s.extract_date,
          rows_loaded: s.rows_loaded,
          rows_rejected: s.rows_rejected,
        })),
      kpi_definitions: Object.fromEntries(defs.map((d) => [d.meta.id, d.version])),
      files: await hashFolder(tmp),
      ...(key ? { signature: signatureInfo(key) } : {}),
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(tmp, MANIFEST), manifestBytes, { mode: PRIVATE_FILE });
    if (key) await writeFile(join(tmp, SIGNATURE_FILE), signManifest(manifestBytes, key), { mode: PRIVATE_FILE });
    else warn(`snapshot ${snapshotId} is published unsigned: CSC_KPI_SIGNING_KEY is not set, so nothing will prove its manifest unedited (README, "Signing snapshots")`);
    await after('manifest-written');

    // Check what was written, not what was meant to be written.
    await fsyncTree(tmp);
    const { errors } = await verifySnapshotFolder(tmp, snapshotId, key);
    if (errors.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `Snapshot ${snapshotId} failed its checks and was not published (left in snapshots/.tmp-${snapshotId} until the next run):\n${errors.join('\n')}`,
        'SnapshotInvalid',
      );
    }
    await after('checked');

    await applySnapshotModes(tmp);
    await promote(tmp, finalDir);
    await after('promoted');
    await pointLatest(snapshotsDir, [entry, ...index]);
    await after('latest-swapped');
    await writeIndex(snapshotsDir, [entry, ...index]);
    await after('indexed');
    await recordInWarehouse(w, entry, finalDir, warn);
    return { snapshotId, path: finalDir, published: true };
  });
}
