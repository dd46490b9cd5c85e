/**
 * Baseline events through the real nightly workflow on a real Temporal dev server: the seed's
 * audits (assessment quality 18% → 90% from July 2014, a new grade label from January 2015)
 * give a level shift and a codes change in metrics.json and the report; a definition edit
 * before the next night gives a definition change.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { metricsFile } from '../core/metrics-contract.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';
import { auditFiles, baselineNight, putFiles, referralsExtract } from './helpers/baseline-night.js';

describe('baseline events through nightlyKpiWorkflow', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('publishes detected events in metrics.json and the report, and a definition edit the next night', async () => {
    const t = await baselineNight(['assessment_quality_good_pct', 'audits_good_or_better_pct', 're_referral_12m_pct']);
    await putFiles(t, 'audits', auditFiles({ newGradeFrom: '2015-01' }));
    await putFiles(t, 'case-system', { 'referrals_2015-02-28.csv': referralsExtract('2015-02-28') });

    const taskQueue = uniqueQueue('baselines');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: createActivities({ kpiDir: t.kpiDir, baselinesConfig: t.baselinesConfig }),
    });
    const read = async (path: string) => metricsFile.parse(JSON.parse(await readFile(join(path, 'metrics.json'), 'utf8')));

    const [first, second] = await worker.runUntil(async () => {
      const a = await startOrJoinNight(env.client, { asOf: '2015-02-28', landing: t.landing, home: t.home }, taskQueue);
      const file = join(t.kpiDir, 're_referral_12m_pct.sql');
      await writeFile(file, (await readFile(file, 'utf8')).replace('"amber": 25', '"amber": 24'));
      const b = await startOrJoinNight(env.client, { asOf: '2015-03-31', landing: t.landing, home: t.home }, taskQueue);
      return [a, b];
    });

    const m1 = await read(first.snapshotPath);
    const kinds = m1.baseline_events.map((e) => `${e.kpi}/${e.kind}`);
    expect(kinds).toContain('assessment_quality_good_pct/level_shift');
    // The new label is on Case File audits in this data: an event for the Case File KPI (codes are
    // compared over each KPI's own cohort).
    expect(kinds).toContain('audits_good_or_better_pct/source_codes_changed');
    const shift = m1.baseline_events.find((e) => e.kind === 'level_shift')!;
    expect(['2014-06', '2014-07', '2014-08']).toContain(shift.effective_period);
    expect(shift.detected_in).toBe(first.snapshotId);
    const codes = m1.baseline_events.find((e) => e.kind === 'source_codes_changed' && e.kpi === 'audits_good_or_better_pct')!;
    expect(codes.evidence.new_codes).toEqual(['Requires Improvement to be Good']);
    expect(m1.metrics.find((r) => r.kpi === 'assessment_quality_good_pct')!.comparable_with_previous).toBe(false);
    const report = await readFile(join(first.snapshotPath, 'report.html'), 'utf8');
    expect(report).toContain('Requires Improvement to be Good');
    expect(report).toMatch(/From (June|July|August) 2014 the figure stepped up from about \d+(\.\d)?% to about \d+(\.\d)?% and stayed there/);

    const m2 = await read(second.snapshotPath);
    const def = m2.baseline_events.filter((e) => e.kind === 'definition_changed');
    expect(def).toHaveLength(1);
    expect(def[0]).toMatchObject({ kpi: 're_referral_12m_pct', effective_period: '2015-03', detected_in: second.snapshotId });
    expect(def[0]!.evidence.previous_snapshot).toBe(first.snapshotId);
    expect(m2.metrics.find((r) => r.kpi === 're_referral_12m_pct')!.comparable_with_previous).toBe(false);
    // Last night's events are still listed, announced by last night's snapshot; nothing new for them.
    expect(m2.baseline_events.find((e) => e.kind === 'level_shift')?.detected_in).toBe(first.snapshotId);
    expect(m2.metrics.find((r) => r.kpi === 'assessment_quality_good_pct')!.comparable_with_previous).toBe(true);
  });
});
