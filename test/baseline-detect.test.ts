/**
 * Baseline detection on generated data, at activity level: real DuckDB files in temp folders,
 * the same pull → load → compute → detectBaselines → publish steps the workflow runs (no
 * Temporal here; test/baseline-workflow.test.ts runs it through a real dev server).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditFiles, baselineNight, night, NFA_KPI, putFiles, referralsExtract, rows } from './helpers/baseline-night.js';

const AUDIT_KPIS = ['assessment_quality_good_pct', 'audits_good_or_better_pct'];

describe('the seed scenario: assessment quality 18% → 90% from July 2014, then a new grade label in January 2015', () => {
  it('records a level shift and a codes change, starts baselines, publishes them, and a re-run adds nothing', async () => {
    const t = await baselineNight(AUDIT_KPIS);
    await putFiles(t, 'audits', auditFiles({ newGradeFrom: '2015-01' }));

    const first = await night(t, '2015-02-28');
    const m = first.metrics;

    // level_shift on the assessment audits: ~15 a month at 18%, then 90%.
    const shift = m.baseline_events.find((e) => e.kpi === 'assessment_quality_good_pct' && e.kind === 'level_shift');
    expect(shift).toBeDefined();
    expect(['2014-06', '2014-07', '2014-08']).toContain(shift!.effective_period);
    expect(shift!.evidence.before as number).toBeGreaterThan(10);
    expect(shift!.evidence.before as number).toBeLessThan(26);
    expect(shift!.evidence.after as number).toBeGreaterThan(82);
    expect(shift!.evidence.statistic as number).toBeGreaterThan(shift!.evidence.threshold as number);
    expect(String(shift!.evidence.summary)).toMatch(/^Assessment audits graded good or better \(%\) stepped from \d+\.\d% to \d+\.\d% from 2014-0[678]/);
    expect(shift!.detected_in).toBe(m.snapshot_id);
    // The Case File audits stay at ~35%: no level shift there.
    expect(m.baseline_events.some((e) => e.kpi === 'audits_good_or_better_pct' && e.kind === 'level_shift')).toBe(false);

    // source_codes_changed naming the new label for the Case File KPI. Each KPI's codes are
    // compared over its own cohort (metadata filters): in this data no Assessment audit of
    // January–February 2015 carries the new label (at ~90% good few are graded anything else),
    // so the Assessment KPI has no event naming it.
    const codes = m.baseline_events.find((e) => e.kpi === 'audits_good_or_better_pct' && e.kind === 'source_codes_changed');
    expect(codes).toBeDefined();
    expect(codes!.effective_period).toBe('2015-01');
    expect(codes!.evidence.column).toBe('grade');
    expect(codes!.evidence.new_codes).toEqual(['Requires Improvement to be Good']);
    // Every "Requires Improvement" became the new label, so the old one vanished too.
    expect(codes!.evidence.vanished_codes).toEqual(['Requires Improvement']);
    const n = (codes!.evidence.rows_with_new_code as Record<string, number>)['Requires Improvement to be Good'];
    expect(n).toBeGreaterThan(10);
    expect((codes!.evidence.first_seen as Record<string, string>)['Requires Improvement to be Good']).toMatch(/^2015-01-/);
    expect(codes!.evidence.old_codes).toEqual(['Good', 'Inadequate', 'Outstanding', 'Requires Improvement']);
    expect(codes!.evidence.cohort).toEqual({ audit_type: ['Case File'] });
    const aqCodes = m.baseline_events.filter((e) => e.kpi === 'assessment_quality_good_pct' && e.kind === 'source_codes_changed');
    expect(aqCodes.flatMap((e) => e.evidence.new_codes as string[])).toEqual([]);

    // Baselines: the Case File KPI's is the January code change, its value January's figure
    // (withheld: January's Case File audits carry the unmapped new label), not comparable (new
    // events tonight).
    const cf = m.metrics.find((r) => r.kpi === 'audits_good_or_better_pct')!;
    const jan = m.series.find((s) => s.kpi === 'audits_good_or_better_pct' && s.period_end === '2015-01-31')!;
    expect(jan.value).toBeNull();
    expect(cf.comparable_with_previous).toBe(false);
    expect(cf.baseline).toEqual({ period_end: '2015-01-31', value: null, since: '2015-01-01', reason: expect.any(String) });
    expect(cf.baseline!.reason).toMatch(/^source codes changed: audits\/audits grade: new code "Requires Improvement to be Good"/);

    const registry = await rows<{ kpi: string; baseline_id: string; effective_period: string; superseded_by: string | null; reason: string }>(
      t,
      'SELECT kpi, baseline_id, effective_period, superseded_by, reason FROM meta.baselines ORDER BY kpi, seq',
    );
    const cfRegistry = registry.filter((r) => r.kpi === 'audits_good_or_better_pct');
    // First published figure (the first month of the window), then the codes change.
    expect(cfRegistry.map((r) => r.reason.split(':')[0])).toEqual(['first published figure', 'source codes changed']);
    expect(cfRegistry[0]!.effective_period).toBe('2013-02'); // series as of 2015-02-28: 2013-02-28 … 2015-01-31, 2015-02-28
    expect(cfRegistry[1]!.superseded_by).toBeNull();
    expect(cfRegistry[0]!.superseded_by).toBe(cfRegistry[1]!.baseline_id);
    const aqRegistry = registry.filter((r) => r.kpi === 'assessment_quality_good_pct');
    expect(aqRegistry[0]!.reason).toBe('first published figure');
    expect(aqRegistry.map((r) => r.reason.split(':')[0])).toContain('level shift');
    expect(aqRegistry.filter((r) => r.superseded_by === null)).toHaveLength(1);
    expect(m.metrics.find((r) => r.kpi === 'assessment_quality_good_pct')!.comparable_with_previous).toBe(false);

    // A re-run of the same night: nothing new, the same events, the same flags.
    const again = await night(t, '2015-02-28');
    expect(again.detected.newEvents).toEqual([]);
    expect(again.detected.baselinesStarted).toBe(0);
    expect(again.metrics.baseline_events).toEqual(m.baseline_events);
    expect(again.metrics.metrics.map((r) => [r.kpi, r.baseline, r.comparable_with_previous])).toEqual(
      m.metrics.map((r) => [r.kpi, r.baseline, r.comparable_with_previous]),
    );
    const [count] = await rows<{ events: string; detections: string }>(
      t,
      'SELECT (SELECT count(*) FROM meta.baseline_events) AS events, (SELECT count(*) FROM meta.baseline_detections) AS detections',
    );
    expect(Number(count!.events)).toBe(m.baseline_events.length);
    expect(Number(count!.detections)).toBe(2 * m.baseline_events.length);

    // The next night, nothing new: the events are still listed (they are in the window), the
    // figures are comparable again, and no event is announced as new.
    const next = await night(t, '2015-03-31');
    expect(next.detected.newEvents).toEqual([]);
    expect(next.metrics.baseline_events.map((e) => e.detected_in)).toEqual(m.baseline_events.map(() => m.snapshot_id));
    expect(next.metrics.metrics.every((r) => r.comparable_with_previous)).toBe(true);
  });

  it('finds the step at July 2014 (±1) when the grades stay on the known scale, and the figure is published', async () => {
    const t = await baselineNight(['assessment_quality_good_pct']);
    await putFiles(t, 'audits', auditFiles({ seed: 99 }));
    const { metrics, detected } = await night(t, '2015-02-28');
    expect(detected.levelShiftTested).toEqual(['assessment_quality_good_pct']);
    expect(metrics.baseline_events.map((e) => e.kind)).toEqual(['level_shift']);
    const e = metrics.baseline_events[0]!;
    expect(['2014-06', '2014-07', '2014-08']).toContain(e.effective_period);
    const aq = metrics.metrics[0]!;
    expect(aq.value).not.toBeNull();
    expect(aq.baseline!.period_end).toBe(`${e.effective_period}-${e.effective_period === '2014-06' ? '30' : '31'}`);
    expect(aq.baseline!.value).toBe(metrics.series.find((s) => s.period_end === aq.baseline!.period_end)!.value);
    expect(aq.baseline!.reason).toMatch(/^level shift: Assessment audits graded good or better \(%\) stepped from/);
    expect(aq.comparable_with_previous).toBe(false);
  });
});

describe('source_codes_changed over each KPI\'s own cohort (metadata filters)', () => {
  const CODE_KPIS = [...AUDIT_KPIS, 'audits_completed_by_managers_pct'];
  const codeEvents = (m: { baseline_events: { kpi: string; kind: string; evidence: Record<string, unknown> }[] }) =>
    m.baseline_events.filter((e) => e.kind === 'source_codes_changed').map((e) => [e.kpi, e.evidence.column, e.evidence.new_codes, e.evidence.vanished_codes]);

  it('a new grade label used only on Case File audits is an event for the Case File KPI, not the Assessment one', async () => {
    const t = await baselineNight(CODE_KPIS);
    // No level shift (steady grades in both types), the new label on Case File audits only.
    await putFiles(t, 'audits', auditFiles({ newGradeFrom: '2015-01', newGradeTypes: ['Case File'], stepAt: '2099-01', seed: 5 }));
    const { metrics } = await night(t, '2015-02-28');
    expect(codeEvents(metrics)).toEqual([
      ['audits_good_or_better_pct', 'grade', ['Requires Improvement to be Good'], ['Requires Improvement']],
    ]);
    const e = metrics.baseline_events.find((x) => x.kind === 'source_codes_changed')!;
    expect(e.effective_period).toBe('2015-01');
    expect(e.evidence.cohort).toEqual({ audit_type: ['Case File'] });
    expect(e.evidence.summary).toMatch(/rows with audit_type Case File \(or a value outside the known audit_type codes\)\)\.$/);
    // Only Case File rows were compared: no Assessment audit carries the new label.
    expect(e.evidence.codes_now).toEqual(['Good', 'Inadequate', 'Outstanding', 'Requires Improvement to be Good']);
    // The Assessment KPI's baseline records its own cohort's codes, without the Case File label.
    const [aq] = await rows<{ codes: string }>(
      t,
      "SELECT source_codes::VARCHAR AS codes FROM meta.baselines WHERE kpi = 'assessment_quality_good_pct' AND superseded_by IS NULL",
    );
    expect(JSON.parse(aq!.codes)['audits.grade']).toEqual(['Good', 'Inadequate', 'Outstanding', 'Requires Improvement']);
    expect(metrics.metrics.find((r) => r.kpi === 'assessment_quality_good_pct')!.value).not.toBeNull();
  });

  it('a new label in a filter column itself still fires for every KPI that reads the column', async () => {
    const t = await baselineNight(CODE_KPIS);
    await putFiles(t, 'audits', auditFiles({ renamedType: { type: 'Case File', as: 'Case File Review', from: '2015-01' }, stepAt: '2099-01', seed: 5 }));
    const { metrics } = await night(t, '2015-02-28');
    // Both audit-type KPIs read audit_type (filtered on it, but compared over all rows); the
    // managers KPI does not read it. The renamed Case File audits stay in the Case File cohort
    // (an unknown type may be the KPI's own), so no grade changes in either.
    expect(codeEvents(metrics)).toEqual([
      ['assessment_quality_good_pct', 'audit_type', ['Case File Review'], ['Case File']],
      ['audits_good_or_better_pct', 'audit_type', ['Case File Review'], ['Case File']],
    ]);
    expect(metrics.baseline_events.find((x) => x.kind === 'source_codes_changed')!.evidence.cohort).toBeUndefined();
  });
});

describe('definition_changed', () => {
  it('an edit to one KPI file between two runs is a definition change for that KPI only', async () => {
    const t = await baselineNight(['re_referral_12m_pct', 'assessment_quality_good_pct']);
    await putFiles(t, 'case-system', { 'referrals_2015-02-28.csv': referralsExtract('2015-02-28') });
    await putFiles(t, 'audits', auditFiles({ stepAt: '2099-01', seed: 5 }));

    const first = await night(t, '2015-02-28');
    // First run ever: no definition event; each KPI's baseline is its first published figure.
    expect(first.metrics.baseline_events.filter((e) => e.kind === 'definition_changed')).toEqual([]);
    const rr0 = first.metrics.metrics.find((r) => r.kpi === 're_referral_12m_pct')!;
    expect(rr0.baseline?.reason).toBe('first published figure');
    expect(rr0.baseline?.period_end).toBe('2013-02-28');

    const file = join(t.kpiDir, 're_referral_12m_pct.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"target": 22', '"target": 20'));
    const second = await night(t, '2015-02-28');

    const defs = second.metrics.baseline_events.filter((e) => e.kind === 'definition_changed');
    expect(defs).toHaveLength(1);
    const e = defs[0]!;
    expect(e.kpi).toBe('re_referral_12m_pct');
    expect(e.effective_period).toBe('2015-02');
    expect(e.evidence.previous_version).toBe(rr0.definition_version);
    const rr = second.metrics.metrics.find((r) => r.kpi === 're_referral_12m_pct')!;
    expect(e.evidence.new_version).toBe(rr.definition_version);
    expect(rr.definition_version).not.toBe(rr0.definition_version);
    expect(e.evidence.previous_snapshot).toBe(first.metrics.snapshot_id);
    expect(rr.comparable_with_previous).toBe(false);
    expect(rr.baseline).toMatchObject({ period_end: '2015-02-28', since: '2015-02-01', value: rr.value });
    expect(rr.baseline!.reason).toMatch(/^definition changed: /);
    // The other KPI is untouched.
    const aq = second.metrics.metrics.find((r) => r.kpi === 'assessment_quality_good_pct')!;
    expect(aq.comparable_with_previous).toBe(true);
    expect(aq.baseline?.reason).toBe('first published figure');
    expect(second.detected.newEvents).toEqual([{ kpi: 're_referral_12m_pct', kind: 'definition_changed', effectivePeriod: '2015-02' }]);

    // Run again with the same definition: no second event.
    const third = await night(t, '2015-02-28');
    expect(third.detected.newEvents).toEqual([]);
    expect(third.metrics.baseline_events.filter((x) => x.kind === 'definition_changed')).toHaveLength(1);
  });
});

describe('source_schema_changed and source_codes_changed between extracts', () => {
  it('a column the KPI reads disappears from the newer extract', async () => {
    const t = await baselineNight([], { 'referrals_nfa_pct.sql': NFA_KPI });
    await putFiles(t, 'case-system', {
      'referrals_2015-01-31.csv': referralsExtract('2015-01-31'),
      'referrals_2015-02-28.csv': referralsExtract('2015-02-28', { withNfa: false }),
    });
    const { metrics } = await night(t, '2015-02-28');
    const schema = metrics.baseline_events.find((e) => e.kind === 'source_schema_changed');
    expect(schema).toMatchObject({
      kpi: 'referrals_nfa_pct',
      effective_period: '2015-02',
      evidence: {
        source: 'case-system/referrals',
        columns: ['referral_nfa (disappeared)'],
        appeared: [],
        disappeared: ['referral_nfa'],
        file_before: 'referrals_2015-01-31.csv',
        file_after: 'referrals_2015-02-28.csv',
      },
    });
    // With the column gone, both of its values vanished from the extract.
    const codes = metrics.baseline_events.find((e) => e.kind === 'source_codes_changed');
    expect(codes).toMatchObject({ effective_period: '2015-02', evidence: { column: 'referral_nfa', new_codes: [], vanished_codes: ['N', 'Y'] } });
    expect(metrics.metrics[0]!.comparable_with_previous).toBe(false);
  });

  it('a column appears in the newer extract', async () => {
    const t = await baselineNight([], { 'referrals_nfa_pct.sql': NFA_KPI });
    await putFiles(t, 'case-system', {
      'referrals_2015-01-31.csv': referralsExtract('2015-01-31', { withNfa: false }),
      'referrals_2015-02-28.csv': referralsExtract('2015-02-28'),
    });
    const { metrics } = await night(t, '2015-02-28');
    expect(metrics.baseline_events.find((e) => e.kind === 'source_schema_changed')?.evidence.appeared).toEqual(['referral_nfa']);
  });

  it('a column whose values stop being read as its type in the newer extract (its rows rejected for it, counted per file)', async () => {
    const t = await baselineNight([], { 'referrals_nfa_pct.sql': NFA_KPI });
    // The newer extract writes the flag as words the contract does not read: every row is rejected for it.
    const worded = referralsExtract('2015-02-28').replace(/,Y\r\n/g, ',Affirmative\r\n').replace(/,N\r\n/g, ',Negative\r\n');
    await putFiles(t, 'case-system', { 'referrals_2015-01-31.csv': referralsExtract('2015-01-31'), 'referrals_2015-02-28.csv': worded });
    const { metrics } = await night(t, '2015-02-28');
    const schema = metrics.baseline_events.find((e) => e.kind === 'source_schema_changed');
    expect(schema?.evidence).toMatchObject({
      columns: ['referral_nfa (values no longer read as its type)'],
      appeared: [],
      disappeared: [],
      file_before: 'referrals_2015-01-31.csv',
      file_after: 'referrals_2015-02-28.csv',
    });
    // Every row of the newer file rejected for the column, none of the older one's.
    expect(JSON.stringify(schema?.evidence)).toContain('"rejected_share_before":0,"rejected_share_after":1');
  });
});

describe('manual baselines', () => {
  it('a declared baseline is recorded like a detected one and becomes the KPI baseline', async () => {
    const t = await baselineNight(['re_referral_12m_pct']);
    await putFiles(t, 'case-system', { 'referrals_2015-02-28.csv': referralsExtract('2015-02-28') });
    const reason = 'Action plan recalibrated with the committee';
    await writeFile(
      t.baselinesConfig,
      JSON.stringify({ version: 1, baselines: [{ kpi: 're_referral_12m_pct', period: '2014-05', reason, declared_by: 'Head of Performance' }] }),
    );
    const { metrics } = await night(t, '2015-02-28');
    expect(metrics.baseline_events).toEqual([
      {
        kpi: 're_referral_12m_pct',
        kind: 'manual',
        effective_period: '2014-05',
        detected_in: metrics.snapshot_id,
        evidence: { reason, declared_in: 'config/baselines.json', declared_by: 'Head of Performance', summary: `Declared by the council in config/baselines.json: ${reason}` },
      },
    ]);
    const rr = metrics.metrics[0]!;
    const may = metrics.series.find((s) => s.period_end === '2014-05-31')!;
    expect(rr.baseline).toEqual({ period_end: '2014-05-31', value: may.value, since: '2014-05-01', reason: `declared by the council: ${reason}` });
    expect(rr.comparable_with_previous).toBe(false);

    // Declared for a month still to come: nothing until that month's night.
    await writeFile(t.baselinesConfig, JSON.stringify({ version: 1, baselines: [{ kpi: 're_referral_12m_pct', period: '2015-04', reason: 'future' }] }));
    const later = await night(t, '2015-02-28');
    expect(later.detected.newEvents).toEqual([]);
  });

  it('a declaration naming a KPI that does not exist stops the night with the fix', async () => {
    const t = await baselineNight(['re_referral_12m_pct']);
    await putFiles(t, 'case-system', { 'referrals_2015-02-28.csv': referralsExtract('2015-02-28') });
    await writeFile(t.baselinesConfig, JSON.stringify({ version: 1, baselines: [{ kpi: 'no_such_kpi', period: '2014-05', reason: 'typo' }] }));
    await expect(night(t, '2015-02-28')).rejects.toThrow(/no KPI "no_such_kpi" in sql\/kpi\//);
  });
});
