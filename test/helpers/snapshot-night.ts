/**
 * A night run through the real activities without Temporal (MockActivityEnvironment gives them
 * their context): pull → load → compute → detect baselines, then publish with test hooks. The
 * snapshot tests use it, in process and in a child process that is killed mid-publish
 * (test/snapshot-publish.test.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities, workingWarehousePath } from '../../activities/index.js';
import { exportWarehouse } from '../../activities/export-warehouse.js';
import { publishSnapshot, type PublishOptions, type PublishStep } from '../../activities/publish.js';
import { Warehouse } from '../../activities/warehouse.js';
import type { FoundFile, PublishInput, PublishResult } from '../../core/night.js';

export const REFERRALS_HEADER =
  'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';

/** A referrals extract: one row per [child, date dd/mm/yyyy]; line n + 1 of the file is row n (the header is line 1). */
export async function writeReferrals(landing: string, extractDate: string, rows: [string, string][]): Promise<string> {
  await mkdir(join(landing, 'case-system'), { recursive: true });
  const name = `referrals_${extractDate}.csv`;
  const lines = rows.map(([child, date]) => `${child},F,WBRI,01/01/2010,5,Team A,W1,${date},Police,N`);
  await writeFile(join(landing, 'case-system', name), [REFERRALS_HEADER, ...lines].join('\r\n') + '\r\n');
  return name;
}

export interface NightSpec {
  home: string;
  landing: string;
  asOf: string;
  runId: string;
  /** Workflow time of the night; names the snapshot. */
  createdAt: string;
}

/** Pull, load, compute and detect for one night; returns what publish needs. */
export async function prepareNight(n: NightSpec): Promise<PublishInput> {
  const acts = createActivities();
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
  const workflowId = `test-night-${n.runId}`;
  const input = { asOf: n.asOf, landing: n.landing, home: n.home };
  const found = (await env.run(acts.pullSources, input)) as FoundFile[];
  for (const file of found.filter((f) => f.status === 'new')) await env.run(acts.loadFile, { home: n.home, file, runId: n.runId });
  await env.run(acts.computeKpis, { home: n.home, asOf: n.asOf, workflowId, runId: n.runId });
  await env.run(acts.detectBaselines, { home: n.home, asOf: n.asOf, workflowId, runId: n.runId, createdAt: n.createdAt });
  return { ...input, workflowId, runId: n.runId, createdAt: n.createdAt, found };
}

/** The publish step as the activity runs it (then the analysts' warehouse copy), with test hooks. */
export async function publishNight(input: PublishInput, opts: PublishOptions = {}): Promise<PublishResult> {
  return Warehouse.with(workingWarehousePath(input.home), async (w) => {
    const r = await publishSnapshot(w, input, opts);
    await exportWarehouse(w, join(input.home, 'warehouse.duckdb'));
    return r;
  });
}

export async function runNight(n: NightSpec, opts: PublishOptions = {}): Promise<PublishResult> {
  return publishNight(await prepareNight(n), opts);
}

/** For the child process: publish and SIGKILL this process right after `step`. */
export async function publishAndDieAfter(input: PublishInput, step: PublishStep): Promise<void> {
  await publishNight(input, {
    after: (s) => {
      if (s === step) process.kill(process.pid, 'SIGKILL');
    },
  });
}
