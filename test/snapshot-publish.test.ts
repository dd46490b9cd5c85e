/**
 * Publishing snapshots on a real DuckDB warehouse and file system, through the real activities:
 * what a snapshot folder holds, that manifest hashes verify, that an earlier snapshot is never
 * touched, that a publish killed (SIGKILL, in a child process) at any point leaves no partial
 * snapshot visible and `latest` unchanged (or swapped to a complete one), that the next publish
 * sweeps the leftovers, and that a malformed or tampered file is refused before publishing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { hashFolder, listFiles, readIndex, readLatest, readManifest, sha256File, verifySnapshotFolder } from '../activities/snapshot-files.js';
import type { PublishStep } from '../activities/publish.js';
import { toCsv } from '../core/csv-safe.js';
import { FLAT_COLUMNS, flattenMetrics, metricsFile, PUBLIC_FLAT_COLUMNS, SCHEMA_VERSION, type MetricsFile } from '../core/metrics-contract.js';
import type { PublishInput } from '../core/night.js';
import { projectPath } from '../core/project-root.js';
import { publishedPublicFile } from '../core/suppression.js';
import { prepareNight, publishNight, runNight, writeReferrals, type NightSpec } from './helpers/snapshot-night.js';

// Night 1, as of 2015-02-28: re_referral_12m_pct for February 2015 (as in nightly-workflow.test.ts):
//   referrals in Feb: C1 28/02, C2 10/02, C3 05/02 ×2, C4 03/02, C5 14/02 → denominator 6;
//   re-referrals: C2 (earlier 01/03/2014, after 10/02/2014) and C4 (earlier 20/01/2015) → numerator 2;
//   C1's 28/02/2014 is exactly 12 months earlier, so not → 2/6 = 33.3%. Public: 2 is small → "c".
const NIGHT1_ROWS: [string, string][] = [
  ['C1', '28/02/2014'],
  ['C1', '28/02/2015'],
  ['C2', '01/03/2014'],
  ['C2', '10/02/2015'],
  ['C3', '05/02/2015'],
  ['C3', '05/02/2015'],
  ['C4', '20/01/2015'],
  ['C4', '03/02/2015'],
  ['C5', '14/02/2015'],
];
// Night 2, as of 2015-03-31: the same rows and one March referral.
const NIGHT2_ROWS: [string, string][] = [...NIGHT1_ROWS, ['C6', '09/03/2015']];

const SNAPSHOT_FILES = ['manifest.json', 'metrics.csv', 'metrics.json', 'metrics.parquet', 'public/metrics.csv', 'public/metrics.json', 'public/metrics.parquet', 'public/report.html', 'report.html'];

async function freshHome(): Promise<{ home: string; landing: string; night1: NightSpec; night2: NightSpec; night3: NightSpec }> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-snap-'));
  const landing = join(root, 'landing');
  const home = join(root, 'home');
  await writeReferrals(landing, '2015-02-28', NIGHT1_ROWS);
  return {
    home,
    landing,
    night1: { home, landing, asOf: '2015-02-28', runId: 'run-one-0001', createdAt: '2015-03-01T02:00:00.000Z' },
    night2: { home, landing, asOf: '2015-03-31', runId: 'run-two-0002', createdAt: '2015-04-01T02:00:00.000Z' },
    // A later night (the same as-of as night 2 with the same files would publish nothing new).
    night3: { home, landing, asOf: '2015-04-30', runId: 'run-three-03', createdAt: '2015-05-01T02:00:00.000Z' },
  };
}

async function readMetrics(dir: string): Promise<MetricsFile> {
  return metricsFile.parse(JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')));
}

/** Every entry of the snapshots folder a reader can see, and every hidden one. */
async function entries(snapshots: string): Promise<{ visible: string[]; hidden: string[] }> {
  const names = (await readdir(snapshots)).sort();
  return { visible: names.filter((n) => !n.startsWith('.')), hidden: names.filter((n) => n.startsWith('.')) };
}

/** What a reader sees is consistent: every snapshot folder verifies, index.json parses, latest is a verified folder. */
async function expectConsistent(snapshots: string): Promise<void> {
  const { visible } = await entries(snapshots);
  for (const name of visible.filter((n) => n !== 'index.json' && n !== 'latest')) {
    expect((await verifySnapshotFolder(join(snapshots, name), name)).errors, name).toEqual([]);
  }
  const index = await readIndex(snapshots);
  for (const e of index) expect(visible).toContain(e.snapshot_id);
  const latest = await readLatest(snapshots);
  expect(latest).not.toBeNull();
  expect(visible).toContain(latest);
}

describe('a published snapshot folder', () => {
  it('holds metrics.json, the same rows flat in parquet and CSV, the report, public/ and a manifest whose hashes verify', async () => {
    const { night1 } = await freshHome();
    const r = await runNight(night1);
    expect(await listFiles(r.path)).toEqual(SNAPSHOT_FILES);
    expect((await verifySnapshotFolder(r.path, r.snapshotId)).errors).toEqual([]);

    const manifest = await readManifest(r.path);
    expect(manifest).toMatchObject({ snapshot_id: r.snapshotId, as_of: '2015-02-28', run_id: 'run-one-0001', previous_snapshot_id: null });
    // sha256 of every file except manifest.json itself, recomputed here.
    expect(Object.keys(manifest.files)).toEqual(SNAPSHOT_FILES.filter((f) => f !== 'manifest.json'));
    for (const [f, h] of Object.entries(manifest.files)) expect(await sha256File(join(r.path, f))).toBe(h);
    expect(manifest.sources).toEqual([
      { file: 'referrals_2015-02-28.csv', source: 'case-system/referrals', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), extract_date: '2015-02-28', rows_loaded: 9, rows_rejected: 0 },
    ]);
    expect(manifest.kpi_definitions.re_referral_12m_pct).toMatch(/^sha256:[0-9a-f]{64}$/);

    const m = await readMetrics(r.path);
    expect(m.metrics.find((x) => x.kpi === 're_referral_12m_pct')).toMatchObject({ value: 33.3, numerator: 2, denominator: 6 });

    // CSV: the flat rows through the formula-safe writer; one row per KPI per period (25 each).
    const csv = await readFile(join(r.path, 'metrics.csv'), 'utf8');
    expect(csv).toBe(toCsv(flattenMetrics(m), [...FLAT_COLUMNS]));
    expect(csv.startsWith(`\uFEFF${FLAT_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + 25 * m.metrics.length);

    // Parquet: the same rows, typed; read back with DuckDB.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const pq = join(r.path, 'metrics.parquet').replaceAll("'", "''");
    const rows = (await conn.runAndReadAll(`SELECT kpi, strftime(period_end, '%Y-%m-%d') AS period_end, is_current, value, numerator, denominator, status FROM read_parquet($pq) ORDER BY kpi, period_end`, { pq })).getRowObjectsJson();
    const [{ n }] = (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM read_parquet($pq)', { pq })).getRowObjectsJson() as [{ n: number }];
    conn.closeSync();
    db.closeSync();
    expect(n).toBe(25 * m.metrics.length);
    expect(rows.filter((x) => x.kpi === 're_referral_12m_pct' && x.is_current)).toEqual([
      { kpi: 're_referral_12m_pct', period_end: '2015-02-28', is_current: true, value: 33.3, numerator: 2, denominator: 6, status: 'red' },
    ]);

    // public/: the numerator 2 is a small number, so it and the value are suppressed (null, symbol "c"); 6 is published.
    const pub = publishedPublicFile.parse(JSON.parse(await readFile(join(r.path, 'public', 'metrics.json'), 'utf8')));
    expect(pub.schema_version).toBe(`${SCHEMA_VERSION}.1`);
    expect(pub.metrics.find((x) => x.kpi === 're_referral_12m_pct')).toMatchObject({ value: null, symbol: 'c', numerator: null, denominator: 6, status: 'c' });
    const publicCsv = await readFile(join(r.path, 'public', 'metrics.csv'), 'utf8');
    expect(publicCsv.startsWith(`\uFEFF${PUBLIC_FLAT_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(publicCsv).toContain(',2015-02-28,true,false,,c,,6,c,');
    // public/metrics.parquet: the same rows, value a DOUBLE (never "c").
    const db2 = await DuckDBInstance.create(':memory:');
    const conn2 = await db2.connect();
    const ppq = join(r.path, 'public', 'metrics.parquet');
    const publicRows = (await conn2.runAndReadAll(`SELECT value, symbol, numerator, denominator, status, typeof(value) AS t FROM read_parquet($ppq) WHERE kpi = 're_referral_12m_pct' AND is_current`, { ppq })).getRowObjectsJson();
    conn2.closeSync();
    db2.closeSync();
    expect(publicRows).toEqual([{ value: null, symbol: 'c', numerator: null, denominator: 6, status: 'c', t: 'DOUBLE' }]);
    const publicHtml = await readFile(join(r.path, 'public', 'report.html'), 'utf8');
    expect(publicHtml).not.toContain('33.3');

    // The report carries each KPI's plain summary from its metadata under the measure, and its
    // precise definition in the appendix for the data team.
    const html = await readFile(join(r.path, 'report.html'), 'utf8');
    expect(html).toContain('<strong>What it measures:</strong> Of the referrals received in the month, the share about a child who had already been referred');
    expect(html.slice(html.indexOf('<section id="data-team"'))).toContain('Referrals received in the month ending E');
    expect(html).toContain('33.3%');
  });

  it('a second night never touches an earlier snapshot, and moves latest and index.json', async () => {
    const { landing, home, night1, night2 } = await freshHome();
    const s1 = await runNight(night1);
    const before = await hashFolder(s1.path);
    const manifestBefore = await readFile(join(s1.path, 'manifest.json'), 'utf8');
    const mtimes = await Promise.all((await listFiles(s1.path)).map(async (f) => stat(join(s1.path, f)).then((s) => s.mtimeMs)));

    await writeReferrals(landing, '2015-03-31', NIGHT2_ROWS);
    const s2 = await runNight(night2);

    expect(await hashFolder(s1.path)).toEqual(before);
    expect(await readFile(join(s1.path, 'manifest.json'), 'utf8')).toBe(manifestBefore);
    expect(await Promise.all((await listFiles(s1.path)).map(async (f) => stat(join(s1.path, f)).then((s) => s.mtimeMs)))).toEqual(mtimes);
    const snapshots = join(home, 'snapshots');
    expect(await readLatest(snapshots)).toBe(s2.snapshotId);
    expect((await readIndex(snapshots)).map((e) => e.snapshot_id)).toEqual([s2.snapshotId, s1.snapshotId]);
    expect((await readManifest(s2.path)).previous_snapshot_id).toBe(s1.snapshotId);
    expect((await readMetrics(s2.path)).metrics.find((x) => x.kpi === 're_referral_12m_pct')).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    await expectConsistent(snapshots);
  });

  it('refuses to publish a metrics.json the shipped JSON Schema rejects (a metric missing status)', async () => {
    const { home, night1, night2 } = await freshHome();
    const s1 = await runNight(night1);
    const snapshots = join(home, 'snapshots');
    const indexBefore = await readFile(join(snapshots, 'index.json'), 'utf8');
    const input = await prepareNight(night2);
    const corrupt = async (step: PublishStep) => {
      if (step !== 'contents-written') return;
      const tmp = join(snapshots, (await readdir(snapshots)).find((n) => n.startsWith('.tmp-')) as string, 'metrics.json');
      const m = JSON.parse(await readFile(tmp, 'utf8')) as { metrics: Record<string, unknown>[] };
      delete m.metrics[0]?.status;
      await writeFile(tmp, JSON.stringify(m));
    };
    await expect(publishNight(input, { after: corrupt })).rejects.toThrow(/failed its checks[\s\S]*metrics\.json \/metrics\/0: must have required property 'status'/);
    expect(await readLatest(snapshots)).toBe(s1.snapshotId);
    expect(await readFile(join(snapshots, 'index.json'), 'utf8')).toBe(indexBefore);
    expect((await entries(snapshots)).visible).toEqual([s1.snapshotId, 'index.json', 'latest'].sort());
  });

  it('refuses to publish a folder whose files no longer match the manifest hashes', async () => {
    const { home, night1, night2 } = await freshHome();
    const s1 = await runNight(night1);
    const snapshots = join(home, 'snapshots');
    const input = await prepareNight(night2);
    const tamper = async (step: PublishStep) => {
      if (step !== 'manifest-written') return;
      const tmp = (await readdir(snapshots)).find((n) => n.startsWith('.tmp-')) as string;
      await writeFile(join(snapshots, tmp, 'public', 'metrics.csv'), 'kpi\r\n=HYPERLINK("x")\r\n');
      await writeFile(join(snapshots, tmp, 'extra.txt'), 'not in the manifest');
    };
    await expect(publishNight(input, { after: tamper })).rejects.toThrow(/extra\.txt: in the folder but not in manifest\.json\npublic\/metrics\.csv: sha256 differs from manifest\.json/);
    expect(await readLatest(snapshots)).toBe(s1.snapshotId);

    // And a published folder that is tampered with afterwards no longer verifies.
    await writeFile(join(s1.path, 'metrics.csv'), 'changed');
    expect((await verifySnapshotFolder(s1.path, s1.snapshotId)).errors).toEqual(['metrics.csv: sha256 differs from manifest.json']);
  });
});

/**
 * The child: loads the TypeScript sources through Vite (a vitest dependency) the way vitest does,
 * publishes, and SIGKILLs itself right after the named step (test/helpers/snapshot-night.ts).
 * argv: <path of a JSON PublishInput> <step>. Exit code 3 means the step never came.
 */
const CHILD = `
import { readFile } from 'node:fs/promises';
import { createServer } from 'vite';
const [inputPath, step] = process.argv.slice(1);
const server = await createServer({ root: process.cwd(), configFile: false, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
const night = await server.ssrLoadModule('/test/helpers/snapshot-night.ts');
await night.publishAndDieAfter(JSON.parse(await readFile(inputPath, 'utf8')), step);
process.stderr.write('publish finished without reaching step ' + step + '\\n');
await server.close();
process.exit(3);
`;

/** Runs the publish of `input` in a child process that SIGKILLs itself right after `step`. */
async function publishKilledAfter(input: PublishInput, step: PublishStep): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const inputPath = join(input.home, `publish-input-${step}.json`);
  await writeFile(inputPath, JSON.stringify(input));
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, inputPath, step], {
    cwd: projectPath(),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a publish killed midway (SIGKILL in a child process)', () => {
  const steps: PublishStep[] = ['contents-written', 'manifest-written', 'checked', 'promoted', 'latest-swapped'];
  for (const step of steps) {
    it(`after "${step}": no partial snapshot is visible, latest is old or complete, and the retry sweeps and finishes`, async () => {
      const { landing, home, night1, night2 } = await freshHome();
      const snapshots = join(home, 'snapshots');
      const s1 = await runNight(night1);
      await writeReferrals(landing, '2015-03-31', NIGHT2_ROWS);
      const input = await prepareNight(night2);
      const s1Hashes = await hashFolder(s1.path);
      const indexBefore = await readFile(join(snapshots, 'index.json'), 'utf8');

      const killed = await publishKilledAfter(input, step);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');

      const swapped = step === 'latest-swapped';
      const renamed = step === 'promoted' || swapped;
      const { visible, hidden } = await entries(snapshots);
      const folders = visible.filter((n) => n !== 'index.json' && n !== 'latest');
      expect(folders).toHaveLength(renamed ? 2 : 1);
      if (!renamed) expect(hidden.some((n) => n.startsWith('.tmp-'))).toBe(true);
      expect(await readFile(join(snapshots, 'index.json'), 'utf8')).toBe(indexBefore);
      const latest = await readLatest(snapshots);
      if (swapped) expect(latest).not.toBe(s1.snapshotId);
      else expect(latest).toBe(s1.snapshotId);
      await expectConsistent(snapshots);
      expect(await hashFolder(s1.path)).toEqual(s1Hashes);

      // The activity's retry (same run) publishes once, sweeps the leftovers, and finishes the swap.
      const s2 = await publishNight(input);
      expect((await entries(snapshots)).hidden).toEqual([]);
      expect(await readLatest(snapshots)).toBe(s2.snapshotId);
      expect((await readIndex(snapshots)).map((e) => e.snapshot_id)).toEqual([s2.snapshotId, s1.snapshotId]);
      expect((await entries(snapshots)).visible).toEqual([s1.snapshotId, s2.snapshotId, 'index.json', 'latest'].sort());
      await expectConsistent(snapshots);
      expect(await hashFolder(s1.path)).toEqual(s1Hashes);
    });
  }

  it('a later night adopts a complete snapshot a killed publish renamed but never indexed', async () => {
    const { landing, home, night1, night2, night3 } = await freshHome();
    const snapshots = join(home, 'snapshots');
    const s1 = await runNight(night1);
    await writeReferrals(landing, '2015-03-31', NIGHT2_ROWS);
    const input2 = await prepareNight(night2);
    expect((await publishKilledAfter(input2, 'promoted')).signal).toBe('SIGKILL');
    const orphan = (await entries(snapshots)).visible.find((n) => n !== s1.snapshotId && n !== 'index.json' && n !== 'latest') as string;

    const s3 = await runNight(night3);
    expect((await readIndex(snapshots)).map((e) => e.snapshot_id)).toEqual([s3.snapshotId, orphan, s1.snapshotId]);
    expect((await readManifest(s3.path)).previous_snapshot_id).toBe(orphan);
    expect(await readLatest(snapshots)).toBe(s3.snapshotId);
    expect((await entries(snapshots)).hidden).toEqual([]);
    await expectConsistent(snapshots);
  });
});
