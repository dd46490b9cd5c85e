/** Pure tests of KPI metadata, code-mapping validation and definition versions (no DuckDB). */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { checkCodeMappings, definitionVersion, parseKpiFile } from '../core/kpi-definition.js';
import { projectPath } from '../core/project-root.js';

const FILE = `/*---
{ "id": "x", "title": "X", "unit": "percent", "measure": "percentage", "polarity": "higher", "target": 1, "amber": null,
  "basis": "month", "sources": { "audits/audits": ["grade", "completed_date"] }, "summary": "s", "definition": "d" }
---*/
SELECT 1`;

describe('KPI definitions', () => {
  it('the catalogue has the 20 KPIs of kpis.md, each with sources that exist in the contracts', async () => {
    const ids = (await readKpiCatalogue()).map((d) => d.meta.id);
    expect(ids).toEqual([
      'agency_avg_stay_weeks', 'agency_rate_fte_pct', 'assessment_quality_good_pct', 'assessments_within_45wd_pct',
      'audits_completed_by_managers_pct', 'audits_good_or_better_pct', 'avg_caseload', 'care_leavers_eet_pct',
      'care_leavers_suitable_accommodation_pct', 'cin_without_plan_6wk', 'cla_3plus_placements_pct',
      'closures_signoff_pct', 'cp_repeat_plan_pct', 'frontline_per_manager', 'icpc_within_15wd_pct', 'induction_completed_pct', 'plo_avg_weeks',
      'plo_within_26_weeks_pct', 're_referral_12m_pct', 'turnover_rate_fte_pct',
    ]);
  });

  it('each KPI declares its basis as kpis.md v2 lists it; a file without one, or with another, is refused', async () => {
    // kpis.md v2: month = cohorts of the month (assessments, re-referrals, closures, audits);
    // at_date = a state at E (children without a plan, caseload, agency rate, frontline ratio);
    // trailing_12_months = cohorts of the 12 months (PLO, repeat CP plans, agency stay, turnover, induction).
    const basis = Object.fromEntries((await readKpiCatalogue()).map((d) => [d.meta.id, d.meta.basis]));
    expect(basis).toEqual({
      assessments_within_45wd_pct: 'month', re_referral_12m_pct: 'month', closures_signoff_pct: 'month',
      audits_good_or_better_pct: 'month', audits_completed_by_managers_pct: 'month', assessment_quality_good_pct: 'month',
      cin_without_plan_6wk: 'at_date', avg_caseload: 'at_date', agency_rate_fte_pct: 'at_date', frontline_per_manager: 'at_date',
      plo_avg_weeks: 'trailing_12_months', plo_within_26_weeks_pct: 'trailing_12_months', cp_repeat_plan_pct: 'trailing_12_months',
      agency_avg_stay_weeks: 'trailing_12_months', turnover_rate_fte_pct: 'trailing_12_months', induction_completed_pct: 'trailing_12_months',
      // From the other Annex A lists (v2).
      icpc_within_15wd_pct: 'month', cla_3plus_placements_pct: 'at_date', care_leavers_eet_pct: 'at_date', care_leavers_suitable_accommodation_pct: 'at_date',
    });
    expect(parseKpiFile('sql/kpi/x.sql', FILE.replace('"basis": "month", ', '')).errors[0]).toMatch(/^sql\/kpi\/x.sql: metadata basis: /);
    expect(parseKpiFile('sql/kpi/x.sql', FILE.replace('"basis": "month"', '"basis": "point_in_time"')).errors[0]).toMatch(
      /metadata basis: Invalid option: expected one of "month"\|"at_date"\|"trailing_12_months"/,
    );
  });

  it('each KPI has a plain-English summary for the committee, apart from its precise definition; a file without one is refused', async () => {
    for (const d of await readKpiCatalogue()) {
      const s = d.meta.summary;
      expect(s, d.meta.id).not.toBe(d.meta.definition);
      // No period algebra, choices, column or file names, code or arithmetic signs: words a councillor reads.
      expect(s, d.meta.id).not.toMatch(/\bE\b|Choice|period_|_|\.(sql|json|ts)\b|config\/|[=≤≥÷−]|\bnumerator|\bdenominator/);
      expect(s.length, d.meta.id).toBeLessThanOrEqual(240);
      expect(s, d.meta.id).toMatch(/^[A-Z].*\.$/);
    }
    expect(parseKpiFile('sql/kpi/x.sql', FILE.replace('"summary": "s", ', '')).errors[0]).toMatch(/^sql\/kpi\/x.sql: metadata summary: /);
  });

  it('rejects mapping the codes of a column the metadata does not say the KPI reads', () => {
    const sql = (column: string) => FILE.replace('SELECT 1', `SELECT ref.map_code('${column}', grade) FROM core.audits_at($as_of)`);
    expect(parseKpiFile('sql/kpi/x.sql', sql('grade')).errors).toEqual([]);
    expect(parseKpiFile('sql/kpi/x.sql', sql('audit_type')).errors).toEqual([
      'sql/kpi/x.sql: the SQL maps codes of "audit_type" (ref.map_code) but metadata sources does not list that column, so its mappings would not be part of the definition version',
    ]);
  });

  it('rejects a source or column the contracts do not have', () => {
    const bad = FILE.replace('"completed_date"', '"completion"').replace('audits/audits', 'audits/audits');
    expect(parseKpiFile('sql/kpi/x.sql', bad).errors).toEqual(['sql/kpi/x.sql: metadata sources: audits/audits has no column "completion"']);
    expect(parseKpiFile('sql/kpi/x.sql', FILE.replace('audits/audits', 'audits')).errors[0]).toMatch(/is not a <source>\/<list>/);
  });

  it('checks cohort filters: a source and coded column the KPI reads, known codes', () => {
    const withFilters = (f: string) => FILE.replace('"definition": "d"', `"filters": ${f}, "definition": "d"`);
    const ok = parseKpiFile('sql/kpi/x.sql', withFilters('{ "audits/audits": { "grade": ["good", "Outstanding"] } }'));
    expect(ok.errors).toEqual([]);
    expect(ok.value!.meta.filters).toEqual({ 'audits/audits': { grade: ['good', 'Outstanding'] } });
    const errors = (f: string) => parseKpiFile('sql/kpi/x.sql', withFilters(f)).errors;
    expect(errors('{ "case-system/referrals": { "referral_source": ["Police"] } }')).toEqual([
      'sql/kpi/x.sql: metadata filters: "case-system/referrals" is not one of the KPI\'s sources',
    ]);
    expect(errors('{ "audits/audits": { "audit_type": ["Assessment"] } }')).toEqual([
      'sql/kpi/x.sql: metadata filters: audits/audits column "audit_type" is not among the columns the KPI reads (sources)',
    ]);
    expect(errors('{ "audits/audits": { "completed_date": ["2015-01-01"] } }')).toEqual([
      'sql/kpi/x.sql: metadata filters: audits/audits column "completed_date" is not a coded column with known codes',
    ]);
    expect(errors('{ "audits/audits": { "grade": ["Requires Improvement to be Good"] } }')).toEqual([
      'sql/kpi/x.sql: metadata filters: "Requires Improvement to be Good" is not a known grade (Outstanding, Good, Requires Improvement, Inadequate)',
    ]);
    expect(errors('{ "audits/audits": { "grade": [] } }')[0]).toMatch(/metadata filters\.audits\/audits\.grade: /);
  });

  it('the version is the file hash until a mapping touches a column the KPI reads', () => {
    const d = parseKpiFile('sql/kpi/x.sql', FILE).value!;
    const plain = definitionVersion(d.text, d.meta, []);
    expect(plain).toBe(d.version);
    expect(definitionVersion(d.text, d.meta, [{ column: 'case_status', from: 'X', to: 'Closed episode' }])).toBe(plain);
    const mapped = definitionVersion(d.text, d.meta, [{ column: 'grade', from: 'RI2G', to: 'Requires Improvement' }]);
    expect(mapped).not.toBe(plain);
    // Canonical: order of mappings does not matter.
    const m1 = { column: 'grade', from: 'A', to: 'Good' };
    const m2 = { column: 'grade', from: 'B', to: 'Good' };
    expect(definitionVersion(d.text, d.meta, [m1, m2])).toBe(definitionVersion(d.text, d.meta, [m2, m1]));
  });

  it('validates code mappings: coded column, known target (canonical spelling), no remapping, no duplicates', () => {
    expect(checkCodeMappings({ version: 1, mappings: [{ column: 'grade', from: 'RI to be good', to: 'requires improvement' }] })).toEqual({
      value: [{ column: 'grade', from: 'RI to be good', to: 'Requires Improvement' }],
      errors: [],
    });
    const bad = checkCodeMappings({
      version: 1,
      mappings: [
        { column: 'fte', from: 'a', to: 'b' },
        { column: 'grade', from: 'x', to: 'Excellent' },
        { column: 'grade', from: 'good', to: 'Outstanding' },
        { column: 'grade', from: 'Y', to: 'Good' },
        { column: 'grade', from: 'y', to: 'Good' },
      ],
    });
    expect(bad.value).toBeUndefined();
    expect(bad.errors).toHaveLength(4);
    expect(bad.errors.join('\n')).toMatch(/"fte" is not a coded column/);
    expect(bad.errors.join('\n')).toMatch(/"to" must be a known grade/);
    expect(bad.errors.join('\n')).toMatch(/"good" is already a known grade/);
    expect(bad.errors.join('\n')).toMatch(/"y" is mapped twice/);
    expect(checkCodeMappings({ version: 1 }).errors[0]).toMatch(/mappings/);
  });
});

/**
 * A KPI's version takes in the shared macros it calls (core/kpi-macros.ts). Each case edits one
 * macro in a copy of sql/ and lists, by hand from the KPI files and the macros, which KPIs call it
 * (directly or through another macro): exactly those get a new version.
 */
describe('definition versions and the shared macros', () => {
  const edits: [string, string, string, string, string[]][] = [
    // The audit-grade family: the two KPIs call cohort.audit_grade_points, which calls cohort.audit_grades.
    ['a family cohort macro (through the family’s points macro)', 'cohort/audit_grades.sql', 'WHERE audit_type IS NULL OR', 'WHERE true AND audit_type IS NULL OR', ['assessment_quality_good_pct', 'audits_good_or_better_pct']],
    ['the PLO family’s cohort macro', 'cohort/concluded_proceedings.sql', 'HAVING count(final_order) = count(*)', 'HAVING count(final_order) = count(*) AND true', ['plo_avg_weeks', 'plo_within_26_weeks_pct']],
    // ref.code_mapping_fix is called only by ref.unknown_code_note, which the KPIs that withhold on an unknown code call.
    ['a ref macro called only through another', 'meta/macros.sql', "'} to config/code-mappings.json'", "'} to config/code-mappings.json (then re-run)'", ['assessment_quality_good_pct', 'audits_completed_by_managers_pct', 'audits_good_or_better_pct', 'cin_without_plan_6wk']],
    ['ref.fte_units', 'meta/macros.sql', '(x * 1000000000000)::HUGEINT;', '(x * 1000000000000)::HUGEINT + 0;', ['agency_rate_fte_pct', 'avg_caseload', 'frontline_per_manager', 'turnover_rate_fte_pct']],
    ['cohort.open_at', 'cohort/open_at.sql', 'started <= on_date AND', 'on_date >= started AND', ['agency_rate_fte_pct', 'avg_caseload', 'cla_3plus_placements_pct', 'frontline_per_manager', 'turnover_rate_fte_pct']],
    ['ref.map_code (sql/meta/code_mappings.sql)', 'meta/code_mappings.sql', 'MACRO ref.map_code(col, v) AS coalesce(', 'MACRO ref.map_code(col, v) AS coalesce( ', [
      'assessment_quality_good_pct', 'audits_completed_by_managers_pct', 'audits_good_or_better_pct', 'care_leavers_suitable_accommodation_pct', 'cin_without_plan_6wk',
    ]],
    ['a comment between two macros', 'meta/macros.sql', '-- The null_reason of a withheld figure', '-- The null reason of a withheld figure', []],
    ['a macro no KPI calls', 'reference/working_days.sql', 'MACRO ref.working_days_between(s, e) AS (', 'MACRO ref.working_days_between(s, e) AS ( ', []],
  ];

  it.each(edits)('editing %s changes the version of every KPI that calls it, and of no other', async (_name, file, from, to, changed) => {
    const sql = await mkdtemp(join(tmpdir(), 'csc-kpi-macros-'));
    try {
      await cp(projectPath('sql'), sql, { recursive: true });
      const versions = async () => Object.fromEntries((await readKpiCatalogue({ dir: join(sql, 'kpi'), sqlDir: sql })).map((d) => [d.meta.id, d.version]));
      const before = await versions();
      const text = await readFile(join(sql, file), 'utf8');
      expect(text.split(from)).toHaveLength(2);
      await writeFile(join(sql, file), text.replace(from, to));
      const after = await versions();
      expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual(changed);
      // Unedited, the copy gives the project's own versions.
      expect(Object.fromEntries((await readKpiCatalogue()).map((d) => [d.meta.id, d.version]))).toEqual(before);
    } finally {
      await rm(sql, { recursive: true, force: true });
    }
  });

  it('a macro created in two files is refused: which one would a KPI get?', async () => {
    const sql = await mkdtemp(join(tmpdir(), 'csc-kpi-macros-'));
    try {
      await cp(projectPath('sql'), sql, { recursive: true });
      await writeFile(join(sql, 'cohort', 'open_at_again.sql'), 'CREATE OR REPLACE MACRO cohort.open_at(a, b, c) AS a <= c;\n');
      await expect(readKpiCatalogue({ dir: join(sql, 'kpi'), sqlDir: sql })).rejects.toThrow(
        'the macro cohort.open_at is created in both sql/cohort/open_at.sql and sql/cohort/open_at_again.sql: keep one',
      );
    } finally {
      await rm(sql, { recursive: true, force: true });
    }
  });

  it('each KPI records the macros it calls, through other macros too', async () => {
    const macros = Object.fromEntries((await readKpiCatalogue()).map((d) => [d.meta.id, d.macros]));
    expect(macros.plo_avg_weeks).toEqual(['cohort.concluded_proceedings', 'ref.div_round1', 'ref.kpi_periods']);
    expect(macros.audits_good_or_better_pct).toEqual([
      // core.audits_at (sql/views/audits_at.sql): the audit completion cut-off is part of the definition.
      'cohort.audit_grade_points', 'cohort.audit_grades', 'core.audits_at', 'ref.code_mapping_fix', 'ref.div_round1', 'ref.kpi_periods', 'ref.map_code', 'ref.shown_code', 'ref.unknown_code_note', 'ref.withheld_reason',
    ]);
  });
});
