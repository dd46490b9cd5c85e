/**
 * The pure baseline rules (core/baseline-detect.ts, core/baseline-registry.ts,
 * core/baseline-columns.ts, core/baseline-config.ts) and `csc-kpi baseline set` on a temp config file.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  codesBetweenExtracts,
  codesByMonth,
  levelShiftModel,
  levelShiftSeries,
  schemaChanged,
  schemaChangesAcrossFiles,
  type MonthlyCodeCount,
} from '../core/baseline-detect.js';
import { baselinesToStart, comparableWithPrevious, currentOf, eventId, FIRST_PUBLISHED, sameEvent } from '../core/baseline-registry.js';
import { codeGroups, cohortWhereSql, eventDateSql, listOf, sourceCodesOf } from '../core/baseline-columns.js';
import type { KpiDefinition } from '../core/kpi-definition.js';
import { addManualBaseline, EMPTY_CONFIG, parseBaselinesConfig } from '../core/baseline-config.js';
import { setManualBaseline } from '../cli/commands/baseline.js';

const m = (month: string, code: string, rows: number): MonthlyCodeCount => ({ month, key: code.toLowerCase(), code, rows, first: `${month}-05` });
const GRADES = ['Outstanding', 'Good', 'Requires Improvement', 'Inadequate'];

describe('codesByMonth (additive audit files, by month of the audit date)', () => {
  const months = Array.from({ length: 12 }, (_, i) => addMonths('2014-03', i)); // 2014-03 … 2015-02
  const steady = (month: string): MonthlyCodeCount[] => [m(month, 'Good', 8), m(month, 'Inadequate', 4)];

  it('names a new label from its first month, with its rows and first date; the label it replaced vanished', () => {
    const rows = months.flatMap((mo) => [...steady(mo), mo < '2015-01' ? m(mo, 'Requires Improvement', 10) : m(mo, 'Requires Improvement to be Good', 9)]);
    const changes = codesByMonth({ known: GRADES, rows, fromMonth: '2013-03' });
    expect(changes).toHaveLength(1);
    const c = changes[0]!;
    expect(c.effectivePeriod).toBe('2015-01');
    expect(c.newCodes).toEqual([{ key: 'requires improvement to be good', code: 'Requires Improvement to be Good', rows: 18, first: '2015-01-05' }]);
    // Expected in Jan–Feb from its earlier share: 100/220 of the 42 rows there = 19.1 ≥ 10.
    expect(c.vanished).toEqual([{ code: 'Requires Improvement', rowsBefore: 100, expected: 19.1, lastSeen: '2014-12' }]);
    expect(c.oldCodes).toEqual(['Good', 'Inadequate', 'Requires Improvement']);
  });

  it('does not fire for a known code used for the first time, nor for a rare code that happens to be absent', () => {
    const rows = months.flatMap((mo) => [
      ...steady(mo),
      ...(mo === '2014-04' ? [m(mo, 'Outstanding', 1)] : []), // rare: expected since ≈ 1/133·120 ≈ 0.9 rows
      ...(mo >= '2014-12' ? [m(mo, 'Requires Improvement', 2)] : []), // known, first used in December
    ]);
    expect(codesByMonth({ known: GRADES, rows, fromMonth: '2013-03' })).toEqual([]);
  });

  it('an unknown value present from the start of the data is not a change (the withheld figure reports it)', () => {
    const rows = months.flatMap((mo) => [...steady(mo), m(mo, '4', 3)]);
    expect(codesByMonth({ known: GRADES, rows, fromMonth: '2013-03' })).toEqual([]);
  });

  it('only reports changes from the window start on', () => {
    const rows = months.flatMap((mo) => [...steady(mo), ...(mo >= '2014-08' ? [m(mo, 'Good+', 2)] : [])]);
    expect(codesByMonth({ known: GRADES, rows, fromMonth: '2014-08' }).map((c) => c.effectivePeriod)).toEqual(['2014-08']);
    expect(codesByMonth({ known: GRADES, rows, fromMonth: '2014-09' })).toEqual([]);
  });
});

describe('codesBetweenExtracts', () => {
  const cc = (code: string, rows: number) => ({ key: code.toLowerCase(), code, rows, first: '2013-04-01' });
  it('new: outside the known list and not in the previous extract; vanished: ≥ 10 rows before, none now', () => {
    const c = codesBetweenExtracts({
      known: ['Looked after child', 'Child in need plan', 'Closed episode'],
      before: [cc('Looked after child', 50), cc('Child in need plan', 12), cc('Closed episode', 3)],
      after: [cc('Looked after child', 52), cc('Early help', 7)],
      beforeLabel: 'a',
      afterLabel: 'b',
      effectivePeriod: '2015-02',
    });
    expect(c?.newCodes.map((x) => x.code)).toEqual(['Early help']);
    expect(c?.vanished.map((x) => x.code)).toEqual(['Child in need plan']); // Closed episode: only 3 rows before
  });
});

describe('schemaChanged', () => {
  const file = (name: string, columns: string[], rejected: Record<string, number> = {}) => ({ file: name, date: '2015-01-31', columns, rows: 100, rejectedRows: rejected });
  it('a column whose values stopped reading as its type changed type', () => {
    const e = schemaChanged({
      kpi: 'k',
      source: 'case-system/referrals',
      kpiColumns: ['date_of_referral', 'referral_nfa'],
      before: file('a.csv', ['date_of_referral', 'referral_nfa'], { referral_nfa: 2 }),
      after: file('b.csv', ['date_of_referral', 'referral_nfa'], { referral_nfa: 97 }),
      effectivePeriod: '2015-02',
    });
    expect(e?.evidence.changed_type).toEqual([{ column: 'referral_nfa', rejected_share_before: 0.02, rejected_share_after: 0.97 }]);
    expect(e?.evidence.columns).toEqual(['referral_nfa (values no longer read as its type)']);
  });
  it('columns the KPI does not read are not its business', () => {
    expect(
      schemaChanged({ kpi: 'k', source: 's/l', kpiColumns: ['a'], before: file('x', ['a', 'b']), after: file('y', ['a', 'c']), effectivePeriod: '2015-02' }),
    ).toBeNull();
  });
});

describe('schemaChangesAcrossFiles (additive audit files)', () => {
  const f = (name: string, date: string, columns: string[]) => ({ file: name, date, columns, rows: 10, rejectedRows: {} });
  const readers = [{ kpi: 'k', kpiColumns: ['grade', 'auditor_role'] }];
  it('compares each file with every earlier one: appeared = in none before, disappeared = in all before; only from the window on', () => {
    const files = [
      f('q3.csv', '2014-07-02', ['audit_id', 'grade']),
      f('q4.csv', '2014-10-01', ['audit_id', 'grade', 'auditor_role']),
      f('q1.csv', '2015-01-05', ['audit_id', 'auditor_role']),
    ];
    const events = schemaChangesAcrossFiles({ source: 'audits/audits', readers, files, fromMonth: '2014-08' });
    expect(events.map((e) => [e.effectivePeriod, e.evidence.appeared, e.evidence.disappeared])).toEqual([
      ['2014-10', ['auditor_role'], []],
      ['2015-01', [], ['grade']],
    ]);
    // The window starting later: the October file is history, and still a file the January one is compared with.
    expect(schemaChangesAcrossFiles({ source: 'audits/audits', readers, files, fromMonth: '2014-11' }).map((e) => e.effectivePeriod)).toEqual(['2015-01']);
    // A column missing from one earlier file was not in all of them: its absence now is no change.
    const gappy = [f('a', '2014-07-01', ['grade']), f('b', '2014-08-01', []), f('c', '2014-09-01', [])];
    expect(schemaChangesAcrossFiles({ source: 'audits/audits', readers, files: gappy, fromMonth: '2014-09' })).toEqual([]);
  });
});

describe('what detection compares (core/baseline-columns.ts)', () => {
  const def = (id: string, sources: Record<string, string[]>, filters?: Record<string, Record<string, string[]>>) =>
    ({ meta: { id, sources, ...(filters ? { filters } : {}) }, version: 'v' }) as unknown as KpiDefinition;
  it('one comparison per column and cohort, shared by the KPIs reading it so; codes recorded per KPI and column', () => {
    const audits = listOf('audits/audits')!;
    const a = def('a', { 'audits/audits': ['grade', 'audit_type'] }, { 'audits/audits': { audit_type: ['Case File'] } });
    const b = def('b', { 'audits/audits': ['grade', 'audit_type'] }, { 'audits/audits': { audit_type: ['case file '] } });
    const c = def('c', { 'audits/audits': ['grade', 'audit_type'] }, { 'audits/audits': { audit_type: ['Assessment'] } });
    const groups = codeGroups('audits/audits', audits, [a, b, c]);
    expect(groups.map((g) => [g.coded.column, g.defs.map((d) => d.meta.id)])).toEqual([
      ['audit_type', ['a', 'b', 'c']],
      ['grade', ['a', 'b']],
      ['grade', ['c']],
    ]);
    expect(sourceCodesOf(a, new Map([['a|audits.grade', ['Good']]]))).toEqual({ 'audits.audit_type': [], 'audits.grade': ['Good'] });
  });
  it('dates a code by the list’s event date (audits: completion, else scheduled) and binds every cohort code', () => {
    expect(eventDateSql(listOf('audits/audits')!)).toBe('coalesce(completed_date, scheduled_date)');
    expect(eventDateSql(listOf('case-system/referrals')!)).toBe('"date_of_referral"');
    const params: Record<string, string> = {};
    const where = cohortWhereSql(listOf('audits/audits')!, { audit_type: ['Case File'] }, params);
    expect(where).toContain('IN ($cohort_in_0_0)');
    expect(params).toMatchObject({ cohort_col_0: 'audit_type', cohort_in_0_0: 'case file', cohort_known_0_0: 'case file' });
  });
});

describe('level-shift scope', () => {
  it('tests monthly cohorts only: percentages, counts and averages; not trailing or point-in-time figures, not ratios', () => {
    expect(levelShiftModel({ basis: 'month', measure: 'percentage' })).toBe('proportion');
    expect(levelShiftModel({ basis: 'month', measure: 'count' })).toBe('count');
    expect(levelShiftModel({ basis: 'month', measure: 'average' })).toBe('mean');
    expect(levelShiftModel({ basis: 'month', measure: 'ratio' })).toBeNull();
    expect(levelShiftModel({ basis: 'trailing_12_months', measure: 'percentage' })).toBeNull();
    expect(levelShiftModel({ basis: 'at_date', measure: 'count' })).toBeNull();
  });
  it('percentages go in as numerator of denominator; a withheld month is skipped; the month-to-date point is never fed in', () => {
    const pts = [
      { period_end: '2014-12-31', value: null, numerator: null, denominator: null },
      { period_end: '2015-01-31', value: 40, numerator: 4, denominator: 10 },
      { period_end: '2015-02-14', value: 50, numerator: 5, denominator: 10 },
    ];
    // As of 14 February the February point is month to date (provisional): left out whatever the measure.
    expect(levelShiftSeries('proportion', pts, '2015-02-14')).toEqual([
      { period: '2014-12', kind: 'proportion', successes: null, trials: null },
      { period: '2015-01', kind: 'proportion', successes: 4, trials: 10 },
    ]);
    expect(levelShiftSeries('count', pts, '2015-02-14')).toEqual([
      { period: '2014-12', kind: 'count', count: null },
      { period: '2015-01', kind: 'count', count: 40 },
    ]);
    expect(levelShiftSeries('mean', pts, '2015-02-14').map((p) => p.period)).toEqual(['2014-12', '2015-01']);
    // As of a month end the as-of point is a whole month and goes in.
    const monthEnd = [...pts.slice(0, 2), { period_end: '2015-02-28', value: 50, numerator: 5, denominator: 10 }];
    expect(levelShiftSeries('proportion', monthEnd, '2015-02-28').at(-1)).toEqual({ period: '2015-02', kind: 'proportion', successes: 5, trials: 10 });
  });
});

describe('registry rules', () => {
  it('a level shift found again within ±1 month in the same direction is the same event; other kinds match exactly', () => {
    const known = [{ eventId: 'e1', kpi: 'k', kind: 'level_shift' as const, identity: 'up', periods: ['2014-07'] }];
    expect(sameEvent({ kpi: 'k', kind: 'level_shift', effectivePeriod: '2014-08', identity: 'up' }, known)?.eventId).toBe('e1');
    expect(sameEvent({ kpi: 'k', kind: 'level_shift', effectivePeriod: '2014-09', identity: 'up' }, known)).toBeNull();
    expect(sameEvent({ kpi: 'k', kind: 'level_shift', effectivePeriod: '2014-07', identity: 'down' }, known)).toBeNull();
    const def = { kpi: 'k', kind: 'definition_changed' as const, effectivePeriod: '2015-02', identity: 'a→b' };
    expect(sameEvent(def, [{ eventId: eventId(def), kpi: 'k', kind: 'definition_changed', identity: 'a→b', periods: ['2015-02'] }])).not.toBeNull();
    expect(sameEvent({ ...def, identity: 'b→c' }, [{ eventId: eventId(def), kpi: 'k', kind: 'definition_changed', identity: 'a→b', periods: ['2015-02'] }])).toBeNull();
  });

  it('the current baseline is the latest effective period, ties to the later started', () => {
    expect(
      currentOf([
        { baselineId: 'initial', seq: 1, effectivePeriod: '2013-02' },
        { baselineId: 'def', seq: 3, effectivePeriod: '2015-02' },
        { baselineId: 'shift', seq: 2, effectivePeriod: '2014-07' },
      ])?.baselineId,
    ).toBe('def');
    expect(currentOf([{ baselineId: 'a', seq: 1, effectivePeriod: '2015-02' }, { baselineId: 'b', seq: 2, effectivePeriod: '2015-02' }])?.baselineId).toBe('b');
  });

  it('baselines to start: the first published figure when a KPI has none, then one per event by as-of’s month, in period order, none twice', () => {
    // Month KPI as of 14 March 2015: the March point is month to date. First complete point with a value: February.
    const points = [
      { period_end: '2015-01-31', value: null },
      { period_end: '2015-02-28', value: 40 },
      { period_end: '2015-03-14', value: 50 },
    ];
    const ev = (id: string, kind: 'level_shift' | 'manual', period: string) => ({ eventId: id, kind, effectivePeriod: period, evidence: { summary: id, reason: id } });
    const events = [ev('later', 'manual', '2015-04'), ev('shift', 'level_shift', '2014-07'), ev('declared', 'manual', '2014-07')];
    const base = { kpi: 'k', basis: 'month' as const, asOf: '2015-03-14', points, events };
    expect(baselinesToStart({ ...base, existing: new Set() })).toEqual([
      { baselineId: 'k:initial', period: '2015-02', reason: FIRST_PUBLISHED, eventId: null },
      { baselineId: 'k:shift', period: '2014-07', reason: 'level shift: shift', eventId: 'shift' },
      { baselineId: 'k:declared', period: '2014-07', reason: 'declared by the council: declared', eventId: 'declared' },
    ]);
    // Order: by period, then kind ('level_shift' < 'manual'); started ones are skipped, and no first figure once any exists.
    expect(baselinesToStart({ ...base, existing: new Set(['k:shift']) }).map((b) => b.baselineId)).toEqual(['k:declared']);
    // No complete point has a value: the last complete point's month.
    expect(baselinesToStart({ ...base, points: points.map((p) => ({ ...p, value: null })), events: [], existing: new Set() })[0]?.period).toBe('2015-02');
  });

  it('comparable_with_previous: false for an event taking effect this month or first seen since the previous snapshot', () => {
    const old = { effectivePeriod: '2014-07', firstAsOf: '2015-01-31' };
    expect(comparableWithPrevious({ asOf: '2015-02-28', previousSnapshotAsOf: '2015-01-31', events: [old] })).toBe(true);
    expect(comparableWithPrevious({ asOf: '2015-02-28', previousSnapshotAsOf: '2015-01-31', events: [{ ...old, firstAsOf: '2015-02-28' }] })).toBe(false);
    expect(comparableWithPrevious({ asOf: '2015-02-28', previousSnapshotAsOf: '2015-01-31', events: [{ effectivePeriod: '2015-02', firstAsOf: '2015-01-31' }] })).toBe(false);
    expect(comparableWithPrevious({ asOf: '2015-02-28', previousSnapshotAsOf: null, events: [old] })).toBe(false);
    expect(comparableWithPrevious({ asOf: '2015-02-28', previousSnapshotAsOf: null, events: [] })).toBe(true);
  });
});

describe('manual baselines config and `csc-kpi baseline set`', () => {
  it('checks the file: shape, months, KPI ids, duplicates', () => {
    const kpis = new Set(['a_pct']);
    expect(parseBaselinesConfig('{"version":1,"baselines":[]}', kpis)).toEqual({ value: EMPTY_CONFIG, errors: [] });
    expect(parseBaselinesConfig('{"version":1,"baselines":[{"kpi":"a_pct","period":"2014-13","reason":"x y z"}]}', kpis).errors).toEqual([
      'config/baselines.json: baselines.0.period: a month YYYY-MM',
    ]);
    expect(parseBaselinesConfig('{"version":1,"baselines":[{"kpi":"b_pct","period":"2014-05","reason":"why not"}]}', kpis).errors[0]).toMatch(/no KPI "b_pct"/);
    const twice = { kpi: 'a_pct', period: '2014-05', reason: 'same' };
    expect(parseBaselinesConfig(JSON.stringify({ version: 1, baselines: [twice, twice] }), kpis).errors[0]).toMatch(/declared twice/);
    expect(addManualBaseline({ version: 1, baselines: [twice] }, twice).errors[0]).toMatch(/already declared/);
  });

  it('`baseline set` appends a dated declaration to the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-baseline-cli-'));
    const config = join(dir, 'baselines.json');
    await writeFile(config, '{ "version": 1, "baselines": [] }\n');
    await setManualBaseline({ kpi: 're_referral_12m_pct', period: '2014-05', reason: 'Baseline set by the committee', declaredBy: 'QA lead', config, today: '2015-03-02' });
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({
      version: 1,
      baselines: [{ kpi: 're_referral_12m_pct', period: '2014-05', reason: 'Baseline set by the committee', declared_by: 'QA lead', declared_on: '2015-03-02' }],
    });
    await expect(setManualBaseline({ kpi: 'nope', period: '2014-05', reason: 'whatever', config })).rejects.toThrow(/no KPI "nope"/);
    await expect(setManualBaseline({ kpi: 're_referral_12m_pct', period: 'May 2014', reason: 'whatever', config })).rejects.toThrow(/a month YYYY-MM/);
  });
});
