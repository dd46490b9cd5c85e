/**
 * The report's "Improvement plan" section (issue 17): the plan in one sentence, progress by area,
 * each area's actions with the figure of the measure each should move beside it, slips and notes;
 * owners in the full report only; text from the tracker escaped; nothing when there is no plan;
 * WCAG 2.1 A/AA in headless chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsFile, SCHEMA_VERSION, type ImprovementPlan, type MetricsFile, type PlanAction } from '../core/metrics-contract.js';
import { renderReport } from '../core/report-html.js';
import { planSection, planSentence } from '../core/report-plan.js';
import { suppressForPublic } from '../core/suppression.js';
import { axeViolations, launchChromium } from './helpers/axe-chromium.js';

const HASH = `sha256:${'b'.repeat(64)}`;
const NASTY = '<img src=x onerror=alert(1)> & “quoted”';

function action(o: Partial<PlanAction> & Pick<PlanAction, 'action_id'>): PlanAction {
  return {
    area: 'Front door',
    recommendation: 'Strengthen the front door',
    action: 'An action',
    owner: 'Head of MASH',
    due_date: '2015-03-31',
    status: 'In progress',
    status_known: true,
    completed_date: null,
    linked_kpi: null,
    complete: false,
    overdue: false,
    ...o,
  };
}

function plan(): ImprovementPlan {
  return {
    file: 'improvement_plan_2015-02-28.xlsx',
    tracker_date: '2015-02-28',
    compared_with: { snapshot_id: '2015-01-31_20150201T050000Z_aaaaaaaa', as_of: '2015-01-31' },
    // Front door 2 actions, 1 complete; Workforce 1 action, 0 complete, 1 overdue: 3 actions, 1 complete (33.3%).
    totals: { actions: 3, complete: 1, overdue: 1, slipped: 1, pct_complete: 33.3 },
    by_area: [
      { area: 'Front door', actions: 2, complete: 1, overdue: 0, slipped: 1, pct_complete: 50 },
      { area: 'Workforce', actions: 1, complete: 0, overdue: 1, slipped: 0, pct_complete: 0 },
    ],
    overdue: [{ action_id: 'WF-01', due_date: '2015-01-31' }],
    slipped: [{ action_id: 'FD-02', what: 'due_date', from: '2015-02-28', to: '2015-04-30' }],
    actions: [
      action({ action_id: 'FD-01', action: 'Daily MASH triage', status: 'Complete', completed_date: '2015-01-15', complete: true, linked_kpi: 'cin_without_plan_6wk' }),
      action({ action_id: 'FD-02', action: NASTY, due_date: '2015-04-30' }),
      action({ action_id: 'WF-01', area: 'Workforce', owner: 'Head of HR', due_date: '2015-01-31', status: 'Blocked', overdue: true, linked_kpi: 'agency_rate_fte_pct' }),
    ],
    notes: [
      'WF-01 is marked complete but has no Completed Date: not counted as complete until the date is entered.',
      '“On hold” is not a known status (known: …): 1 action (FD-02) carries it. To count it, add {"column": "status", "from": "On hold", "to": "Blocked"} to config/code-mappings.json, or correct the tracker.',
    ],
  };
}

function metric(kpi: string, title: string, value: number, numerator: number | null, denominator: number | null, unit: string, status: 'red' | 'green'): MetricsFile['metrics'][number] {
  return {
    kpi,
    title,
    period_start: '2015-02-28',
    period_end: '2015-02-28',
    value,
    numerator,
    denominator,
    unit,
    polarity: 'lower',
    target: 0,
    status,
    definition_version: HASH,
    baseline: null,
    comparable_with_previous: true,
    basis: 'at_date',
    stale: false,
    notes: [],
    commentary: null,
  };
}

function snapshot(p: ImprovementPlan | null): MetricsFile {
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: '2015-02-28_20150301T050000Z_bbbbbbbb',
    as_of: '2015-02-28',
    created_at: '2015-03-01T05:00:00Z',
    metrics: [
      metric('cin_without_plan_6wk', 'Children in need without a plan after 6 weeks', 254, null, null, 'children', 'red'),
      // 4 of 20 FTE: the numerator is a small number, so the public report suppresses the figure.
      metric('agency_rate_fte_pct', 'Agency social workers (% of FTE)', 20, 4, 20, '%', 'red'),
    ],
    series: [],
    baseline_events: [],
    data_quality: { sources: [], gaps: [] },
    improvement_plan: p,
  });
}

describe('the improvement plan section', () => {
  it('says the plan in one sentence, by area, and each action with its measure’s figure', () => {
    const html = renderReport(snapshot(plan()));
    expect(planSentence(plan())).toBe('3 actions, 1 complete (33.3%); 1 overdue, 1 slipped since 31 January 2015.');
    expect(html).toContain('<h2 id="improvement-plan-h">Improvement plan</h2>');
    expect(html).toContain('<p class="value">3 actions, 1 complete (33.3%); 1 overdue, 1 slipped since 31 January 2015.</p>');
    expect(html).toContain('From the plan tracker dated 28 February 2015.');
    expect(html).toContain(
      '<tr><th scope="row">Front door</th><td class="num">2</td><td class="num">1</td><td class="num">50%</td><td class="num">0</td><td class="num">1</td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row" style="white-space: nowrap">FD-01</th><td>Daily MASH triage</td><td>Head of MASH</td><td>31 March 2015</td><td>Complete</td><td>15 January 2015</td><td>Children in need without a plan after 6 weeks: 254 children (red)</td></tr>',
    );
    expect(html).toContain('<td>Blocked — overdue</td>');
    expect(html).toContain('Agency social workers (% of FTE): 20% (red)');
    expect(html).toContain('<li>FD-02: due date moved from 28 February 2015 to 30 April 2015</li>');
    expect(html).toContain('<h3>Notes on the plan</h3>');
    expect(html).toContain('<a href="#improvement-plan">Improvement plan</a>');
    // Tracker text is text, never markup.
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; “quoted”');
  });

  it('gives a councillor no file name, JSON or config name: those are in the data team’s appendix', () => {
    const html = renderReport(snapshot(plan()));
    const at = html.indexOf('<section id="data-team"');
    const section = html.slice(html.indexOf('<section class="group" id="improvement-plan"'), at).replace(/<[^>]+>/g, ' ');
    for (const re of [/[{}[\]]/, /\.(xlsx|csv|json|md)\b/, /code-mappings/, /\b[a-z0-9]+(_[a-z0-9]+){2,}\b/, /\brows?\b/]) expect(section).not.toMatch(re);
    expect(section).toContain('WF-01 is marked complete but has no Completed Date');
    expect(section).toContain('Some entries in the tracker need correcting by the data team; the section for the data team says which and how.');
    const appendix = html.slice(at);
    expect(appendix).toContain('<h3>Improvement plan</h3>\n<p>Tracker read: improvement_plan_2015-02-28.xlsx, dated 2015-02-28; slips counted against snapshot <code>2015-01-31_20150201T050000Z_aaaaaaaa</code>.</p>');
    expect(appendix).toContain('add {&quot;column&quot;: &quot;status&quot;, &quot;from&quot;: &quot;On hold&quot;, &quot;to&quot;: &quot;Blocked&quot;} to config/code-mappings.json');
  });

  it('a tracker with rows left out is named in words in "Baselines and gaps"', () => {
    const m = snapshot(plan());
    m.data_quality.sources.push({
      source: 'plan/plan_actions',
      file: 'improvement_plan_2015-02-28.xlsx',
      sha256: 'c'.repeat(64),
      extract_date: '2015-02-28',
      status: 'loaded',
      reason: null,
      used: true,
      rows_loaded: 41,
      rows_rejected: 2,
      age_days: null,
      stale: null,
    });
    expect(renderReport(m)).toContain(
      '2 actions in the improvement plan tracker of 28 February 2015 were left out because they break a recording rule (41 actions used); the data team has the details.',
    );
  });

  it('public/: no owners, and a suppressed figure beside its action stays suppressed', () => {
    const pub = suppressForPublic(snapshot(plan()));
    expect(JSON.stringify(pub.improvement_plan)).not.toContain('Head of');
    const html = renderReport(pub);
    expect(html).not.toContain('Head of MASH');
    expect(html).not.toContain('<th scope="col">Lead</th>');
    expect(html).toContain('Agency social workers (% of FTE): c (suppressed: a small number)');
    expect(html).toContain('<th scope="row" style="white-space: nowrap">FD-01</th><td>Daily MASH triage</td><td>31 March 2015</td>');
  });

  it('withheld and uncompared figures are said in words; no plan, no section', () => {
    const p = plan();
    p.totals = { ...p.totals, complete: null, overdue: null, slipped: null, pct_complete: null };
    p.compared_with = null;
    expect(planSentence(p)).toBe('3 actions, how many are complete is withheld (see the notes below); overdue withheld, slips not counted (no earlier plan to compare with).');
    expect(planSection({ as_of: '2015-02-28', metrics: [], improvement_plan: null })).toBe('');
    expect(renderReport(snapshot(null))).not.toContain('improvement-plan');
  });
});

describe('the improvement plan section in headless chromium (axe-core, WCAG 2.1 A/AA)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('has no violations, full and public', async () => {
    for (const html of [renderReport(snapshot(plan())), renderReport(suppressForPublic(snapshot(plan())))]) {
      const context = await browser.newContext({ bypassCSP: true });
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        expect(await page.locator('#improvement-plan table').count()).toBe(3);
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });
});
