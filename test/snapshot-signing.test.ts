/**
 * Signed snapshots on a real publish (real DuckDB, real files): manifest.sig is the HMAC of
 * manifest.json under CSC_KPI_SIGNING_KEY, and every read (`snapshots list|show|diff`, `latest`,
 * publish's adoption of an unindexed folder) verifies it. Tampered → one plain line and a
 * non-zero exit; unsigned → one warning line, the table still shown.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listFiles, readIndex, readManifest, sha256File, verifySnapshotFolder } from '../activities/snapshot-files.js';
import { readVerifiedSnapshot } from '../activities/snapshot-trust.js';
import { register } from '../cli/commands/snapshots.js';
import { readEnvConfig } from '../core/env-config.js';
import { signingKeyId, signManifest } from '../core/manifest-signature.js';
import { projectPath } from '../core/project-root.js';
import { prepareNight, publishNight, runNight, writeReferrals } from './helpers/snapshot-night.js';

const KEY = 'test-signing-key-3f9a1c7e5b2d8f4a6c0e9b7d5f3a1c8e';
const OTHER_KEY = 'another-key-0a1b2c3d4e5f60718293a4b5c6d7e8f9';

// Two nights on one referrals extract; the figures themselves are checked elsewhere
// (test/snapshot-publish.test.ts). Here only what the files prove matters.
const ROWS: [string, string][] = [
  ['C1', '28/02/2014'],
  ['C1', '28/02/2015'],
  ['C2', '10/02/2015'],
];

interface Home {
  home: string;
  snapshots: string;
  jan: string;
  feb: string;
}

/** Two published nights in a fresh home, signed with `key` (or unsigned). */
async function publishedHome(key: string | null): Promise<Home> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-sign-'));
  const landing = join(root, 'landing');
  const home = join(root, 'home');
  await writeReferrals(landing, '2015-01-31', ROWS.slice(0, 1));
  const jan = await runNight({ home, landing, asOf: '2015-01-31', runId: 'run-jan-0001', createdAt: '2015-02-01T02:00:00.000Z' }, { signingKey: key });
  await writeReferrals(landing, '2015-02-28', ROWS);
  const feb = await runNight({ home, landing, asOf: '2015-02-28', runId: 'run-feb-0002', createdAt: '2015-03-01T02:00:00.000Z' }, { signingKey: key });
  return { home, snapshots: join(home, 'snapshots'), jan: jan.snapshotId, feb: feb.snapshotId };
}

/** A copy of a published home to spoil without touching the original. */
async function copyOf(h: Home): Promise<Home> {
  const home = join(await mkdtemp(join(tmpdir(), 'csc-kpi-sign-copy-')), 'home');
  await cp(h.home, home, { recursive: true, verbatimSymlinks: true });
  return { ...h, home, snapshots: join(home, 'snapshots') };
}

/** The edit the issue reproduced: a figure in metrics.json changed and its hash in manifest.json updated to match. */
async function editFigureAndHash(folder: string): Promise<void> {
  const metricsPath = join(folder, 'metrics.json');
  const metrics = JSON.parse(await readFile(metricsPath, 'utf8')) as { metrics: { kpi: string; value: number | null }[] };
  const rr = metrics.metrics.find((m) => m.kpi === 're_referral_12m_pct')!;
  rr.value = 12.5;
  await writeFile(metricsPath, `${JSON.stringify(metrics, null, 2)}\n`);
  const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
  manifest.files['metrics.json'] = await sha256File(metricsPath);
  await writeFile(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Runs `csc-kpi snapshots …` in process, with CSC_KPI_SIGNING_KEY as given; stdout, stderr and the error, if any. */
async function cli(key: string | null, ...args: string[]): Promise<{ out: string; err: string; error: Error | null }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  const program = new Command('csc-kpi').exitOverride();
  register(program, pino({ level: 'silent' }), readEnvConfig({ CSC_KPI_SIGNING_KEY: key ?? '' }));
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'csc-kpi', ...args]);
  } catch (e) {
    error = e as Error;
  } finally {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }
  return { out: out.join(''), err: err.join(''), error };
}

describe('signed snapshots', () => {
  let signed: Home;
  let unsigned: Home;
  beforeAll(async () => {
    signed = await publishedHome(KEY);
    unsigned = await publishedHome(null);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('publishes manifest.sig, the hex HMAC-SHA256 of manifest.json, and names the key in the manifest', async () => {
    const folder = join(signed.snapshots, signed.feb);
    const manifestBytes = await readFile(join(folder, 'manifest.json'));
    expect(await readFile(join(folder, 'manifest.sig'), 'utf8')).toBe(signManifest(manifestBytes, KEY));
    const manifest = await readManifest(folder);
    expect(manifest.signature).toEqual({ algorithm: 'HMAC-SHA256', key_id: signingKeyId(KEY), file: 'manifest.sig' });
    // The manifest lists every other file, and cannot list its own signature.
    expect(Object.keys(manifest.files)).toEqual((await listFiles(folder)).filter((f) => f !== 'manifest.json' && f !== 'manifest.sig'));
    // The fields dashboards read are unchanged by signing.
    expect(manifest).toMatchObject({ snapshot_id: signed.feb, as_of: '2015-02-28', run_id: 'run-feb-0002', previous_snapshot_id: signed.jan });
    expect(await verifySnapshotFolder(folder, signed.feb, KEY)).toEqual({ errors: [], tampered: false, signature: 'signed' });
  });

  it('an unsigned publish writes no manifest.sig and no signature claim', async () => {
    const folder = join(unsigned.snapshots, unsigned.feb);
    expect(await listFiles(folder)).not.toContain('manifest.sig');
    expect((await readManifest(folder)).signature).toBeUndefined();
    expect(await verifySnapshotFolder(folder, unsigned.feb, KEY)).toEqual({ errors: [], tampered: false, signature: 'unsigned' });
  });

  it('show: a signed snapshot is shown with no warning', async () => {
    const r = await cli(KEY, 'snapshots', 'show', 'latest', '--home', signed.home);
    expect(r.error).toBeNull();
    expect(r.out).toContain(`snapshot ${signed.feb}: as of 2015-02-28`);
    expect(r.err).toBe('');
  });

  it('show: an edit to metrics.json and its hash in manifest.json is tampered, in one line', async () => {
    const h = await copyOf(signed);
    await editFigureAndHash(join(h.snapshots, h.feb));
    // Without the signature this edit passes every hash check.
    expect((await verifySnapshotFolder(join(h.snapshots, h.feb), h.feb)).errors).toEqual([]);

    const r = await cli(KEY, 'snapshots', 'show', h.feb, '--home', h.home);
    expect(r.out).toBe('');
    expect(r.error?.message).toBe(
      `snapshot ${h.feb} has been tampered with: manifest.json does not match its signature in manifest.sig: it was edited after it was signed, or signed with another key. Do not use its figures: restore the folder from a backup, or re-run the night to publish a new snapshot.`,
    );
    expect(r.error?.message).not.toContain('\n');
  });

  it('show latest and diff refuse a tampered snapshot too; list marks it and fails', async () => {
    const h = await copyOf(signed);
    await editFigureAndHash(join(h.snapshots, h.feb));
    const latest = await cli(KEY, 'snapshots', 'show', 'latest', '--home', h.home);
    expect(latest.error?.message).toMatch(new RegExp(`^snapshot ${h.feb} has been tampered with: `));
    const diff = await cli(KEY, 'snapshots', 'diff', h.jan, h.feb, '--home', h.home);
    expect(diff.out).toBe('');
    expect(diff.error?.message).toMatch(new RegExp(`^snapshot ${h.feb} has been tampered with: `));

    const list = await cli(KEY, 'snapshots', 'list', '--home', h.home);
    const rows = list.out.split('\n').slice(2).filter(Boolean);
    expect(rows[0]).toMatch(new RegExp(`^${h.feb}\\s.*\\sTAMPERED\\s+\\*$`));
    expect(rows[1]).toMatch(new RegExp(`^${h.jan}\\s.*\\ssigned$`));
    expect(list.error?.message).toBe(`1 of 2 snapshots do not verify (${h.feb}): see csc-kpi snapshots show ID for why; do not use their figures.`);
  });

  it('wrong key: tampered, naming both key ids', async () => {
    const r = await cli(OTHER_KEY, 'snapshots', 'show', signed.feb, '--home', signed.home);
    expect(r.error?.message).toContain(`snapshot ${signed.feb} has been tampered with: manifest.json was signed with another key (key id ${signingKeyId(KEY)}), not this CSC_KPI_SIGNING_KEY (key id ${signingKeyId(OTHER_KEY)})`);
    expect(r.error?.message).not.toContain('\n');
    const list = await cli(OTHER_KEY, 'snapshots', 'list', '--home', signed.home);
    expect(list.error?.message).toMatch(/^2 of 2 snapshots do not verify/);
  });

  it('no key at read time: a signed snapshot is shown with a warning that its signature was not checked', async () => {
    const r = await cli(null, 'snapshots', 'show', signed.feb, '--home', signed.home);
    expect(r.error).toBeNull();
    expect(r.out).toContain(`snapshot ${signed.feb}: as of 2015-02-28`);
    expect(r.err).toBe(
      `warning: snapshot ${signed.feb} is signed, but CSC_KPI_SIGNING_KEY is not set here, so its signature was not checked: its files match its manifest, but the manifest itself is unproved\n`,
    );
  });

  it('no key at publish time: unsigned, shown with one warning line (with or without a key here)', async () => {
    for (const key of [KEY, null]) {
      const r = await cli(key, 'snapshots', 'show', 'latest', '--home', unsigned.home);
      expect(r.error).toBeNull();
      expect(r.out).toContain(`snapshot ${unsigned.feb}: as of 2015-02-28`);
      expect(r.err).toBe(
        `warning: snapshot ${unsigned.feb} is unsigned (published without CSC_KPI_SIGNING_KEY, or by an older version): its files match its manifest, but nothing proves the manifest itself was not edited\n`,
      );
    }
    const list = await cli(KEY, 'snapshots', 'list', '--home', unsigned.home);
    expect(list.error).toBeNull();
    expect(list.out.split('\n').slice(2).filter(Boolean).map((l) => /\s(unsigned)(\s+\*)?$/.exec(l)?.[1])).toEqual(['unsigned', 'unsigned']);
    expect(list.err).toBe('warning: 2 of 2 snapshots are not proved by a signature (unsigned, or no CSC_KPI_SIGNING_KEY here to check them)\n');
  });

  it('removing manifest.sig from a signed snapshot is tampering, not "unsigned"', async () => {
    const h = await copyOf(signed);
    await rm(join(h.snapshots, h.feb, 'manifest.sig'));
    await expect(readVerifiedSnapshot(h.snapshots, h.feb, KEY)).rejects.toThrow(
      `snapshot ${h.feb} has been tampered with: manifest.sig is missing, but manifest.json says the snapshot was signed.`,
    );
  });

  it('a file added, a file missing, or a file whose hash differs is tampered, signed or not', async () => {
    for (const base of [signed, unsigned]) {
      const h = await copyOf(base);
      const folder = join(h.snapshots, h.feb);
      await writeFile(join(folder, 'public', 'extra.html'), '<p>not published</p>');
      await rm(join(folder, 'metrics.csv'));
      await writeFile(join(folder, 'report.html'), 'edited');
      const check = await verifySnapshotFolder(folder, h.feb, KEY);
      expect(check.tampered).toBe(true);
      expect(check.errors).toEqual([
        'public/extra.html: in the folder but not in manifest.json',
        'metrics.csv: listed in manifest.json but missing',
        'report.html: sha256 differs from manifest.json',
      ]);
      const r = await cli(KEY, 'snapshots', 'show', h.feb, '--home', h.home);
      expect(r.error?.message).toBe(
        `snapshot ${h.feb} has been tampered with: public/extra.html: in the folder but not in manifest.json; metrics.csv: listed in manifest.json but missing; report.html: sha256 differs from manifest.json. Do not use its figures: restore the folder from a backup, or re-run the night to publish a new snapshot.`,
      );
    }
  });

  it('a file name with a terminal escape is shown escaped, never raw', async () => {
    const h = await copyOf(signed);
    await writeFile(join(h.snapshots, h.feb, 'x\u001b[2Jy.txt'), '');
    const r = await cli(KEY, 'snapshots', 'show', h.feb, '--home', h.home);
    expect(r.error?.message).toContain('x\\u001b[2Jy.txt: in the folder but not in manifest.json');
    expect(r.error?.message).not.toContain('\u001b');
  });

  it('publish adopts an unindexed folder only when it verifies under the key', async () => {
    const h = await copyOf(signed);
    const index = await readIndex(h.snapshots);
    // As after a publish killed between its rename and index.json: the folder is there, unindexed.
    await writeFile(join(h.snapshots, 'index.json'), `${JSON.stringify(index.filter((e) => e.snapshot_id !== h.feb), null, 2)}\n`);
    await editFigureAndHash(join(h.snapshots, h.feb));
    const warnings: string[] = [];
    const landing = join(h.home, '..', 'landing-mar');
    await writeReferrals(landing, '2015-03-31', ROWS);
    const input = await prepareNight({ home: h.home, landing, asOf: '2015-03-31', runId: 'run-mar-0003', createdAt: '2015-04-01T02:00:00.000Z' });
    const mar = await publishNight(input, { signingKey: KEY, warn: (m) => warnings.push(m) });
    expect((await readIndex(h.snapshots)).map((e) => e.snapshot_id)).toEqual([mar.snapshotId, h.jan]);
    expect(warnings).toEqual([
      `snapshots/${h.feb} is not in index.json and does not verify, so it was left out: manifest.json does not match its signature in manifest.sig: it was edited after it was signed, or signed with another key`,
    ]);
  });

  it('publish without a key says the snapshot is unsigned', async () => {
    const h = await copyOf(unsigned);
    const landing = join(h.home, '..', 'landing-mar');
    await writeReferrals(landing, '2015-03-31', ROWS);
    const warnings: string[] = [];
    const input = await prepareNight({ home: h.home, landing, asOf: '2015-03-31', runId: 'run-mar-0004', createdAt: '2015-04-01T02:00:00.000Z' });
    const mar = await publishNight(input, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      `snapshot ${mar.snapshotId} is published unsigned: CSC_KPI_SIGNING_KEY is not set, so nothing will prove its manifest unedited (README, "Signing snapshots")`,
    ]);
  });
});

describe('the built CLI', () => {
  it('exits non-zero with one plain line for a tampered snapshot, and 0 with one warning for an unsigned one', async () => {
    const h = await copyOf(await publishedHome(KEY));
    await editFigureAndHash(join(h.snapshots, h.feb));
    const run = (key: string, ...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [projectPath('bin', 'csc-kpi.js'), ...args], {
          env: { ...process.env, CSC_KPI_SIGNING_KEY: key, LOG_LEVEL: 'silent' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, out, err }));
      });
    const tampered = await run(KEY, 'snapshots', 'show', 'latest', '--home', h.home);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toBe('');
    expect(tampered.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(tampered.err).toMatch(new RegExp(`^csc-kpi: snapshot ${h.feb} has been tampered with: manifest\\.json does not match its signature`));


    const old = await publishedHome(null);
    const shown = await run(KEY, 'snapshots', 'show', 'latest', '--home', old.home);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`snapshot ${old.feb}: as of 2015-02-28`);
    expect(shown.err).toBe(`warning: snapshot ${old.feb} is unsigned (published without CSC_KPI_SIGNING_KEY, or by an older version): its files match its manifest, but nothing proves the manifest itself was not edited\n`);
  });
});
