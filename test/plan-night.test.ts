/**
 * The improvement plan through the real nightly workflow on a Temporal dev server, with a local
 * webhook receiver (issue 17): two nights with the sample's trackers (31 January, 28 February
 * 2015). The February night's one message names the actions newly overdue since January's
 * snapshot and the two that slipped; metrics.json carries the plan's figures; the report says them
 * in one sentence; public/ has the plan without owners.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { metricsFile } from '../core/metrics-contract.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/alert-receivers.js';
import { baselineNight, putFiles, referralsExtract } from './helpers/baseline-night.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';

describe('the improvement plan in a night on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let hook: WebhookReceiver;
  beforeAll(async () => {
    env = await startTemporal();
    hook = await startWebhookReceiver();
  });
  afterAll(async () => {
    await hook?.close();
    await env?.teardown();
  });

  it('alerts the actions newly overdue and slipped since the previous snapshot, and publishes the plan', async () => {
    const t = await baselineNight(['re_referral_12m_pct']);
    await mkdir(join(t.landing, 'plan'));
    for (const d of ['2015-01-31', '2015-02-28']) {
      await copyFile(`fixtures/sample/landing/plan/improvement_plan_${d}.xlsx`, join(t.landing, 'plan', `improvement_plan_${d}.xlsx`));
      await putFiles(t, 'case-system', { [`referrals_${d}.csv`]: referralsExtract(d) });
    }
    const taskQueue = uniqueQueue('plan-night');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: workflowsPath(),
      activities: createActivities({ kpiDir: t.kpiDir, baselinesConfig: t.baselinesConfig, alertEnv: { CSC_KPI_ALERT_WEBHOOK: hook.url } }),
    });
    const [jan, feb] = await worker.runUntil(async () => [
      await startOrJoinNight(env.client, { asOf: '2015-01-31', landing: t.landing, home: t.home }, taskQueue),
      await startOrJoinNight(env.client, { asOf: '2015-02-28', landing: t.landing, home: t.home }, taskQueue),
    ]);

    // January: the first plan, nothing to compare with; LA-02 (due 31 December 2014) is overdue.
    expect(hook.posts).toHaveLength(2);
    const janLines = (hook.posts[0]!.body.text as string).split('\n');
    expect(janLines).toContain('Improvement plan (1 action overdue in all):');
    expect(janLines).toContain('- LA-02: overdue (due 31 December 2014)');

    // February, against January's snapshot: LA-02 was overdue already; three are newly overdue; two slipped.
    const text = hook.posts[1]!.body.text as string;
    // The other thing: the referrals figure (seeded data) went from amber to red.
    expect(text.split('\n')[0]).toBe(`csc-kpi: the night of 28 February 2015 published snapshot \`${feb.snapshotId}\`, with 2 things to look at.`);
    const lines = text.split('\n');
    const at = lines.indexOf('Improvement plan (4 actions overdue in all):');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '- WF-04: overdue (due 31 January 2015)',
      '- CL-01: overdue (due 13 February 2015)',
      '- LG-02: overdue (due 20 February 2015)',
      '- CL-01: slipped from In progress to Blocked',
      '- QA-03: slipped from 31 January 2015 to 31 March 2015',
    ]);
    expect(text).not.toContain('LA-02');
    expect(feb.alerts).toEqual([{ channel: 'webhook', sent: true, error: null }]);

    // metrics.json: the plan as of 28 February, slips counted against January's snapshot.
    const metrics = metricsFile.parse(JSON.parse(await readFile(join(feb.snapshotPath, 'metrics.json'), 'utf8')));
    const plan = metrics.improvement_plan!;
    expect(plan.totals).toEqual({ actions: 41, complete: 30, overdue: 4, slipped: 2, pct_complete: 73.2 });
    expect(plan.compared_with).toEqual({ snapshot_id: jan.snapshotId, as_of: '2015-01-31' });
    expect(plan.actions.find((a) => a.action_id === 'WF-01')!.owner).toBe('Head of HR');
    const used = metrics.data_quality.sources.filter((s) => s.source === 'plan/plan_actions').map((s) => [s.file, s.used]);
    expect(used).toEqual([
      ['improvement_plan_2015-01-31.xlsx', false],
      ['improvement_plan_2015-02-28.xlsx', true],
    ]);

    // The report says it in words; public/ has the plan without owners.
    const report = await readFile(join(feb.snapshotPath, 'report.html'), 'utf8');
    expect(report).toContain('41 actions, 30 complete (73.2%); 4 overdue, 2 slipped since 31 January 2015.');
    expect(report).toContain('Head of HR');
    const pubMetrics = await readFile(join(feb.snapshotPath, 'public', 'metrics.json'), 'utf8');
    const pub = JSON.parse(pubMetrics) as { improvement_plan: { totals: unknown; actions: Record<string, unknown>[] } };
    expect(pub.improvement_plan.totals).toEqual(plan.totals);
    expect(pub.improvement_plan.actions.every((a) => !('owner' in a))).toBe(true);
    for (const owner of new Set(plan.actions.map((a) => a.owner!))) {
      expect(pubMetrics).not.toContain(owner);
      expect(await readFile(join(feb.snapshotPath, 'public', 'report.html'), 'utf8')).not.toContain(owner);
    }
  });
});
