/**
 * Reading a published regional snapshot (issue 18) as something to rely on, the way
 * activities/snapshot-trust.ts reads a council's: the folder against its manifest, the manifest
 * against its signature, region.json against its contract. Used when publishing (the check before
 * the rename) and by `csc-kpi snapshots list|show|diff --home <region home>`, which tell a
 * regional snapshot from a council's by what its manifest lists (region.json, not metrics.json).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestSignatureInfo, SignatureStatus } from '../core/manifest-signature.js';
import { regionSnapshotFile, type RegionSnapshotFile } from '../core/region-snapshot.js';
import { checkManifestedFolder, MANIFEST, verifySnapshotFolder, type IndexEntry, type SnapshotCheck } from './snapshot-files.js';
import { refusalLine, resolveSnapshotId, signatureWarning, SnapshotNotTrusted } from './snapshot-trust.js';

export const REGION_FILE = 'region.json';

/** `manifest.json` of a regional snapshot: its lineage is the council snapshots it used. */
export interface RegionManifest extends IndexEntry {
  code_version: string;
  previous_snapshot_id: string | null;
  councils: { id: string; status: string; snapshot_id: string | null; manifest_sha256: string | null }[];
  files: Record<string, string>;
  signature?: ManifestSignatureInfo;
}

/** A regional snapshot folder against its manifest and signature (tampered when not as published), and its region.json against the contract. */
export async function verifyRegionFolder(dir: string, id: string, key: string | null): Promise<SnapshotCheck> {
  const { integrity, signature, manifest } = await checkManifestedFolder(dir, id, key);
  const tampered = integrity.length > 0;
  if (manifest === null) return { errors: integrity, tampered, signature };
  const errors = [...integrity];
  const text = await readFile(join(dir, REGION_FILE), 'utf8').catch(() => null);
  if (text === null) return { errors: [...errors, `${REGION_FILE}: missing`], tampered, signature };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { errors: [...errors, `${REGION_FILE}: cannot be read as JSON`], tampered, signature };
  }
  const parsed = regionSnapshotFile.safeParse(raw);
  if (!parsed.success) errors.push(...parsed.error.issues.slice(0, 5).map((i) => `${REGION_FILE}: ${i.path.join('.')}: ${i.message}`));
  else if (parsed.data.snapshot_id !== id) errors.push(`${REGION_FILE}: snapshot_id ${parsed.data.snapshot_id} differs from ${MANIFEST}`);
  return { errors, tampered, signature };
}

/** The problems of a regional snapshot folder, one line each (none when it verifies). */
export async function checkRegionFolder(dir: string, id: string, key: string | null): Promise<string[]> {
  return (await verifyRegionFolder(dir, id, key)).errors;
}

/** Whether a snapshot folder is a region's: its manifest lists region.json. A folder with no readable manifest is not. */
export async function isRegionalFolder(dir: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as { files?: Record<string, unknown> };
    return Object.hasOwn(manifest.files ?? {}, REGION_FILE);
  } catch {
    return false;
  }
}

/** Whether snapshot `id` (or `latest`) of a snapshots folder is a regional one. */
export async function isRegionalSnapshot(snapshotsDir: string, id: string): Promise<boolean> {
  return isRegionalFolder(join(snapshotsDir, await resolveSnapshotId(snapshotsDir, id)));
}

/** Either kind of snapshot folder, checked by its own rules. */
export async function verifyAnySnapshotFolder(dir: string, id: string, key: string | null): Promise<SnapshotCheck> {
  return (await isRegionalFolder(dir)) ? verifyRegionFolder(dir, id, key) : verifySnapshotFolder(dir, id, key);
}

export interface VerifiedRegionSnapshot {
  id: string;
  region: RegionSnapshotFile;
  manifest: RegionManifest;
  signature: SignatureStatus;
  /** One line for the reader when the snapshot is readable but not proved by a signature; null when signed. */
  warning: string | null;
}

/** A regional snapshot's region.json and manifest, after its files, manifest and signature check out (else one refusal line). */
export async function readVerifiedRegionSnapshot(snapshotsDir: string, id: string, key: string | null): Promise<VerifiedRegionSnapshot> {
  const resolved = await resolveSnapshotId(snapshotsDir, id);
  const folder = join(snapshotsDir, resolved);
  if (!(await stat(folder).catch(() => null))?.isDirectory()) throw new Error(`no snapshot ${resolved} in ${snapshotsDir} (see: csc-kpi snapshots list)`);
  if (!(await isRegionalFolder(folder))) throw new Error(`snapshot ${resolved} in ${snapshotsDir} is not a regional snapshot (its manifest does not list ${REGION_FILE}, or cannot be read)`);
  const check = await verifyRegionFolder(folder, resolved, key);
  if (check.errors.length > 0) throw new SnapshotNotTrusted(refusalLine(resolved, check), check.tampered);
  return {
    id: resolved,
    region: regionSnapshotFile.parse(JSON.parse(await readFile(join(folder, REGION_FILE), 'utf8'))),
    manifest: JSON.parse(await readFile(join(folder, MANIFEST), 'utf8')) as RegionManifest,
    signature: check.signature,
    warning: signatureWarning(resolved, check.signature),
  };
}
