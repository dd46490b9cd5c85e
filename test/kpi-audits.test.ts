/**
 * Golden tests for the audit KPIs: audits_good_or_better_pct, assessment_quality_good_pct,
 * audits_completed_by_managers_pct; unknown codes withhold the figure with a one-line fix, a code
 * mapping brings it back and changes the definition version of exactly the KPIs that read the column.
 */
import { describe, expect, it } from 'vitest';
import { csvOf, expectDrillMatches, runKpis, type KpiRun } from './helpers/kpi-harness.js';

const a = (id: string, type: string, scheduled: string, completed: string, role: string, grade: string) => ({
  audit_id: id,
  child_unique_id: `C-${id}`,
  audit_type: type,
  scheduled_date: scheduled,
  completed_date: completed,
  auditor_id: `AU-${id}`,
  auditor_role: role,
  worker_id: 'W1',
  grade,
});

// As of 2015-02-28. Month ending E = February 2015.
//   id   type        scheduled   completed   role     grade
//   A1   Case File   2015-02-02  2015-02-03  Manager  Good
//   A2   Case File   2015-01-20  2015-02-04  QA       Outstanding
//   A3   Case File   2015-02-05  2015-02-06  Manager  Requires Improvement
//   A4   Case File   2015-01-10  2015-02-10  Peer     Inadequate
//   A5   case file   2015-01-11  2015-02-11  Peer     good            (codes compare case-insensitively)
//   A6   Case File   2015-01-12  2015-02-12  QA       (blank)         completed, no grade: not in the cohort
//   A7   Assessment  2015-01-13  2015-02-13  QA       Good
//   A8   Case File   2015-02-25  2015-03-02  Manager  Good            completed after D: not completed
//   A9   Assessment  2015-01-14  2015-02-14  Peer     Inadequate
//   A10  Case File   2015-02-20  —           Manager  —
//   A11  Assessment  2015-01-05  2015-01-06  Manager  Good            January
// Case File graded in Feb: A1, A2, A3, A4, A5 → Good/Outstanding A1, A2, A5 = 3 / 5 = 60.0%.
// Assessment graded in Feb: A7, A9 → 1 / 2 = 50.0%. January: A11 → 1 / 1 = 100.0%.
// Scheduled in Feb with a Manager: A1 (done), A3 (done), A8 (after D: not), A10 (not) → 2 / 4 = 50.0%.
const BASE = [
  a('A1', 'Case File', '02/02/2015', '03/02/2015', 'Manager', 'Good'),
  a('A2', 'Case File', '20/01/2015', '04/02/2015', 'QA', 'Outstanding'),
  a('A3', 'Case File', '05/02/2015', '06/02/2015', 'Manager', 'Requires Improvement'),
  a('A4', 'Case File', '10/01/2015', '10/02/2015', 'Peer', 'Inadequate'),
  a('A5', 'case file', '11/01/2015', '11/02/2015', 'Peer', 'good'),
  a('A6', 'Case File', '12/01/2015', '12/02/2015', 'QA', ''),
  a('A7', 'Assessment', '13/01/2015', '13/02/2015', 'QA', 'Good'),
  a('A8', 'Case File', '25/02/2015', '02/03/2015', 'Manager', 'Good'),
  a('A9', 'Assessment', '14/01/2015', '14/02/2015', 'Peer', 'Inadequate'),
  a('A10', 'Case File', '20/02/2015', '', 'Manager', ''),
  a('A11', 'Assessment', '05/01/2015', '06/01/2015', 'Manager', 'Good'),
];

// The new label arrives in January: N1 (2015-01-20, Case File) and N2 (2015-02-16, Case File).
// A "Team Manager" auditor role appears on N3, scheduled 2015-02-17.
const NEW_CODES = [
  a('N1', 'Case File', '15/01/2015', '20/01/2015', 'QA', 'Requires Improvement to be Good'),
  a('N2', 'Case File', '10/02/2015', '16/02/2015', 'QA', 'Requires Improvement to be Good'),
  a('N3', 'Assessment', '17/02/2015', '', 'Team Manager', ''),
];

async function withRun(rows: ReturnType<typeof a>[], fn: (run: KpiRun) => Promise<void>, mappings?: { column: string; from: string; to: string }[]) {
  const run = await runKpis({ 'audits/qa_audits.csv': csvOf('audits', rows) }, '2015-02-28', { mappings });
  try {
    expect(await run.rejects()).toEqual([]);
    await fn(run);
  } finally {
    await run.close();
  }
}

describe('audit KPIs', () => {
  it('grade and completion rates, completions after D not counted', async () => {
    await withRun(BASE, async (run) => {
      expect(await run.point('audits_good_or_better_pct')).toMatchObject({ period_start: '2015-02-01', value: 60, numerator: 3, denominator: 5 });
      expect(await run.point('assessment_quality_good_pct')).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
      expect(await run.point('assessment_quality_good_pct', '2015-01-31')).toMatchObject({ value: 100, numerator: 1, denominator: 1 });
      expect(await run.point('audits_completed_by_managers_pct')).toMatchObject({ value: 50, numerator: 2, denominator: 4 });
      const dec = await run.point('audits_good_or_better_pct', '2014-12-31');
      expect(dec).toMatchObject({ value: null, denominator: 0 });
      expect(dec.null_reason).toMatch(/No graded Case File audits/);
      for (const k of ['audits_good_or_better_pct', 'assessment_quality_good_pct', 'audits_completed_by_managers_pct']) await expectDrillMatches(run, k);
    });
  });

  it('withholds a figure whose cohort holds an unknown grade or role, naming code, rows, since when and the fix', async () => {
    await withRun([...BASE, ...NEW_CODES], async (run) => {
      const feb = await run.point('audits_good_or_better_pct');
      expect(feb).toMatchObject({ value: null, numerator: null, denominator: null });
      expect(feb.null_reason).toBe(
        'Withheld: the cohort holds codes this KPI cannot classify, and leaving those rows out would publish a wrong figure. ' +
          '"Requires Improvement to be Good" is not a known grade (known: Outstanding, Good, Requires Improvement, Inadequate): ' +
          '1 audit(s) in this period carry it, the first completed in January 2015. To count it, add {"column": "grade", ' +
          '"from": "Requires Improvement to be Good", "to": "Requires Improvement"} to config/code-mappings.json.',
      );
      expect((await run.point('audits_good_or_better_pct', '2015-01-31')).null_reason).toMatch(/^Withheld/);
      expect(await run.point('audits_good_or_better_pct', '2014-12-31')).toMatchObject({ value: null, null_reason: expect.stringMatching(/^No graded/) });
      // Assessment audits carry no new grade: still computed.
      expect(await run.point('assessment_quality_good_pct')).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
      const mgr = await run.point('audits_completed_by_managers_pct');
      expect(mgr).toMatchObject({ value: null, numerator: null, denominator: null });
      expect(mgr.null_reason).toContain('"Team Manager" is not a known auditor_role (known: Manager, QA, Peer): 1 audit(s) scheduled in this period carry it, the first scheduled on 2015-02-17');
      expect(mgr.null_reason).toContain('add {"column": "auditor_role", "from": "Team Manager", "to": "<one of: Manager, QA, Peer>"}');
      const drill = await run.drill<{ audit_id: string; grade_known: boolean }>('audits_good_or_better_pct');
      expect(drill.filter((d) => !d.grade_known).map((d) => d.audit_id)).toEqual(['N2']);
    });
  });

  it('a mapping brings the figure back, for past months too, and changes only the versions of KPIs reading that column', async () => {
    let before: Map<string, string> = new Map();
    await withRun([...BASE, ...NEW_CODES], async (run) => {
      before = new Map((await run.rows<{ kpi: string; v: string }>('SELECT DISTINCT kpi, definition_version AS v FROM kpi.values')).map((r) => [r.kpi, r.v]));
    });
    await withRun(
      [...BASE, ...NEW_CODES],
      async (run) => {
        // Feb Case File: A1, A2, A3, A4, A5, N2 (→ Requires Improvement): 3 / 6 = 50.0%. Jan: N1 → 0 / 1 = 0.0%.
        expect(await run.point('audits_good_or_better_pct')).toMatchObject({ value: 50, numerator: 3, denominator: 6, null_reason: null });
        expect(await run.point('audits_good_or_better_pct', '2015-01-31')).toMatchObject({ value: 0, numerator: 0, denominator: 1 });
        // Scheduled in Feb with a Manager, now N3 too (not completed): 2 / 5 = 40.0%.
        expect(await run.point('audits_completed_by_managers_pct')).toMatchObject({ value: 40, numerator: 2, denominator: 5 });
        const after = new Map((await run.rows<{ kpi: string; v: string }>('SELECT DISTINCT kpi, definition_version AS v FROM kpi.values')).map((r) => [r.kpi, r.v]));
        const changed = [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k).sort();
        expect(changed).toEqual(['assessment_quality_good_pct', 'audits_completed_by_managers_pct', 'audits_good_or_better_pct']);
      },
      [
        { column: 'grade', from: 'Requires Improvement to be Good', to: 'Requires Improvement' },
        { column: 'auditor_role', from: 'team manager', to: 'manager' },
      ],
    );
  });

  it('an unknown Audit Type on a graded audit withholds both grade KPIs; a blank one is left out and noted', async () => {
    const rows = [...BASE, a('T1', 'Case Review', '01/02/2015', '09/02/2015', 'QA', 'Good'), a('T2', '', '01/02/2015', '09/02/2015', 'QA', 'Good')];
    await withRun(rows, async (run) => {
      for (const k of ['audits_good_or_better_pct', 'assessment_quality_good_pct']) {
        const p = await run.point(k);
        expect(p.value, k).toBeNull();
        expect(p.null_reason, k).toContain('"Case Review" is not a known audit_type (known: Case File, Assessment)');
        expect(p.null_reason, k).toContain('"to": "<one of: Case File, Assessment>"');
        expect(p.notes, k).toEqual(['1 graded audit(s) completed in the month have a blank Audit Type and are left out.']);
      }
      expect(await run.point('audits_completed_by_managers_pct')).toMatchObject({ value: 50 });
    });
  });
});
