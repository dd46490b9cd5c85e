/**
 * Helpers for custody tests (issue 12): files holding distinctive marker values, and searches for
 * those markers in everything that leaves the warehouse — the files under a home's snapshots/
 * (JSON decoded, parquet read back), a workflow's history (payloads decoded) and the output of
 * the real CLI run as a child process (built from the current source into a private folder).
 *
 * A search decodes before it looks: JSON writes an escape character as `\u001b`, so a raw search
 * of metrics.json would never find one that a reader of the decoded file gets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import type { WorkflowHandle } from '@temporalio/client';
import { projectPath } from '../../core/project-root.js';
import { REFERRALS_HEADER } from './snapshot-night.js';

export { REFERRALS_HEADER };

/**
 * Values from source rows, each distinctive enough that finding it anywhere outside the
 * warehouse is a leak: a child id, a date of birth, a worker id, a team and a person's name.
 */
export const MARKERS = ['C0MARKER4733', '16/06/2005', 'W0MARKER121', 'MARKERTEAM', 'Jane MARKERNAME'] as const;

/** A referrals extract that lost its header line: its first line is a child's row (as reproduced on main). */
export function headerlessReferrals(): string {
  return (
    [
      `"${MARKERS[0]}","Female","AOTH","${MARKERS[1]}","9","${MARKERS[3]}","${MARKERS[2]}","01/02/2015","${MARKERS[4]}","N"`,
      `"C0MARKER4734","Male","WBRI","01/01/2010","5","${MARKERS[3]}","${MARKERS[2]}","02/02/2015","Police","N"`,
    ].join('\r\n') + '\r\n'
  );
}

export interface Text {
  where: string;
  /** A string, or any value whose strings are searched (after decoding payloads). */
  text: unknown;
}

/** Every string inside a value: object keys and values, array items, decoded byte payloads. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(...stringsIn(decodePayload(value)));
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  }
  return out;
}

/** A Temporal payload's bytes: the JSON value it encodes, or its text. */
function decodePayload(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `where: needle` for every needle found in any of the texts (empty when nothing leaked). */
export function leaksIn(texts: readonly Text[], needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const t of texts) {
    const strings = stringsIn(t.text);
    for (const needle of needles) {
      if (strings.some((s) => s.includes(needle))) found.push(`${t.where}: ${JSON.stringify(needle)}`);
    }
  }
  return found;
}

/** Every file under `<home>/snapshots/`: its text (and for JSON its decoded values), or for parquet its rows. */
export async function snapshotTexts(home: string): Promise<Text[]> {
  const root = join(home, 'snapshots');
  const out: Text[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const where = `snapshots/${rel}${e.name}`;
      if (e.isDirectory()) await walk(path, `${rel}${e.name}/`);
      else if (e.isFile()) {
        // Parquet is binary (any byte may occur, and text is compressed): its rows are what it says.
        if (e.name.endsWith('.parquet')) {
          out.push({ where: `${where} (rows)`, text: await parquetRows(path) });
          continue;
        }
        const text = await readFile(path, 'utf8');
        out.push({ where, text });
        if (e.name.endsWith('.json')) out.push({ where: `${where} (decoded)`, text: JSON.parse(text) as unknown });
      }
    }
  };
  await walk(root, '');
  return out;
}

async function parquetRows(path: string): Promise<unknown> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll('SELECT * FROM read_parquet($p)', { p: path })).getRowObjectsJson();
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A workflow's whole history (every event, payloads decoded) as one searchable value. */
export async function historyText(handle: WorkflowHandle): Promise<unknown> {
  const history = await handle.fetchHistory();
  return history.events ?? [];
}

export interface BuiltCli {
  /** The compiled `cli/main.js`. */
  main: string;
  dispose(): Promise<void>;
}

/**
 * The CLI compiled from the current source into a private folder inside the project (so it finds
 * sql/ and package.json as dist/ does), never dist/ itself, which other tests' children may be
 * running. Removed by `dispose`.
 */
export async function buildCli(): Promise<BuiltCli> {
  const parent = projectPath('.test-build');
  await mkdir(parent, { recursive: true });
  const outDir = await mkdtemp(join(parent, 'cli-'));
  await promisify(execFile)(process.execPath, [projectPath('node_modules', 'typescript', 'bin', 'tsc'), '-p', projectPath('tsconfig.build.json'), '--outDir', outDir], {
    cwd: projectPath(),
  });
  return { main: join(outDir, 'cli', 'main.js'), dispose: () => rm(outDir, { recursive: true, force: true }) };
}

export interface CliOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Promise<CliOutput> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Environment for a CLI child: London time, logs at debug so every line a log could carry is seen. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, TZ: 'Europe/London', LOG_LEVEL: 'debug', TEMPORAL_LOG_LEVEL: 'DEBUG', ...extra };
}

/** What a CLI child printed, as texts to search: stdout, stderr, and stderr's JSON log lines decoded. */
export function cliTexts(name: string, out: CliOutput): Text[] {
  const logLines = out.stderr.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      return [];
    }
  });
  return [
    { where: `${name} stdout`, text: out.stdout },
    { where: `${name} stderr`, text: out.stderr },
    { where: `${name} log lines (decoded)`, text: logLines },
  ];
}

/** Runs `csc-kpi <args>` to completion and returns what it printed. */
export function runCli(cli: BuiltCli, args: string[], env: Record<string, string> = {}): Promise<CliOutput> {
  return collect(spawn(process.execPath, [cli.main, ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** `csc-kpi worker` in a child process; `stop` ends it and returns what it printed. */
export function startCliWorker(cli: BuiltCli, env: Record<string, string>): { stop(): Promise<CliOutput> } {
  const child = spawn(process.execPath, [cli.main, 'worker'], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  return {
    async stop() {
      child.kill('SIGTERM');
      // A worker drains before it exits; one that hangs is not what this helper is testing.
      const hung = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        return await output;
      } finally {
        clearTimeout(hung);
      }
    },
  };
}
