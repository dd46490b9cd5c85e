/**
 * A night's step keeps the working warehouse open for the next (activities/warehouse.ts
 * CloseOptions.lingerMs; NEXT_STEP_LINGER_MS in activities/index.ts): the next open in the
 * process takes the same instance, and another process that wants the file waits the hold out
 * (LOCK_WAIT_MS) instead of failing on DuckDB's lock.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../activities/warehouse.js';
import { projectPath } from '../core/project-root.js';

const root = await mkdtemp(join(tmpdir(), 'csc-kpi-linger-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Opens the file in a child process through Warehouse (as another worker would) and counts a table's rows. */
function countInChild(path: string): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const script = `const { Warehouse } = await import(${JSON.stringify(projectPath('dist', 'activities', 'warehouse.js'))});
    const n = await Warehouse.with(process.argv[1], async (w) => (await w.rows('SELECT count(*)::INTEGER AS n FROM t'))[0].n);
    process.stdout.write(String(n));`;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err, ms: performance.now() - t0 })));
}

describe('a warehouse kept open for the next step', () => {
  it('is the same instance for an open within the hold, and a new one after it', async () => {
    const path = join(root, 'same.duckdb');
    // A global setting lives on the instance, not the connection: it shows which instance an open got.
    await Warehouse.with(path, (w) => w.run('SET GLOBAL threads = 1'), { lingerMs: 2_000 });
    expect(await Warehouse.with(path, async (w) => (await w.rows<{ t: string }>("SELECT current_setting('threads')::VARCHAR AS t"))[0]!.t, { lingerMs: 50 })).toBe('1');
    await new Promise((r) => setTimeout(r, 300));
    expect(await Warehouse.with(path, async (w) => (await w.rows<{ t: string }>("SELECT current_setting('threads')::VARCHAR AS t"))[0]!.t)).not.toBe('1');
  });

  it('another process waits the hold out and then reads the committed rows', async () => {
    const path = join(root, 'other.duckdb');
    await Warehouse.with(path, (w) => w.run('CREATE TABLE t AS SELECT range AS i FROM range(5)'), { lingerMs: 1_000 });
    const r = await countInChild(path);
    expect({ code: r.code, out: r.out, err: r.err }).toEqual({ code: 0, out: '5', err: '' });
  });

  it('closeIdle ends the hold at once', async () => {
    const path = join(root, 'idle.duckdb');
    await Warehouse.with(path, (w) => w.run('CREATE TABLE t AS SELECT range AS i FROM range(3)'), { lingerMs: 60_000 });
    await Warehouse.closeIdle(path);
    const r = await countInChild(path);
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: '3' });
    // No hold to wait out: well under the minute it was asked to linger.
    expect(r.ms).toBeLessThan(30_000);
  });
});
