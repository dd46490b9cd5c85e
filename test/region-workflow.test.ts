/**
 * A region on a real Temporal dev server (issue 18): three generated councils on two task queues,
 * each served by its own worker (built exactly as `csc-kpi worker --queue Q --config region.json`
 * builds it); one council's landing folder is missing. The region publishes and names it; a later
 * run, once its landing is there, publishes a new regional version without repeating the others;
 * each worker ran only its own councils (from the workflow histories); a broken region.json fails
 * the night at once in one line; the schedule runs the region as of the day before, as the same
 * `region-night-<as-of>`, joined when fired again. And no child-level column or source row reaches
 * any regional output.
 */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRegionConfigFile } from '../activities/region-config-file.js';
import { regionWorkerPlan } from '../activities/region-served.js';
import { readIndex, readLatest } from '../activities/snapshot-files.js';
import { startOrJoinRegionNight } from '../cli/region-run.js';
import { upsertRegionSchedule } from '../cli/commands/region.js';
import { backfillSchedule } from '../cli/schedule.js';
import { createWorker, workflowsPath } from '../cli/worker.js';
import type { MetricsFile } from '../core/metrics-contract.js';
import { councilNightId, regionNightId, type RegionNightResult } from '../core/region-night.js';
import { regionSnapshotFile, type RegionSnapshotFile } from '../core/region-snapshot.js';
import { projectPath } from '../core/project-root.js';
import { generateLanding } from '../fixtures/generator/generate.js';
import { writeReferrals } from './helpers/snapshot-night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const AS_OF = '2015-02-28';
/** A recorded region night (three councils, one failed); re-record: RECORD_HISTORY=1 npx vitest run test/region-workflow.test.ts */
const RECORDED = projectPath('test', 'histories', 'region-night-v1.history.bin');
/** The region schedule's starter, both paths (replayed in test/workflow-replay.test.ts); re-recorded with the above. */
const RECORDED_SCHEDULED = {
  child: projectPath('test', 'histories', 'scheduled-region-night-child-v1.history.bin'),
  join: projectPath('test', 'histories', 'scheduled-region-night-join-v1.history.bin'),
};
/** Planted in north's referrals: none may reach a regional output. */
const MARKERS = ['ZZSECRETCHILD', 'ZZSECRETTEAM', 'ZZSECRETWORKER'];

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundle;
let root: string;

/** Runs the region night with one worker per task queue, each as the CLI builds it, named `worker-<queue>`. */
async function regionNight(configPath: string, asOf = AS_OF): Promise<RegionNightResult> {
  const config = await readRegionConfigFile(configPath);
  const queues = [...new Set([config.taskQueue, ...config.councils.map((c) => c.taskQueue)])];
  const workers = await Promise.all(
    queues.map((q) => {
      const plan = regionWorkerPlan(config, q);
      return createWorker({ connection: env.nativeConnection, served: plan.served, region: plan.region, taskQueue: q, identity: `worker-${q}`, workflowBundle });
    }),
  );
  const night = startOrJoinRegionNight(env.client, { config: config.path, asOf }, config.taskQueue);
  return workers.reduce<Promise<RegionNightResult>>((p, w) => w.runUntil(p), night);
}

/** Every worker identity that took a workflow or activity task in a workflow's history, and its task queue. */
async function whoRan(workflowId: string): Promise<{ identities: string[]; taskQueue: string | undefined; activities: string[] }> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const identities = new Set<string>();
  for (const e of events) {
    const id = e.activityTaskStartedEventAttributes?.identity ?? e.workflowTaskStartedEventAttributes?.identity;
    if (id) identities.add(id);
  }
  return {
    identities: [...identities].sort(),
    taskQueue: events[0]?.workflowExecutionStartedEventAttributes?.taskQueue?.name ?? undefined,
    activities: events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter((n): n is string => Boolean(n)),
  };
}

async function regionJson(dir: string): Promise<RegionSnapshotFile> {
  return regionSnapshotFile.parse(JSON.parse(await readFile(join(dir, 'region.json'), 'utf8')));
}

async function councilMetrics(home: string, snapshotId: string): Promise<MetricsFile> {
  return JSON.parse(await readFile(join(home, 'snapshots', snapshotId, 'metrics.json'), 'utf8')) as MetricsFile;
}

/** Adds a referral to an extract whose identifiers and team are marker strings. */
async function plantMarkers(landing: string): Promise<void> {
  const path = join(landing, 'case-system', `referrals_${AS_OF}.csv`);
  const text = await readFile(path, 'utf8');
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const [header, ...rows] = text.trimEnd().split(newline);
  const cols = header!.split(',');
  const cells = rows[rows.length - 1]!.split(',');
  cells[cols.indexOf('Child Unique ID')] = MARKERS[0]!;
  cells[cols.indexOf('Allocated Team')] = MARKERS[1]!;
  cells[cols.indexOf('Allocated Worker')] = MARKERS[2]!;
  await writeFile(path, `${text.trimEnd()}${newline}${cells.join(',')}${newline}`);
}

beforeAll(async () => {
  env = await startTemporal();
  workflowBundle = await bundleWorkflowCode({ workflowsPath: workflowsPath() });
  root = await mkdtemp(join(tmpdir(), 'csc-kpi-region-wf-'));
});
afterAll(async () => {
  await env?.teardown();
});

describe('a region of three councils on two task queues', () => {
  const poolA = uniqueQueue('pool-a');
  const poolB = uniqueQueue('pool-b');
  let configPath: string;
  let first: RegionNightResult;
  const folders = (id: string) => ({ landing: join(root, id, 'landing'), home: join(root, id, 'home') });

  beforeAll(async () => {
    await generateLanding({ out: folders('north').landing, seed: 11, asOf: AS_OF, scale: 1 });
    await generateLanding({ out: folders('east').landing, seed: 13, asOf: AS_OF, scale: 1 });
    await plantMarkers(folders('north').landing);
    // south's landing folder does not exist tonight.
    configPath = join(root, 'region.json');
    await writeFile(
      configPath,
      JSON.stringify({
        name: 'North Thames',
        home: 'region-home',
        task_queue: poolA,
        councils: [
          { id: 'north', name: 'Northshire', la_code: '301', ...folders('north'), task_queue: poolA },
          { id: 'south', name: 'Southborough', la_code: '302', ...folders('south'), task_queue: poolB },
          { id: 'east', name: 'Eastwick', la_code: '303', ...folders('east'), task_queue: poolB },
        ],
      }),
    );
    first = await regionNight(configPath);
  });

  it('publishes the regional snapshot and names the council whose landing folder is missing', async () => {
    expect(first.councils.map((c) => [c.id, c.status])).toEqual([
      ['north', 'published'],
      ['south', 'failed'],
      ['east', 'published'],
    ]);
    expect(first.councils[1]!.reason).toBe(
      `The landing folder ${folders('south').landing} does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.`,
    );
    const snapshots = join(root, 'region-home', 'snapshots');
    expect(await readLatest(snapshots)).toBe(first.snapshotId);
    const r = await regionJson(first.path);
    expect(r.councils.find((c) => c.id === 'south')).toMatchObject({ status: 'failed', snapshot_id: null, reason: first.councils[1]!.reason });
    expect(await readFile(join(first.path, 'report.html'), 'utf8')).toContain('Failed — The landing folder');
  });

  it('shows each council’s headline figures exactly as its own snapshot, and the region’s spread of them', async () => {
    const r = await regionJson(first.path);
    const own = new Map<string, MetricsFile>();
    for (const c of r.councils.filter((x) => x.status === 'published')) {
      const m = await councilMetrics(folders(c.id).home, c.snapshot_id!);
      own.set(c.id, m);
      expect(r.values.filter((v) => v.council === c.id)).toEqual(
        m.metrics.map((x) => ({ kpi: x.kpi, council: c.id, period_end: x.period_end, value: x.value, numerator: x.numerator, denominator: x.denominator, status: x.status })),
      );
    }
    // Two councils: mean = median = their average to 1 dp, half away from zero (in tenths, so exact).
    for (const s of r.summary) {
      const vs = [...own.values()].map((m) => m.metrics.find((x) => x.kpi === s.kpi)?.value).filter((v): v is number => typeof v === 'number');
      const tenths = vs.map((v) => Math.round(v * 10));
      const half = tenths.length === 2 ? Math.floor((tenths[0]! + tenths[1]! + 1) / 2) / 10 : tenths.length === 1 ? tenths[0]! / 10 : null;
      expect({ kpi: s.kpi, councils: s.councils, mean: s.mean, median: s.median, min: s.min, max: s.max }).toEqual({
        kpi: s.kpi,
        councils: vs.length,
        mean: half,
        median: half,
        min: vs.length > 0 ? Math.min(...vs) : null,
        max: vs.length > 0 ? Math.max(...vs) : null,
      });
    }
    const rr = r.ranks.filter((x) => x.kpi === 're_referral_12m_pct');
    const values = rr.map((x) => r.values.find((v) => v.kpi === x.kpi && v.council === x.council)!.value!);
    // Lower is better for re-referrals: the lower figure ranks 1 of 2 (quartile B: 1 ≤ 2/2), the other 2 of 2 (D).
    expect(rr.map((x) => [x.rank, x.of, x.quartile])).toEqual(values[0]! < values[1]! ? [[1, 2, 'B'], [2, 2, 'D']] : [[2, 2, 'D'], [1, 2, 'B']]);
  });

  it('runs each council’s unchanged night as a child on its own queue, and each worker only its own', async () => {
    const north = await whoRan(councilNightId('north', AS_OF));
    const south = await whoRan(councilNightId('south', AS_OF));
    const east = await whoRan(councilNightId('east', AS_OF));
    const region = await whoRan(`region-night-${AS_OF}`);
    expect(north).toMatchObject({ identities: [`worker-${poolA}`], taskQueue: poolA });
    expect(north.activities).toEqual(expect.arrayContaining(['pullSources', 'loadFile', 'computeKpis', 'detectBaselines', 'publishSnapshot']));
    expect(east).toMatchObject({ identities: [`worker-${poolB}`], taskQueue: poolB });
    // South's landing is broken: its night stops at pull, and its failed-night alert step runs on its own queue too.
    expect(south).toMatchObject({ identities: [`worker-${poolB}`], taskQueue: poolB, activities: ['pullSources', 'planFailedNightAlert'] });
    // The region's own steps run on its queue (pool A), and nothing else ran there for B's councils.
    expect(region).toMatchObject({ identities: [`worker-${poolA}`], taskQueue: poolA, activities: ['readRegionConfig', 'publishRegion'] });
  });

  it('replays its history deterministically, and the committed history of an earlier run', async () => {
    const history = await env.client.workflow.getHandle(`region-night-${AS_OF}`).fetchHistory();
    await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, history)).resolves.toBeUndefined();
    if (process.env.RECORD_HISTORY) await writeFile(RECORDED, temporal.api.history.v1.History.encode(history).finish());
    const recorded = temporal.api.history.v1.History.decode(await readFile(RECORDED));
    await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, recorded, 'region-night-recorded')).resolves.toBeUndefined();
  });

  it('keeps every child-level column and source row out of the regional outputs', async () => {
    const regionHome = join(root, 'region-home');
    const texts: string[] = [];
    const read = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && !e.name.endsWith('.parquet') && !e.name.endsWith('.duckdb')) {
          texts.push(await readFile(p, 'utf8'));
          read.add(e.name);
        }
      }
    };
    await walk(join(regionHome, 'snapshots'));
    // Every text output was read, the report for councillors included.
    expect([...read].sort()).toEqual(['index.json', 'manifest.json', 'region.json', 'report.html']);
    // region.parquet: its columns and every value, as text.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const parquet = join(first.path, 'region.parquet');
    texts.push(JSON.stringify((await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${parquet}')`)).getRowObjectsJson()));
    texts.push(JSON.stringify((await conn.runAndReadAll(`SELECT * FROM read_parquet('${parquet}')`)).getRowObjectsJson()));
    conn.closeSync();
    db.closeSync();
    // The region workflow's history: every string and payload in it (a council's own history is its own business).
    const history = await env.client.workflow.getHandle(`region-night-${AS_OF}`).fetchHistory();
    const strings: string[] = [];
    const visit = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v instanceof Uint8Array) strings.push(Buffer.from(v).toString('utf8'));
      else if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') Object.values(v).forEach(visit);
    };
    visit(history.events);
    texts.push(strings.join('\n'));
    const all = texts.join('\n');
    expect(all).toContain('re_referral_12m_pct'); // the outputs were read

    for (const column of ['child_unique_id', 'worker_id', 'file_sha256', 'allocated_worker', 'date_of_birth', 'Child Unique ID', 'Date of Birth']) expect(all).not.toContain(column);
    for (const m of MARKERS) expect(all).not.toContain(m);
    // Identifiers as the generator writes them (C004779, W0052), dates as the extracts write them.
    expect(all.match(/\bC\d{6}\b/g)).toBeNull();
    expect(all.match(/\bW\d{4}\b/g)).toBeNull();
    expect(all.match(/\b\d{2}\/\d{2}\/\d{4}\b/g)).toBeNull();
    // No source file's hash, and no line of a source file.
    for (const c of ['north', 'east']) {
      const manifest = JSON.parse(await readFile(join(folders(c).home, 'snapshots', 'latest', 'manifest.json'), 'utf8')) as { sources: { sha256: string | null }[] };
      expect(manifest.sources.length).toBeGreaterThan(10);
      for (const s of manifest.sources) if (s.sha256) expect(all).not.toContain(s.sha256);
      const lines = (await readFile(join(folders(c).landing, 'case-system', `referrals_${AS_OF}.csv`), 'utf8')).split(/\r?\n/).filter(Boolean);
      for (const line of lines.filter((_, i) => i % 97 === 0)) expect(all).not.toContain(line);
    }
  });

  it('fails a broken region.json at once, non-retryably, in one line, and starts no council', async () => {
    const broken = join(root, 'broken', 'region.json');
    await mkdir(join(root, 'broken'), { recursive: true });
    await writeFile(broken, JSON.stringify({ home: 'h', councils: [{ id: 'north', name: 'Northshire', la_code: 'Northshire', landing: 'l', home: 'c' }] }));
    const taskQueue = uniqueQueue('broken');
    // A worker that served this file when it was whole (started before someone broke it).
    const worker = await createWorker({ connection: env.nativeConnection, served: [], region: broken, taskQueue, workflowBundle });
    const workflowId = uniqueQueue('region-night-broken');
    const err = await worker.runUntil(
      env.client.workflow.start('regionNightWorkflow', { taskQueue, workflowId, args: [{ config: broken, asOf: AS_OF }] }).then((h) => h.result().then(() => null, (e: unknown) => e)),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(activity).toBeInstanceOf(ActivityFailure);
    const app = activity.cause as ApplicationFailure;
    expect(app).toBeInstanceOf(ApplicationFailure);
    expect(app).toMatchObject({ type: 'BadRegionConfig', nonRetryable: true });
    expect(app.message).toBe(
      `${broken} is not a region: councils[0].la_code: an LA code: 3 digits (old, e.g. "302") or E and 8 digits (new, e.g. "E09000003"); fix ${broken} and run the region again.`,
    );
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    expect(events.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1]);
    expect(events.some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toBe(false);
  });

  it('a later run, once the landing folder is there, publishes a new regional version and runs only the council that failed', async () => {
    const before = await Promise.all(['north', 'south', 'east'].map((id) => env.client.workflow.getHandle(councilNightId(id, AS_OF)).describe()));
    await generateLanding({ out: folders('south').landing, seed: 17, asOf: AS_OF, scale: 1 });
    const second = await regionNight(configPath);

    expect(second.snapshotId).not.toBe(first.snapshotId);
    const snapshots = join(root, 'region-home', 'snapshots');
    expect((await readIndex(snapshots)).map((e) => e.snapshot_id)).toEqual([second.snapshotId, first.snapshotId]);
    expect(await readLatest(snapshots)).toBe(second.snapshotId);
    expect(second.councils.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['north', 'published', null],
      ['south', 'published', null],
      ['east', 'published', null],
    ]);
    // north and east were not run again: the same child runs, the same snapshots, one each.
    const after = await Promise.all(['north', 'south', 'east'].map((id) => env.client.workflow.getHandle(councilNightId(id, AS_OF)).describe()));
    expect(after.map((d) => d.runId === before[after.indexOf(d)]!.runId)).toEqual([true, false, true]);
    expect(after.map((d) => d.status.name)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    for (const id of ['north', 'east']) {
      expect(second.councils.find((c) => c.id === id)!.snapshotId).toBe(first.councils.find((c) => c.id === id)!.snapshotId);
      expect(await readIndex(join(folders(id).home, 'snapshots'))).toHaveLength(1);
    }
    // Every council's figures in the new version are its own snapshot's.
    const r = await regionJson(second.path);
    for (const c of r.councils) {
      const m = await councilMetrics(folders(c.id).home, c.snapshot_id!);
      expect(r.values.filter((v) => v.council === c.id).map((v) => [v.kpi, v.value])).toEqual(m.metrics.map((x) => [x.kpi, x.value]));
    }
    expect(r.summary.every((s) => s.councils <= 3)).toBe(true);
    expect(r.summary.find((s) => s.kpi === 're_referral_12m_pct')?.councils).toBe(3);
  });
});

describe('the region’s schedule', () => {
  const SCHED_AS_OF = '2015-02-27';

  /** Backfills the schedule's night as of `asOf` and waits for the starter that fired: returns it. */
  async function fire(scheduleId: string, asOf: string, seen: number) {
    const schedule = env.client.schedule.getHandle(scheduleId);
    await backfillSchedule(env.client, asOf, asOf, scheduleId);
    for (let i = 0; i < 240; i++) {
      const actions = (await schedule.describe()).info.recentActions;
      if (actions.length > seen) {
        const started = actions[actions.length - 1]!.action.workflow;
        return env.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the schedule did not fire for ${asOf} within 60 s`);
  }

  it('runs the region night as of the day before, as region-night-<as-of>, and a second firing for that date joins it: one regional night', async () => {
    const taskQueue = uniqueQueue('region-sched');
    const councils = await Promise.all(
      ['ash', 'oak'].map(async (id, i) => {
        const landing = join(root, 'sched', id, 'landing');
        await writeReferrals(landing, SCHED_AS_OF, [
          ['C1', '05/02/2015'],
          [`C${i + 2}`, '06/02/2015'],
        ]);
        return { id, name: id.toUpperCase(), la_code: String(311 + i), landing, home: join(root, 'sched', id, 'home') };
      }),
    );
    const configPath = join(root, 'sched', 'region.json');
    await writeFile(configPath, JSON.stringify({ home: 'region-home', task_queue: taskQueue, councils }));
    const config = await readRegionConfigFile(configPath);
    const scheduleId = uniqueQueue('region-schedule');
    // Exactly what `csc-kpi region schedule create` makes, under a test id.
    await upsertRegionSchedule(env.client, config, { scheduleId });
    await env.client.schedule.getHandle(scheduleId).pause('test: backfill only');
    const plan = regionWorkerPlan(config, taskQueue);
    const worker = await createWorker({ connection: env.nativeConnection, served: plan.served, region: plan.region, taskQueue, workflowBundle });
    // The night as of 27 February is the one scheduled at 05:00 London on the 28th; then the same date again.
    const [first, second] = await worker.runUntil(async () => {
      const a = await fire(scheduleId, SCHED_AS_OF, 0);
      const ra = (await a.result()) as RegionNightResult;
      const b = await fire(scheduleId, SCHED_AS_OF, 1);
      const rb = (await b.result()) as RegionNightResult;
      return [
        { handle: a, result: ra },
        { handle: b, result: rb },
      ];
    });
    await env.client.schedule.getHandle(scheduleId).delete();
    // Two starters (one schedule names both by the scheduled time, so two runs of one id).
    expect((await second!.handle.describe()).runId).not.toBe((await first!.handle.describe()).runId);

    // One region night, under its canonical id, run once; both firings return its one snapshot.
    const nightId = regionNightId(SCHED_AS_OF);
    const runs = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${nightId}'` })) runs.push(w);
    expect(runs.map((w) => [w.type, w.status.name])).toEqual([['regionNightWorkflow', 'COMPLETED']]);
    const snapshots = join(config.home, 'snapshots');
    const index = await readIndex(snapshots);
    expect(index.map((e) => [e.as_of, e.workflow_id])).toEqual([[SCHED_AS_OF, nightId]]);
    expect(first!.result).toMatchObject({ asOf: SCHED_AS_OF, snapshotId: index[0]!.snapshot_id });
    expect(second!.result.snapshotId).toBe(index[0]!.snapshot_id);

    // The first firing started it as its child; the second found it done and joined it.
    const childHistory = await first!.handle.fetchHistory();
    const joinHistory = await second!.handle.fetchHistory();
    const started = (h: typeof childHistory) => (h.events ?? []).map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId).filter(Boolean);
    const types = (h: typeof childHistory) => (h.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')));
    expect(started(childHistory)).toEqual([nightId]);
    expect(types(childHistory)).toContain('childWorkflowExecutionCompletedEventAttributes');
    expect(started(joinHistory)).toEqual([nightId]);
    expect(types(joinHistory)).toContain('startChildWorkflowExecutionFailedEventAttributes');
    expect((joinHistory.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean)).toEqual(['joinRegionNight']);

    for (const c of councils) {
      expect((await env.client.workflow.getHandle(councilNightId(c.id, SCHED_AS_OF)).describe()).status.name).toBe('COMPLETED');
      expect(await readIndex(join(c.home, 'snapshots'))).toHaveLength(1);
    }
    const r = await regionJson(join(snapshots, index[0]!.snapshot_id));
    expect(r.councils.map((c) => [c.id, c.status, c.snapshot_as_of])).toEqual([
      ['ash', 'published', SCHED_AS_OF],
      ['oak', 'published', SCHED_AS_OF],
    ]);

    // Both paths of the starter replay against the current code.
    for (const h of [childHistory, joinHistory]) await expect(Worker.runReplayHistory({ workflowsPath: workflowsPath() }, h)).resolves.toBeUndefined();
    if (process.env.RECORD_HISTORY) {
      await writeFile(RECORDED_SCHEDULED.child, temporal.api.history.v1.History.encode(childHistory).finish());
      await writeFile(RECORDED_SCHEDULED.join, temporal.api.history.v1.History.encode(joinHistory).finish());
    }
  });
});
