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
 * archive holds exactly the bytes its name and the night's records say. A file or source folder
 * the worker cannot read is a reject with the reason; an error that may mend (a share that
 * hiccups) fails the step, which is retried (activities/fs-errors.ts).
 */
import type { BigIntStats, Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
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
    (await w.rows<{ sha256: string; status: string; list: string | null }>(
      'SELECT sha256, status, list FROM meta.files',
    )).map((r) => [r.sha256, r]),
  );
  const landingStats = new Map(
    (await w.rows<StatRow>('SELECT * EXCLUDE (hashed_at) FROM meta.landing_stats')).map((r) => [r.real_path, r]),
  );
  const seenTonight = new Map<string, string>();
  const found: FoundFile[] = [];
  const unreadable = new Set<SourceKind>();
  const ignored = new IgnoredEntries(limits);

  for (const source of SOURCES) {
    const dir = join(input.landing, source);
    const entries = await listSource(dir);
    if (!Array.isArray(entries)) {
      unreadable.add(source);
      const folder = `${source}/`;
      found.push(rejected({ source, list: null, relPath: folder, name: folder, sha256: null, extractDate: null, byteSize: 0, rawPath: null, encoding: null }, entries.reason));
      continue;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relPath = `${source}/${entry.name}`;
      const base = { source, list: null, relPath, name: entry.name, sha256: null, extractDate: null, byteSize: 0, rawPath: null, encoding: null } as const;
      const badName = plainNameProblem(entry.name);
      if (badName) {
        // The name travels on (payloads, metrics.json, the report) only in its shown form.
        found.push(rejected({ ...base, relPath: `${source}/${shownName(entry.name)}`, name: shownName(entry.name) }, badName));
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
      try {
        found.push(await pullOne({ w, input, landingReal, known, landingStats, seenTonight, doArchive, limits }, base, join(dir, entry.name)));
      } catch (err) {
        const reason = err instanceof LandingReadError ? permanentFsReason(err.fsError, 'the file') : null;
        if (!reason) throw err instanceof LandingReadError ? err.fsError : err;
        found.push(rejected(base, reason));
      }
    }
  }
  await walkLandingRoot(input.landing, ignored, limits);
  await recordAuditFolder(w, found, unreadable.has('audits'));
  return [...found, ...ignored.entries()];
}

interface PullContext {
  w: Warehouse;
  input: NightInput;
  landingReal: string;
  known: Map<string, { sha256: string; status: string; list: string | null }>;
  landingStats: Map<string, StatRow>;
  seenTonight: Map<string, string>;
  doArchive: boolean;
  limits: Limits;
}

/**
 * What tonight does with one landing file whose name is plain, in a source folder that takes its
 * kind. A file refused for its name (an unknown list, no date) that the night can read is still
 * archived under its hash, so the archive holds every file the night was given (issue 13).
 */
async function pullOne(c: PullContext, base: Omit<FoundFile, 'status' | 'reason'> & { source: SourceKind }, full: string): Promise<FoundFile> {
  const info = await onLanding(() => lstat(full));
  // Every file must resolve inside the landing folder, whether it or its folder is the link.
  const target = await onLanding(() =>
    realpath(full).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ELOOP') return null; // a link to nothing, or a loop
      throw err;
    }),
  );
  if (!target || !(target === c.landingReal || target.startsWith(c.landingReal + sep))) {
    return rejected(
      base,
      info.isSymbolicLink()
        ? 'a symbolic link that leads outside the landing folder (or to nothing); copy the file into the landing folder instead'
        : 'the file lies outside the landing folder (its source folder is a link elsewhere); copy the files into the landing folder instead',
    );
  }
  const targetInfo = await onLanding(() => stat(target, { bigint: true }));
  if (!targetInfo.isFile()) return rejected(base, 'not a plain file (a folder or device); put extract files directly in the source folder');
  if (targetInfo.nlink > 1n) return rejected({ ...base, byteSize: Number(targetInfo.size) }, HARD_LINK_REASON);
  const named = classifyName(base.source, base.name);
  const byteSize = Number(targetInfo.size);
  const refused = 'reason' in named ? named.reason : null;
  const sized = 'reason' in named ? { ...base, byteSize } : { ...base, list: named.list, extractDate: named.extractDate, byteSize };
  const tooBig = sizeProblem(base.source, base.name, byteSize, c.limits);
  // A refused file is archived only when the night archives and the file is within its size limit.
  if (refused !== null && (!c.doArchive || tooBig)) return rejected(sized, refused);
  if (tooBig) return rejected(sized, tooBig);
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
    if (twin || (before && before.status !== 'rejected')) return { ...described, status: 'already_loaded', reason: twin ? `same bytes as ${twin}` : null };
    return { ...described, status: 'new', reason: null };
  };
  const read = async (into: boolean): Promise<ReadFile | ArchiveCopy> => {
    const startedNs = BigInt(Date.now()) * 1_000_000n;
    if (into) await privateDir(archiveDir);
    const r = into ? await copyIntoArchive(target, archiveDir, maxBytes) : await readInPlace(target, maxBytes);
    await recordStat(c.w, target, r, startedNs);
    return r;
  };

  // A quiet night believes the recorded facts of an unchanged file and reads nothing.
  let facts = recordedFacts(c.landingStats, target, targetInfo);
  let copy: ArchiveCopy | null = null;
  try {
    if (!facts) {
      const r = await read(c.doArchive && !afterAsOf);
      if (r.overLimit) return rejected(sized, sizeProblem(base.source, base.name, r.facts.byteSize, c.limits)!);
      if ('keep' in r) copy = r;
      facts = r.facts;
    }
    let decided = decide(facts);
    if (!archives(decided)) return decided;
    let rawPath = target;
    if (c.doArchive) {
      const archived = join(archiveDir, `${facts.sha256}${extname(base.name).toLowerCase()}`);
      if (!copy && (await stat(archived).catch(() => null))?.size === facts.byteSize) {
        rawPath = archived;
      } else {
        // Known by its stat but never archived (e.g. it was after the as-of date): copy it now,
        // and go by the copy's bytes.
        if (!copy) {
          const r = (await read(true)) as ArchiveCopy;
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
