/**
 * Pull: find every file in the landing folder, decide what tonight does with it, and archive
 * new bytes as `raw/<source>/<sha256>.<ext>`. Never edits the landing folder; never follows a
 * link out of it. The decision for each file travels on as a small `FoundFile`.
 *
 * The files directly in a source folder (core/source-folders.ts) of a kind it takes are read;
 * everything else in the landing folder is listed as `ignored` with the reason, unread
 * (activities/landing-walk.ts). A file refused for its name is still archived when it can be read,
 * so the archive holds every file the night read.
 *
 * A new file is copied into the archive as it is hashed (activities/landing-read.ts), so the
 * archive holds exactly the bytes its name and the night's records say. A few files are read at
 * once (FILES_READ_AT_ONCE); what each is decided to be is decided in landing order. A file or
 * source folder the worker cannot read is a reject with the reason; an error that may mend (a
 * share that hiccups) fails the step, which is retried (activities/fs-errors.ts).
 */
import type { BigIntStats, Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { CASE_SYSTEM_LISTS } from '../core/contracts/lists.js';
import { ANNEX_A_WORKBOOK, annexAWorkbookDate } from '../core/contracts/annex-a.js';
import { COMMENTARY_MAX_BYTES, COMMENTARY_SOURCE, commentaryMonth } from '../core/commentary.js';
import { SOURCE_KINDS, sourceFolder, type SourceKind } from '../core/source-folders.js';
import { isIsoDate, monthInWords } from '../core/dates.js';
import { classifyPlanName } from '../core/plan-file.js';
import { DEFAULT_LIMITS, limitText, sizeText, type Limits } from '../core/limits.js';
import type { FoundFile, NightInput } from '../core/night.js';
import { privateDir } from './file-modes.js';
import { hasHiddenCharacters, shownName, shownReason } from '../core/shown-text.js';
import { errnoCode, permanentFsReason } from './fs-errors.js';
import { copyIntoArchive, LandingReadError, onLanding, readInPlace, type ArchiveCopy, type FileFacts, type ReadFile } from './landing-read.js';
import type { Warehouse } from './warehouse.js';
import { IgnoredEntries, subFolderWhy, unknownKindWhy, walkIgnoredFolder, walkLandingRoot } from './landing-walk.js';

export { fileFacts, type FileFacts } from './landing-read.js';

/** The source folders pull reads, in order: defined once, in core/source-folders.ts. */
export const SOURCES: readonly SourceKind[] = SOURCE_KINDS;

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
export function classifyName(source: SourceKind, name: string): { list: string; extractDate: string | null } | { reason: string } {
  if (source === 'plan') return classifyPlanName(name);
  if (source === 'benchmarks') {
    // What a benchmark file is (EES values, the neighbour model, or nothing we read) is told by its header, at load.
    if (name.startsWith('~$')) return { reason: 'an Excel lock file (the workbook was open when copied); it is not a statistical neighbour workbook' };
    return { list: 'benchmarks', extractDate: null };
  }
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
  const workbookDate = source === 'case-system' ? annexAWorkbookDate(name) : null;
  if (workbookDate !== null) return isIsoDate(workbookDate) ? { list: ANNEX_A_WORKBOOK, extractDate: workbookDate } : { reason: `the extract date ${workbookDate} in the file name is not a real date` };
  // A list name may hold digits (`section_47`).
  const m = /^([a-z][a-z0-9_]*)_(\d{4}-\d{2}-\d{2})\.csv$/i.exec(name);
  const expected = source === 'hr' ? 'workforce_YYYY-MM-DD.csv' : '<list>_YYYY-MM-DD.csv or annex_a_YYYY-MM-DD.xlsx';
  if (!m) return { reason: `file name does not match ${expected}; rename it so the list and extract date can be read` };
  const list = m[1]!.toLowerCase();
  const date = m[2]!;
  const known = source === 'hr' ? ['workforce'] : CASE_SYSTEM_LISTS;
  if (!known.includes(list)) return { reason: `"${list}" is not a known ${source} list (expected one of: ${known.join(', ')})` };
  if (!isIsoDate(date)) return { reason: `the extract date ${date} in the file name is not a real date` };
  return { list, extractDate: date };
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

/** The recorded facts of a file whose stat (size, mtime, ctime, inode) is the one recorded, else null. */
function recordedFacts(known: Map<string, StatRow>, path: string, now: BigIntStats): FileFacts | null {
  const row = known.get(path);
  if (
    row &&
    row.byte_size === String(now.size) &&
    row.mtime_ns === String(now.mtimeNs) &&
    row.ctime_ns === String(now.ctimeNs) &&
    row.inode === String(now.ino)
  ) {
    return { sha256: row.sha256, byteSize: Number(now.size), encoding: row.encoding, hasNul: row.has_nul };
  }
  return null;
}

/**
 * Records what was read in meta.landing_stats when it stands for the file: the path still names
 * the file that was read, unchanged, and it had been left alone for a few seconds before reading.
 */
async function recordStat(w: Warehouse, path: string, read: ReadFile, startedNs: bigint): Promise<void> {
  const { before, after, facts } = read;
  if (read.overLimit || !after) return;
  const unchanged = after.size === before.size && after.mtimeNs === before.mtimeNs && after.ctimeNs === before.ctimeNs && after.ino === before.ino;
  if (unchanged && facts.byteSize === Number(after.size) && after.mtimeNs < startedNs - SETTLED_NS && after.ctimeNs < startedNs - SETTLED_NS) {
    await w.run(
      `INSERT OR REPLACE INTO meta.landing_stats VALUES ($path, $size, $mtime, $ctime, $ino, $sha, $enc, $nul, now()::TIMESTAMP)`,
      { path, size: after.size, mtime: after.mtimeNs, ctime: after.ctimeNs, ino: after.ino, sha: facts.sha256, enc: facts.encoding, nul: facts.hasNul },
    );
  }
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
  /** config/limits.json (activities/limits-config.ts); the defaults when not given. */
  limits?: Limits;
  /**
   * The indicator map's version (core/benchmark-indicators.ts): a benchmark file read under
   * another is read again. Not given: only files found to hold nothing are read again.
   */
  benchmarkMapVersion?: string;
}

function sizeLimit(name: string, limits: Limits): { bytes: number; name: 'max_xlsx_bytes' | 'max_csv_bytes'; what: string } {
  return extname(name).toLowerCase() === '.xlsx'
    ? { bytes: limits.max_xlsx_bytes, name: 'max_xlsx_bytes', what: 'a workbook' }
    : { bytes: limits.max_csv_bytes, name: 'max_csv_bytes', what: 'a CSV extract' };
}

function sizeProblem(source: SourceKind, name: string, size: number, limits: Limits): string | null {
  if (source === COMMENTARY_SOURCE) {
    return size <= COMMENTARY_MAX_BYTES ? null : `the file is ${Math.round(size / 1024)} KB, over the ${COMMENTARY_MAX_BYTES / 1024} KB limit for commentary (a sentence or two per KPI); check it is the right file`;
  }
  const limit = sizeLimit(name, limits);
  if (size <= limit.bytes) return null;
  return `the file is ${sizeText(size)}, over ${limitText(limits, limit.name)} for ${limit.what}; check the export (a runaway query or a wrong file) or split it`;
}

/** Entries of a source folder: [] when it is missing, a reason when it cannot be read; thrown when that may mend. */
async function listSource(dir: string): Promise<Dirent[] | { reason: string }> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return []; // a source with nothing tonight
    const reason = permanentFsReason(err, 'the folder');
    if (!reason) throw err;
    return { reason: `${reason}; none of its files were read tonight` };
  }
}

export async function pullSources(w: Warehouse, input: NightInput, options: PullOptions = {}): Promise<FoundFile[]> {
  const doArchive = options.archive ?? true;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const landingStat = await stat(input.landing).catch(() => null);
  if (!landingStat?.isDirectory()) {
    throw ApplicationFailure.nonRetryable(
      `The landing folder ${input.landing} does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.`,
      'LandingMissing',
    );
  }
  const landingReal = await realpath(input.landing);
  const known = new Map(
    (await w.rows<KnownFile>(
      'SELECT f.sha256, f.status, f.list, b.map_version FROM meta.files f LEFT JOIN meta.benchmark_files b USING (sha256)',
    )).map((r) => [r.sha256, r]),
  );
  const landingStats = new Map(
    (await w.rows<StatRow>('SELECT * EXCLUDE (hashed_at) FROM meta.landing_stats')).map((r) => [r.real_path, r]),
  );
  const seenTonight = new Map<string, string>();
  // Each entry's place in the night's list, in order: decided already, or being read.
  const slots: Slot[] = [];
  const reading = pLimit(FILES_READ_AT_ONCE);
  const unreadable = new Set<SourceKind>();
  const ignored = new IgnoredEntries(limits);
  const context: PullContext = { w, input, landingReal, known, landingStats, seenTonight, doArchive, limits, benchmarkMapVersion: options.benchmarkMapVersion, reading };

  try {
    for (const source of SOURCES) {
      const dir = join(input.landing, source);
      const entries = await listSource(dir);
      if (!Array.isArray(entries)) {
        unreadable.add(source);
        const folder = `${source}/`;
        slots.push(rejected({ source, list: null, relPath: folder, name: folder, sha256: null, extractDate: null, byteSize: 0, rawPath: null, encoding: null }, entries.reason));
        continue;
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const relPath = `${source}/${entry.name}`;
        const base = { source, list: null, relPath, name: entry.name, sha256: null, extractDate: null, byteSize: 0, rawPath: null, encoding: null } as const;
        const badName = plainNameProblem(entry.name);
        if (badName) {
          // The name travels on (payloads, metrics.json, the report) only in its shown form.
          slots.push(rejected({ ...base, relPath: `${source}/${shownName(entry.name)}`, name: shownName(entry.name) }, badName));
          continue;
        }
        // Not where a source lives: a folder inside the source folder, or a kind of file it does not take.
        if (entry.isDirectory()) {
          await walkIgnoredFolder(join(dir, entry.name), `${source}/${shownName(entry.name)}/`, 2, subFolderWhy(source), ignored, limits);
          continue;
        }
        if (!sourceFolder(source).extensions.includes(extname(entry.name).toLowerCase())) {
          const why = unknownKindWhy(sourceFolder(source), entry.name);
          ignored.add(`${source}/${shownName(entry.name)}`, entry.isSymbolicLink() ? `a link, which is not followed; ${why}` : why);
          continue;
        }
        const pending = preparePull(context, base, join(dir, entry.name));
        pending.catch(() => undefined); // its failure is met in order, below
        slots.push({ base, pending });
      }
    }
  } catch (err) {
    await discardPending(slots);
    throw err;
  }
  const pulled = await finishInOrder(slots);
  await walkLandingRoot(input.landing, ignored, limits);
  await recordAuditFolder(w, pulled, unreadable.has('audits'));
  await recordBenchmarkFolder(w, pulled, unreadable.has('benchmarks'));
  return [...pulled, ...ignored.entries()];
}

/**
 * Files are read a few at a time: copying into the archive is the kernel's work on one core (a
 * gigabyte takes seconds), so two or three copies at once use the machine's other cores. The
 * decisions that depend on order (the same bytes twice in one night) are still made in order.
 */
const FILES_READ_AT_ONCE = 3;

/**
 * Each entry's decision, in landing order. A file the worker cannot read is a reject with the
 * reason; an error that may mend fails the step, and then every copy still being made is removed.
 */
async function finishInOrder(slots: readonly Slot[]): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  let i = 0;
  try {
    for (; i < slots.length; i++) {
      const slot = slots[i]!;
      if (!('pending' in slot)) {
        found.push(slot);
        continue;
      }
      try {
        found.push(await (await slot.pending).finish());
      } catch (err) {
        const reason = err instanceof LandingReadError ? permanentFsReason(err.fsError, 'the file') : null;
        if (!reason) throw err instanceof LandingReadError ? err.fsError : err;
        found.push(rejected(slot.base, reason));
      }
    }
  } catch (err) {
    await discardPending(slots.slice(i + 1));
    throw err;
  }
  return found;
}

/** Removes the copies made for files whose decisions will not be made (the step failed). */
async function discardPending(slots: readonly Slot[]): Promise<void> {
  for (const slot of slots) {
    if ('pending' in slot) await slot.pending.then((p) => p.discard(), () => undefined);
  }
}

/** What the warehouse knows of a file's bytes (meta.files, and meta.benchmark_files for a benchmark file). */
interface KnownFile {
  sha256: string;
  status: string;
  list: string | null;
  map_version: string | null;
}

/**
 * A benchmark file seen before is read again when what it holds for us may have changed: it held
 * nothing the indicator map knew (`ignored`), or it was read under another version of the map.
 */
function benchmarkReadAgain(before: KnownFile, mapVersion: string | undefined): boolean {
  if (before.status === 'ignored') return true;
  return mapVersion !== undefined && before.status === 'loaded' && before.map_version !== null && before.map_version !== mapVersion;
}

interface PullContext {
  w: Warehouse;
  input: NightInput;
  landingReal: string;
  known: Map<string, KnownFile>;
  landingStats: Map<string, StatRow>;
  seenTonight: Map<string, string>;
  doArchive: boolean;
  limits: Limits;
  benchmarkMapVersion: string | undefined;
  /** Limits how many files are read at once. */
  reading: LimitFunction;
}

type PullBase = Omit<FoundFile, 'status' | 'reason'> & { source: SourceKind };

/** A file whose checks are done and whose bytes are read: its decision is made by `finish`, in landing order. */
interface PendingPull {
  finish(): Promise<FoundFile>;
  /** Removes a copy made for it, when the night stops before its decision. */
  discard(): Promise<void>;
}

/** An entry's place in the night's list: decided without reading, or its checks and read under way. */
type Slot = FoundFile | { base: PullBase; pending: Promise<PendingPull> };

/** A file decided before any read (refused by its checks): nothing to finish or remove. */
const decidedAlready = (f: FoundFile): PendingPull => ({ finish: async () => f, discard: async () => undefined });

/**
 * What tonight does with one landing file whose name is plain, in a source folder that takes its
 * kind: its checks and the read of its bytes now (a few files at once, `c.reading`), its decision
 * when `finish` is called, in landing order. A file refused for its name (an unknown list, no
 * date) that the night can read is still archived under its hash, so the archive holds every file
 * the night was given (issue 13).
 */
async function preparePull(c: PullContext, base: PullBase, full: string): Promise<PendingPull> {
  const info = await onLanding(() => lstat(full));
  // Every file must resolve inside the landing folder, whether it or its folder is the link.
  const target = await onLanding(() =>
    realpath(full).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ELOOP') return null; // a link to nothing, or a loop
      throw err;
    }),
  );
  if (!target || !(target === c.landingReal || target.startsWith(c.landingReal + sep))) {
    return decidedAlready(rejected(
      base,
      info.isSymbolicLink()
        ? 'a symbolic link that leads outside the landing folder (or to nothing); copy the file into the landing folder instead'
        : 'the file lies outside the landing folder (its source folder is a link elsewhere); copy the files into the landing folder instead',
    ));
  }
  const targetInfo = await onLanding(() => stat(target, { bigint: true }));
  if (!targetInfo.isFile()) return decidedAlready(rejected(base, 'not a plain file (a folder or device); put extract files directly in the source folder'));
  if (targetInfo.nlink > 1n) return decidedAlready(rejected({ ...base, byteSize: Number(targetInfo.size) }, HARD_LINK_REASON));
  const named = classifyName(base.source, base.name);
  const byteSize = Number(targetInfo.size);
  const refused = 'reason' in named ? named.reason : null;
  const sized = 'reason' in named ? { ...base, byteSize } : { ...base, list: named.list, extractDate: named.extractDate, byteSize };
  const tooBig = sizeProblem(base.source, base.name, byteSize, c.limits);
  // A refused file is archived only when the night archives and the file is within its size limit.
  if (refused !== null && (!c.doArchive || tooBig)) return decidedAlready(rejected(sized, refused));
  if (tooBig) return decidedAlready(rejected(sized, tooBig));
  const maxBytes = base.source === COMMENTARY_SOURCE ? COMMENTARY_MAX_BYTES : sizeLimit(base.name, c.limits).bytes;
  const afterAsOf = sized.extractDate !== null && sized.extractDate > c.input.asOf;
  const archiveDir = join(c.input.home, 'raw', base.source);
  /** New bytes are archived, and so are a refused file's. */
  const archives = (d: FoundFile): boolean => d.status === 'new' || refused !== null;

  /** Tonight's decision for bytes with these facts, short of archiving a new file. */
  const decide = (facts: FileFacts): FoundFile => {
    const described = { ...sized, sha256: facts.sha256, byteSize: facts.byteSize, encoding: facts.encoding };
    if (refused !== null) return { ...described, status: 'rejected', reason: shownReason(refused) };
    if (afterAsOf) {
      const what = base.source === COMMENTARY_SOURCE ? `commentary for ${monthInWords(sized.extractDate!)}, a month` : `extract dated ${sized.extractDate}`;
      return { ...described, status: 'after_as_of', reason: `${what} after tonight's as-of date ${c.input.asOf}; left for a later night` };
    }
    const twin = c.seenTonight.get(facts.sha256);
    const before = c.known.get(facts.sha256);
    // The same bytes rejected whole before, as the same list: rejected again, for the same reason.
    // (Renamed to another list, they are read afresh: a wrong name is a reason to look again.)
    if (!twin && before?.status === 'rejected' && before.list === sized.list) {
      // The reason stays in meta.files (publishing reads it there), out of the payload.
      return { ...described, status: 'rejected', reason: null };
    }
    if (!twin && before && base.source === 'benchmarks' && benchmarkReadAgain(before, c.benchmarkMapVersion)) return { ...described, status: 'new', reason: null };
    if (twin || (before && before.status !== 'rejected')) return { ...described, status: 'already_loaded', reason: twin ? `same bytes as ${twin}` : null };
    return { ...described, status: 'new', reason: null };
  };
  /** Reads the file (into a copy in the archive, or in place); its stat is recorded at its decision. */
  const read = async (into: boolean): Promise<ReadOnce> => {
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    if (into) await privateDir(archiveDir);
    return { r: into ? await copyIntoArchive(target, archiveDir, maxBytes) : await readInPlace(target, maxBytes), startedNs };
  };

  // A quiet night believes the recorded facts of an unchanged file and reads nothing.
  const recorded = recordedFacts(c.landingStats, target, targetInfo);
  const first = recorded ? null : await c.reading(() => read(c.doArchive && !afterAsOf));
  const firstCopy = first && 'keep' in first.r ? first.r : null;

  const finish = async (): Promise<FoundFile> => {
    let copy: ArchiveCopy | null = firstCopy;
    try {
      let facts = recorded;
      if (first) {
        await recordStat(c.w, target, first.r, first.startedNs);
        if (first.r.overLimit) return rejected(sized, sizeProblem(base.source, base.name, first.r.facts.byteSize, c.limits)!);
        facts = first.r.facts;
      }
      let decided = decide(facts!);
      if (!archives(decided)) return decided;
      let rawPath = target;
      if (c.doArchive) {
        const archived = join(archiveDir, `${decided.sha256}${extname(base.name).toLowerCase()}`);
        if (!copy && (await stat(archived).catch(() => null))?.size === decided.byteSize) {
          rawPath = archived;
        } else {
          // Known by its stat but never archived (e.g. it was after the as-of date): copy it now,
          // and go by the copy's bytes.
          if (!copy) {
            const again = await read(true);
            await recordStat(c.w, target, again.r, again.startedNs);
            const r = again.r as ArchiveCopy;
            copy = r;
            if (r.overLimit) return rejected(sized, sizeProblem(base.source, base.name, r.facts.byteSize, c.limits)!);
            decided = decide(r.facts);
            if (!archives(decided)) return decided;
          }
          rawPath = await copy.keep(extname(base.name));
        }
      }
      // A refused file is no twin of a good one: the good one is still read, under its own name.
      if (refused === null) c.seenTonight.set(decided.sha256!, decided.relPath);
      return { ...decided, rawPath };
    } finally {
      await copy?.discard();
    }
  };
  return { finish, discard: async () => firstCopy?.discard() };
}

/** A read of a landing file and when it started (for meta.landing_stats). */
interface ReadOnce {
  r: ReadFile | ArchiveCopy;
  startedNs: bigint;
}

/**
 * The audit files in the folder tonight (sources.md: "every audit file in the folder contributes
 * its rows"), for meta.current_audit_files: a workbook taken out stops counting, and one put
 * back to an earlier version counts as it is now, even though those bytes were loaded before.
 * When the folder cannot be read, the audits of the last night that could read it still count
 * (README, "Choices where the specification is silent"); the folder is reported rejected.
 */
async function recordAuditFolder(w: Warehouse, found: readonly FoundFile[], folderUnreadable: boolean): Promise<void> {
  // A folder that could not be read tonight says nothing about what is in it: the last list it gave stands.
  if (folderUnreadable) return;
  const inFolder = [...new Set(found.filter((f) => f.source === 'audits' && f.sha256 && (f.status === 'new' || f.status === 'already_loaded')).map((f) => f.sha256!))];
  await w.transaction(async () => {
    await w.run('DELETE FROM meta.audit_files_in_folder');
    for (const sha256 of inFolder) await w.run('INSERT INTO meta.audit_files_in_folder VALUES ($sha)', { sha: sha256 });
  });
}

/**
 * The benchmark files in the folder tonight (meta.benchmark_files_in_folder): like audit workbooks
 * they are not dated extracts, so a file taken out stops counting. A folder that could not be read
 * says nothing about what it holds: the last list stands.
 */
async function recordBenchmarkFolder(w: Warehouse, found: readonly FoundFile[], folderUnreadable: boolean): Promise<void> {
  if (folderUnreadable) return;
  const inFolder = [...new Set(found.filter((f) => f.source === 'benchmarks' && f.sha256 && (f.status === 'new' || f.status === 'already_loaded')).map((f) => f.sha256!))];
  await w.transaction(async () => {
    await w.run('DELETE FROM meta.benchmark_files_in_folder');
    for (const sha256 of inFolder) await w.run('INSERT INTO meta.benchmark_files_in_folder VALUES ($sha)', { sha: sha256 });
  });
}
