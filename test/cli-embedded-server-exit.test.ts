/**
 * `csc-kpi run` without TEMPORAL_ADDRESS starts its own Temporal dev server (cli/dev-server.ts).
 * However the run ends, that server must not be left running with nobody to stop it: a reader
 * that goes away (`csc-kpi run 2>&1 | head`) no longer stops the night halfway, a shutdown signal
 * ends `run` and `region run` with one line and the shell's exit code for it (region run used to
 * wait for ever once its workers had stopped), and a process that dies of an uncaught error still
 * signals its server on the way out (not when a signal kills it outright: no code runs then).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

/** Whatever a failing test left running (the CLI, its server) is killed. */
function killLeftovers(...pids: (number | undefined)[]): void {
  for (const pid of pids) if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
}

const stoppedLine = (home: string) =>
  `csc-kpi: the night of 2015-02-28 was stopped (SIGTERM) before it finished (a step under way was let finish; \`csc-kpi snapshots list --home ${home}\` shows whether it published). Run it again: files already loaded are not loaded twice.`;

/** A command of the compiled CLI (or a script), with info-level JSON logs and its standard error kept. */
interface Launched {
  child: ChildProcess;
  code: Promise<number | null>;
  /** Its standard error so far. */
  stderr(): string;
  /** The last line it wrote to standard error. */
  lastLine(): string;
}

function launch(args: string[], o: { detached?: boolean } = {}): Launched {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: o.detached,
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return { child, code: exited(child), stderr: () => stderr, lastLine: () => stderr.trim().split('\n').at(-1) ?? '' };
}

/** Once the night is under way: its first step has logged. */
const nightStarted = (run: Launched): Promise<true> =>
  until('the night to start', async () => (run.stderr().includes('pulled landing folder') ? true : null), 60_000);

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
  /** `csc-kpi run` of the sample as of 28 February 2015 into `home`. */
  const runSample = (home: string, o: { detached?: boolean } = {}): Launched =>
    launch([cli.main, 'run', '--as-of', '2015-02-28', '--landing', projectPath('fixtures', 'sample', 'landing'), '--home', home], o);

  it('a reader that goes away mid-night (`csc-kpi run 2>&1 | head`): the night still publishes, and its server stops', async () => {
    const home = join(root, 'home');
    const { child, code } = runSample(home);
    const server = await serverOf(child);
    try {
      // The reader closes both pipes: the run's next line of output meets a closed pipe (EPIPE).
      child.stdout!.destroy();
      child.stderr!.destroy();
      expect(await code).toBe(0);
      expect(await readLatest(join(home, 'snapshots'))).toMatch(/^2015-02-28_/);
      await expectGone(server);
    } finally {
      killLeftovers(child.pid, server);
    }
  }, 180_000);

  it('stopped by SIGTERM mid-night: one line saying so and what to do, exit 143, and its server stops', async () => {
    const home = join(root, 'home-term');
    const run = runSample(home);
    const server = await serverOf(run.child);
    try {
      // Once the night is under way, the worker's process is asked to stop.
      await nightStarted(run);
      run.child.kill('SIGTERM');
      expect(await run.code).toBe(143); // 128 + 15, the usual code for a process SIGTERM stopped
      expect(run.lastLine()).toBe(stoppedLine(home));
      await expectGone(server);
    } finally {
      killLeftovers(run.child.pid, server);
    }
  }, 180_000);

  it('Ctrl-C in a terminal (SIGINT to the whole process group, its server too): the same line for SIGINT, exit 130', async () => {
    const home = join(root, 'home-int');
    // Its own process group, as a terminal's foreground job is: the signal reaches the server as well.
    const run = runSample(home, { detached: true });
    const server = await serverOf(run.child);
    try {
      await nightStarted(run);
      process.kill(-run.child.pid!, 'SIGINT');
      expect(await run.code).toBe(130);
      expect(run.lastLine()).toBe(stoppedLine(home).replace('(SIGTERM)', '(SIGINT)'));
      await expectGone(server);
    } finally {
      killLeftovers(run.child.pid, server);
    }
  }, 180_000);

  it('stopped by SIGTERM while its server is still starting: the same line, not the SDK’s', async () => {
    const home = join(root, 'home-early');
    const run = runSample(home);
    let server: number | undefined;
    try {
      // Before the worker runs: the server is only just up (the workflow code is not bundled yet).
      server = await serverOf(run.child);
      run.child.kill('SIGTERM');
      expect(await run.code).toBe(143);
      expect(run.lastLine()).toBe(stoppedLine(home));
      await expectGone(server);
    } finally {
      killLeftovers(run.child.pid, server);
    }
  }, 180_000);

  it('csc-kpi region run stopped by SIGTERM mid-night: one line, exit 143, its server stops (it used to wait for ever)', async () => {
    const region = join(root, 'region-term');
    for (const id of ['west', 'main']) await cp(projectPath('fixtures', 'sample', 'landing'), join(region, id, 'landing'), { recursive: true });
    const config = join(region, 'region.json');
    await writeFile(
      config,
      JSON.stringify({
        home: 'region',
        task_queue: 'region-term',
        councils: [
          { id: 'west', name: 'Westshire', la_code: '321', landing: 'west/landing', home: 'west/home' },
          { id: 'main', name: 'Mainford', la_code: '322', landing: 'main/landing', home: 'main/home' },
        ],
      }),
    );
    const run = launch([cli.main, 'region', 'run', '--config', config, '--as-of', '2015-02-28']);
    const server = await serverOf(run.child);
    try {
      await nightStarted(run);
      run.child.kill('SIGTERM');
      expect(await Promise.race([run.code, new Promise((r) => setTimeout(() => r('still waiting after 30 s'), 30_000))])).toBe(143);
      expect(run.lastLine()).toBe(
        `csc-kpi: the region night of 2015-02-28 was stopped (SIGTERM) before it finished (steps under way were let finish; \`csc-kpi snapshots list --home ${join(region, 'region')}\` shows whether the regional snapshot was published). Run it again: files already loaded are not loaded twice.`,
      );
      await expectGone(server);
    } finally {
      // A run that fails this test may still be waiting: nothing is left running after it.
      killLeftovers(run.child.pid, server);
    }
  }, 180_000);

  it('a process that dies of an uncaught error after starting a server still stops it', async () => {
    const devServer = join(dirname(cli.main), 'dev-server.js');
    const script = join(root, 'crash.mjs');
    await writeFile(script, `import { startDevServer } from ${JSON.stringify(devServer)};\nawait startDevServer();\nsetTimeout(() => { throw new Error('an error nothing catches'); }, 10);\n`);
    const run = launch([script]);
    const server = await serverOf(run.child);
    try {
      expect(await run.code).toBe(1);
      expect(run.stderr()).toContain('an error nothing catches');
      await expectGone(server);
    } finally {
      killLeftovers(run.child.pid, server);
    }
  }, 120_000);
});
