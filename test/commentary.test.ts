/** Managers' commentary files, parsed (core/commentary.ts): the CSV and Markdown forms, their rules, and what a reject may say. */
import { describe, expect, it } from 'vitest';
import { commentaryMonth, parseCommentaryCsv, parseCommentaryMarkdown, resolveKpi, withoutCommentary } from '../core/commentary.js';
import { COMMENTARY_MAX_CHARS } from '../core/shown-text.js';

const KPIS = [
  { id: 're_referral_12m_pct', title: 'Re-referrals within 12 months (%)' },
  { id: 'plo_avg_weeks', title: 'Average duration of care proceedings (weeks)' },
  { id: 'cin_without_plan_6wk', title: 'Children in need without a plan after six weeks' },
];

describe('commentary file names', () => {
  it('are the month the commentary is about', () => {
    expect(commentaryMonth('2015-02.csv')).toEqual({ month: '2015-02' });
    expect(commentaryMonth('2015-02.MD')).toEqual({ month: '2015-02' });
    expect(commentaryMonth('2015-13.csv')).toEqual({ reason: '2015-13 in the file name is not a real month' });
    expect(commentaryMonth('February 2015.csv')).toHaveProperty('reason');
    expect(commentaryMonth('2015-02.xlsx')).toHaveProperty('reason');
  });

  it('name a KPI by its id or its title, whatever the case and spacing', () => {
    expect(resolveKpi('  RE_REFERRAL_12M_PCT ', KPIS)).toBe('re_referral_12m_pct');
    expect(resolveKpi('average duration of  care proceedings (weeks)', KPIS)).toBe('plo_avg_weeks');
    expect(resolveKpi('re-referrals', KPIS)).toBeNull();
  });
});

describe('CSV commentary', () => {
  it('reads KPI, Commentary and Author role (aliases, any case, a BOM, extra columns), with quoted line breaks and line numbers as the file has them', () => {
    const csv = [
      '\uFEFFmeasure,Notes for us,COMMENT,author',
      're_referral_12m_pct,x,"Up this month.\r\nWe review every step-down.",Head of Service',
      '',
      'Average duration of care proceedings (weeks),,Down to 35 weeks.,Service Manager',
      'cin_without_plan_6wk,,,Service Manager', // a template row: no commentary, not counted
      '',
    ].join('\r\n');
    const p = parseCommentaryCsv(csv, KPIS);
    expect(p.fileProblem).toBeNull();
    expect(p.rejects).toEqual([]);
    expect(p.rowsRead).toBe(2);
    // Line 2 holds a value with a line break (lines 2–3), then a blank line 4: the next row is line 5.
    expect(p.entries).toEqual([
      { line: 2, kpi: 're_referral_12m_pct', text: 'Up this month. We review every step-down.', authorRole: 'Head of Service' },
      { line: 5, kpi: 'plo_avg_weeks', text: 'Down to 35 weeks.', authorRole: 'Service Manager' },
    ]);
  });

  it('rejects rows that break a rule, with reasons that never quote the commentary and show a KPI only when it looks like one', () => {
    const long = 'x'.repeat(COMMENTARY_MAX_CHARS + 1);
    const csv = [
      'KPI,Commentary,Author role',
      're_referral_12m_pct,First.,Head of Service', // 2: fine
      're_referral_12m_pct,Second SECRET-TEXT.,Head of Service', // 3: said twice
      'plo_avg_week,Typo SECRET-TEXT.,Head of Service', // 4: unknown, shown (looks like an id)
      'C004733 16/06/2005,Child SECRET-TEXT.,Head of Service', // 5: unknown, not shown (too many digits)
      ',No KPI SECRET-TEXT.,Head of Service', // 6: blank KPI
      'plo_avg_weeks,No role SECRET-TEXT.,', // 7: blank role
      `cin_without_plan_6wk,${long},Head of Service`, // 8: too long
      'cin_without_plan_6wk,\u0007\u200b,Head of Service', // 9: nothing visible
    ].join('\n');
    const p = parseCommentaryCsv(csv, KPIS);
    expect(p.entries.map((e) => e.line)).toEqual([2]);
    expect(p.rowsRead).toBe(8);
    expect(p.rejects.map((r) => [r.line, r.column, r.reason])).toEqual([
      [3, 'KPI', 're_referral_12m_pct already has commentary on line 2 of this file; put all of it in one place'],
      [4, 'KPI', '"plo_avg_week" is not a measure in this report; give its KPI id (e.g. re_referral_12m_pct) or its title'],
      [5, 'KPI', 'the KPI (not shown: it does not look like a KPI id) is not a measure in this report; give its KPI id (e.g. re_referral_12m_pct) or its title'],
      [6, 'KPI', 'the KPI is blank; give the KPI id (e.g. re_referral_12m_pct) or the measure’s title'],
      [7, 'Author role', 'the author role is blank; say who wrote it, as a role (e.g. Head of Service, Assessment)'],
      [8, 'Commentary', 'the commentary is 1001 characters long, over the 1,000 allowed (a sentence or two); shorten it'],
      [9, 'Commentary', 'the commentary holds no visible text (only control or invisible characters)'],
    ]);
    for (const r of p.rejects) expect(r.reason).not.toMatch(/SECRET|C004733|16\/06/);
  });

  it('strips control and invisible characters from the text and the role', () => {
    const p = parseCommentaryCsv('KPI,Commentary,Author role\nplo_avg_weeks,"Down\u001b[31m to\u202e 35\tweeks.",Head\u0000 of Service\n', KPIS);
    expect(p.entries[0]).toMatchObject({ text: 'Down[31m to 35 weeks.', authorRole: 'Head of Service' });
  });

  it('rejects the whole file when it cannot be commentary: columns missing, a column twice, an unclosed quote, nothing in it', () => {
    expect(parseCommentaryCsv('KPI,Text\nplo_avg_weeks,x\n', KPIS).fileProblem).toBe(
      'the header row has no Commentary, Author role column; the columns are KPI, Commentary and Author role (README, "Managers\' commentary")',
    );
    expect(parseCommentaryCsv('KPI,Comment,Commentary,Role\n', KPIS).fileProblem).toBe('two columns of the header both mean Commentary (column 2 and column 3); keep one');
    expect(parseCommentaryCsv('KPI,Commentary,Author role\nplo_avg_weeks,"never closed,x\n', KPIS).fileProblem).toMatch(/^a double quote is never closed/);
    expect(parseCommentaryCsv('KPI,Commentary,Author role\nplo_avg_weeks,,x\n', KPIS).fileProblem).toBe(
      'the file holds no commentary: no row (or ## section) has both a KPI and some text',
    );
  });
});

describe('Markdown commentary', () => {
  it('reads a ## heading per KPI, an Author role line and the text as one paragraph; titles before the first heading are ignored', () => {
    const md = [
      '# Commentary for February 2015',
      '',
      '## re_referral_12m_pct',
      'Author role: Head of Service, Front Door',
      '',
      'Re-referrals rose in February.',
      'We now review every step-down. **Bold** stays as written.',
      '',
      '## Average duration of care proceedings (weeks) ##',
      'author role:Service Manager',
      'Down to 35 weeks.',
      '## cin_without_plan_6wk',
      'Author role: Service Manager',
    ].join('\n');
    const p = parseCommentaryMarkdown(md, KPIS);
    expect(p.fileProblem).toBeNull();
    expect(p.rejects).toEqual([]);
    expect(p.entries).toEqual([
      { line: 3, kpi: 're_referral_12m_pct', text: 'Re-referrals rose in February. We now review every step-down. **Bold** stays as written.', authorRole: 'Head of Service, Front Door' },
      { line: 9, kpi: 'plo_avg_weeks', text: 'Down to 35 weeks.', authorRole: 'Service Manager' },
    ]);
  });

  it('rejects text before the first heading (once per block) and a section without an author role', () => {
    const md = ['Some notes SECRET', 'more notes', '', 'another block', '## plo_avg_weeks', 'Down to 35 weeks.'].join('\n');
    const p = parseCommentaryMarkdown(md, KPIS);
    expect(p.entries).toEqual([]);
    expect(p.rejects.map((r) => [r.line, r.column])).toEqual([
      [1, null],
      [4, null],
      [5, 'Author role'],
    ]);
    expect(p.rowsRead).toBe(3);
  });
});

describe('withoutCommentary', () => {
  it('empties every metric row’s commentary (the public variant)', () => {
    const m = { metrics: [{ kpi: 'a', commentary: { month: '2015-02', text: 't', author_role: 'r', file: 'f' } }] };
    expect(withoutCommentary(m).metrics[0]!.commentary).toBeNull();
    expect(m.metrics[0]!.commentary).not.toBeNull();
  });
});
