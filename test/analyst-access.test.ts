/**
 * An analyst keeps a read-only connection to <home>/warehouse.duckdb open through a night (real
 * Temporal dev server, real DuckDB). The night must complete, the analyst's queries must never
 * wait on the night's writes, and what the analyst sees must be one whole warehouse — the old
 * one until they reconnect, then the new one — never a half-loaded mix.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const HEADER = 'Child Unique ID,Date of referral';
const rows = (n: number, month: string) => Array.from({ length: n }, (_, i) => `C${i},${String((i % 27) + 1).padStart(2, '0')}/${month}/2015`);

/** Rows in core.referrals and the rows meta.files says were loaded: equal in any whole warehouse. */
async function view(conn: DuckDBConnection): Promise<{ rows: number; recorded: number; snapshots: number }> {
  const r = (
    await conn.runAndReadAll(
      `SELECT (SELECT count(*) FROM core.referrals) AS rows,
              (SELECT sum(rows_loaded) FROM meta.files WHERE status = 'loaded') AS recorded,
              (SELECT count(*) FROM meta.snapshots) AS snapshots`,
    )
  ).getRowObjectsJson()[0]!;
  return { rows: Number(r.rows), recorded: Number(r.recorded), snapshots: Number(r.snapshots) };
}

describe('an analyst reading the warehouse during the night', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('sees the old warehouse or the new one, never a mix, and is never locked out', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-analyst-'));
    const landing = join(root, 'landing');
    const home = join(root, 'home');
    await mkdir(join(landing, 'case-system'), { recursive: true });
    await writeFile(join(landing, 'case-system', 'referrals_2015-01-31.csv'), [HEADER, ...rows(20_000, '01')].join('\n') + '\n');
    const taskQueue = uniqueQueue('analyst');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });

    await worker.runUntil(async () => {
      await startOrJoinNight(env.client, { asOf: '2015-01-31', landing, home }, taskQueue);
      const analyst = await DuckDBInstance.create(join(home, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
      const conn = await analyst.connect();
      const before = await view(conn);
      expect(before).toEqual({ rows: 20_000, recorded: 20_000, snapshots: 1 });

      await writeFile(join(landing, 'case-system', 'referrals_2015-02-28.csv'), [HEADER, ...rows(30_000, '02')].join('\n') + '\n');
      let done = false;
      const night = startOrJoinNight(env.client, { asOf: '2015-02-28', landing, home }, taskQueue).finally(() => (done = true));
      let slowestMs = 0;
      let reads = 0;
      while (!done) {
        const t = performance.now();
        expect(await view(conn)).toEqual(before); // the open connection keeps its whole, old warehouse
        slowestMs = Math.max(slowestMs, performance.now() - t);
        reads++;
        await new Promise((r) => setTimeout(r, 20));
      }
      await night;
      console.log(`analyst: ${reads} reads during the night, slowest ${slowestMs.toFixed(1)} ms`);
      expect(reads).toBeGreaterThan(0);
      expect(slowestMs).toBeLessThan(1000);
      conn.closeSync();
      analyst.closeSync();

      // Reconnecting gives the new warehouse, whole: both extracts, both snapshots.
      const again = await DuckDBInstance.create(join(home, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
      const conn2 = await again.connect();
      expect(await view(conn2)).toEqual({ rows: 50_000, recorded: 50_000, snapshots: 2 });
      conn2.closeSync();
      again.closeSync();
    });
  });
});
