/**
 * Pull's reading of a landing file: the UTF-8 check across chunk boundaries (a character split
 * by the 1 MiB chunk edge is whole, a byte that is not UTF-8 is found wherever it falls, a file
 * ending mid-character is not UTF-8), and the stat cache (meta.landing_stats): an unchanged file
 * is not hashed again, a file whose bytes change — even to the same size with its modification
 * time put back — is, and a file modified just now is never trusted to its timestamp. And the
 * archive holds exactly the bytes the recorded hash names, even when the landing file is
 * replaced while it is being read. A source folder that cannot be read is reported, not taken for
 * an empty one.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, realpath, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../activities/migrate.js';
import { fileFacts, pullSources, type PullOptions } from '../activities/pull.js';
import type { FoundFile } from '../core/night.js';
import { Warehouse } from '../activities/warehouse.js';
import { sourceFolderList } from '../core/source-folders.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { pullAndLoad, put, query, tempNight, type TempNight } from './helpers/landing.js';

const MIB = 1 << 20;
const REF_HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';

describe('the UTF-8 check', () => {
  it('holds across chunk boundaries', async () => {
    const t = await tempNight();
    const euro = Buffer.from('€', 'utf8'); // 3 bytes
    for (const offset of [1, 2]) {
      // The euro sign straddles the first chunk's end by `offset` bytes.
      const p = await put(t, `audits/split-${offset}.csv`, Buffer.concat([Buffer.alloc(MIB - 3 + offset, 'a'), euro, Buffer.from('\n')]));
      expect((await fileFacts(p)).encoding).toBe('utf-8');
    }
    const cp1252 = await put(t, 'audits/quote.csv', Buffer.concat([Buffer.alloc(MIB - 1, 'a'), Buffer.from([0x93, 0x61, 0x94, 0x0a])]));
    expect((await fileFacts(cp1252)).encoding).toBe('windows-1252');
    const cut = await put(t, 'audits/cut.csv', Buffer.concat([Buffer.alloc(100, 'a'), euro.subarray(0, 2)]));
    expect((await fileFacts(cut)).encoding).toBe('windows-1252');
    const nul = await put(t, 'audits/nul.csv', Buffer.concat([Buffer.alloc(MIB + 5, 'a'), Buffer.from([0])]));
    expect(await fileFacts(nul)).toMatchObject({ encoding: 'utf-8', hasNul: true, byteSize: MIB + 6 });
  });
});

describe('the stat cache', () => {
  it('uses the recorded facts of an unchanged file, re-reads a changed one, never records a file modified just now', async () => {
    const t = await tempNight();
    const past = new Date('2015-03-01T06:00:00Z');
    const rows = (id: string) => [REF_HEADER, `${id},F,W,,,T,W1,01/02/2015,Police,N`].join('\n') + '\n';
    const p = await put(t, 'case-system/referrals_2015-02-28.csv', rows('C1'));
    await utimes(p, past, past);

    // Written (its change time is now) moments ago: read, but not recorded.
    const first = await pullAndLoad(t, '2015-02-28', 'run-1');
    expect(first.found.map((f) => f.status)).toEqual(['new']);
    expect(await query(t, 'SELECT * FROM meta.landing_stats')).toEqual([]);

    // A recorded stat that matches is believed without reading the bytes (here: a made-up hash,
    // recorded as loaded, so the file needs no archiving: a quiet night reads nothing).
    const made = 'f'.repeat(64);
    const st = await stat(p, { bigint: true });
    const real = await realpath(p);
    await Warehouse.with(t.warehouse, async (w) => {
      await w.run(`INSERT INTO meta.landing_stats VALUES ($p, $size, $m, $c, $i, $sha, 'utf-8', false, now()::TIMESTAMP)`, {
        p: real,
        size: st.size,
        m: st.mtimeNs,
        c: st.ctimeNs,
        i: st.ino,
        sha: made,
      });
      await w.run('INSERT INTO meta.files SELECT $made, * EXCLUDE (sha256, load_seq, loaded_by_run), -1, loaded_by_run FROM meta.files WHERE sha256 = $real', {
        made,
        real: first.found[0]!.sha256!,
      });
    });
    const second = await pullAndLoad(t, '2015-02-28', 'run-2');
    expect(second.found.map((f) => [f.sha256, f.status])).toEqual([[made, 'already_loaded']]);

    // Same size, modification time put back, different bytes: the change time gives it away.
    await put(t, 'case-system/referrals_2015-02-28.csv', rows('C9'));
    await utimes(p, past, past);
    const third = await pullAndLoad(t, '2015-02-28', 'run-3');
    expect(third.found[0]!.sha256).not.toBe(made);
    expect(third.found[0]!.sha256).not.toBe(first.found[0]!.sha256);
    expect(third.loads.get(third.found[0]!.relPath)).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
  });
});

/** Whether this process has `path` open (the pull reading it). */
function isOpenHere(path: string): boolean {
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** Does `act` once, as soon as this process has `path` open (the pull reading it), until stopped. */
function onceOpen(path: string, act: () => void): { acted: () => boolean; stop: () => void } {
  let acted = false;
  let stopped = false;
  const watch = (): void => {
    if (stopped || acted) return;
    if (isOpenHere(path)) {
      act();
      acted = true;
      return;
    }
    setImmediate(watch);
  };
  setImmediate(watch);
  return { acted: () => acted, stop: () => (stopped = true) };
}

/** The night's pull on a fresh warehouse of `t`. */
async function pullNight(t: TempNight, options: PullOptions = {}): Promise<FoundFile[]> {
  return Warehouse.with(t.warehouse, async (w) => {
    await migrate(w);
    return pullSources(w, { asOf: '2015-02-28', landing: t.landing, home: t.home }, options);
  });
}

describe('the archive', () => {
  it('holds the bytes whose hash is recorded, even when the landing file is replaced while it is read', async () => {
    const t = await tempNight();
    const original = Buffer.concat([Buffer.from(`${REF_HEADER}\n`), Buffer.alloc(32 * MIB, 'a'), Buffer.from('\n')]);
    const replacement = Buffer.concat([Buffer.from(`${REF_HEADER}\n`), Buffer.alloc(32 * MIB, 'b'), Buffer.from('\n')]);
    const p = await put(t, 'case-system/referrals_2015-02-28.csv', original);
    const real = await realpath(p);
    // As soon as the pull has the file open, another process's export replaces it (rename over it).
    const replacing = onceOpen(real, () => {
      const next = join(t.root, 'next.csv');
      writeFileSync(next, replacement);
      renameSync(next, p);
    });
    const found = await pullNight(t).finally(replacing.stop);
    expect(replacing.acted()).toBe(true);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const f = found[0]!;
    expect(f).toMatchObject({ status: 'new', sha256: sha(original), byteSize: original.length });
    expect(f.rawPath).toBe(join(t.home, 'raw', 'case-system', `${sha(original)}.csv`));
    expect(sha(await readFile(f.rawPath!))).toBe(f.sha256);
    // Nothing half-copied is left beside the archive.
    expect(readdirSync(join(t.home, 'raw', 'case-system'))).toEqual([`${sha(original)}.csv`]);
  });

  it('keeps no part of a file that grows past its limit while it is read', async () => {
    const t = await tempNight();
    const p = await put(t, 'case-system/referrals_2015-02-28.csv', Buffer.concat([Buffer.from(`${REF_HEADER}\n`), Buffer.alloc(32 * MIB, 'a'), Buffer.from('\n')]));
    const real = await realpath(p);
    // Within the 40 MiB limit when looked at; an export still appending takes it past while it is copied.
    const growing = onceOpen(real, () => appendFileSync(p, Buffer.alloc(16 * MIB, 'b')));
    const found = await pullNight(t, { limits: { ...DEFAULT_LIMITS, max_csv_bytes: 40 * MIB } }).finally(growing.stop);
    expect(growing.acted()).toBe(true);
    expect(found[0]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^the file is .* over .* for a CSV extract/) });
    // The partial copy was removed, not left in the archive.
    expect(readdirSync(join(t.home, 'raw', 'case-system'))).toEqual([]);
  });

  it('takes the first of the same bytes in landing order, though the files are read at once', async () => {
    const t = await tempNight();
    const bytes = Buffer.concat([Buffer.from(`${REF_HEADER}\n`), Buffer.alloc(8 * MIB, 'a'), Buffer.from('\n')]);
    for (const d of ['2015-01-31', '2015-02-27', '2015-02-28']) await put(t, `case-system/referrals_${d}.csv`, bytes);
    const found = await pullNight(t);
    expect(found.map((f) => [f.name, f.status, f.reason])).toEqual([
      ['referrals_2015-01-31.csv', 'new', null],
      ['referrals_2015-02-27.csv', 'already_loaded', 'same bytes as case-system/referrals_2015-01-31.csv'],
      ['referrals_2015-02-28.csv', 'already_loaded', 'same bytes as case-system/referrals_2015-01-31.csv'],
    ]);
    expect(readdirSync(join(t.home, 'raw', 'case-system'))).toEqual([`${createHash('sha256').update(bytes).digest('hex')}.csv`]);
  });
});

describe('a source folder that cannot be read', () => {
  it('is reported rejected, and the audit files it last showed still count; a missing folder is no problem', async () => {
    const t = await tempNight();
    await put(t, 'audits/QA.csv', 'Audit ID,Child Unique ID,Audit Type,Scheduled Date,Completed Date,Auditor ID,Auditor Role,Worker ID,Grade\nA1,C1,Case File,05/01/2015,09/01/2015,X1,QA,W1,Good\n');
    const first = await pullAndLoad(t, '2015-02-28', 'run-1');
    const sha = first.found[0]!.sha256!;
    const inFolder = () => query<{ sha256: string }>(t, 'SELECT sha256 FROM meta.audit_files_in_folder');
    expect(await inFolder()).toEqual([{ sha256: sha }]);

    // "audits" is now a file where the folder was: the folder cannot be listed (ENOTDIR, as
    // EACCES would be for a folder of another owner; test/bounded-files.test.ts has that one).
    await rename(join(t.landing, 'audits'), join(t.root, 'audits-away'));
    await writeFile(join(t.landing, 'audits'), 'not a folder');
    const second = await pullAndLoad(t, '2015-02-28', 'run-2');
    expect(second.found).toEqual([
      {
        source: 'audits',
        list: null,
        relPath: 'audits/',
        name: 'audits/',
        sha256: null,
        extractDate: null,
        byteSize: 0,
        rawPath: null,
        encoding: null,
        status: 'rejected',
        reason:
          `a file stands where the source folder should be; the landing folder needs ${sourceFolderList()} as folders (ENOTDIR); none of its files were read tonight`,
      },
    ]);
    expect(await inFolder()).toEqual([{ sha256: sha }]);

    // Gone altogether: nothing to report, and no audit files in the folder.
    await rm(join(t.landing, 'audits'));
    const third = await pullAndLoad(t, '2015-02-28', 'run-3');
    expect(third.found).toEqual([]);
    expect(await inFolder()).toEqual([]);
  });
});
