/**
 * Reading a landing file's bytes, once: its sha256, size, whether it is valid UTF-8 and whether it
 * holds NUL bytes, optionally streamed into a copy in the archive folder as they are hashed. The
 * night archives that copy under its hash and loads from it, so the archive always holds exactly
 * the bytes the hash names, even when the landing file is replaced or rewritten while it is read
 * (one open file, read to its end). `csc-kpi validate` only hashes in place.
 *
 * Errors of the landing side are wrapped in `LandingReadError`, so the caller can tell a file it
 * cannot read (a reject) from an archive it cannot write (retried).
 */
import { createHash, randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { BigIntStats } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileFacts {
  sha256: string;
  byteSize: number;
  encoding: 'utf-8' | 'windows-1252';
  hasNul: boolean;
}

/** An error opening, reading or statting a landing file (`fsError` is the file system's error). */
export class LandingReadError extends Error {
  constructor(readonly fsError: unknown) {
    super(fsError instanceof Error ? fsError.message : String(fsError));
  }
}

const CHUNK = 4 << 20;

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
 * The facts of bytes fed in chunks: the UTF-8 check runs chunk by chunk with `isUtf8` (no text
 * decoded); a sequence split by a chunk boundary is checked whole.
 */
class FactsOfBytes {
  private hash = createHash('sha256');
  private valid = true;
  private hasNul = false;
  private size = 0;
  private carry: Buffer | null = null;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (!this.hasNul && chunk.includes(0)) this.hasNul = true;
    if (this.valid) {
      const bytes: Buffer = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
      const end = completeUtf8End(bytes);
      this.valid = isUtf8(bytes.subarray(0, end));
      this.carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : null;
    }
  }

  get bytes(): number {
    return this.size;
  }

  result(): FileFacts {
    const valid = this.valid && !this.carry; // a file that ends inside a sequence is not UTF-8
    return { sha256: this.hash.digest('hex'), byteSize: this.size, encoding: valid ? 'utf-8' : 'windows-1252', hasNul: this.hasNul };
  }
}

/** Runs a file-system call on a landing path, marking its errors as the landing's (activities/fs-errors.ts sorts them). */
export async function onLanding<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new LandingReadError(err);
  }
}

export interface ReadFile {
  facts: FileFacts;
  /** The stat of the file that was read (the open file's, before reading). */
  before: BigIntStats;
  /** The path's stat after reading, or null when it is gone. */
  after: BigIntStats | null;
  /** More bytes than `maxBytes` were there (the file grew past its limit while read); the facts are partial. */
  overLimit: boolean;
}

/** Reads the file at `path` once, to its end (or past `maxBytes`), writing each chunk to `into` as it is hashed. */
async function readOnce(path: string, maxBytes: number, into: FileHandle | null): Promise<ReadFile> {
  const fh = await onLanding(() => open(path, 'r'));
  try {
    const before = await onLanding(() => fh.stat({ bigint: true }));
    const facts = new FactsOfBytes();
    const buf = Buffer.allocUnsafe(CHUNK);
    let overLimit = false;
    for (;;) {
      const { bytesRead } = await onLanding(() => fh.read(buf, 0, CHUNK, null));
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      facts.update(chunk);
      if (facts.bytes > maxBytes) {
        overLimit = true;
        break;
      }
      if (into) await into.write(chunk);
    }
    const after = await stat(path, { bigint: true }).catch(() => null);
    return { facts: facts.result(), before, after, overLimit };
  } finally {
    await fh.close();
  }
}

/** The facts of a file read in place (for validate, and for files that are not archived). */
export async function fileFacts(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<FileFacts> {
  return (await readInPlace(path, maxBytes)).facts;
}

export function readInPlace(path: string, maxBytes: number): Promise<ReadFile> {
  return readOnce(path, maxBytes, null);
}

/** A copy of a landing file in the archive folder, not yet named by its hash. */
export interface ArchiveCopy extends ReadFile {
  /** Names the copy `<dir>/<sha256><ext>` (an archive already there holds the same bytes) and returns that path. */
  keep(ext: string): Promise<string>;
  /** Removes the copy (when it is not kept, or on failure); harmless after keep. */
  discard(): Promise<void>;
}

/**
 * Copies the file at `path` into `dir` under a temporary name, hashing the bytes as they are
 * written. The temporary name starts with "." so a half-written copy is never taken for an archive.
 */
export async function copyIntoArchive(path: string, dir: string, maxBytes: number): Promise<ArchiveCopy> {
  const tmp = join(dir, `.incoming-${process.pid}-${randomBytes(6).toString('hex')}`);
  const out = await open(tmp, 'wx', 0o600);
  let read: ReadFile;
  try {
    read = await readOnce(path, maxBytes, out);
    await out.sync();
  } catch (err) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await out.close();
  let kept: string | null = null;
  return {
    ...read,
    async keep(ext: string): Promise<string> {
      if (kept) return kept;
      const dest = join(dir, `${read.facts.sha256}${ext.toLowerCase()}`);
      const existing = await stat(dest).catch(() => null);
      if (existing?.size === read.facts.byteSize) await rm(tmp, { force: true });
      else await rename(tmp, dest);
      kept = dest;
      return dest;
    },
    async discard(): Promise<void> {
      if (!kept) await rm(tmp, { force: true });
    },
  };
}
