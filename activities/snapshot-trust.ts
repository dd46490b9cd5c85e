/**
 * Reading a published snapshot as something to rely on: every read that shows or compares a
 * snapshot's figures goes through `readVerifiedSnapshot`, which checks the folder against its
 * manifest and the manifest against its signature first. A tampered snapshot is refused with one
 * plain line; an unsigned (or here uncheckable) one is read, with one warning line for the reader.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isIsoDate } from '../core/dates.js';
import type { SignatureStatus } from '../core/manifest-signature.js';
import type { MetricsFile } from '../core/metrics-contract.js';
import { printableName, readIndex, readLatest, readManifest, verifySnapshotFolder, type Manifest, type SnapshotCheck } from './snapshot-files.js';
import { validateMetricsJson } from './snapshot-validate.js';

export interface VerifiedSnapshot {
  id: string;
  metrics: MetricsFile;
  manifest: Manifest;
  signature: SignatureStatus;
  /** One line for the reader when the snapshot is readable but not proved by a signature; null when signed. */
  warning: string | null;
}

/** A snapshot that cannot be relied on; its message is one line. */
export class SnapshotNotTrusted extends Error {
  constructor(
    message: string,
    readonly tampered: boolean,
  ) {
    super(message);
    this.name = 'SnapshotNotTrusted';
  }
}

/** The one line a reader sees for a snapshot that is readable but not proved, or null. */
export function signatureWarning(id: string, status: SignatureStatus): string | null {
  if (status === 'unsigned') {
    return `warning: snapshot ${id} is unsigned (published without CSC_KPI_SIGNING_KEY, or by an older version): its files match its manifest, but nothing proves the manifest itself was not edited`;
  }
  if (status === 'unchecked') {
    return `warning: snapshot ${id} is signed, but CSC_KPI_SIGNING_KEY is not set here, so its signature was not checked: its files match its manifest, but the manifest itself is unproved`;
  }
  return null;
}

/** The one line for a snapshot that does not verify. */
export function refusalLine(id: string, check: SnapshotCheck): string {
  if (check.tampered) {
    return `snapshot ${id} has been tampered with: ${check.errors.join('; ')}. Do not use its figures: restore the folder from a backup, or re-run the night to publish a new snapshot.`;
  }
  return `snapshot ${id} does not verify: ${check.errors.join('; ')}`;
}

/**
 * The newest snapshot of an as-of date (index.json; the latest created of that date, as `latest`
 * would choose among them), or null.
 */
export async function newestOfDate(snapshotsDir: string, asOf: string): Promise<string | null> {
  const ofDate = (await readIndex(snapshotsDir)).filter((e) => e.as_of === asOf);
  ofDate.sort((x, y) => y.created_at.localeCompare(x.created_at));
  return ofDate[0]?.snapshot_id ?? null;
}

/**
 * `latest` → the id it points at; an as-of date (YYYY-MM-DD) → the newest snapshot of that date;
 * anything else must look like a snapshot id.
 */
export async function resolveSnapshotId(snapshotsDir: string, id: string): Promise<string> {
  if (isIsoDate(id)) {
    const newest = await newestOfDate(snapshotsDir, id);
    if (newest === null) throw new Error(`no snapshot as of ${id} in ${snapshotsDir} (see: csc-kpi snapshots list)`);
    return newest;
  }
  const resolved = id === 'latest' ? await readLatest(snapshotsDir) : id;
  if (resolved === null) throw new Error(`no snapshot has been published in ${snapshotsDir} yet`);
  if (!/^[A-Za-z0-9_.-]+$/.test(resolved) || resolved.startsWith('.')) {
    throw new Error(id === 'latest' ? `snapshots/latest points at "${printableName(resolved)}", which is not a snapshot id` : `"${printableName(id)}" is not a snapshot id`);
  }
  return resolved;
}

/** A snapshot's metrics and manifest, after its files, manifest and signature check out. */
export async function readVerifiedSnapshot(snapshotsDir: string, id: string, key: string | null): Promise<VerifiedSnapshot> {
  const resolved = await resolveSnapshotId(snapshotsDir, id);
  const folder = join(snapshotsDir, resolved);
  if (!(await stat(folder).catch(() => null))?.isDirectory()) throw new Error(`no snapshot ${resolved} in ${snapshotsDir} (see: csc-kpi snapshots list)`);
  const check = await verifySnapshotFolder(folder, resolved, key);
  if (check.errors.length > 0) throw new SnapshotNotTrusted(refusalLine(resolved, check), check.tampered);
  const { value } = await validateMetricsJson(await readFile(join(folder, 'metrics.json'), 'utf8'));
  return {
    id: resolved,
    metrics: value as MetricsFile,
    manifest: await readManifest(folder),
    signature: check.signature,
    warning: signatureWarning(resolved, check.signature),
  };
}
