/**
 * Runs the CLI in a child process, as built from the code under test, and measures its peak
 * memory: for tests that bound a load's memory (a process of its own, so nothing else in the
 * test runner counts) and tests that need the worker to lack root's power to read any file.
 *
 * - `buildProject()` compiles the project (tsconfig.build.json) into a fresh folder inside the
 *   checkout (`.test-build/`, ignored by git), so a child never runs a stale `dist/`.
 * - `runMeasured()` reads the child's peak resident memory (its own `maxRSS` at exit, and
 *   `VmHWM` from /proc while it runs) and kills it as soon as it passes the bound, so a test that
 *   fails does so without exhausting the machine.
 * - Running as root, `asFileOwnerOnly` drops the capabilities that let root read any file
 *   (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): the child is then held to file modes like any
 *   account, so a file of another owner with mode 600 is unreadable to it, as it would be to a
 *   worker running as its own service account.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../core/project-root.js';

const run = promisify(execFile);

export interface BuiltProject {
  dir: string;
  /** The CLI entry (the compiled cli/main.js). */
  cli: string;
  remove(): Promise<void>;
}

export async function buildProject(): Promise<BuiltProject> {
  const root = projectRoot();
  const dir = join(root, '.test-build', `${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dir, '--sourceMap', 'false'], { cwd: root });
  return { dir, cli: join(dir, 'cli', 'main.js'), remove: () => rm(dir, { recursive: true, force: true }) };
}

export const MEMORY_BOUND_MB = 1536;

/** Writes the process's own peak resident memory (KiB) to $CSC_KPI_PEAK_FILE as it exits. */
const REPORT_PEAK = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; process.on('exit', () => { if (process.env.CSC_KPI_PEAK_FILE) writeFileSync(process.env.CSC_KPI_PEAK_FILE, String(process.resourceUsage().maxRSS)); });",
)}`;

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory in MB. */
  peakMb: number;
  /** Killed for passing the bound. */
  overBound: boolean;
}

export interface MeasuredChild {
  pid: number;
  /** Asks the child to stop (SIGTERM) and waits for it. */
  stop(): Promise<Measured>;
  done: Promise<Measured>;
}

function vmKb(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** Starts `node <args>` (the args after node's own), measured and bounded. */
export async function startMeasured(args: string[], opts: { env?: NodeJS.ProcessEnv; asFileOwnerOnly?: boolean; boundMb?: number } = {}): Promise<MeasuredChild> {
  const boundKb = (opts.boundMb ?? MEMORY_BOUND_MB) * 1024;
  const peakFile = join(await mkdtemp(join(tmpdir(), 'csc-kpi-peak-')), 'peak');
  const node = [process.execPath, `--import=${REPORT_PEAK}`, ...args];
  const argv = opts.asFileOwnerOnly && runningAsRoot() ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--', ...node] : node;
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, TZ: 'Europe/London', LOG_LEVEL: 'warn', ...opts.env, CSC_KPI_PEAK_FILE: peakFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let hwmKb = 0;
  let overBound = false;
  const watch = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8').then(
      (status) => {
        hwmKb = Math.max(hwmKb, vmKb(status, 'VmHWM'));
        if (vmKb(status, 'VmRSS') > boundKb && !overBound) {
          overBound = true;
          child.kill('SIGKILL');
        }
      },
      () => undefined, // gone
    );
  }, 100);
  const done = new Promise<Measured>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      void readFile(peakFile, 'utf8')
        .then((kb) => Number(kb), () => 0)
        .then(async (ownKb) => {
          await rm(join(peakFile, '..'), { recursive: true, force: true });
          resolve({ code, signal, stdout, stderr, peakMb: Math.round(Math.max(hwmKb, ownKb) / 1024), overBound });
        });
    });
  });
  return {
    pid: child.pid!,
    done,
    async stop() {
      child.kill('SIGTERM');
      return done;
    },
  };
}

/** Runs `node <args>` to its end, measured and bounded. */
export async function runMeasured(args: string[], opts: { env?: NodeJS.ProcessEnv; asFileOwnerOnly?: boolean; boundMb?: number } = {}): Promise<Measured> {
  return (await startMeasured(args, opts)).done;
}

/**
 * Makes a landing file or folder unreadable to a child started with `asFileOwnerOnly`: owned by
 * another account (nobody) with mode 600 (700 for a folder) when the tests run as root; mode 000
 * otherwise. `restore` puts it back so the folder can be removed.
 */
export async function makeUnreadable(path: string, kind: 'file' | 'folder'): Promise<{ restore(): Promise<void> }> {
  const { chmod, chown } = await import('node:fs/promises');
  if (runningAsRoot()) {
    await chown(path, 65534, 65534);
    await chmod(path, kind === 'folder' ? 0o700 : 0o600);
  } else {
    await chmod(path, 0);
  }
  return { restore: () => chmod(path, 0o755) };
}
