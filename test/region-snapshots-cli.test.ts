/**
 * `csc-kpi snapshots list|show|diff --home <region home>` on real regional snapshots (real DuckDB,
 * real files, no Temporal): each verified by the regional rules (files, manifest, signature,
 * region.json's contract), shown in the words `region run` prints, compared council by council;
 * a tampered one refused in one line, as a council's is.
 */
import { chmod, cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishRegion } from '../activities/region-publish.js';
import { register } from '../cli/commands/snapshots.js';
import { readEnvConfig } from '../core/env-config.js';
import type { RegionConfig, RegionCouncil } from '../core/region-config.js';
import type { CouncilNightOutcome } from '../core/region-night.js';
import { regionSnapshotFile, type RegionSnapshotFile } from '../core/region-snapshot.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';

const KEY = 'region-cli-key-7d1e9a3c5b2f8e0a4c6d2b9f1e7a3c5d';
const AS_OF = '2015-02-28';
// re_referral_12m_pct over February: C1 and C2 referred in January and again in February, C3 once: 2 of 3 → 66.7.
const ROWS: [string, string][] = [
  ['C1', '10/01/2015'],
  ['C1', '10/02/2015'],
  ['C2', '11/01/2015'],
  ['C2', '11/02/2015'],
  ['C3', '12/02/2015'],
];
const LANDING_MISSING = 'The landing folder (a path) does not exist or is not a folder.';

let root: string;
let snapshots: string;
let first: { snapshotId: string; path: string };
let second: { snapshotId: string; path: string };
let b: RegionCouncil;

const councilOf = (id: string): RegionCouncil => ({ id, name: `Council ${id.toUpperCase()}`, laCode: '301', landing: join(root, id, 'landing'), home: join(root, id, 'home'), taskQueue: 'q' });

async function nightOf(c: RegionCouncil): Promise<string> {
  await writeReferrals(c.landing, AS_OF, ROWS);
  return (await runNight({ home: c.home, landing: c.landing, asOf: AS_OF, runId: `run-${c.id}-0001`, createdAt: `${AS_OF}T23:00:00.000Z` }, { signingKey: KEY })).snapshotId;
}

async function regionJson(path: string): Promise<RegionSnapshotFile> {
  return regionSnapshotFile.parse(JSON.parse(await readFile(join(path, 'region.json'), 'utf8')));
}

/** Runs `csc-kpi snapshots …` in process with the signing key; stdout, stderr and the error, if any. */
async function cli(...args: string[]): Promise<{ out: string; err: string; error: Error | null }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  const program = new Command('csc-kpi').exitOverride();
  register(program, pino({ level: 'silent' }), readEnvConfig({ CSC_KPI_SIGNING_KEY: KEY }));
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'csc-kpi', ...args]);
  } catch (e) {
    error = e as Error;
  } finally {
    vi.restoreAllMocks();
  }
  return { out: out.join(''), err: err.join(''), error };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'csc-kpi-region-snapshots-'));
  const a = councilOf('a');
  b = { ...councilOf('b'), laCode: '302' };
  const aSnapshot = await nightOf(a);
  const config: RegionConfig = { path: join(root, 'region.json'), name: 'Test region', home: join(root, 'region'), taskQueue: 'q', statisticalNeighbours: null, councils: [a, b] };
  snapshots = join(config.home, 'snapshots');
  const input = (runId: string, createdAt: string, nights: CouncilNightOutcome[]) => ({ config: config.path, asOf: AS_OF, workflowId: `region-night-${AS_OF}`, runId, createdAt, nights });
  // First version: b's landing folder was missing, so b failed (it has no snapshot yet).
  first = await publishRegion(
    config,
    input('region-run-0001', '2015-03-01T05:10:00.000Z', [
      { council: 'a', night: 'published', snapshotId: aSnapshot, reason: null },
      { council: 'b', night: 'failed', snapshotId: null, reason: `The landing folder ${join(root, 'elsewhere')} does not exist or is not a folder.` },
    ]),
    { signingKey: KEY },
  );
  // Second version, a re-run: b's night published; a's ran before and was not repeated.
  const bSnapshot = await nightOf(b);
  second = await publishRegion(
    config,
    input('region-run-0002', '2015-03-01T09:30:00.000Z', [
      { council: 'a', night: 'already_ran', snapshotId: null, reason: null },
      { council: 'b', night: 'published', snapshotId: bSnapshot, reason: null },
    ]),
    { signingKey: KEY },
  );
});

describe('csc-kpi snapshots on a region’s home', () => {
  it('lists the regional snapshots, each verified by its signature, newest first', async () => {
    const { out, err, error } = await cli('snapshots', 'list', '--home', join(root, 'region'));
    expect(error).toBeNull();
    expect(err).toBe('');
    const rows = out.trimEnd().split('\n').slice(2).map((l) => l.split(/ {2,}/));
    expect(rows).toEqual([
      [second.snapshotId, AS_OF, '2015-03-01T09:30:00.000Z', `region-night-${AS_OF}`, 'signed', '*'],
      [first.snapshotId, AS_OF, '2015-03-01T05:10:00.000Z', `region-night-${AS_OF}`, 'signed'],
    ]);
  });

  it('shows a regional snapshot in the words region run uses: who published, the region’s spread, where the files are', async () => {
    const { out, err, error } = await cli('snapshots', 'show', first.snapshotId, '--home', join(root, 'region'));
    expect(error).toBeNull();
    expect(err).toBe('');
    const lines = out.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      `regional snapshot ${first.snapshotId} of Test region: as of ${AS_OF}, created 2015-03-01T05:10:00.000Z, code ${lines[0]!.split(' code ')[1]}`,
      'previous regional snapshot: (none)',
      '',
      '  councils 2: 1 published, 0 stale, 1 failed',
      `    a        published ${(await regionJson(first.path)).councils[0]!.snapshot_id}`,
      `    b        failed    ${LANDING_MISSING}`,
      '',
    ]);
    // One council, 2 of 3 re-referred: mean = median = min = max = 66.7.
    expect(out).toContain(`  ${'re_referral_12m_pct'.padEnd(34)} ${'1'.padStart(8)} ${'66.7'.padStart(8)} ${'66.7'.padStart(8)} ${'66.7'.padStart(8)} ${'66.7'.padStart(8)}`);
    expect(out).toContain(`  report:   ${join(snapshots, first.snapshotId, 'report.html')}`);
    expect(out).toContain(`  figures:  ${join(snapshots, first.snapshotId, 'region.parquet')}`);
    expect(out).not.toMatch(/[{}"]/);
    // `latest` is the second version, whose previous is the first.
    expect((await cli('snapshots', 'show', 'latest', '--home', join(root, 'region'))).out).toContain(`previous regional snapshot: ${first.snapshotId}\n`);
  });

  it('compares two regional versions: the council that published on the re-run, its figures, and the spread that moved', async () => {
    const { out, error } = await cli('snapshots', 'diff', first.snapshotId, 'latest', '--home', join(root, 'region'));
    expect(error).toBeNull();
    const r = await regionJson(second.path);
    const bRr = r.values.find((v) => v.council === 'b' && v.kpi === 're_referral_12m_pct')!;
    expect(out.split('\n').slice(0, 5)).toEqual([
      `Regional snapshot diff: A ${first.snapshotId} (as of ${AS_OF}) → B ${second.snapshotId} (as of ${AS_OF})`,
      '',
      'Councils changed: 1',
      `  b (Council B): failed → published (council snapshot ${r.councils[1]!.snapshot_id})`,
      '',
    ]);
    // Every KPI of b is new; re-referrals 2 of 3.
    expect(out).toContain(`Council figures changed: ${r.kpis.length}\n`);
    expect(out).toContain(`  b re_referral_12m_pct (${bRr.period_end}): (absent) → 66.7 (2/3) [${bRr.status}]\n`);
    // Only re-referrals has figures: one council at 66.7, then two.
    expect(out).toContain("Region's spread changed: 1\n  re_referral_12m_pct: 1 council, mean 66.7, median 66.7, 66.7 to 66.7 → 2 councils, mean 66.7, median 66.7, 66.7 to 66.7\n");
    expect((await cli('snapshots', 'diff', 'latest', second.snapshotId, '--home', join(root, 'region'))).out).toBe(
      `Regional snapshot diff: A ${second.snapshotId} (as of ${AS_OF}) → B ${second.snapshotId} (as of ${AS_OF})\n  no differences: the same councils, council snapshots and figures.\n`,
    );
  });

  it('refuses a tampered regional snapshot in one line, in show, diff and list', async () => {
    const file = join(first.path, 'region.json');
    await chmod(file, 0o600);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"median": 66.7', '"median": 70'));
    const line = `snapshot ${first.snapshotId} has been tampered with: region.json: sha256 differs from manifest.json. Do not use its figures: restore the folder from a backup, or re-run the night to publish a new snapshot.`;
    expect((await cli('snapshots', 'show', first.snapshotId, '--home', join(root, 'region'))).error?.message).toBe(line);
    expect((await cli('snapshots', 'diff', first.snapshotId, 'latest', '--home', join(root, 'region'))).error?.message).toBe(line);
    const list = await cli('snapshots', 'list', '--home', join(root, 'region'));
    expect(list.out).toContain(`${first.snapshotId}  ${AS_OF}  2015-03-01T05:10:00.000Z  region-night-${AS_OF}  TAMPERED`);
    expect(list.error?.message).toBe(`1 of 2 snapshots do not verify (${first.snapshotId}): see csc-kpi snapshots show ID for why; do not use their figures.`);
  });

  it('refuses to compare a regional snapshot with a council’s, in one line', async () => {
    // A council's snapshot folder copied into the region's snapshots by mistake.
    const [own] = (await readdir(join(b.home, 'snapshots'))).filter((n) => n.startsWith(AS_OF));
    await cp(join(b.home, 'snapshots', own!), join(snapshots, own!), { recursive: true });
    const { error } = await cli('snapshots', 'diff', second.snapshotId, own!, '--home', join(root, 'region'));
    expect(error?.message).toBe(`snapshot ${own} in ${snapshots} is not a regional snapshot (its manifest does not list region.json, or cannot be read)`);
  });
});
