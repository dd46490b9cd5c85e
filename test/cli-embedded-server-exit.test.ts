/**
 * `csc-kpi run` without TEMPORAL_ADDRESS starts its own Temporal dev server (cli/dev-server.ts).
 * However the run ends, that server must not be left running with nobody to stop it: a reader
 * that goes away (`csc-kpi run | head`) no longer stops the night halfway, and a process that dies
 * of an uncaught error still signals its server on the way out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLatest } from '../activities/snapshot-files.js';
import { projectPath } from '../core/project-root.js';
import { buildCli, type BuiltCli } from './helpers/custody.js';

/** The Temporal server processes whose parent is `pid` (read from /proc). */
async function temporalChildren(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
    const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (m && Number(m[2]) === pid && m[1]!.includes('temporal')) found.push(Number(entry));
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, check: () => Promise<T | null>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== null) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for the child's server to start; returns its pid. */
const serverOf = (child: ChildProcess): Promise<number> =>
  until('the embedded Temporal server', async () => (await temporalChildren(child.pid!))[0] ?? null, 60_000);

const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** The server is gone within 15 s; if not, it is killed here (so a failing test leaves nothing running) and the test fails. */
async function expectGone(server: number): Promise<void> {
  const gone = await until('the server to stop', async () => (alive(server) ? null : true), 15_000).catch(() => false);
  if (!gone) process.kill(server, 'SIGKILL');
  expect(gone, 'the embedded Temporal server was left running').toBe(true);
}

describe('the embedded Temporal server of csc-kpi run', () => {
  let cli: BuiltCli;
  let root: string;
  beforeAll(async () => {
    cli = await buildCli();
    root = await mkdtemp(join(tmpdir(), 'csc-kpi-embedded-exit-'));
  });
  afterAll(async () => {
    await cli?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('a reader that goes away mid-night (`csc-kpi run | head`): the night still publishes, and its server stops', async () => {
    const home = join(root, 'home');
    const child = spawn(process.execPath, [cli.main, 'run', '--as-of', '2015-02-28', '--landing', projectPath('fixtures', 'sample', 'landing'), '--home', home], {
      env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const code = exited(child);
    const server = await serverOf(child);
    // The reader closes both pipes: the run's next line of output meets a closed pipe (EPIPE).
    child.stdout!.destroy();
    child.stderr!.destroy();
    expect(await code).toBe(0);
    expect(await readLatest(join(home, 'snapshots'))).toMatch(/^2015-02-28_/);
    await expectGone(server);
  }, 180_000);

  it('a process that dies of an uncaught error after starting a server still stops it', async () => {
    const devServer = join(dirname(cli.main), 'dev-server.js');
    const script = join(root, 'crash.mjs');
    await writeFile(script, `import { startDevServer } from ${JSON.stringify(devServer)};\nawait startDevServer();\nsetTimeout(() => { throw new Error('an error nothing catches'); }, 10);\n`);
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = exited(child);
    const server = await serverOf(child);
    expect(await code).toBe(1);
    expect(stderr).toContain('an error nothing catches');
    await expectGone(server);
  }, 120_000);
});
