/**
 * What alerts say, pure: tonight's sections from metrics.json (with issue 13's freshness fields
 * and issue 17's improvement plan when present), the failed night's one line, the watchdog's rule
 * and its daily reminder, and the text rules (control characters, caps, chat escaping).
 */
import { describe, expect, it } from 'vitest';
import { nightAlert, nightSections } from '../core/alert-night.js';
import { failedNightMessage, forChat, oneLine, shownText } from '../core/alert-message.js';
import { londonTimeOf, watchdogVerdict } from '../core/alert-watchdog.js';
import { formatNightSummary } from '../cli/summary.js';

const ID = '2015-02-28_20150301T050412Z_abcd1234';
const PREV = '2015-02-27_20150228T050311Z_0badc0de';

interface Row {
  kpi: string;
  title: string;
  status: string;
  stale?: boolean;
}

function metrics(o: { id?: string; asOf?: string; rows?: Row[]; events?: object[]; sources?: object[]; plan?: object | null } = {}) {
  return {
    schema_version: '1',
    snapshot_id: o.id ?? ID,
    as_of: o.asOf ?? '2015-02-28',
    created_at: '2015-03-01T05:04:12Z',
    metrics: (o.rows ?? []).map((r) => ({ ...r, value: 1, notes: [] })),
    series: [],
    baseline_events: o.events ?? [],
    data_quality: { sources: o.sources ?? [], gaps: [] },
    ...(o.plan !== undefined ? { improvement_plan: o.plan } : {}),
  };
}

const source = (file: string, s: object) => ({ source: 'case-system/referrals', file, sha256: null, extract_date: null, status: 'loaded', reason: null, used: true, rows_loaded: 100, rows_rejected: 0, ...s });

const ROWS: Row[] = [
  { kpi: 're_referral_12m_pct', title: 'Re-referrals within 12 months (%)', status: 'amber' },
  { kpi: 'avg_caseload', title: 'Average caseload per social worker', status: 'red' },
  { kpi: 'assessment_quality_good_pct', title: 'Assessments judged good or better (%)', status: 'green' },
];

describe("a published night's alert", () => {
  it('says nothing on a quiet night', () => {
    expect(nightAlert({ metrics: metrics({ rows: ROWS, sources: [source('referrals_2015-02-28.csv', {})] }), reportPath: '/h/r.html', previous: null, rejectedRowsPercent: 1 })).toBeNull();
  });

  it('groups every finding under its heading, with the snapshot id and the report path', () => {
    const tonight = metrics({
      rows: ROWS,
      sources: [
        source('notes.txt', { source: 'case-system', status: 'rejected', reason: 'the file name matches no known extract; rename it or move it out of the landing folder', used: false, rows_loaded: 0 }),
        // 2 of 100 = 2% > 1%: named. 1 of 100 = 1%: not over 1%.
        source('referrals_2015-02-28.csv', { rows_loaded: 98, rows_rejected: 2 }),
        source('assessments_2015-02-28.csv', { source: 'case-system/assessments', rows_loaded: 99, rows_rejected: 1 }),
        // Already loaded on an earlier night: its rejects were alerted then.
        source('referrals_2015-01-31.csv', { status: 'already_loaded', rows_loaded: 50, rows_rejected: 50, used: false }),
      ],
      events: [
        { kpi: 'assessment_quality_good_pct', kind: 'level_shift', effective_period: '2014-07', detected_in: ID, evidence: { new_codes: ['SECRET-CODE'] } },
        { kpi: 'avg_caseload', kind: 'manual', effective_period: '2014-04', detected_in: PREV, evidence: {} },
      ],
    });
    const previous = { snapshotId: PREV, metrics: metrics({ id: PREV, asOf: '2015-02-27', rows: ROWS.map((r) => ({ ...r, status: r.kpi === 're_referral_12m_pct' ? 'green' : r.status })) }) };
    const m = nightAlert({ metrics: tonight, reportPath: `/srv/home/snapshots/${ID}/report.html`, previous, rejectedRowsPercent: 1 })!;
    expect(m.subject).toBe('csc-kpi, the night of 28 February 2015: 1 rejected file, 1 file over the reject threshold, 1 new baseline, 1 KPI worse');
    expect(m.text).toBe(
      [
        `csc-kpi: the night of 28 February 2015 published snapshot \`${ID}\`, with 4 things to look at.`,
        `Report: \`/srv/home/snapshots/${ID}/report.html\``,
        '',
        'Rejected files (nothing in them was loaded; replace or remove each):',
        '- notes.txt (case-system): the file name matches no known extract; rename it or move it out of the landing folder',
        '',
        "Files loaded tonight with more than 1% of their rows rejected (the report lists each rejected row's file, line and rule):",
        '- referrals_2015-02-28.csv (case-system/referrals): 2 of 100 rows rejected (2%)',
        '',
        'New baselines (figures before and after are not comparable):',
        '- Assessments judged good or better (%): a new baseline from July 2014 (the monthly figure moved to a new level and stayed there)',
        '',
        'KPIs whose status worsened since the snapshot of 27 February 2015:',
        '- Re-referrals within 12 months (%): green → amber',
        '',
      ].join('\n'),
    );
    // Evidence (codes, levels) is the report's business, never the message's.
    expect(m.text).not.toContain('SECRET-CODE');
  });

  it('counts worsening only: green → amber or red, amber → red; none and better are not alerts', () => {
    const before = [
      { kpi: 'a', title: 'A', status: 'green' },
      { kpi: 'b', title: 'B', status: 'amber' },
      { kpi: 'c', title: 'C', status: 'red' },
      { kpi: 'd', title: 'D', status: 'none' },
      { kpi: 'e', title: 'E', status: 'green' },
    ];
    const after = [
      { kpi: 'a', title: 'A', status: 'red' },
      { kpi: 'b', title: 'B', status: 'red' },
      { kpi: 'c', title: 'C', status: 'green' },
      { kpi: 'd', title: 'D', status: 'red' },
      { kpi: 'e', title: 'E', status: 'none' },
      { kpi: 'f', title: 'F (new)', status: 'red' },
    ];
    const [s] = nightSections({ metrics: metrics({ rows: after }), reportPath: 'r', previous: { snapshotId: PREV, metrics: metrics({ asOf: '2015-02-27', rows: before }) }, rejectedRowsPercent: 1 });
    expect(s!.lines).toEqual(['A: green → red', 'B: amber → red']);
  });

  it("reads issue 13's freshness fields when present: stale sources with their age, and the figures reading them", () => {
    const tonight = metrics({
      rows: [{ ...ROWS[1]!, stale: true }, ROWS[0]!],
      sources: [
        source('workforce_2014-12-31.csv', { source: 'hr/workforce', age_days: 59, stale: true }),
        source('referrals_2015-02-28.csv', { age_days: 0, stale: false }),
        source('old.csv', { status: 'after_as_of', age_days: null, stale: null }),
      ],
    });
    const [s] = nightSections({ metrics: tonight, reportPath: 'r', previous: null, rejectedRowsPercent: 1 });
    expect(s).toEqual({
      heading: 'Out-of-date sources (the figures are published, marked as reading old data):',
      lines: ['hr/workforce: workforce_2014-12-31.csv is 59 days old', 'figures reading out-of-date data: Average caseload per social worker'],
      summary: '1 source out of date',
    });
  });

  it('reads the improvement plan when present: actions newly overdue since the previous snapshot, and slipped ones', () => {
    const plan = (overdue: string[], slipped: object[] = []) => ({
      totals: { actions: 41, complete: 30, overdue: overdue.length, slipped: slipped.length, pct_complete: 73.2 },
      by_area: [],
      overdue: overdue.map((action_id) => ({ action_id, due_date: '2015-01-31' })),
      slipped,
    });
    const previous = { snapshotId: PREV, metrics: metrics({ asOf: '2015-02-27', plan: plan(['FD-03', 'WF-07']) }) };
    const tonight = metrics({ plan: plan(['FD-03', 'WF-07', 'QA-02'], [{ action_id: 'WF-02', from: '2015-02-28', to: '2015-04-30' }, { action_id: 'FD-01', from: 'Complete', to: 'In progress' }]) });
    const [s] = nightSections({ metrics: tonight, reportPath: 'r', previous, rejectedRowsPercent: 1 });
    expect(s).toEqual({
      heading: 'Improvement plan (3 actions overdue in all):',
      lines: ['QA-02: overdue (due 31 January 2015)', 'WF-02: slipped from 28 February 2015 to 30 April 2015', 'FD-01: slipped from Complete to In progress'],
      summary: '1 action newly overdue, 2 actions slipped',
    });
    // No plan file (null) or a version without the field: nothing about the plan.
    expect(nightSections({ metrics: metrics({ plan: null }), reportPath: 'r', previous, rejectedRowsPercent: 1 })).toEqual([]);
    // Still overdue, nothing new: no alert every night for the same actions.
    expect(nightSections({ metrics: metrics({ plan: plan(['FD-03']) }), reportPath: 'r', previous, rejectedRowsPercent: 1 })).toEqual([]);
    // A plan in a shape this version does not read is said, not fatal to the night.
    expect(nightSections({ metrics: metrics({ plan: { overdue: [{ action_id: 7 }] } }), reportPath: 'r', previous, rejectedRowsPercent: 1 })[0]!.lines).toEqual([
      'the improvement plan in metrics.json is not in the shape this version reads (overdue, slipped); see the report',
    ]);
  });

  it('says so when the previous snapshot cannot be trusted, rather than comparing with it', () => {
    const [s] = nightSections({
      metrics: metrics({ rows: ROWS }),
      reportPath: 'r',
      previous: { snapshotId: PREV, problem: `snapshot ${PREV} has been tampered with: metrics.json does not match its hash in the manifest` },
      rejectedRowsPercent: 1,
    });
    expect(s!.heading).toBe(`KPI statuses could not be compared with the previous snapshot ${PREV}:`);
    expect(s!.lines[0]).toContain('has been tampered with');
  });

  it('a threshold of 0 names any file with a rejected row', () => {
    const [s] = nightSections({ metrics: metrics({ sources: [source('a.csv', { rows_loaded: 999, rows_rejected: 1 })] }), reportPath: 'r', previous: null, rejectedRowsPercent: 0 });
    expect(s!.lines).toEqual(['a.csv (case-system/referrals): 1 of 1000 rows rejected (0.1%)']);
  });

  it('shows names and reasons with control characters visible and capped', () => {
    const [s] = nightSections({
      metrics: metrics({ sources: [source('evil\u001b[31m\nname.csv', { status: 'rejected', reason: `bad ${'x'.repeat(400)}` })] }),
      reportPath: 'r',
      previous: null,
      rejectedRowsPercent: 1,
    });
    expect(s!.lines[0]).toMatch(/^evil\\u001b\[31m\\u000aname\.csv \(case-system\/referrals\): bad x+…$/);
    expect(s!.lines[0]!.length).toBeLessThan(450);
  });
});

describe('a failed night', () => {
  it('says the night, the one-line reason and the workflow', () => {
    const m = failedNightMessage({
      asOf: '2015-02-28',
      workflowId: 'kpi-night-2015-02-28',
      reason: 'The landing folder /srv/landing does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.\nsecond line',
    });
    expect(m.subject).toBe('csc-kpi, the night of 28 February 2015: FAILED, no snapshot published');
    expect(m.text).toBe(
      'csc-kpi: the night of 28 February 2015 failed and published no snapshot; readers still see the last snapshot published.\n\n' +
        'Reason: The landing folder /srv/landing does not exist or is not a folder. Check --landing (or the share is not mounted); nothing was loaded tonight.\n\n' +
        'Workflow: `kpi-night-2015-02-28` (its history, with every step and the error, is in the Temporal UI).\n',
    );
    expect(failedNightMessage({ asOf: null, workflowId: 'w', reason: 'x' }).subject).toBe('csc-kpi, a night: FAILED, no snapshot published');
  });
});

describe('the watchdog', () => {
  const latest = { snapshot_id: ID, as_of: '2015-02-28', created_at: '2015-03-01T05:04:12Z' };
  const base = { home: '/srv/home', latest, noSnapshotHours: 36, reportPath: `/srv/home/snapshots/${ID}/report.html` };

  it('is quiet up to 36 hours after the latest snapshot and alerts after', () => {
    // 05:04:12 + 36 h = 17:04:12 the next day.
    const atLimit = watchdogVerdict({ ...base, now: '2015-03-02T17:04:12Z', state: null });
    expect(atLimit).toMatchObject({ overdue: false, hoursSince: 36, message: null });
    const over = watchdogVerdict({ ...base, now: '2015-03-02T17:05:00Z', state: atLimit.state });
    expect(over.overdue).toBe(true);
    expect(over.message!.subject).toBe('csc-kpi: no snapshot published for 36 hours');
    expect(over.message!.text).toContain(`The latest is \`${ID}\` (the night of 28 February 2015), made at 05:04 on 1 March 2015 (UK time).`);
    expect(over.message!.text).toContain(`Report: \`/srv/home/snapshots/${ID}/report.html\``);
  });

  it('reminds at most once a day about the same latest snapshot', () => {
    const state = { watching_since: '2015-03-01T00:00:00Z', alerted: { snapshot_id: ID, at: '2015-03-02T18:30:00Z' } };
    expect(watchdogVerdict({ ...base, now: '2015-03-03T18:29:59Z', state }).message).toBeNull();
    expect(watchdogVerdict({ ...base, now: '2015-03-03T18:30:00Z', state }).message).not.toBeNull();
    // A newer snapshot that is itself overdue is news at once.
    const newer = { ...latest, snapshot_id: 'newer', created_at: '2015-03-02T05:00:00Z' };
    expect(watchdogVerdict({ ...base, latest: newer, now: '2015-03-03T18:00:00Z', state }).message).not.toBeNull();
  });

  it('measures an empty home from its first look, so a fresh install is not alerted about at once', () => {
    const first = watchdogVerdict({ ...base, latest: null, reportPath: null, now: '2015-03-01T10:30:00Z', state: null });
    expect(first).toMatchObject({ overdue: false, message: null, state: { watching_since: '2015-03-01T10:30:00Z', alerted: null } });
    const later = watchdogVerdict({ ...base, latest: null, reportPath: null, now: '2015-03-03T10:30:00Z', state: first.state });
    expect(later.message!.text).toContain('No snapshot has ever been published there; the watchdog has been watching since 10:30 on 1 March 2015 (UK time).');
  });

  it('tells the time in the UK: summer time is an hour ahead of UTC', () => {
    expect(londonTimeOf('2015-07-01T04:30:00Z')).toBe('05:30 on 1 July 2015');
    expect(londonTimeOf('2015-12-31T23:30:00Z')).toBe('23:30 on 31 December 2015');
  });
});

describe('text rules', () => {
  it('keeps a failure reason to its first line, controls visible', () => {
    expect(oneLine('\n  first \u0007 line\nsecond')).toBe('first \\u0007 line');
    expect(shownText('a\u202eb', 10)).toBe('a\\u202eb');
    expect(shownText('abcdef', 4)).toBe('abc…');
  });

  it('escapes what Slack and Teams would act on', () => {
    expect(forChat('<!channel> & <http://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;http://x|y&gt;');
  });
});

describe('csc-kpi run', () => {
  it("prints what the night's alerts did under the report path", () => {
    const summary = formatNightSummary({
      asOf: '2015-02-28',
      snapshotId: ID,
      snapshotPath: `/h/snapshots/${ID}`,
      published: true,
      filesLoaded: 1,
      filesRejected: 1,
      rowsLoaded: 10,
      rowsRejected: 0,
      kpis: [],
      alerts: [
        { channel: 'webhook', sent: false, error: 'could not reach the webhook at hooks.slack.com: no such host (check the address and the DNS) (tried 4 times)' },
        { channel: 'email', sent: true, error: null },
      ],
    });
    expect(summary).toContain(
      `  report:   /h/snapshots/${ID}/report.html\n  alerts:   webhook NOT sent (could not reach the webhook at hooks.slack.com: no such host (check the address and the DNS) (tried 4 times)); email sent\n`,
    );
  });
});
