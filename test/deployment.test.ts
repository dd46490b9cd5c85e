/**
 * The deployment files (issue 12, "Custody on disk and in deployment"). docker-compose.yml is
 * checked with Debian's docker-compose (no engine needed), always on a copy in a temp folder with
 * an explicit --env-file: a `.env` that the README's steps create in a checkout must not change
 * what these tests see. The resolved file is read as JSON through the YAML parser docker-compose
 * itself runs on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logSettingsOf, readEnvConfig } from '../core/env-config.js';
import { projectPath } from '../core/project-root.js';

const SETTINGS = {
  POSTGRES_PASSWORD: 'kT3v9wQ2mZ7xR4pL8sN1',
  CSC_KPI_LANDING_DIR: '/srv/landing',
  CSC_KPI_HOME_DIR: '/srv/home',
  CSC_KPI_TLS_DIR: '/srv/tls',
};

/** A temp folder holding what docker-compose.yml refers to, and nothing a user made. */
function composeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'csc-kpi-compose-'));
  copyFileSync(projectPath('docker-compose.yml'), join(dir, 'docker-compose.yml'));
  mkdirSync(join(dir, 'deploy'));
  copyFileSync(projectPath('deploy', 'check-postgres-password.sh'), join(dir, 'deploy', 'check-postgres-password.sh'));
  return dir;
}

const envText = (settings: Record<string, string>) => Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join('');

/** `docker-compose config` on `dir` with exactly `settings` (an env file of its own, nothing from the shell). */
function compose(dir: string, settings: Record<string, string> | string, args = ['-q']): string {
  const envFile = join(dir, 'settings-under-test.env');
  writeFileSync(envFile, typeof settings === 'string' ? settings : envText(settings));
  return execFileSync('docker-compose', ['--env-file', envFile, '-f', join(dir, 'docker-compose.yml'), 'config', ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: 'pipe',
    encoding: 'utf8',
  });
}

interface Service {
  image?: string;
  ports?: ({ host_ip?: string; published?: number } | string)[];
  networks?: Record<string, unknown>;
  environment?: Record<string, string>;
  entrypoint?: string[];
  volumes?: ({ source?: string; target?: string } | string)[];
  user?: string;
}
interface Resolved {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean }>;
}

function resolved(settings = SETTINGS): Resolved {
  const yaml = compose(composeCopy(), settings, []);
  const json = execFileSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: yaml, encoding: 'utf8' });
  return JSON.parse(json) as Resolved;
}

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q` with complete settings', () => {
    expect(() => compose(composeCopy(), SETTINGS)).not.toThrow();
  });

  it('refuses to start without each required setting, naming it', () => {
    expect(() => compose(composeCopy(), {})).toThrow(/POSTGRES_PASSWORD/);
    for (const missing of Object.keys(SETTINGS)) {
      const rest = Object.fromEntries(Object.entries(SETTINGS).filter(([k]) => k !== missing));
      expect(() => compose(composeCopy(), rest), missing).toThrow(new RegExp(`set ${missing} in \\.env`));
    }
  });

  it('means the same with a complete .env next to it (as the README steps leave in a checkout)', () => {
    const dir = composeCopy();
    writeFileSync(join(dir, '.env'), envText(SETTINGS));
    // docker-compose alone would read that .env and accept ...
    expect(() => execFileSync('docker-compose', ['-f', join(dir, 'docker-compose.yml'), 'config', '-q'], { env: { PATH: process.env.PATH ?? '' }, stdio: 'pipe' })).not.toThrow();
    // ... while the tests' explicit settings still decide.
    expect(() => compose(dir, {})).toThrow(/POSTGRES_PASSWORD/);
  });

  it('refuses .env.example as it ships: its POSTGRES_PASSWORD is empty', () => {
    expect(() => compose(composeCopy(), readFileSync(projectPath('.env.example'), 'utf8'))).toThrow(/set POSTGRES_PASSWORD in \.env/);
  });

  it('publishes nothing but the UI, on 127.0.0.1 only; Temporal, PostgreSQL and the worker sit on an internal network', () => {
    const c = resolved();
    expect(c.networks.internal?.internal).toBe(true);
    for (const name of ['temporal', 'postgresql', 'csc-kpi-worker', 'csc-kpi-region-worker']) {
      expect(c.services[name]?.ports, name).toBeUndefined();
      expect(Object.keys(c.services[name]?.networks ?? {}), name).toEqual(['internal']);
    }
    const ui = c.services['temporal-ui']!;
    expect(ui.ports).toHaveLength(1);
    expect(JSON.stringify(ui.ports)).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(ui.ports)).not.toMatch(/0\.0\.0\.0/);
  });

  it('pins every image by digest, and the worker image runs as a non-root user', () => {
    const c = resolved();
    const images = Object.entries(c.services).filter(([, s]) => s.image);
    expect(images.map(([n]) => n).sort()).toEqual(['postgresql', 'temporal', 'temporal-ui']);
    for (const [name, s] of images) expect(s.image, name).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
    const dockerfile = readFileSync(projectPath('Dockerfile'), 'utf8').split('\n');
    const froms = dockerfile.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThan(0);
    for (const f of froms) expect(f).toMatch(/^FROM [\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}( AS \w+)?$/);
    // The last USER comes after every RUN and is not root; compose does not override it.
    const last = (prefix: string) => dockerfile.map((l, i) => (l.startsWith(prefix) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    expect(dockerfile[last('USER ')]).toBe('USER node');
    expect(last('RUN ')).toBeLessThan(last('USER '));
    expect(c.services['csc-kpi-worker']?.user).toBeUndefined();
  });

  it('uses mutual TLS for every Temporal connection: server, UI and worker', () => {
    const s = resolved().services;
    expect(s.temporal?.environment).toMatchObject({ TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true', TEMPORAL_TLS_FRONTEND_CERT: expect.any(String), TEMPORAL_TLS_CLIENT1_CA_CERT: expect.any(String) });
    for (const name of ['temporal-ui', 'csc-kpi-worker', 'csc-kpi-region-worker']) {
      expect(s[name]?.environment, name).toMatchObject({ TEMPORAL_TLS_CA: expect.any(String), TEMPORAL_TLS_CERT: expect.any(String), TEMPORAL_TLS_KEY: expect.any(String) });
    }
    expect(s['csc-kpi-worker']?.environment).toMatchObject({ CSC_KPI_LANDING: '/landing', CSC_KPI_HOME: '/home/csc-kpi' });
  });

  it('gives the worker config/ as a read-only volume, so a mapping or baseline reaches it without a rebuild', () => {
    const dir = composeCopy();
    // docker-compose 1.29 resolves a bind mount to its short form, source:target:mode.
    const configMount = (settings: Record<string, string>) => {
      const yaml = compose(dir, settings, []);
      const c = JSON.parse(execFileSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: yaml, encoding: 'utf8' })) as Resolved;
      return (c.services['csc-kpi-worker']?.volumes ?? []).filter((v): v is string => typeof v === 'string' && v.includes(':/app/config'));
    };
    // Default: the checkout's own config/ (next to docker-compose.yml).
    expect(configMount(SETTINGS)).toEqual([`${join(dir, 'config')}:/app/config:ro`]);
    expect(configMount({ ...SETTINGS, CSC_KPI_CONFIG_DIR: '/srv/csc-kpi/config' })).toEqual(['/srv/csc-kpi/config:/app/config:ro']);
    // Where the code reads it: /app is the image's WORKDIR and project root.
    expect(readFileSync(projectPath('Dockerfile'), 'utf8')).toMatch(/^WORKDIR \/app$/m);
  });

  it('has a region profile: two worker replicas on one task queue of region.json, started only with --profile region', () => {
    const dir = composeCopy();
    expect(() => compose(dir, SETTINGS)).not.toThrow(); // writes the settings file used below
    const env = join(dir, 'settings-under-test.env');
    expect(() =>
      execFileSync('docker-compose', ['--env-file', env, '-f', join(dir, 'docker-compose.yml'), '--profile', 'region', 'config', '-q'], { env: { PATH: process.env.PATH ?? '' }, stdio: 'pipe' }),
    ).not.toThrow();
    const region = resolved({ ...SETTINGS, CSC_KPI_REGION_QUEUE: 'north-pool' } as typeof SETTINGS).services['csc-kpi-region-worker'] as Service & { profiles?: string[]; deploy?: { replicas?: number }; command?: string[] };
    expect(region.profiles).toEqual(['region']);
    expect(region.deploy?.replicas).toBe(2);
    expect(region.command).toEqual(['worker', '--queue', 'north-pool', '--config', '/region/region.json']);
    // It serves what region.json names, never a single council's CSC_KPI_LANDING/CSC_KPI_HOME.
    expect(Object.keys(region.environment ?? {})).not.toContain('CSC_KPI_HOME');
    expect(JSON.stringify(region.volumes)).toMatch(/"target":"\/landings","read_only":true|\/landings:ro/);
    expect(JSON.stringify(region.volumes)).toMatch(/\/config:\/app\/config:ro/);
  });

  it('starts PostgreSQL through a check that refuses an empty, example or short password', () => {
    const pg = resolved().services.postgresql!;
    expect(pg.entrypoint).toEqual(['/bin/sh', '/usr/local/bin/check-postgres-password.sh']);
    expect(JSON.stringify(pg.volumes)).toContain('/usr/local/bin/check-postgres-password.sh');

    // The script as the container runs it, with the image's entrypoint stubbed.
    const bin = mkdtempSync(join(tmpdir(), 'csc-kpi-pg-entry-'));
    writeFileSync(join(bin, 'docker-entrypoint.sh'), '#!/bin/sh\necho "postgres started: $*"\n');
    chmodSync(join(bin, 'docker-entrypoint.sh'), 0o755);
    const start = (password: string | undefined) =>
      spawnSync('sh', [projectPath('deploy', 'check-postgres-password.sh'), 'postgres'], {
        env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...(password === undefined ? {} : { POSTGRES_PASSWORD: password }) },
        encoding: 'utf8',
      });
    const refused = (why: string) =>
      `postgresql: POSTGRES_PASSWORD ${why}: set a real one in .env (e.g. openssl rand -base64 24) and run docker-compose up again\n`;
    expect(start(undefined)).toMatchObject({ status: 1, stdout: '', stderr: refused('is empty') });
    expect(start('change-me')).toMatchObject({ status: 1, stdout: '', stderr: refused('is an example or default value') });
    expect(start('Temporal')).toMatchObject({ status: 1, stdout: '', stderr: refused('is an example or default value') });
    expect(start('fifteen-chars-x')).toMatchObject({ status: 1, stdout: '', stderr: refused('is shorter than 16 characters') });
    expect(start('sixteen-chars-xy')).toMatchObject({ status: 0, stdout: 'postgres started: postgres\n' });
    expect(start(SETTINGS.POSTGRES_PASSWORD)).toMatchObject({ status: 0, stdout: 'postgres started: postgres\n' });
  });
});

describe('.env stays out of git and out of the image', () => {
  it('is listed in .gitignore and .dockerignore', () => {
    const lines = (f: string) => readFileSync(projectPath(f), 'utf8').split('\n').map((l) => l.trim());
    expect(lines('.gitignore')).toContain('.env');
    expect(lines('.dockerignore')).toContain('.env');
    expect(lines('.gitignore')).toContain('!.env.example');
  });
});

describe('environment settings', () => {
  it('are validated with the variable named', () => {
    expect(readEnvConfig({ TEMPORAL_ADDRESS: 'temporal:7233' })).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default', CSC_KPI_TASK_QUEUE: 'csc-kpi' });
    // LOG_LEVEL unset is `info`, and not given (so `run` may hold info lines back while its bar shows).
    expect(logSettingsOf(readEnvConfig({}))).toEqual({ level: 'info', format: undefined, levelGiven: false });
    expect(logSettingsOf(readEnvConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: '' }))).toEqual({ level: 'debug', format: undefined, levelGiven: true });
    expect(() => readEnvConfig({ TEMPORAL_ADDRESS: 'temporal' })).toThrow(/TEMPORAL_ADDRESS: host:port/);
    expect(() => readEnvConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
