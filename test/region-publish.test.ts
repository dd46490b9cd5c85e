/**
 * The regional roll-up on real council snapshots (real DuckDB, real files, no Temporal): which
 * council snapshot is used and how it counts — published tonight, stale from an earlier night,
 * failed; tampered, unsigned or signed with another key — and the regional snapshot itself:
 * published like a council's, verified, signed, one version per run.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishRegion } from '../activities/region-publish.js';
import { checkRegionFolder, type RegionManifest } from '../activities/region-snapshot-read.js';
import { readIndex, readLatest, sha256File } from '../activities/snapshot-files.js';
import { signManifest } from '../core/manifest-signature.js';
import type { MetricsFile } from '../core/metrics-contract.js';
import type { RegionConfig, RegionCouncil } from '../core/region-config.js';
import type { CouncilNightOutcome, PublishRegionInput } from '../core/region-night.js';
import { regionSnapshotFile, type RegionSnapshotFile } from '../core/region-snapshot.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';

const KEY = 'region-test-key-5e2b9d1f7a3c8e0b4d6f2a9c1e7b3d5f';
const OTHER_KEY = 'another-key-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const AS_OF = '2015-02-28';

// re_referral_12m_pct over February's referrals: C1 and C2 each referred in January and again in
// February (a re-referral), C3 once: 2 of 3 → 66.7. 'b', as of the 27th, adds C4 once: 2 of 4 → 50.0.
const ROWS: [string, string][] = [
  ['C1', '10/01/2015'],
  ['C1', '10/02/2015'],
  ['C2', '11/01/2015'],
  ['C2', '11/02/2015'],
  ['C3', '12/02/2015'],
];

let root: string;

/** A council with one published night (as of `asOf`), signed with `key` or not. */
async function council(id: string, opts: { asOf?: string; key?: string | null; extra?: [string, string][] } = {}): Promise<{ council: RegionCouncil; snapshotId: string }> {
  const landing = join(root, id, 'landing');
  const home = join(root, id, 'home');
  const asOf = opts.asOf ?? AS_OF;
  await writeReferrals(landing, asOf, [...ROWS, ...(opts.extra ?? [])]);
  const r = await runNight({ home, landing, asOf, runId: `run-${id}-0001`, createdAt: `${asOf}T23:00:00.000Z` }, { signingKey: opts.key ?? null });
  return { council: { id, name: `Council ${id.toUpperCase()}`, laCode: String(300 + id.length).padStart(3, '0'), landing, home, taskQueue: 'q' }, snapshotId: r.snapshotId };
}

function regionOf(councils: RegionCouncil[], home = join(root, `region-${Math.random().toString(36).slice(2, 8)}`)): RegionConfig {
  return { path: join(root, 'region.json'), name: 'Test region', home, taskQueue: 'q', statisticalNeighbours: null, councils: councils.map((c, i) => ({ ...c, laCode: String(301 + i) })) };
}

function input(nights: CouncilNightOutcome[], runId = 'region-run-0001', createdAt = '2015-03-01T05:10:00.000Z'): PublishRegionInput {
  return { config: join(root, 'region.json'), asOf: AS_OF, workflowId: `region-night-${AS_OF}`, runId, createdAt, nights };
}

const published = (council: string, snapshotId: string): CouncilNightOutcome => ({ council, night: 'published', snapshotId, reason: null });
const failedNight = (council: string, reason: string): CouncilNightOutcome => ({ council, night: 'failed', snapshotId: null, reason });

async function regionJson(path: string): Promise<RegionSnapshotFile> {
  return regionSnapshotFile.parse(JSON.parse(await readFile(join(path, 'region.json'), 'utf8')));
}

async function metricsOf(c: RegionCouncil, snapshotId: string): Promise<MetricsFile> {
  return JSON.parse(await readFile(join(c.home, 'snapshots', snapshotId, 'metrics.json'), 'utf8')) as MetricsFile;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'csc-kpi-region-publish-'));
});

describe('which council snapshots the region uses', () => {
  let a: Awaited<ReturnType<typeof council>>;
  let b: Awaited<ReturnType<typeof council>>;
  let c: Awaited<ReturnType<typeof council>>;
  let r: RegionSnapshotFile;
  beforeAll(async () => {
    a = await council('a');
    // b published on the 27th only; tonight (the 28th) its night failed.
    b = await council('b', { asOf: '2015-02-27', extra: [['C4', '13/02/2015']] });
    c = await council('c');
    const config = regionOf([a.council, b.council, c.council]);
    // c's night tonight "never ran" (failed) and it has a snapshot for the 28th from earlier: published.
    const nights = [
      published('a', a.snapshotId),
      failedNight('b', 'The landing folder /srv/not-in-the-config/landing does not exist or is not a folder.\n    at pull (/opt/csc-kpi/dist/activities/pull.js:12:7)'),
      failedNight('c', 'The council’s night was terminated before it finished.'),
    ];
    const out = await publishRegion(config, input(nights), { signingKey: null });
    r = await regionJson(out.path);
  });

  it('shows each council’s headline figures exactly as its own snapshot publishes them', async () => {
    const m = await metricsOf(a.council, a.snapshotId);
    const mine = r.values.filter((v) => v.council === 'a');
    expect(mine).toEqual(m.metrics.map((x) => ({ kpi: x.kpi, council: 'a', period_end: x.period_end, value: x.value, numerator: x.numerator, denominator: x.denominator, status: x.status })));
    expect(mine.find((v) => v.kpi === 're_referral_12m_pct')).toMatchObject({ value: 66.7, numerator: 2, denominator: 3 });
  });

  it('shows a council whose night failed tonight from its earlier snapshot, named stale, and keeps it out of the region’s figures', async () => {
    expect(r.councils.find((x) => x.id === 'b')).toEqual({
      id: 'b',
      name: 'Council B',
      la_code: '302',
      status: 'stale',
      snapshot_id: b.snapshotId,
      snapshot_as_of: '2015-02-27',
      signature: 'unsigned',
      // First line only, and a path region.json does not name is not shown.
      reason: `Tonight's night failed: The landing folder (a path) does not exist or is not a folder. Its figures are from the night of 27 February 2015 (snapshot ${b.snapshotId}).`,
    });
    // b's figure is there exactly as its own snapshot of the 27th headlines it: re-referrals is a
    // month KPI, so its headline is the last complete month, January 2015 (kpis.md v2).
    const own = (await metricsOf(b.council, b.snapshotId)).metrics.find((x) => x.kpi === 're_referral_12m_pct')!;
    expect(own.period_end).toBe('2015-01-31');
    expect(r.values.find((v) => v.council === 'b' && v.kpi === 're_referral_12m_pct')).toMatchObject({ value: own.value, numerator: own.numerator, denominator: own.denominator, period_end: '2015-01-31' });
    // The summary counts a and c (published tonight), never b: both 66.7.
    expect(r.summary.find((s) => s.kpi === 're_referral_12m_pct')).toEqual({ kpi: 're_referral_12m_pct', councils: 2, mean: 66.7, median: 66.7, min: 66.7, max: 66.7 });
    expect(r.ranks.filter((x) => x.council === 'b')).toEqual([]);
  });

  it('uses a council’s snapshot for tonight’s date even when a later run of its night failed, and says so', () => {
    expect(r.councils.find((x) => x.id === 'c')).toMatchObject({
      status: 'published',
      snapshot_id: c.snapshotId,
      reason: "A run of tonight's night failed: The council’s night was terminated before it finished. The snapshot published earlier for this date is shown.",
    });
  });

  it('says so when a council’s night for tonight ran under another region night without a snapshot for tonight yet', async () => {
    const out = await publishRegion(regionOf([b.council]), input([{ council: 'b', night: 'already_ran', snapshotId: null, reason: null }]), { signingKey: null });
    expect(out.councils[0]).toMatchObject({
      status: 'stale',
      reason: `Its night for this date is still running under another region night, or published nothing for it. Its figures are from the night of 27 February 2015 (snapshot ${b.snapshotId}).`,
    });
  });

  it('names a council with no snapshot at all as failed, with its night’s reason', async () => {
    const d: RegionCouncil = { id: 'd', name: 'Council D', laCode: '309', landing: join(root, 'd', 'landing'), home: join(root, 'd', 'home'), taskQueue: 'q' };
    const config = regionOf([a.council, d]);
    const out = await publishRegion(config, input([published('a', a.snapshotId), failedNight('d', `The landing folder ${d.landing} does not exist or is not a folder.`)]), { signingKey: null });
    expect(out.councils.find((x) => x.id === 'd')).toEqual({ id: 'd', name: 'Council D', status: 'failed', snapshotId: null, reason: `The landing folder ${d.landing} does not exist or is not a folder.` });
    expect((await regionJson(out.path)).values.some((v) => v.council === 'd')).toBe(false);
  });
});

describe('how a council snapshot’s verification counts', () => {
  it('never uses a tampered council snapshot, naming it instead', async () => {
    const t = await council('tampered');
    const folder = join(t.council.home, 'snapshots', t.snapshotId);
    const metrics = JSON.parse(await readFile(join(folder, 'metrics.json'), 'utf8')) as MetricsFile;
    metrics.metrics.find((m) => m.kpi === 're_referral_12m_pct')!.value = 12.5;
    await writeFile(join(folder, 'metrics.json'), JSON.stringify(metrics));
    const out = await publishRegion(regionOf([t.council]), input([published('tampered', t.snapshotId)]), { signingKey: null });
    expect(out.councils[0]).toMatchObject({ status: 'failed', snapshotId: null });
    expect(out.councils[0]!.reason).toBe(
      `snapshot ${t.snapshotId} has been tampered with: metrics.json: sha256 differs from manifest.json. Do not use its figures: restore the folder from a backup, or re-run the night to publish a new snapshot.`,
    );
    expect(await readFile(join(out.path, 'region.json'), 'utf8')).not.toContain('12.5');
  });

  it('with a signing key, uses signed council snapshots and refuses unsigned ones and ones signed with another key', async () => {
    const signed = await council('signed', { key: KEY });
    const unsigned = await council('unsigned', { key: null });
    const other = await council('other', { key: OTHER_KEY });
    const config = regionOf([signed.council, unsigned.council, other.council]);
    const out = await publishRegion(config, input([published('signed', signed.snapshotId), published('unsigned', unsigned.snapshotId), published('other', other.snapshotId)]), {
      signingKey: KEY,
    });
    const r = await regionJson(out.path);
    expect(r.councils.map((x) => [x.id, x.status, x.signature])).toEqual([
      ['signed', 'published', 'signed'],
      ['unsigned', 'failed', null],
      ['other', 'failed', null],
    ]);
    expect(r.councils[1]!.reason).toBe(
      `Snapshot ${unsigned.snapshotId} is unsigned, and this region uses only signed council snapshots (CSC_KPI_SIGNING_KEY is set for it): re-run the council's night with the same key.`,
    );
    expect(r.councils[2]!.reason).toMatch(new RegExp(`^snapshot ${other.snapshotId} has been tampered with: manifest.json was signed with another key`));
    // The regional snapshot is signed with the key, and verifies.
    const manifestBytes = await readFile(join(out.path, 'manifest.json'));
    expect(await readFile(join(out.path, 'manifest.sig'), 'utf8')).toBe(signManifest(manifestBytes, KEY));
    expect(await checkRegionFolder(out.path, out.snapshotId, KEY)).toEqual([]);

    // Without a key, unsigned and signed snapshots are both used, and each is named for what it is.
    const plain = await regionJson((await publishRegion(regionOf([signed.council, unsigned.council]), input([published('signed', signed.snapshotId), published('unsigned', unsigned.snapshotId)]), { signingKey: null })).path);
    expect(plain.councils.map((x) => [x.id, x.status, x.signature])).toEqual([
      ['signed', 'published', 'unchecked'],
      ['unsigned', 'published', 'unsigned'],
    ]);
  });
});

describe('the regional snapshot', () => {
  it('is published like a council’s: a new version per run, the same one for a retry of a run, verified against its manifest', async () => {
    const a = await council('versions', { key: KEY });
    const config = regionOf([a.council]);
    const first = await publishRegion(config, input([published('versions', a.snapshotId)], 'run-one-00000001', '2015-03-01T05:10:00.000Z'), { signingKey: KEY });
    const retry = await publishRegion(config, input([published('versions', a.snapshotId)], 'run-one-00000001', '2015-03-01T05:10:00.000Z'), { signingKey: KEY });
    const second = await publishRegion(config, input([published('versions', a.snapshotId)], 'run-two-00000002', '2015-03-01T09:00:00.000Z'), { signingKey: KEY });
    expect(retry.snapshotId).toBe(first.snapshotId);
    expect(second.snapshotId).not.toBe(first.snapshotId);
    const snapshots = join(config.home, 'snapshots');
    expect((await readIndex(snapshots)).map((e) => e.snapshot_id)).toEqual([second.snapshotId, first.snapshotId]);
    expect(await readLatest(snapshots)).toBe(second.snapshotId);
    expect(second.councils[0]).toMatchObject({ status: 'published', reason: null });
    const manifest = JSON.parse(await readFile(join(second.path, 'manifest.json'), 'utf8')) as RegionManifest;
    expect(manifest).toMatchObject({ snapshot_id: second.snapshotId, as_of: AS_OF, previous_snapshot_id: first.snapshotId });
    // Its lineage is the council snapshot it used, named by id and by its manifest's hash.
    expect(manifest.councils).toEqual([
      { id: 'versions', status: 'published', snapshot_id: a.snapshotId, manifest_sha256: await sha256File(join(a.council.home, 'snapshots', a.snapshotId, 'manifest.json')) },
    ]);
    expect(Object.keys(manifest.files)).toEqual(['region.json', 'region.parquet', 'report.html']);

    await writeFile(join(second.path, 'region.json'), (await readFile(join(second.path, 'region.json'), 'utf8')).replace('"value": 66.7', '"value": 6.7'));
    expect(await checkRegionFolder(second.path, second.snapshotId, KEY)).toEqual(['region.json: sha256 differs from manifest.json']);
  });
});
