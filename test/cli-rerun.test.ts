/**
 * An identical re-run through the CLI (issue 13 item 4): `csc-kpi run` twice for one night, each
 * with its own embedded Temporal dev server (no TEMPORAL_ADDRESS), as `npm start` twice would do.
 * The second run publishes nothing, exits 0 and names the snapshot that stands. The rules behind
 * it are tested in test/snapshot-one-night.test.ts and test/snapshot-sameness.test.ts.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIndex, readLatest } from '../activities/snapshot-files.js';
import { buildCli, runCli, type BuiltCli } from './helpers/custody.js';
import { writeReferrals } from './helpers/snapshot-night.js';

const KEY = 'cli-rerun-signing-key-5e8a2c4f7b1d9e3a6c0f8b2d4e7a1c9f';

describe('csc-kpi run, twice for one night', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  });
  afterAll(async () => {
    await cli?.dispose();
  });

  it('the second run publishes nothing new, exits 0 and names the snapshot that stands', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-rerun-'));
    const landing = join(root, 'landing');
    const home = join(root, 'home');
    await writeReferrals(landing, '2015-02-28', [
      ['C1', '20/01/2015'],
      ['C1', '03/02/2015'],
    ]);
    const args = ['run', '--as-of', '2015-02-28', '--landing', landing, '--home', home];
    const env = { CSC_KPI_SIGNING_KEY: KEY, LOG_LEVEL: 'warn' };

    const first = await runCli(cli, args, env);
    expect(first.code, first.stderr).toBe(0);
    const [published] = await readIndex(join(home, 'snapshots'));
    expect(first.stdout.split('\n')[0]).toBe(`csc-kpi: night of 2015-02-28 published snapshot ${published!.snapshot_id}`);

    const second = await runCli(cli, args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.split('\n')[0]).toBe(
      `csc-kpi: night of 2015-02-28 published nothing new: its figures, baseline events and sources equal snapshot ${published!.snapshot_id}, which stands`,
    );
    expect(second.stdout).toContain(`  report:   ${join(home, 'snapshots', published!.snapshot_id, 'report.html')}`);
    expect((await readIndex(join(home, 'snapshots'))).map((e) => e.snapshot_id)).toEqual([published!.snapshot_id]);
    expect((await readdir(join(home, 'snapshots'))).filter((n) => !n.startsWith('.')).sort()).toEqual([published!.snapshot_id, 'index.json', 'latest'].sort());
    expect(await readLatest(join(home, 'snapshots'))).toBe(published!.snapshot_id);
  });
});
