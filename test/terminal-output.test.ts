/**
 * What a data officer sees at a terminal (issue 14, "The data team's terminal"): the built CLI
 * run on a real pseudo-terminal (util-linux `script`, which gives the child a TTY and records
 * what it wrote) and through a pipe; the log formatter on its own; the checks `run` makes before
 * anything starts; `--version`.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nightInputProblems } from '../cli/night-preflight.js';
import { logSettingsOf, readEnvConfig } from '../core/env-config.js';
import { createLogger, humanMessage } from '../core/logger.js';
import { projectPath } from '../core/project-root.js';
import { writeReferrals } from './helpers/snapshot-night.js';

const CLI = projectPath('bin', 'csc-kpi.js');
const TOKEN = 'CiQwMWEyMzdmNS0yNmVkLTcxNDItYTFjNi0wYzViZWM0ZmI3NTkSFGtwaS1uaWdodC0yMDE1LTAyLTI4';

/** The environment of a person at a shell: no LOG_LEVEL (vitest sets one), no TEMPORAL_ADDRESS, no key. */
function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { LOG_LEVEL: _l, LOG_FORMAT: _f, TEMPORAL_ADDRESS: _a, CSC_KPI_SIGNING_KEY: _k, ...env } = process.env;
  return { ...env, TZ: 'Europe/London', ...extra };
}

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs the built CLI with a pseudo-terminal as its stdin, stdout and stderr; returns the transcript. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, CLI, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** Runs the built CLI with pipes (not a terminal): stdout and stderr apart. */
function piped(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** A landing folder with one small referrals extract, and a home beside it. */
async function smallNight(): Promise<{ landing: string; home: string }> {
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-terminal-'));
  const landing = join(root, 'landing');
  await writeReferrals(landing, '2015-02-28', [
    ['C1', '10/01/2015'],
    ['C1', '20/02/2015'],
    ['C2', '05/02/2015'],
  ]);
  return { landing, home: join(root, 'home') };
}

/** What is left on a terminal line once everything before its last "clear line" is gone, escapes removed. */
function visibleLine(raw: string): string {
  const afterClear = raw.split('\u001b[2K').pop() ?? raw;
  // eslint-disable-next-line no-control-regex
  return afterClear.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
}

describe('the log formatter', () => {
  const capture = (format: 'json' | 'pretty') => {
    const lines: string[] = [];
    const log = createLogger({ format, colour: false, sink: { write: (s) => lines.push(s) } });
    return { log, lines };
  };

  it('pretty: one human line with the message and its fields, no JSON, no task token', () => {
    const { log, lines } = capture('pretty');
    log.info({ sdkComponent: 'activity', taskToken: TOKEN, activityType: 'loadFile', workflowId: 'kpi-night-2015-02-28', file: 'case-system/referrals_2015-02-28.csv', rowsLoaded: 7309 }, 'loaded file');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: loaded file {2}file=case-system\/referrals_2015-02-28\.csv rowsLoaded=7309 {2}\(kpi-night-2015-02-28\)\n$/);
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain('{');
  });

  it('json: one JSON object a line, the task token removed', () => {
    const { log, lines } = capture('json');
    log.warn({ taskToken: TOKEN, file: 'x.csv' }, 'something to look at');
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 40, msg: 'something to look at', file: 'x.csv' });
    expect(parsed).not.toHaveProperty('taskToken');
  });

  it('quotes field values with spaces and shows objects as JSON', () => {
    expect(humanMessage({ msg: 'home folder tightened', tightened: 3, paths: ['raw', 'work'], note: 'two words' })).toBe('home folder tightened  tightened=3 paths=["raw","work"] note="two words"');
  });

  it('LOG_FORMAT and LOG_LEVEL are checked like every other setting', () => {
    expect(logSettingsOf(readEnvConfig({ LOG_FORMAT: 'json' }))).toEqual({ level: 'info', format: 'json', levelGiven: false });
    expect(logSettingsOf(readEnvConfig({ LOG_LEVEL: 'debug' }))).toEqual({ level: 'debug', format: undefined, levelGiven: true });
    expect(() => readEnvConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
    expect(() => readEnvConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});

describe('csc-kpi run at a terminal', () => {
  it('shows the bar, a warning above it on a clean line, and the summary: no JSON, no bundler report, no task token', async () => {
    const n = await smallNight();
    const r = await onTerminal(['run', '--landing', n.landing, '--home', n.home, '--as-of', '2015-02-28'], shellEnv());
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('night [');
    expect(r.out).toContain('csc-kpi: night of 2015-02-28 published snapshot');
    expect(r.out).not.toContain('{"level"');
    expect(r.out).not.toContain('taskToken');
    expect(r.out).not.toMatch(/modules by path|webpack|Workflow bundle created/);
    // Info lines (files pulled and loaded, worker states) are held back while the bar shows.
    expect(r.out).not.toMatch(/loaded file|Worker state changed/);
    // The unsigned-snapshot warning is printed above the bar, on a line of its own.
    const warning = r.out.split(/\r?\n/).find((l) => l.includes('is published unsigned'));
    expect(warning, r.out).toBeDefined();
    const shown = visibleLine(warning!);
    expect(shown).toMatch(/^\[\d{2}:\d{2}:\d{2}\] WARN: snapshot 2015-02-28_\S+ is published unsigned/);
    expect(shown).not.toContain('night [');
  });

  it('LOG_FORMAT=json on a terminal: JSON lines (still without the bundler report or task tokens)', async () => {
    const n = await smallNight();
    const r = await onTerminal(['run', '--landing', n.landing, '--home', n.home, '--as-of', '2015-02-28'], shellEnv({ LOG_FORMAT: 'json', LOG_LEVEL: 'info' }));
    expect(r.code, r.out).toBe(0);
    const json = r.out
      .split(/\r?\n/)
      .map(visibleLine)
      .filter((l) => l.startsWith('{'));
    expect(json.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('loaded file');
    expect(r.out).not.toContain('taskToken');
    expect(r.out).not.toMatch(/modules by path|webpack/);
  });

  it('through a pipe: JSON lines on stderr, no bar, the summary alone on stdout', async () => {
    const n = await smallNight();
    const r = await piped(['run', '--landing', n.landing, '--home', n.home, '--as-of', '2015-02-28'], shellEnv());
    expect(r.code, r.err).toBe(0);
    const lines = r.err.trim().split('\n');
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(expect.arrayContaining(['pulled landing folder', 'loaded file', 'published snapshot']));
    expect(r.err).not.toContain('taskToken');
    expect(r.err).not.toMatch(/modules by path|webpack/);
    expect(r.err).not.toContain('night [');
    expect(r.out.startsWith('csc-kpi: night of 2015-02-28 published snapshot')).toBe(true);
  });
});

describe('csc-kpi run checks its inputs before it starts anything', () => {
  it('a missing landing folder: one line, exit 1, no stack trace, and no Temporal server started', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-preflight-'));
    // A stand-in for the Temporal CLI that only leaves a mark: if `run` started a server, it is here.
    const marker = join(root, 'server-started');
    const fakeTemporal = join(root, 'temporal');
    await writeFile(fakeTemporal, `#!/bin/sh\ntouch ${quote(marker)}\nsleep 30\n`);
    await chmod(fakeTemporal, 0o755);
    const r = await piped(['run', '--landing', join(root, 'no-such-landing'), '--home', join(root, 'home'), '--as-of', '2015-02-28'], shellEnv({ TEMPORAL_CLI: fakeTemporal }));
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `csc-kpi: cannot start the night of 2015-02-28: the landing folder ${join(root, 'no-such-landing')} does not exist (check --landing, or whether the share is mounted). Nothing was started.\n`,
    );
    expect(r.out).toBe('');
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
    await expect(stat(join(root, 'home'))).rejects.toThrow(/ENOENT/);
  });

  it('names every problem at once: an impossible date, a landing file, a home that cannot be made', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-preflight-'));
    await writeFile(join(root, 'a-file'), 'x');
    await mkdir(join(root, 'landing'));
    expect(await nightInputProblems({ asOf: '2015-02-29', landing: join(root, 'a-file'), home: join(root, 'a-file', 'home') })).toEqual([
      '--as-of "2015-02-29" is not a real date (give YYYY-MM-DD, e.g. 2015-02-28)',
      `the landing folder ${join(root, 'a-file')} is a file, not a folder (check --landing)`,
      `the home folder ${join(root, 'a-file', 'home')} cannot be created: ${join(root, 'a-file')} is a file`,
    ]);
    expect(await nightInputProblems({ asOf: '2016-02-29', landing: join(root, 'landing'), home: join(root, 'new', 'home') })).toEqual([]);
  });
});

describe('the benchmarks’ settings are checked before anything starts', () => {
  it('names a malformed CSC_KPI_LA_CODE in one line, exit 1, nothing made', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-preflight-'));
    await mkdir(join(root, 'landing'));
    // cli/main.ts reads the whole environment before any command runs (core/env-config.ts).
    const r = await piped(['run', '--as-of', '2015-02-28', '--landing', join(root, 'landing'), '--home', join(root, 'home')], { ...process.env, CSC_KPI_LA_CODE: 'Barnet' });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^csc-kpi: Bad environment settings: CSC_KPI_LA_CODE.*an LA code: 3 digits \(old, e\.g\. "302"\) or E and 8 digits \(new, e\.g\. "E09000003"\)/);
    expect(r.err).not.toContain('Barnet');
    await expect(stat(join(root, 'home'))).rejects.toThrow(/ENOENT/);
  });
});

describe('csc-kpi --version', () => {
  it('prints the package version, and the commit when CSC_KPI_COMMIT is set', async () => {
    const { version } = JSON.parse(await readFile(projectPath('package.json'), 'utf8')) as { version: string };
    expect((await piped(['--version'], shellEnv())).out).toBe(`csc-kpi ${version}\n`);
    expect((await piped(['--version'], shellEnv({ CSC_KPI_COMMIT: '4f2a9c1' }))).out).toBe(`csc-kpi ${version}+4f2a9c1\n`);
  });
});
