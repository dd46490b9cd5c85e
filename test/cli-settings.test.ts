/**
 * The environment is read once, where the CLI starts (cli/main.ts → core/env-config.ts), and
 * passed in: a bad setting stops `csc-kpi` in one line naming it before any command runs; the
 * activities get only what the settings give them (signing key, commit, alert variables) and
 * never read the environment themselves; CSC_KPI_HOME and CSC_KPI_LANDING are the default
 * --home and --landing.
 */
import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Command, type Option } from 'commander';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../activities/index.js';
import { register as registerRun } from '../cli/commands/run.js';
import { register as registerSchedule } from '../cli/commands/schedule.js';
import { register as registerValidate } from '../cli/commands/validate.js';
import { activityDepsFrom } from '../cli/worker.js';
import { readEnvConfig, type EnvConfig } from '../core/env-config.js';
import type { PublishResult } from '../core/night.js';
import { buildCli, runCli, type BuiltCli } from './helpers/custody.js';
import { prepareNight, writeReferrals } from './helpers/snapshot-night.js';

const KEY = '3f1c9a7e5b2d4f6a8c0e1b3d5f7a9c2e';
const HOOK = 'https://hooks.slack.com/services/T/B/secret-token';

afterEach(() => vi.unstubAllEnvs());

describe('a bad setting', () => {
  it('is refused in one line that names each variable at fault and never its value', () => {
    const message = (env: NodeJS.ProcessEnv): string => {
      try {
        readEnvConfig(env);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(message({ CSC_KPI_COMMIT: 'release one' })).toBe(
      'Bad environment settings: CSC_KPI_COMMIT: a commit or release label: letters, digits, ".", "_" or "-" (e.g. git rev-parse --short HEAD)',
    );
    const two = message({ TEMPORAL_LOG_LEVEL: 'LOUD', TEMPORAL_NAMESPACE: '' });
    expect(two).toMatch(/^Bad environment settings: TEMPORAL_NAMESPACE: .*; TEMPORAL_LOG_LEVEL: .*"INFO"/);
    expect(two).not.toContain('\n');
    expect(two).not.toContain('LOUD');
    // Empty is unset, as an empty line in .env means.
    expect(readEnvConfig({ CSC_KPI_COMMIT: '', TEMPORAL_CLI: '' })).toMatchObject({ TEMPORAL_LOG_LEVEL: 'INFO' });
    expect(readEnvConfig({ CSC_KPI_COMMIT: '' }).CSC_KPI_COMMIT).toBeUndefined();
  });

  describe('to the built CLI', () => {
    let cli: BuiltCli;
    beforeAll(async () => {
      cli = await buildCli();
    }, 180_000);
    afterAll(() => cli?.dispose());

    it('stops it before any command starts: exit 1, one line on stderr, nothing created', async () => {
      const root = await mkdtemp(join(tmpdir(), 'csc-kpi-settings-'));
      const home = join(root, 'home');
      const out = await runCli(cli, ['run', '--home', home, '--landing', join(root, 'landing'), '--as-of', '2015-02-28'], { TEMPORAL_LOG_LEVEL: 'LOUD' });
      expect(out.code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toMatch(/^csc-kpi: Bad environment settings: TEMPORAL_LOG_LEVEL: [^\n]*\n$/);
      await expect(access(home)).rejects.toThrow(/ENOENT/);
    });
  });
});

describe('what the activities are given', () => {
  it('the signing key, the commit and the alert variables from the settings, and no other setting', () => {
    const settings = readEnvConfig({ CSC_KPI_SIGNING_KEY: KEY, CSC_KPI_COMMIT: 'abc1234', CSC_KPI_ALERT_WEBHOOK: HOOK, TEMPORAL_ADDRESS: 'temporal:7233', CSC_KPI_HOME: '/h' });
    expect(activityDepsFrom(settings)).toEqual({ signingKey: KEY, commit: 'abc1234', alertEnv: { CSC_KPI_ALERT_WEBHOOK: HOOK } });
    expect(activityDepsFrom(readEnvConfig({}))).toEqual({ signingKey: null, commit: null, alertEnv: {} });
  });

  it('the manifest’s code_version carries the commit passed in; CSC_KPI_COMMIT in the worker’s environment is not read at publish', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-settings-'));
    const landing = join(root, 'landing');
    await writeReferrals(landing, '2015-02-28', [['C1', '10/02/2015']]);
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
    const version = JSON.parse(await readFile('package.json', 'utf8')).version as string;
    const codeVersion = async (night: string, deps: { commit?: string | null }): Promise<string> => {
      const input = await prepareNight({ home: join(root, night), landing, asOf: '2015-02-28', runId: `run-${night}-01`, createdAt: '2015-03-01T05:00:00.000Z' });
      const r = (await env.run(createActivities({ signingKey: null, ...deps }).publishSnapshot, input)) as PublishResult;
      return (JSON.parse(await readFile(join(r.path, 'manifest.json'), 'utf8')) as { code_version: string }).code_version;
    };
    expect(await codeVersion('given', { commit: 'abc1234' })).toBe(`${version}+abc1234`);
    vi.stubEnv('CSC_KPI_COMMIT', 'from-the-environment');
    expect(await codeVersion('not-given', {})).toBe(version);
  });
});

describe('CSC_KPI_HOME and CSC_KPI_LANDING', () => {
  /** Each command's default for a flag, as commander will apply it. */
  function defaults(settings: EnvConfig): Record<string, unknown> {
    const program = new Command('csc-kpi');
    const log = pino({ level: 'silent' });
    registerRun(program, log, settings);
    registerSchedule(program, log, settings);
    registerValidate(program, log, settings);
    const out: Record<string, unknown> = {};
    const visit = (c: Command, path: string): void => {
      for (const o of c.options as readonly Option[]) if (o.long === '--home' || o.long === '--landing') out[`${path} ${o.long}`] = o.defaultValue;
      for (const sub of c.commands) visit(sub, `${path} ${sub.name()}`.trim());
    };
    visit(program, '');
    return out;
  }

  it('are the default --home and --landing of every command that takes them; without them ./data and <home>/landing', () => {
    expect(defaults(readEnvConfig({ CSC_KPI_HOME: '/srv/home', CSC_KPI_LANDING: '/srv/landing' }))).toEqual({
      'run --home': '/srv/home',
      'run --landing': '/srv/landing',
      'schedule create --home': '/srv/home',
      'schedule create --landing': '/srv/landing',
      'validate --landing': '/srv/landing',
    });
    // Unset: --home ./data, and --landing left to <home>/landing (validate requires it).
    expect(defaults(readEnvConfig({}))).toEqual({
      'run --home': './data',
      'run --landing': undefined,
      'schedule create --home': './data',
      'schedule create --landing': undefined,
      'validate --landing': undefined,
    });
  });
});
