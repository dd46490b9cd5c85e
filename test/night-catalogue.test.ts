/**
 * The KPI catalogue is read once a night (activities/night-catalogue.ts): compute reads it and
 * returns its hash; detect baselines, the alert and publish take the definitions by that hash.
 * Pure-ish tests of the cache on a copy of sql/kpi/, then a night on a real Temporal dev server
 * whose KPI file is edited after compute: tonight's snapshot still names the definition its
 * figures were computed under.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { readNightCatalogue } from '../activities/kpi-files.js';
import { NightCatalogues } from '../activities/night-catalogue.js';
import { Warehouse } from '../activities/warehouse.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { workflowsPath } from '../cli/worker.js';
import { projectPath } from '../core/project-root.js';
import { baselineNight, putFiles, referralsExtract } from './helpers/baseline-night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** A copy of sql/kpi/ and a reader of it that counts its reads. */
async function kpiCopy(): Promise<{ dir: string; reads: () => number; reader: () => ReturnType<typeof readNightCatalogue> }> {
  const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-catalogue-'));
  roots.push(dir);
  await cp(projectPath('sql', 'kpi'), dir, { recursive: true });
  let n = 0;
  return {
    dir,
    reads: () => n,
    reader: () => {
      n++;
      return readNightCatalogue({ dir });
    },
  };
}

const versions = (defs: { meta: { id: string }; version: string }[]) => Object.fromEntries(defs.map((d) => [d.meta.id, d.version]));

/** The council lowers re_referral_12m_pct's target from 22 to 20: a new definition version. */
async function editTarget(dir: string): Promise<void> {
  const file = join(dir, 're_referral_12m_pct.sql');
  const text = await readFile(file, 'utf8');
  expect(text).toContain('"target": 22,');
  await writeFile(file, text.replace('"target": 22,', '"target": 20,'));
}

describe('one KPI catalogue a night', () => {
  it('compute reads it; the later steps take it by its hash without reading the files again', async () => {
    const k = await kpiCopy();
    const worker = new NightCatalogues(k.reader);
    const night = await worker.readForCompute();
    expect(night.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const step of ['detectBaselines', 'planNightAlerts', 'publishSnapshot']) {
      expect(versions(await worker.definitionsOf(night.hash)), step).toEqual(versions(night.defs));
    }
    expect(k.reads()).toBe(1);
    // The next night reads the files again (an edit between nights is tomorrow's definition).
    await editTarget(k.dir);
    const next = await worker.readForCompute();
    expect(next.hash).not.toBe(night.hash);
    expect(k.reads()).toBe(2);
    // Tonight's steps still get tonight's catalogue.
    expect(versions(await worker.definitionsOf(night.hash))).toEqual(versions(night.defs));
  });

  it('a worker without it reads the files again, and goes on only if they are the same catalogue', async () => {
    const k = await kpiCopy();
    const night = await new NightCatalogues(k.reader).readForCompute();
    const other = new NightCatalogues(k.reader);
    expect(versions(await other.definitionsOf(night.hash))).toEqual(versions(night.defs));
    await editTarget(k.dir);
    const restarted = new NightCatalogues(k.reader);
    const err = await restarted.definitionsOf(night.hash).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).message).toBe(
      "The KPI definitions changed after tonight's figures were computed (a file in sql/kpi/ or sql/cohort/, a shared macro or config/code-mappings.json was edited during the night): re-run the night, so that its figures, baseline events and snapshot use one set of definitions.",
    );
    // A night computed before the hash was passed (no hash): the files as they are.
    expect((await restarted.definitionsOf(undefined)).find((d) => d.meta.id === 're_referral_12m_pct')!.meta.target).toBe(20);
  });
});

describe('a night whose KPI file is edited after compute, on a real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('publishes the definition its figures were computed under', async () => {
    const t = await baselineNight(['re_referral_12m_pct']);
    roots.push(t.root);
    await putFiles(t, 'case-system', { 'referrals_2015-02-28.csv': referralsExtract('2015-02-28') });
    const before = versions((await readNightCatalogue({ dir: t.kpiDir })).defs).re_referral_12m_pct;
    const activities = createActivities({ kpiDir: t.kpiDir, baselinesConfig: t.baselinesConfig, signingKey: null });
    const taskQueue = uniqueQueue('catalogue');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: {
        ...activities,
        // Someone edits the KPI file once tonight's figures are computed.
        async detectBaselines(input: Parameters<typeof activities.detectBaselines>[0]) {
          await editTarget(t.kpiDir);
          return activities.detectBaselines(input);
        },
      },
    });
    const result = await worker.runUntil(startOrJoinNight(env.client, { asOf: '2015-02-28', landing: t.landing, home: t.home }, taskQueue));

    const after = versions((await readNightCatalogue({ dir: t.kpiDir })).defs).re_referral_12m_pct;
    expect(after).not.toBe(before);
    const manifest = JSON.parse(await readFile(join(result.snapshotPath, 'manifest.json'), 'utf8')) as { kpi_definitions: Record<string, string> };
    expect(manifest.kpi_definitions).toEqual({ re_referral_12m_pct: before });
    const figures = await Warehouse.with(join(t.home, 'warehouse.duckdb'), (w) =>
      w.rows<{ v: string }>("SELECT DISTINCT definition_version AS v FROM kpi.values WHERE kpi = 're_referral_12m_pct'"),
    );
    expect(figures).toEqual([{ v: before }]);
    // And the target published is the one computed under, not the edited one.
    const metrics = JSON.parse(await readFile(join(result.snapshotPath, 'metrics.json'), 'utf8')) as { metrics: { kpi: string; target: number | null }[] };
    expect(metrics.metrics.find((m) => m.kpi === 're_referral_12m_pct')!.target).toBe(22);
  });
});
