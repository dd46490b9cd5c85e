/**
 * Custody on disk: after a real night (the workflow on a real Temporal dev server, and the built
 * `csc-kpi run`), every path under the home is owner-only — folders 0700, files 0600 — except
 * each snapshot's public/ (0755/0644) and the folders a reader passes through to reach it (the
 * home, snapshots/ and the snapshot folder: 0711). A home left wide by an earlier version is
 * narrowed at the start of the next night, and the log says so. The landing folder is never
 * touched, and no symbolic link is followed.
 */
import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { workflowsPath } from '../cli/worker.js';
import { projectPath } from '../core/project-root.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const KEY = 'home-modes-test-key-7c1e9a3f5b2d8046e1a9c3f7';
const ROWS: [string, string][] = [
  ['C1', '28/02/2014'],
  ['C1', '28/02/2015'],
  ['C2', '10/02/2015'],
];

/** Every path under `root` (not following links) with its permission bits, by path relative to it ('.' for itself). */
async function modesUnder(root: string): Promise<Map<string, { mode: number; dir: boolean; link: boolean }>> {
  const out = new Map<string, { mode: number; dir: boolean; link: boolean }>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const p = join(dir, name);
      const r = rel === '.' ? name : `${rel}/${name}`;
      const s = await lstat(p);
      out.set(r, { mode: s.mode & 0o777, dir: s.isDirectory(), link: s.isSymbolicLink() });
      if (s.isDirectory()) await walk(p, r);
    }
  };
  const s = await lstat(root);
  out.set('.', { mode: s.mode & 0o777, dir: true, link: false });
  await walk(root, '.');
  return out;
}

const octal = (m: number) => m.toString(8).padStart(4, '0');

/**
 * Asserts the custody rule on every path under a home (except `skip`, a folder not ours): the
 * home, snapshots/ and each snapshot folder 0711; inside a snapshot's public/ 0755/0644;
 * everything else 0700/0600. Returns the paths seen, for spot checks.
 */
async function expectCustody(home: string, skip: string[] = [], exceptions: Record<string, number> = {}): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const wrong: string[] = [];
  for (const [rel, s] of await modesUnder(home)) {
    if (s.link || skip.some((k) => rel === k || rel.startsWith(`${k}/`))) continue;
    const parts = rel.split('/');
    const snapshotFolder = parts[0] === 'snapshots' && parts.length === 2 && s.dir;
    const inPublic = parts[0] === 'snapshots' && parts[2] === 'public';
    const want = rel in exceptions ? exceptions[rel]! : rel === '.' || rel === 'snapshots' || snapshotFolder ? 0o711 : inPublic ? (s.dir ? 0o755 : 0o644) : s.dir ? 0o700 : 0o600;
    seen.set(rel, octal(s.mode));
    if (s.mode !== want) wrong.push(`${rel}: ${octal(s.mode)}, want ${octal(want)}`);
  }
  expect(wrong).toEqual([]);
  return seen;
}

/** A landing folder outside the home, its folder and extract readable by all (as a share delivers them). */
async function wideLanding(root: string, asOf: string): Promise<string> {
  const landing = join(root, 'landing');
  const name = await writeReferrals(landing, asOf, ROWS);
  await chmod(join(landing, 'case-system'), 0o755);
  await chmod(join(landing, 'case-system', name), 0o644);
  return landing;
}

describe('file modes after a night through the workflow (real Temporal dev server)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('leaves every path under the home owner-only except the public folder and the way to it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-modes-'));
    const landing = await wideLanding(root, '2015-02-28');
    const home = join(root, 'home');
    const taskQueue = uniqueQueue('modes');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: createActivities({ signingKey: KEY }),
    });
    const night = await worker.runUntil(startOrJoinNight(env.client, { asOf: '2015-02-28', landing, home }, taskQueue));

    const seen = await expectCustody(home);
    const id = night.snapshotId;
    const [archived] = [...seen.keys()].filter((k) => k.startsWith('raw/case-system/'));
    // The paths that matter, each present with its mode (expectCustody checked all of them).
    expect(Object.fromEntries(['.', 'raw', 'raw/case-system', archived!, 'work', 'work/warehouse.duckdb', 'warehouse.duckdb', 'snapshots', 'snapshots/index.json', `snapshots/${id}`, `snapshots/${id}/metrics.json`, `snapshots/${id}/manifest.json`, `snapshots/${id}/manifest.sig`, `snapshots/${id}/report.html`, `snapshots/${id}/public`, `snapshots/${id}/public/report.html`, `snapshots/${id}/public/metrics.json`].map((k) => [k, seen.get(k)]))).toEqual({
      '.': '0711',
      raw: '0700',
      'raw/case-system': '0700',
      [archived!]: '0600',
      work: '0700',
      'work/warehouse.duckdb': '0600',
      'warehouse.duckdb': '0600',
      snapshots: '0711',
      'snapshots/index.json': '0600',
      [`snapshots/${id}`]: '0711',
      [`snapshots/${id}/metrics.json`]: '0600',
      [`snapshots/${id}/manifest.json`]: '0600',
      [`snapshots/${id}/manifest.sig`]: '0600',
      [`snapshots/${id}/report.html`]: '0600',
      [`snapshots/${id}/public`]: '0755',
      [`snapshots/${id}/public/report.html`]: '0644',
      [`snapshots/${id}/public/metrics.json`]: '0644',
    });
    // The landing folder is the council's: read, never re-moded.
    expect((await stat(join(landing, 'case-system', 'referrals_2015-02-28.csv'))).mode & 0o777).toBe(0o644);
  });
});

describe('a home left wide by an earlier version', () => {
  it('is narrowed at the start of the next night, says so in the log, never widens, and follows no link', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-wide-'));
    const landing = await wideLanding(root, '2015-01-31');
    const home = join(root, 'home');
    const jan = await runNight({ home, landing, asOf: '2015-01-31', runId: 'run-jan-0001', createdAt: '2015-02-01T02:00:00.000Z' });
    // As an earlier version left it: everything readable by all, public/ included.
    for (const [rel, s] of await modesUnder(home)) if (!s.link) await chmod(join(home, rel), s.dir ? 0o755 : 0o644);
    await chmod(join(home, 'snapshots', jan.snapshotId, 'public', 'report.html'), 0o600); // narrowed by hand: stays so
    const outside = join(root, 'outside.txt');
    await writeFile(outside, 'not the home’s');
    await chmod(outside, 0o644);
    await symlink(outside, join(home, 'link-out'));

    const lines: string[] = [];
    const activityEnv = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN', (e) => lines.push(e.message)) });
    await writeReferrals(landing, '2015-02-28', ROWS);
    await activityEnv.run(createActivities().pullSources, { asOf: '2015-02-28', landing, home });

    // Narrowed, 15 paths: the home, snapshots/ and the snapshot folder 0755 → 0711 (3); raw/,
    // raw/case-system/ and the archived file (3); work/, work/warehouse.duckdb, warehouse.duckdb (3);
    // snapshots/index.json (1); the snapshot's manifest.json, metrics.csv, metrics.json,
    // metrics.parquet, report.html (5). public/ and its 0644 files already are as wanted, and the
    // hand-narrowed public report stays 0600. The log names the first 5 in order and counts the rest.
    const tightened = lines.filter((l) => l.startsWith('home folder tightened: '));
    expect(tightened).toHaveLength(1);
    expect(tightened[0]).toMatch(/^home folder tightened: 15 paths other accounts could read or enter are now owner-only \(\., raw, raw\/case-system, raw\/case-system\/[0-9a-f]{64}\.csv, snapshots and 10 more\)$/);
    const after = await expectCustody(home, [], { [`snapshots/${jan.snapshotId}/public/report.html`]: 0o600 });
    expect(after.get(`snapshots/${jan.snapshotId}/public/metrics.json`)).toBe('0644');
    expect(after.get(`snapshots/${jan.snapshotId}/metrics.json`)).toBe('0600');
    expect(after.get('warehouse.duckdb')).toBe('0600');
    expect(after.get('.')).toBe('0711');
    expect((await stat(outside)).mode & 0o777).toBe(0o644);

    // A second night start finds nothing to narrow and says nothing.
    lines.length = 0;
    await activityEnv.run(createActivities().pullSources, { asOf: '2015-02-28', landing, home });
    expect(lines.filter((l) => l.startsWith('home folder'))).toEqual([]);
  });
});

describe('the built csc-kpi', () => {
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; err: string }>((resolve, reject) => {
      // No TEMPORAL_ADDRESS: `run` starts its own embedded dev server.
      const { TEMPORAL_ADDRESS: _ignored, ...env } = process.env;
      const child = spawn(process.execPath, [projectPath('bin', 'csc-kpi.js'), ...args], {
        env: { ...env, LOG_LEVEL: 'warn', ...extra },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, err }));
    });

  it('`run` with the landing folder inside the home: the home is owner-only, the landing folder untouched', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-cli-modes-'));
    const home = join(root, 'home');
    await mkdir(home, { mode: 0o755 });
    await chmod(home, 0o755);
    const landing = await wideLanding(home, '2015-02-28'); // <home>/landing, the default
    const r = await cli(['run', '--as-of', '2015-02-28', '--home', home], { CSC_KPI_SIGNING_KEY: KEY });
    expect(r.code, r.err).toBe(0);
    const seen = await expectCustody(home, ['landing']);
    expect([...seen.keys()].filter((k) => k.endsWith('/manifest.sig'))).toHaveLength(1);
    expect([...seen.keys()].filter((k) => k.startsWith('raw/case-system/'))).toHaveLength(1);
    expect((await stat(landing)).mode & 0o777).toBe(0o755);
    expect((await stat(join(landing, 'case-system'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(landing, 'case-system', 'referrals_2015-02-28.csv'))).mode & 0o777).toBe(0o644);
  });

  it('runs with umask 077: a file it writes without a deliberate mode is owner-only', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'csc-kpi-umask-')), 'dictionary.md');
    const r = await cli(['dictionary', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });
});
