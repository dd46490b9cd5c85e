/**
 * One night, one snapshot (issue 13 item 4), on a real DuckDB warehouse and file system through
 * the real activities: a re-run of a night whose figures, baseline events and sources equal that
 * night's newest snapshot publishes nothing and names it; anything that differs, or a standing
 * snapshot that was tampered with, publishes a new one; a backfill of an earlier night never
 * moves `latest` back in time. The scheduled and manual starts of one night are in
 * test/schedule.test.ts, the CLI's line in test/cli-rerun.test.ts.
 */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIndex, readLatest, sha256File } from '../activities/snapshot-files.js';
import { runNight, writeReferrals, type NightSpec } from './helpers/snapshot-night.js';

// re_referral_12m_pct as of 2015-02-28 (as in test/snapshot-publish.test.ts): February's referrals
// C1 28/02, C2 10/02, C3 05/02, C4 03/02 → denominator 4; re-referrals C2 (01/03/2014 is within
// 12 months of 10/02/2015) and C4 (20/01/2015) → numerator 2; C1's 28/02/2014 is exactly 12
// months earlier, so not → 2/4 = 50.0%.
const ROWS: [string, string][] = [
  ['C1', '28/02/2014'],
  ['C1', '28/02/2015'],
  ['C2', '01/03/2014'],
  ['C2', '10/02/2015'],
  ['C3', '05/02/2015'],
  ['C4', '20/01/2015'],
  ['C4', '03/02/2015'],
];

async function freshCouncil() {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-onenight-'));
  const landing = join(root, 'landing');
  const home = join(root, 'home');
  await writeReferrals(landing, '2015-02-28', ROWS);
  const night = (asOf: string, runId: string, createdAt: string): NightSpec => ({ home, landing, asOf, runId, createdAt });
  return { landing, home, snapshots: join(home, 'snapshots'), night };
}

const folders = async (snapshots: string) => (await readdir(snapshots)).filter((n) => !['index.json', 'latest'].includes(n) && !n.startsWith('.')).sort();

async function reReferral(folder: string): Promise<unknown> {
  const m = JSON.parse(await readFile(join(folder, 'metrics.json'), 'utf8')) as { metrics: { kpi: string; value: number | null }[] };
  return m.metrics.find((x) => x.kpi === 're_referral_12m_pct')?.value;
}

describe('one night, one snapshot', () => {
  it('an identical re-run publishes nothing and names the snapshot that stands', async () => {
    const c = await freshCouncil();
    const first = await runNight(c.night('2015-02-28', 'run-first-01', '2015-03-01T05:00:00.000Z'));
    expect(first.published).toBe(true);
    expect(await reReferral(first.path)).toBe(50);
    const indexBefore = await readFile(join(c.snapshots, 'index.json'), 'utf8');

    // Another run of the same night, later: the referrals file is now "already loaded".
    const again = await runNight(c.night('2015-02-28', 'run-again-02', '2015-03-01T09:30:00.000Z'));
    expect(again).toEqual({ snapshotId: first.snapshotId, path: first.path, published: false });
    expect(await folders(c.snapshots)).toEqual([first.snapshotId]);
    expect(await readFile(join(c.snapshots, 'index.json'), 'utf8')).toBe(indexBefore);
    expect(await readLatest(c.snapshots)).toBe(first.snapshotId);
  });

  it('a re-run whose figures differ publishes a new snapshot of the same night, and latest moves to it', async () => {
    const c = await freshCouncil();
    const first = await runNight(c.night('2015-02-28', 'run-first-01', '2015-03-01T05:00:00.000Z'));
    // A corrected extract of the same date: C3 had an earlier referral on 01/12/2014, so
    // February's re-referrals are C2, C3, C4 → 3/4 = 75.0%.
    await writeReferrals(c.landing, '2015-02-28', [...ROWS, ['C3', '01/12/2014']]);
    const second = await runNight(c.night('2015-02-28', 'run-second-2', '2015-03-01T09:30:00.000Z'));
    expect(second.published).toBe(true);
    expect(second.snapshotId).not.toBe(first.snapshotId);
    expect(await reReferral(second.path)).toBe(75);
    expect(await readLatest(c.snapshots)).toBe(second.snapshotId);
    expect((await readIndex(c.snapshots)).map((e) => e.snapshot_id)).toEqual([second.snapshotId, first.snapshotId]);
  });

  it('a later extract arriving (after as-of) does not re-publish an earlier night', async () => {
    const c = await freshCouncil();
    const first = await runNight(c.night('2015-02-28', 'run-first-01', '2015-03-01T05:00:00.000Z'));
    await writeReferrals(c.landing, '2015-03-31', [...ROWS, ['C9', '09/03/2015']]);
    const again = await runNight(c.night('2015-02-28', 'run-again-02', '2015-04-01T05:00:00.000Z'));
    expect(again).toMatchObject({ snapshotId: first.snapshotId, published: false });
    expect(await folders(c.snapshots)).toEqual([first.snapshotId]);
  });

  it('a tampered standing snapshot never stands: the re-run publishes a fresh one and says why', async () => {
    const c = await freshCouncil();
    const first = await runNight(c.night('2015-02-28', 'run-first-01', '2015-03-01T05:00:00.000Z'));
    // The figures are untouched; only the report is edited, so its hash no longer matches the manifest.
    await writeFile(join(first.path, 'report.html'), '<p>edited</p>');
    const warnings: string[] = [];
    const again = await runNight(c.night('2015-02-28', 'run-again-02', '2015-03-01T09:30:00.000Z'), { warn: (m) => warnings.push(m) });
    expect(again.published).toBe(true);
    expect(again.snapshotId).not.toBe(first.snapshotId);
    expect(await reReferral(again.path)).toBe(50);
    expect(await readLatest(c.snapshots)).toBe(again.snapshotId);
    expect(warnings.filter((w) => w.includes('tampered'))).toEqual([
      `snapshot ${first.snapshotId} has been tampered with: report.html: sha256 differs from manifest.json. Do not use its figures: restore the folder from a backup, or re-run the night to publish a new snapshot. Tonight's snapshot is published in its place.`,
    ]);
    // And the fresh one is the night's newest: a third identical run stands on it.
    const third = await runNight(c.night('2015-02-28', 'run-third-03', '2015-03-01T10:00:00.000Z'));
    expect(third).toMatchObject({ snapshotId: again.snapshotId, published: false });
    expect(await sha256File(join(first.path, 'report.html'))).not.toBe(await sha256File(join(again.path, 'report.html')));
  });

  it('a backfill of earlier nights after a later one leaves latest on the later night; index.json stays newest first', async () => {
    const c = await freshCouncil();
    await writeReferrals(c.landing, '2015-03-31', [...ROWS, ['C9', '09/03/2015']]);
    const march = await runNight(c.night('2015-03-31', 'run-march-01', '2015-04-01T05:00:00.000Z'));
    expect(await readLatest(c.snapshots)).toBe(march.snapshotId);
    // Backfilled later (created after March's), in order.
    const jan = await runNight(c.night('2015-01-31', 'run-janbf-02', '2015-04-02T10:00:00.000Z'));
    expect(await readLatest(c.snapshots)).toBe(march.snapshotId);
    const feb = await runNight(c.night('2015-02-28', 'run-febbf-03', '2015-04-02T10:05:00.000Z'));
    expect([jan.published, feb.published]).toEqual([true, true]);
    expect(await readLatest(c.snapshots)).toBe(march.snapshotId);
    expect((await readIndex(c.snapshots)).map((e) => e.as_of)).toEqual(['2015-02-28', '2015-01-31', '2015-03-31']);
    // The next night moves it on.
    await writeReferrals(c.landing, '2015-04-30', [...ROWS, ['C9', '09/03/2015']]);
    const april = await runNight(c.night('2015-04-30', 'run-april-04', '2015-05-01T05:00:00.000Z'));
    expect(await readLatest(c.snapshots)).toBe(april.snapshotId);
  });
});
