/** The deployment files: docker-compose.yml validates (Debian's docker-compose, no engine needed) and settings are checked. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readEnvConfig } from '../core/env-config.js';
import { projectPath } from '../core/project-root.js';

describe('deployment', () => {
  const compose = (env: Record<string, string>) =>
    execFileSync('docker-compose', ['-f', projectPath('docker-compose.yml'), 'config', '-q'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'pipe',
    });

  it('docker-compose.yml passes `docker-compose config -q` with the example settings', () => {
    expect(() => compose({ POSTGRES_PASSWORD: 'x', CSC_KPI_LANDING_DIR: '/srv/landing', CSC_KPI_HOME_DIR: '/srv/home' })).not.toThrow();
  });

  it('docker-compose.yml refuses to start without the required settings', () => {
    expect(() => compose({})).toThrow(/POSTGRES_PASSWORD/);
  });

  it('environment settings are validated with the variable named', () => {
    expect(readEnvConfig({ TEMPORAL_ADDRESS: 'temporal:7233' })).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default', LOG_LEVEL: 'info', CSC_KPI_TASK_QUEUE: 'csc-kpi' });
    expect(() => readEnvConfig({ TEMPORAL_ADDRESS: 'temporal' })).toThrow(/TEMPORAL_ADDRESS: host:port/);
    expect(() => readEnvConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
