/**
 * Everything in the landing folder that is not where a source lives, so that nothing there goes
 * unmentioned (issue 13): a file in the landing folder itself, anything in a folder that is not a
 * source folder (`hr-old/`, or `Case-System/` with its capitals), anything in a sub-folder of a
 * source folder, and a file of a kind its source folder does not take. Each becomes a FoundFile
 * with status `ignored` and a reason in words; its bytes are never read, and a link is listed,
 * never followed, so the walk cannot leave the landing folder.
 *
 * Bounded (config/limits.json): folders more than `max_landing_depth` levels down are listed, not
 * opened, and at most `max_landing_entries` entries are listed — a folder is read only as far as
 * that — after which one entry says the rest were not looked at.
 */
import type { Dir, Dirent } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { limitText, type Limits } from '../core/limits.js';
import type { FoundFile } from '../core/night.js';
import { shownName, shownReason } from '../core/shown-text.js';
import { SOURCE_KINDS, sourceFolderList, type SourceFolder, type SourceKind } from '../core/source-folders.js';
import { permanentFsReason } from './fs-errors.js';

/**
 * The folder an ignored entry lies in, as metrics.json names it (`data_quality.sources[].source`):
 * its path inside the landing folder (`Case-System/`, `case-system/old/`), or `landing folder`.
 */
export function ignoredFolder(relPath: string): string {
  const parts = relPath.split('/');
  const folder = relPath.endsWith('/') ? parts.slice(0, -2) : parts.slice(0, -1);
  return folder.length > 0 ? `${folder.join('/')}/` : 'landing folder';
}

/** Where an ignored entry lies, in words: the reason's second half. */
export function rootWhy(): string {
  return `it is in the landing folder itself, not in a source folder (${sourceFolderList()}); move it into its source folder if it is an extract, or remove it`;
}

/** The reason for anything under a top-level folder that is not a source folder. */
export function unknownFolderWhy(folder: string): string {
  const shown = `“${shownName(folder)}/”`;
  const meant = SOURCE_KINDS.find((k) => k === folder.trim().toLowerCase());
  if (meant) {
    return `the folder ${shown} is not a source folder: source folder names are lower case, so rename it “${meant}/” (nothing in it was read)`;
  }
  // Short enough that a deep folder's reason, which ends with it, keeps its advice within REASON_MAX_CHARS.
  return `${shown} is not a source folder (${sourceFolderList()}), so nothing in it was read; move extracts into their source folders, or remove it`;
}

/** The reason for anything in a folder inside a source folder. */
export function subFolderWhy(source: SourceKind): string {
  return `it is in a folder inside ${source}/, and only the files directly in ${source}/ are read; move an extract up into ${source}/, or remove the folder`;
}

/** The reason for a file in a source folder whose kind that folder does not take. */
export function unknownKindWhy(folder: SourceFolder, name: string): string {
  const ext = extname(name).toLowerCase();
  const what = ext ? `a “${shownName(ext)}” file` : 'a file without an extension';
  const takes = folder.extensions.join(' or ');
  return `${what}: ${folder.kind}/ takes only ${takes} files, so it was not read; if it should be read, save it as ${folder.extensions[0]}`;
}

function ignored(relPath: string, name: string, reason: string): FoundFile {
  return { source: null, list: null, relPath, name, sha256: null, extractDate: null, byteSize: 0, rawPath: null, encoding: null, status: 'ignored', reason: shownReason(reason) };
}

/** The entries listed as ignored tonight, within the entry limit. */
export class IgnoredEntries {
  private readonly list: FoundFile[] = [];
  private stopped = false;

  constructor(private readonly limits: Limits) {}

  /** Whether more entries may still be looked at. */
  get open(): boolean {
    return !this.stopped;
  }

  /** Room left before the entry limit. */
  get room(): number {
    return this.stopped ? 0 : this.limits.max_landing_entries - this.list.length;
  }

  /**
   * Lists one entry (a path inside the landing folder, its parts in shown form; a folder ends with
   * "/"). Past the entry limit the walk stops instead, at the entry's folder.
   */
  add(relPath: string, reason: string): void {
    if (this.stopped) return;
    if (this.room <= 0) {
      const folder = ignoredFolder(relPath);
      return this.stop(folder === 'landing folder' ? '' : folder);
    }
    const parts = relPath.split('/');
    const name = relPath === '' ? 'landing folder' : relPath.endsWith('/') ? `${parts[parts.length - 2]}/` : parts[parts.length - 1]!;
    this.list.push(ignored(relPath, name, reason));
  }

  /** Stops the walk at `relPath` (a folder, ending with "/"; "" for the landing folder itself): the rest is not looked at. */
  stop(relPath: string): void {
    if (this.stopped) return;
    this.stopped = true;
    const reason = `the landing folder holds more entries that are not where a source lives than ${limitText(this.limits, 'max_landing_entries')} allows, so the walk stopped here and the rest were not looked at; tidy the landing folder`;
    this.list.push(ignored(relPath, relPath === '' ? 'landing folder' : relPath, reason));
  }

  /** Everything listed, in path order. */
  entries(): FoundFile[] {
    return [...this.list].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  }
}

/** `dir`'s entries, at most `max` of them (the folder is read no further), and whether there were more. */
async function readSome(dir: string, max: number): Promise<{ entries: Dirent[]; more: boolean }> {
  const d: Dir = await opendir(dir);
  const entries: Dirent[] = [];
  try {
    for (let e = await d.read(); e !== null; e = await d.read()) {
      if (entries.length === max) return { entries, more: true };
      entries.push(e);
    }
    return { entries, more: false };
  } finally {
    await d.close().catch(() => undefined);
  }
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** One entry that is not opened: a file, a link (never followed) or something else, with why it is ignored. */
function listEntry(out: IgnoredEntries, e: Dirent, rel: string, why: string): void {
  const path = rel + shownName(e.name);
  if (e.isSymbolicLink()) out.add(path, `a link, which is not followed; ${why}`);
  else if (e.isFile()) out.add(path, why);
  else out.add(path, `not a plain file or folder (a device or pipe); ${why}`);
}

/**
 * Lists a folder's entries as ignored, opening its sub-folders down to the depth limit.
 * `rel` is the folder's path inside the landing folder in shown form, ending with "/"; `level`
 * how many folders down it is. An error that may mend is thrown (the step is retried).
 */
export async function walkIgnoredFolder(dir: string, rel: string, level: number, why: string, out: IgnoredEntries, limits: Limits): Promise<void> {
  if (!out.open) return;
  if (level > limits.max_landing_depth) {
    out.add(rel, `a folder ${level} levels down, deeper than ${limitText(limits, 'max_landing_depth')} allows: not opened; ${why}`);
    return;
  }
  let read: { entries: Dirent[]; more: boolean };
  try {
    read = await readSome(dir, out.room);
  } catch (err) {
    const reason = permanentFsReason(err, 'the folder');
    if (!reason) throw err;
    out.add(rel, `${reason}; ${why}`);
    return;
  }
  if (read.entries.length === 0 && !read.more) out.add(rel, `an empty folder; ${why}`);
  for (const e of read.entries.sort(byName)) {
    if (!out.open) return;
    if (e.isDirectory()) await walkIgnoredFolder(join(dir, e.name), `${rel}${shownName(e.name)}/`, level + 1, why, out, limits);
    else listEntry(out, e, rel, why);
  }
  if (read.more) out.stop(rel);
}

/**
 * The landing folder's own entries other than the source folders: its files, and every folder
 * that is not a source folder, walked.
 */
export async function walkLandingRoot(landing: string, out: IgnoredEntries, limits: Limits): Promise<void> {
  const sources = new Set<string>(SOURCE_KINDS);
  // The source folders are read by pull and do not count against the entry limit.
  let read: { entries: Dirent[]; more: boolean };
  try {
    read = await readSome(landing, out.room + sources.size);
  } catch (err) {
    const reason = permanentFsReason(err, 'the folder');
    if (!reason) throw err;
    out.add('', `${reason}: the landing folder itself could not be listed, so files outside the source folders were not looked for`);
    return;
  }
  const others = read.entries.filter((e) => !sources.has(e.name)).sort(byName);
  for (const e of others) {
    if (!out.open) return;
    if (e.isDirectory()) await walkIgnoredFolder(join(landing, e.name), `${shownName(e.name)}/`, 1, unknownFolderWhy(e.name), out, limits);
    else listEntry(out, e, '', rootWhy());
  }
  if (read.more) out.stop('');
}
