/**
 * Pull: find every file in the landing folder, decide what tonight does with it, and archive
 * new bytes as `raw/<source>/<sha256>.<ext>`. Never edits the landing folder; never follows a
 * link out of it. The decision for each file travels on as a small `FoundFile`.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { createReadStream, type BigIntStats } from 'node:fs';
import { copyFile, lstat, readdir, realpath, rename, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { CASE_SYSTEM_LISTS } from '../core/contracts/lists.js';
import { COMMENTARY_MAX_BYTES, COMMENTARY_SOURCE, commentaryMonth } from '../core/commentary.js';
import { isIsoDate, monthInWords } from '../core/dates.js';
import type { FoundFile, LandingSource, NightInput } from '../core/night.js';
import { privateDir, privateFile } from './file-modes.js';
import { hasHiddenCharacters, shownName, shownReason } from '../core/shown-text.js';
import type { Warehouse } from './warehouse.js';

export const SOURCES: readonly LandingSource[] = ['case-system', 'hr', 'audits', COMMENTARY_SOURCE];

/**
 * Largest files the night accepts. A CSV extract of 10 M rows is about 1 GiB, so 2 GiB leaves
 * room for a large council while refusing a runaway export. A QA workbook is a few hundred KB;
 * 100 MB on disk is far beyond any real one, and its unpacked size is checked separately
 * (activities/zip-guard.ts) before it is opened.
 */
export const MAX_CSV_BYTES = 2 * 1024 ** 3;
export const MAX_XLSX_BYTES = 100 * 1024 ** 2;

/**
 * A plain file name: printable, no path separators or control characters, not hidden, not
 * absurdly long. Anything else is refused before its bytes are read.
 */
export function plainNameProblem(name: string): string | null {
  if (hasHiddenCharacters(name)) return 'the file name holds control or invisible characters (such as a line break or a terminal escape); rename it';
  if (name.includes('/') || name.includes('\\')) return 'the file name holds a path separator; put the file directly in the source folder';
  if (name.startsWith('.')) return 'a hidden file (its name starts with "."), not an extract; remove it from the landing folder';
  if (Buffer.byteLength(name) > 255) return 'the file name is longer than 255 bytes; rename it';
  return null;
}

/** What a file name says: its list and extract date, or why it cannot be used. */
export function classifyName(source: LandingSource, name: string): { list: string; extractDate: string | null } | { reason: string } {
  if (source === COMMENTARY_SOURCE) {
    // Dated by the first day of the month it is about: a later month's commentary waits for its nights.
    const c = commentaryMonth(name);
    return 'reason' in c ? c : { list: COMMENTARY_SOURCE, extractDate: `${c.month}-01` };
  }
  if (source === 'audits') {
    if (name.startsWith('~$')) return { reason: 'an Excel lock file (the workbook was open when copied); it is not an audit workbook' };
    const ext = extname(name).toLowerCase();
    if (ext !== '.xlsx' && ext !== '.csv') return { reason: `audit files must be .xlsx or .csv, not "${ext || 'no extension'}"` };
    return { list: 'audits', extractDate: null };
  }
  const m = /^([a-z_]+)_(\d{4}-\d{2}-\d{2})\.csv$/i.exec(name);
  const expected = source === 'hr' ? 'workforce_YYYY-MM-DD.csv' : '<list>_YYYY-MM-DD.csv';
  if (!m) return { reason: `file name does not match ${expected}; rename it so the list and extract date can be read` };
  const list = m[1]!.toLowerCase();
  const date = m[2]!;
  const known = source === 'hr' ? ['workforce'] : CASE_SYSTEM_LISTS;
  if (!known.includes(list)) return { reason: `"${list}" is not a known ${source} list (expected one of: ${known.join(', ')})` };
  if (!isIsoDate(date)) return { reason: `the extract date ${date} in the file name is not a real date` };
  return { list, extractDate: date };
}

export interface FileFacts {
  sha256: string;
  byteSize: number;
  encoding: 'utf-8' | 'windows-1252';
  hasNul: boolean;
}

/** Where the last complete UTF-8 sequence of `b` ends (a sequence cut by the chunk's end is left over). */
function completeUtf8End(b: Buffer): number {
  const n = b.length;
  for (let j = n - 1; j >= 0 && j >= n - 4; j--) {
    const c = b[j]!;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return j + need > n ? j : n;
  }
  return n;
}

/**
 * One pass over the bytes: sha256, size, whether it is valid UTF-8 (checked chunk by chunk with
 * `isUtf8`, no text decoded; a sequence split by a chunk boundary is checked whole), whether it
 * holds NUL bytes.
 */
export async function fileFacts(path: string): Promise<FileFacts> {
  const hash = createHash('sha256');
  let valid = true;
  let hasNul = false;
  let size = 0;
  let carry: Buffer | null = null;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (!hasNul && chunk.includes(0)) hasNul = true;
    if (valid) {
      const bytes: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const end = completeUtf8End(bytes);
      valid = isUtf8(bytes.subarray(0, end));
      carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : null;
    }
  }
  if (carry) valid = false; // the file ends inside a sequence
  return { sha256: hash.digest('hex'), byteSize: size, encoding: valid ? 'utf-8' : 'windows-1252', hasNul };
}

/** A file's facts as the warehouse recorded them, keyed by its stat (meta.landing_stats). */
interface StatRow {
  real_path: string;
  byte_size: string;
  mtime_ns: string;
  ctime_ns: string;
  inode: string;
  sha256: string;
  encoding: 'utf-8' | 'windows-1252';
  has_nul: boolean;
}

/** How long a file must have been left alone before it was hashed for its stat to stand for its bytes. */
const SETTLED_NS = 2_000_000_000n;

/**
 * The facts of a file, from meta.landing_stats when its stat (size, mtime, ctime, inode) is the
 * one recorded, otherwise read from its bytes and recorded (when the file was settled: not
 * modified within the last few seconds before, nor while, it was read).
 */
async function cachedFileFacts(w: Warehouse, known: Map<string, StatRow>, path: string): Promise<FileFacts> {
  const before: BigIntStats = await stat(path, { bigint: true });
  const row = known.get(path);
  if (
    row &&
    row.byte_size === String(before.size) &&
    row.mtime_ns === String(before.mtimeNs) &&
    row.ctime_ns === String(before.ctimeNs) &&
    row.inode === String(before.ino)
  ) {
    return { sha256: row.sha256, byteSize: Number(before.size), encoding: row.encoding, hasNul: row.has_nul };
  }
  const startedNs = BigInt(Date.now()) * 1_000_000n;
  const facts = await fileFacts(path);
  const after = await stat(path, { bigint: true });
  const unchanged = after.size === before.size && after.mtimeNs === before.mtimeNs && after.ctimeNs === before.ctimeNs && after.ino === before.ino;
  if (unchanged && facts.byteSize === Number(after.size) && after.mtimeNs < startedNs - SETTLED_NS && after.ctimeNs < startedNs - SETTLED_NS) {
    await w.run(
      `INSERT OR REPLACE INTO meta.landing_stats VALUES ($path, $size, $mtime, $ctime, $ino, $sha, $enc, $nul, now()::TIMESTAMP)`,
      { path, size: after.size, mtime: after.mtimeNs, ctime: after.ctimeNs, ino: after.ino, sha: facts.sha256, enc: facts.encoding, nul: facts.hasNul },
    );
  }
  return facts;
}

async function archive(home: string, source: LandingSource, facts: FileFacts, from: string, ext: string): Promise<string> {
  const dir = join(home, 'raw', source);
  await privateDir(dir);
  const dest = join(dir, `${facts.sha256}${ext.toLowerCase()}`);
  const existing = await stat(dest).catch(() => null);
  if (existing?.size === facts.byteSize) return dest;
  // Copy under a temporary name, then rename: a retried pull never leaves a half-copied archive.
  const tmp = `${dest}.partial-${process.pid}`;
  await copyFile(from, tmp);
  await privateFile(tmp); // a copy takes the landing file's mode; the archive is owner-only
  await rename(tmp, dest);
  return dest;
}

function rejected(base: Omit<FoundFile, 'status' | 'reason'>, reason: string): FoundFile {
  return { ...base, status: 'rejected', reason: shownReason(reason) };
}

/**
 * A file whose bytes other names share (a hard link): the landing folder would be reading a
 * file that lives somewhere else as well, which a symbolic-link check cannot see.
 */
export const HARD_LINK_REASON =
  'the file is a hard link shared with another place on the disk (it has more than one name), so its bytes may belong to a file outside the landing folder; copy it into the landing folder as a file of its own';

export interface PullOptions {
  /**
   * Copy new files into `<home>/raw` (the night). `false` (validate) leaves `rawPath` pointing at
   * the file in the landing folder, which is only ever read.
   */
  archive?: boolean;
}

function sizeProblem(source: LandingSource, name: string, size: number): string | null {
  if (source === COMMENTARY_SOURCE) {
    return size <= COMMENTARY_MAX_BYTES ? null : `the file is ${Math.round(size / 1024)} KB, over the ${COMMENTARY_MAX_BYTES / 1024} KB limit for commentary (a sentence or two per KPI); check it is the right file`;
  }
  const xlsx = extname(name).toLowerCase() === '.xlsx';
  const limit = xlsx ? MAX_XLSX_BYTES : MAX_CSV_BYTES;
  if (size <= limit) return null;
  const mb = (n: number) => `${Math.round(n / 1024 ** 2)} MB`;
  return `the file is ${mb(size)}, over the ${mb(limit)} limit for ${xlsx ? 'a workbook' : 'a CSV extract'}; check the export (a runaway query or a wrong file) or split it`;
}

export async function pullSources(w: Warehouse, input: NightInput, options: PullOptions = {}): Promise<FoundFile[]> {
  const doArchive = options.archive ?? true;
  const landingStat = await stat(input.landing).catch(() => null);
  if (!landingStat?.isDirectory()) {
    throw ApplicationFailure.nonRetryable(
      `The landing folder ${input.landing} does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.`,
      'LandingMissing',
    );
  }
  const landingReal = await realpath(input.landing);
  const known = new Map(
    (await w.rows<{ sha256: string; status: string; list: string | null }>(
      'SELECT sha256, status, list FROM meta.files',
    )).map((r) => [r.sha256, r]),
  );
  const landingStats = new Map(
    (await w.rows<StatRow>('SELECT * EXCLUDE (hashed_at) FROM meta.landing_stats')).map((r) => [r.real_path, r]),
  );
  const seenTonight = new Map<string, string>();
  const found: FoundFile[] = [];

  for (const source of SOURCES) {
    const dir = join(input.landing, source);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relPath = `${source}/${entry.name}`;
      const base = { source, list: null, relPath, name: entry.name, sha256: null, extractDate: null, byteSize: 0, rawPath: null, encoding: null } as const;
      const badName = plainNameProblem(entry.name);
      if (badName) {
        // The name travels on (payloads, metrics.json, the report) only in its shown form.
        found.push(rejected({ ...base, relPath: `${source}/${shownName(entry.name)}`, name: shownName(entry.name) }, badName));
        continue;
      }
      const full = join(dir, entry.name);
      const info = await lstat(full);
      // Every file must resolve inside the landing folder, whether it or its folder is the link.
      const target = await realpath(full).catch(() => null);
      if (!target || !(target === landingReal || target.startsWith(landingReal + sep))) {
        found.push(
          rejected(
            base,
            info.isSymbolicLink()
              ? 'a symbolic link that leads outside the landing folder (or to nothing); copy the file into the landing folder instead'
              : 'the file lies outside the landing folder (its source folder is a link elsewhere); copy the files into the landing folder instead',
          ),
        );
        continue;
      }
      const targetInfo = await stat(target);
      if (!targetInfo.isFile()) {
        found.push(rejected(base, 'not a plain file (a folder or device); put extract files directly in the source folder'));
        continue;
      }
      if (targetInfo.nlink > 1) {
        found.push(rejected({ ...base, byteSize: targetInfo.size }, HARD_LINK_REASON));
        continue;
      }
      const named = classifyName(source, entry.name);
      if ('reason' in named) {
        found.push(rejected({ ...base, byteSize: targetInfo.size }, named.reason));
        continue;
      }
      const tooBig = sizeProblem(source, entry.name, targetInfo.size);
      if (tooBig) {
        found.push(rejected({ ...base, list: named.list, extractDate: named.extractDate, byteSize: targetInfo.size }, tooBig));
        continue;
      }
      const facts = await cachedFileFacts(w, landingStats, target);
      const described = { ...base, list: named.list, extractDate: named.extractDate, sha256: facts.sha256, byteSize: facts.byteSize, encoding: facts.encoding };
      if (named.extractDate && named.extractDate > input.asOf) {
        const what = source === COMMENTARY_SOURCE ? `commentary for ${monthInWords(named.extractDate)}, a month` : `extract dated ${named.extractDate}`;
        found.push({ ...described, status: 'after_as_of', reason: `${what} after tonight's as-of date ${input.asOf}; left for a later night` });
        continue;
      }
      const twin = seenTonight.get(facts.sha256);
      const before = known.get(facts.sha256);
      // The same bytes rejected whole before, as the same list: rejected again, for the same reason.
      // (Renamed to another list, they are read afresh: a wrong name is a reason to look again.)
      if (!twin && before?.status === 'rejected' && before.list === named.list) {
        // The reason stays in meta.files (publishing reads it there), out of the payload.
        found.push({ ...described, status: 'rejected', reason: null });
        continue;
      }
      if (twin || (before && before.status !== 'rejected')) {
        found.push({ ...described, status: 'already_loaded', reason: twin ? `same bytes as ${twin}` : null });
        continue;
      }
      seenTonight.set(facts.sha256, relPath);
      const rawPath = doArchive ? await archive(input.home, source, facts, target, extname(entry.name)) : target;
      found.push({ ...described, rawPath, status: 'new', reason: null });
    }
  }
  await recordAuditFolder(w, found);
  return found;
}

/**
 * The audit files in the folder tonight (sources.md: "every audit file in the folder contributes
 * its rows"), for meta.current_audit_files: a workbook taken out stops counting, and one put
 * back to an earlier version counts as it is now, even though those bytes were loaded before.
 */
async function recordAuditFolder(w: Warehouse, found: readonly FoundFile[]): Promise<void> {
  const inFolder = [...new Set(found.filter((f) => f.source === 'audits' && f.sha256 && (f.status === 'new' || f.status === 'already_loaded')).map((f) => f.sha256!))];
  await w.transaction(async () => {
    await w.run('DELETE FROM meta.audit_files_in_folder');
    for (const sha256 of inFolder) await w.run('INSERT INTO meta.audit_files_in_folder VALUES ($sha)', { sha: sha256 });
  });
}
