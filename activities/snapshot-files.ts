/**
 * Atomic snapshot publishing on a POSIX file system: a snapshot is written under a hidden
 * temporary name, checked, then renamed into place; `latest` is a symlink replaced by rename,
 * so a reader sees the old snapshot or the new one, never a partial one. Files are fsynced
 * before each rename, so the order also holds across a power cut, not only a killed process.
 *
 * Names in `<home>/snapshots/`: `<snapshot-id>/` (complete, verified, immutable), `latest`,
 * `index.json`, and hidden leftovers of interrupted publishes (`.tmp-<id>/`, `.latest-<id>`,
 * `.index.json.tmp-<pid>`), which the next publish sweeps.
 */
import { createHash } from 'node:crypto';
import { open, readFile, readdir, rename, rm, symlink, stat, readlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkManifestSignature, SIGNATURE_FILE, type ManifestSignatureInfo, type SignatureStatus } from '../core/manifest-signature.js';
import { makeDir, PASS_THROUGH_DIR, PRIVATE_FILE } from './file-modes.js';
import { validateMetricsJson } from './snapshot-validate.js';

export interface IndexEntry {
  snapshot_id: string;
  as_of: string;
  created_at: string;
  workflow_id: string;
  run_id: string;
}

/** A source file a snapshot used, as listed in its manifest. */
export interface ManifestSource {
  file: string;
  /** The workbook sheet the rows came from (an Annex A workbook's list sheet). */
  sheet?: string;
  source: string;
  sha256: string | null;
  extract_date: string | null;
  rows_loaded: number;
  rows_rejected: number;
}

/** `manifest.json`: the lineage of one snapshot (spec: outputs.md, "A snapshot folder"). */
export interface Manifest extends IndexEntry {
  code_version: string;
  previous_snapshot_id: string | null;
  sources: ManifestSource[];
  kpi_definitions: Record<string, string>;
  /** sha256 of every file in the folder except manifest.json and manifest.sig, by path relative to the folder. */
  files: Record<string, string>;
  /** Present when the snapshot was signed (manifest.sig; core/manifest-signature.ts). */
  signature?: ManifestSignatureInfo;
}

export const MANIFEST = 'manifest.json';
/** Files a manifest cannot list: itself, and the signature of its own bytes. */
const NOT_LISTED = new Set([MANIFEST, SIGNATURE_FILE]);
const HIDDEN_LEFTOVER = /^\.(tmp-|latest-|index\.json\.tmp-)/;

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Flushes a file or directory to disk. */
async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes a file under a hidden temporary name in the same folder, fsyncs it, renames it over `path`. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const fh = await open(tmp, 'w', PRIVATE_FILE);
  try {
    await fh.chmod(PRIVATE_FILE);
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncPath(dirname(path));
}

/** Every file under `dir`, as sorted paths relative to it with `/` separators. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

/** sha256 of every file in a snapshot folder except manifest.json and manifest.sig. */
export async function hashFolder(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const rel of await listFiles(dir)) if (!NOT_LISTED.has(rel)) files[rel] = await sha256File(join(dir, rel));
  return files;
}

/** fsyncs every file and folder of a tree, so a rename of it is not reordered before its contents. */
export async function fsyncTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await fsyncTree(p);
    else await fsyncPath(p);
  }
  await fsyncPath(dir);
}

export async function readManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
}

/** A name from a folder or a manifest as it may be shown on a terminal: control characters escaped. */
export function printableName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface SnapshotCheck {
  /** Every problem found, one line each (empty when the folder verifies). */
  errors: string[];
  /**
   * The folder is not what was published: a file added, missing or changed against the manifest,
   * a manifest that cannot be read or names another snapshot, or a signature that fails.
   */
  tampered: boolean;
  signature: SignatureStatus;
}

/** What the manifest half of a check found: the folder against its manifest and signature. */
export interface ManifestCheck {
  /** Integrity problems, one line each: files added, missing or changed, ids that differ, a failing signature. */
  integrity: string[];
  signature: SignatureStatus;
  /** The manifest as read (null when it is missing or not JSON). */
  manifest: Manifest | null;
  /** Files in the folder other than manifest.json and manifest.sig. */
  present: string[];
}

/**
 * Checks a folder against its manifest: manifest.json names exactly the files present, each with
 * its sha256, its snapshot_id is `expectedId`, and its signature (manifest.sig) matches `key` when
 * there is one. Any snapshot folder: a council's (with metrics.json) or a region's.
 */
export async function checkManifestedFolder(dir: string, expectedId?: string, key: string | null = null): Promise<ManifestCheck> {
  let bytes: Buffer;
  let manifest: Manifest;
  try {
    bytes = await readFile(join(dir, MANIFEST));
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'cannot be read as JSON';
    return { integrity: [`${MANIFEST}: ${why}`], signature: 'tampered', manifest: null, present: [] };
  }
  const integrity: string[] = [];
  if (expectedId !== undefined && manifest.snapshot_id !== expectedId) {
    integrity.push(`${MANIFEST}: snapshot_id ${printableName(String(manifest.snapshot_id))}, expected ${printableName(expectedId)}`);
  }
  const listed = manifest.files ?? {};
  const present = (await listFiles(dir)).filter((f) => !NOT_LISTED.has(f));
  for (const f of present) if (!(f in listed)) integrity.push(`${printableName(f)}: in the folder but not in ${MANIFEST}`);
  for (const [f, hash] of Object.entries(listed)) {
    if (!present.includes(f)) integrity.push(`${printableName(f)}: listed in ${MANIFEST} but missing`);
    else if ((await sha256File(join(dir, f))) !== hash) integrity.push(`${printableName(f)}: sha256 differs from ${MANIFEST}`);
  }
  const signatureText = await readFile(join(dir, SIGNATURE_FILE), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  const sig = checkManifestSignature({ manifestBytes: bytes, declared: manifest.signature, signature: signatureText, key });
  integrity.push(...sig.problems);
  return { integrity, signature: sig.status, manifest, present };
}

/**
 * Checks a snapshot folder: manifest.json names exactly the files present, each with its sha256;
 * its signature (manifest.sig) matches `key`, when there is one; metrics.json passes the shipped
 * JSON Schema and the zod contract; the ids agree.
 */
export async function verifySnapshotFolder(dir: string, expectedId?: string, key: string | null = null): Promise<SnapshotCheck> {
  const { integrity, signature, manifest, present } = await checkManifestedFolder(dir, expectedId, key);
  if (manifest === null) return { errors: integrity, tampered: true, signature };
  const errors = [...integrity];
  if (present.includes('metrics.json')) {
    const checked = await validateMetricsJson(await readFile(join(dir, 'metrics.json'), 'utf8'));
    errors.push(...checked.errors.map((e) => `metrics.json ${e}`));
    if (checked.value && checked.value.snapshot_id !== manifest.snapshot_id) errors.push(`metrics.json: snapshot_id ${checked.value.snapshot_id} differs from ${MANIFEST}`);
  } else if (!integrity.some((e) => e.startsWith('metrics.json:'))) {
    errors.push('metrics.json: missing');
  }
  return { errors, tampered: integrity.length > 0, signature };
}

export async function readIndex(snapshotsDir: string): Promise<IndexEntry[]> {
  try {
    return JSON.parse(await readFile(join(snapshotsDir, 'index.json'), 'utf8')) as IndexEntry[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Newest first by created_at, then by id, so the order never depends on publication order alone. */
export function sortIndex(entries: IndexEntry[]): IndexEntry[] {
  return [...entries].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.snapshot_id.localeCompare(a.snapshot_id));
}

/**
 * The snapshot `latest` points at: the newest of the newest as-of date (spec: outputs.md), so a
 * backfill of past nights never moves it back in time. Null when there is none.
 */
export function latestOf(entries: IndexEntry[]): IndexEntry | null {
  let best: IndexEntry | null = null;
  for (const e of entries) {
    if (!best || e.as_of > best.as_of || (e.as_of === best.as_of && sortIndex([e, best])[0] === e)) best = e;
  }
  return best;
}

/** The newest snapshot published for one as-of date, or null. */
export function newestOfAsOf(entries: IndexEntry[], asOf: string): IndexEntry | null {
  return sortIndex(entries.filter((e) => e.as_of === asOf))[0] ?? null;
}

export async function writeIndex(snapshotsDir: string, entries: IndexEntry[]): Promise<void> {
  await writeFileAtomic(join(snapshotsDir, 'index.json'), `${JSON.stringify(sortIndex(entries), null, 2)}\n`);
}

export async function readLatest(snapshotsDir: string): Promise<string | null> {
  try {
    return await readlink(join(snapshotsDir, 'latest'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Points `latest` at a snapshot folder with one atomic rename of a fresh symlink. */
export async function swapLatest(snapshotsDir: string, snapshotId: string): Promise<void> {
  const tmp = join(snapshotsDir, `.latest-${snapshotId}`);
  await rm(tmp, { force: true });
  await symlink(snapshotId, tmp);
  await rename(tmp, join(snapshotsDir, 'latest'));
  await fsyncPath(snapshotsDir);
}

/** Moves a finished temporary folder into place; refuses to replace an existing snapshot. */
export async function promote(tmpDir: string, finalDir: string): Promise<void> {
  if (await stat(finalDir).catch(() => null)) throw new Error(`snapshot ${finalDir} already exists; snapshots are immutable`);
  await rename(tmpDir, finalDir);
  await fsyncPath(dirname(finalDir));
}

/** Removes leftovers of publishes that were interrupted before their rename. */
export async function sweepTemporary(snapshotsDir: string): Promise<void> {
  await makeDir(snapshotsDir, PASS_THROUGH_DIR);
  for (const name of await readdir(snapshotsDir)) {
    if (HIDDEN_LEFTOVER.test(name)) await rm(join(snapshotsDir, name), { recursive: true, force: true });
  }
}

/** Snapshot folders that index.json does not list (a publish killed after its rename). */
export async function unindexedFolders(snapshotsDir: string, index: IndexEntry[]): Promise<string[]> {
  const known = new Set(index.map((e) => e.snapshot_id));
  const out: string[] = [];
  for (const e of await readdir(snapshotsDir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.') && !known.has(e.name)) out.push(e.name);
  }
  return out.sort();
}

/** Serialises publishes to one snapshots folder within this process (the only process that can write the warehouse). */
const queues = new Map<string, Promise<unknown>>();
export async function exclusively<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  try {
    return await run;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
