/**
 * `csc-kpi region run` as a data officer runs it, without TEMPORAL_ADDRESS: an embedded dev server
 * and one in-process worker per task queue of region.json. What it prints, and the one line for a
 * broken region.json; `csc-kpi worker --queue` refusing a queue the region does not use.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register as registerRegion } from '../cli/commands/region.js';
import { register as registerRun } from '../cli/commands/run.js';
import { readEnvConfig } from '../core/env-config.js';
import { writeReferrals } from './helpers/snapshot-night.js';

/** The CLI as cli/main.ts builds it, with these environment settings (none: no TEMPORAL_ADDRESS, an embedded server). */
async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ out: string; error: Error | null }> {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  const program = new Command('csc-kpi').exitOverride();
  const log = pino({ level: 'silent' });
  const settings = readEnvConfig(env);
  registerRun(program, log, settings);
  registerRegion(program, log, settings);
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'csc-kpi', ...args]);
  } catch (e) {
    error = e as Error;
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
  }
  return { out: out.join(''), error };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('csc-kpi region run', () => {
  it('runs every council and publishes the regional snapshot on an embedded dev server, printing who published and the spread', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-region-cli-'));
    // re_referral_12m_pct in February: west 1 re-referral of 2 referrals → 50.0; main 0 of 2 → 0.0.
    await writeReferrals(join(root, 'west', 'landing'), '2015-02-28', [['C1', '20/01/2015'], ['C1', '10/02/2015'], ['C2', '11/02/2015']]);
    await writeReferrals(join(root, 'main', 'landing'), '2015-02-28', [['C1', '10/02/2015'], ['C2', '11/02/2015']]);
    const config = join(root, 'region.json');
    await writeFile(
      config,
      JSON.stringify({
        home: 'region',
        task_queue: 'region-cli',
        councils: [
          { id: 'west', name: 'Westshire', la_code: '321', landing: 'west/landing', home: 'west/home', task_queue: 'west-queue' },
          { id: 'main', name: 'Mainford', la_code: '322', landing: 'main/landing', home: 'main/home' },
          { id: 'lost', name: 'Lostwick', la_code: '323', landing: 'lost/landing', home: 'lost/home', task_queue: 'west-queue' },
        ],
      }),
    );
    const { out, error } = await cli({}, 'region', 'run', '--config', config, '--as-of', '2015-02-28');
    expect(error).toBeNull();
    const lines = out.split('\n');
    const id = /published regional snapshot (\S+)/.exec(lines[0]!)?.[1];
    expect(lines[0]).toBe(`csc-kpi: region night of 2015-02-28 published regional snapshot ${id}`);
    expect(lines[1]).toBe('  councils 3: 2 published, 0 stale, 1 failed');
    expect(lines[2]).toMatch(/^ {4}west {5}published \S+$/);
    expect(lines[4]).toBe(
      `    lost     failed    The landing folder ${join(root, 'lost', 'landing')} does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.`,
    );
    // mean and median of 50.0 and 0.0: 25.0
    expect(out).toContain(`  ${'re_referral_12m_pct'.padEnd(34)} ${'2'.padStart(8)} ${'25'.padStart(8)} ${'25'.padStart(8)} ${'0'.padStart(8)} ${'50'.padStart(8)}`);
    expect(out).toContain(`  report:   ${join(root, 'region', 'snapshots', id!, 'report.html')}`);
    expect(await readFile(join(root, 'region', 'snapshots', 'latest', 'report.html'), 'utf8')).toContain('Lostwick');
  });

  it('refuses a broken region.json in one line before starting anything', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-region-cli-'));
    const config = join(root, 'region.json');
    await writeFile(config, JSON.stringify({ home: 'region', councils: [{ id: 'a b', name: 'A', la_code: '321', landing: 'l', home: 'h' }] }));
    const { error } = await cli({}, 'region', 'run', '--config', config, '--as-of', '2015-02-28');
    expect(error?.message).toBe(
      `${config} is not a region: councils[0].id: a short id of letters, digits, "_" or "-" (it names the council's workflow); fix ${config} and run the region again.`,
    );
  });
});

describe('csc-kpi worker --queue --config', () => {
  it('refuses a task queue no council of the region and not the region itself uses', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-region-cli-'));
    const config = join(root, 'region.json');
    await writeFile(config, JSON.stringify({ home: 'region', task_queue: 'region-q', councils: [{ id: 'a', name: 'A', la_code: '321', landing: 'l', home: 'h', task_queue: 'a-q' }] }));
    const { error } = await cli({ TEMPORAL_ADDRESS: '127.0.0.1:1' }, 'worker', '--queue', 'b-q', '--config', config);
    expect(error?.message).toBe(`No council in ${config} runs on task queue "b-q", and it is not the region's queue: start the worker with --queue naming one of "region-q", "a-q".`);
  });
});
