import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriesPeriodEnds } from '../core/dates.js';
import { metricsFile, SCHEMA_VERSION, type MetricsFile, type SeriesPoint } from '../core/metrics-contract.js';
import { escapeHtml, renderReport } from '../core/report-html.js';
import { suppressForPublic } from '../core/suppression.js';
import { axeViolations, launchChromium } from './helpers/axe-chromium.js';

const AS_OF = '2015-02-28';
const ENDS = seriesPeriodEnds(AS_OF);
const HASH = `sha256:${'a'.repeat(64)}`;
const NASTY = '<script>alert("x")</script> & \'q\'';

function series(kpi: string, f: (i: number) => Omit<SeriesPoint, 'kpi' | 'period_end' | 'provisional' | 'status'>): SeriesPoint[] {
  return ENDS.map((period_end, i) => ({ kpi, period_end, provisional: false, status: 'none', ...f(i) }));
}

/** Three KPIs — an average, a percentage with a level shift, a withheld figure — plus a count. */
function sample(): MetricsFile {
  return metricsFile.parse({
    schema_version: SCHEMA_VERSION,
    snapshot_id: `2015-02-28T02-14-09Z-${NASTY}`,
    as_of: AS_OF,
    created_at: '2015-03-01T02:14:09Z',
    metrics: [
      {
        kpi: 'plo_avg_weeks',
        title: 'Average duration of care proceedings (weeks)',
        period_start: '2014-03-01',
        period_end: AS_OF,
        value: 34.1,
        numerator: null,
        denominator: 57,
        unit: 'weeks',
        polarity: 'lower',
        target: 26,
        status: 'red',
        definition_version: HASH,
        baseline: { period_end: '2014-05-31', value: 57, since: '2014-05-31', reason: 'Declared by the committee in May 2014.' },
        comparable_with_previous: true,
        basis: 'trailing_12_months',
        stale: false,
        notes: [],
      },
      {
        kpi: 'assessment_quality_good_pct',
        title: 'Assessment audits graded Good or better (%)',
        period_start: '2015-02-01',
        period_end: AS_OF,
        value: 90,
        numerator: 18,
        denominator: 20,
        unit: '%',
        polarity: 'higher',
        target: 100,
        status: 'amber',
        definition_version: HASH,
        baseline: { period_end: '2014-07-31', value: 90, since: '2014-07-31', reason: 'Level shift detected in July 2014.' },
        comparable_with_previous: false,
        basis: 'month',
        stale: false,
        notes: ['Audit scale "Good" & "Outstanding" counted as good.'],
      },
      {
        kpi: 'audits_good_or_better_pct',
        title: 'Case file audits graded Good or better (%)',
        period_start: '2015-02-01',
        period_end: AS_OF,
        value: null,
        numerator: null,
        denominator: null,
        unit: '%',
        polarity: 'higher',
        target: 60,
        status: 'none',
        definition_version: HASH,
        baseline: null,
        comparable_with_previous: false,
        basis: 'month',
        stale: false,
        notes: [`New grade ${NASTY} on 7 rows since 2015-01-05; map it in config/code-mappings.`],
      },
      {
        kpi: 'cin_without_plan_6wk',
        title: 'Children in need without a plan for 6 weeks or more',
        period_start: AS_OF,
        period_end: AS_OF,
        value: 250,
        numerator: null,
        denominator: null,
        unit: 'children',
        polarity: 'lower',
        target: 0,
        status: 'red',
        definition_version: HASH,
        baseline: null,
        comparable_with_previous: true,
        basis: 'at_date',
        stale: false,
        notes: [],
      },
    ],
    series: [
      ...series('plo_avg_weeks', (i) => ({ value: i === 24 ? 34.1 : 57.3 - i, numerator: null, denominator: i === 24 ? 57 : 61 - i })),
      ...series('assessment_quality_good_pct', (i) =>
        i < 17 ? { value: 18, numerator: 3, denominator: 17 } : { value: 90, numerator: 18, denominator: 20 },
      ),
      ...series('audits_good_or_better_pct', (i) => (i < 22 ? { value: 35 + i, numerator: 7 + i, denominator: 20 + i } : { value: null, numerator: null, denominator: null })),
      ...series('cin_without_plan_6wk', (i) => ({ value: 400 - i * 6, numerator: null, denominator: null })),
    ],
    baseline_events: [
      {
        kpi: 'assessment_quality_good_pct',
        kind: 'level_shift',
        effective_period: '2014-07',
        detected_in: 'snapshot 2014-08-31T02-00-00Z',
        evidence: { before: 18, after: 90, test: 'binary segmentation' },
      },
      {
        kpi: 'audits_good_or_better_pct',
        kind: 'source_codes_changed',
        effective_period: '2015-01',
        detected_in: 'snapshot 2015-01-31T02-00-00Z',
        evidence: { column: 'Audit Grade', new_codes: [NASTY] },
      },
    ],
    data_quality: {
      sources: [
        {
          source: 'case-system/referrals',
          file: 'referrals_2015-02-28.csv',
          sha256: 'b'.repeat(64),
          extract_date: AS_OF,
          status: 'loaded',
          reason: 'bad date in column "Referral Date"',
          used: true,
          rows_loaded: 1204,
          rows_rejected: 3,
          age_days: 0,
          stale: false,
        },
        { source: 'audits', file: 'audits_2015-02-27.xlsx', sha256: null, extract_date: '2015-02-27', status: 'rejected', reason: 'the sheet "Audits" is missing', used: false, rows_loaded: 0, rows_rejected: 0, age_days: null, stale: null },
        { source: 'workforce', file: 'workforce_2015-03-02.csv', sha256: 'c'.repeat(64), extract_date: '2015-03-02', status: 'after_as_of', reason: null, used: false, rows_loaded: 0, rows_rejected: 0, age_days: null, stale: null },
        { source: 'workforce', file: 'workforce_2015-02-01.csv', sha256: 'd'.repeat(64), extract_date: '2015-02-01', status: 'already_loaded', reason: null, used: true, rows_loaded: 310, rows_rejected: 0, age_days: 27, stale: false },
      ],
      gaps: [{ kpi: 'audits_good_or_better_pct', reason: `Withheld: a grade the KPI cannot classify (${NASTY}).` }],
    },
  });
}

/**
 * The same snapshot as of 15 March 2015 (kpis.md v2): the month KPIs headline February, their
 * 15 March point is provisional (month to date, status none); the trailing and at-date KPIs
 * headline 15 March; the proceedings list is 15 days old and stale.
 */
function midMonth(): MetricsFile {
  const m = sample();
  const asOf = '2015-03-15';
  const staleNote = 'Stale data: the care proceedings extract is from 28 February 2015, 15 days old (case-system lists are stale after 7 days). The figure is shown as computed from it.';
  m.as_of = asOf;
  for (const r of m.metrics) {
    if (r.basis === 'month') continue;
    r.period_end = asOf;
    r.period_start = r.basis === 'at_date' ? asOf : '2014-03-16';
  }
  const plo = m.metrics.find((r) => r.kpi === 'plo_avg_weeks')!;
  plo.stale = true;
  plo.notes = [staleNote];
  m.series = m.series.flatMap((p) => {
    if (p.period_end === ENDS[0]) return [];
    if (p.period_end !== AS_OF) return [p];
    const month = m.metrics.find((r) => r.kpi === p.kpi)!.basis === 'month';
    const now = { ...p, period_end: asOf, provisional: month, status: month ? ('none' as const) : p.status };
    return month ? [p, { ...now, value: 12.5, numerator: 1, denominator: 8 }] : [now];
  });
  m.data_quality.sources.push({
    source: 'case-system/care_proceedings',
    file: 'care_proceedings_2015-02-28.csv',
    sha256: 'e'.repeat(64),
    extract_date: AS_OF,
    status: 'already_loaded',
    reason: null,
    used: true,
    rows_loaded: 300,
    rows_rejected: 0,
    age_days: 15,
    stale: true,
  });
  return metricsFile.parse(m);
}

const DEFINITIONS = { plo_avg_weeks: 'Care proceedings concluded in the trailing 12 months: mean weeks from issue to final order.' };

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });
});

describe('renderReport', () => {
  const html = renderReport(sample(), { kpiDefinitions: DEFINITIONS });

  it('is one self-contained page: no scripts, no links, no external URLs', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('@media print');
    expect(html).toContain('size: A4');
    expect(html).toContain('break-before: page');
  });

  it('escapes every piece of text from the snapshot', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(html).not.toContain(NASTY);
  });

  it('has a header with the as-of date, snapshot id and a summary table of every KPI', () => {
    expect(html).toContain("<h1>Children's social care performance report</h1>");
    expect(html).toContain('28 February 2015');
    expect(html).toContain('2015-02-28T02-14-09Z-');
    const summary = html.slice(html.indexOf('<table class="data summary"'), html.indexOf('</table>', html.indexOf('<table class="data summary"')));
    for (const title of ['Average duration of care proceedings (weeks)', 'Assessment audits graded Good or better (%)', 'Case file audits graded Good or better (%)', 'Children in need without a plan for 6 weeks or more']) {
      expect(summary).toContain(title);
    }
    expect(summary).toContain('34.1 weeks');
    expect(summary).toContain('<th scope="col">Status</th>');
  });

  it('gives the status in words, not colour alone', () => {
    expect(html).toContain('Red — worse than target');
    expect(html).toContain('Amber — worse than target, within tolerance');
    expect(html).toContain('No status — no figure available');
  });

  it('has one section per KPI with value, target, numerator/denominator in words, baseline and comparability', () => {
    expect(html.match(/<section class="kpi"/g)).toHaveLength(4);
    expect(html).toContain('Care proceedings concluded in the trailing 12 months');
    expect(html).toContain('26 weeks (lower is better)');
    expect(html).toContain('This is an average over 57 cases');
    expect(html).toContain('a numerator of 18 out of a denominator of 20');
    expect(html).toContain('This figure is a count');
    expect(html).toContain('Baseline: 57 weeks for the period ending 31 May 2014, in force since 31 May 2014. Reason: Declared by the committee in May 2014.');
    expect(html).toContain('Comparable with earlier figures: no — a new baseline started on 31 July 2014');
  });

  it('says "not available" and why for a withheld figure', () => {
    expect(html).toContain('Not available — Withheld: a grade the KPI cannot classify (&lt;script&gt;');
    expect(html).toContain('<strong class="value">Not available</strong> — Withheld');
  });

  it('draws each trend as an accessible inline SVG with target and baseline markers, plus the table behind it', () => {
    expect(html.match(/<svg class="chart"[^>]*role="img" aria-labelledby="[^"]+-title [^"]+-desc"/g)).toHaveLength(4);
    expect(html).not.toContain('xmlns');
    expect(html.match(/<line class="target"/g)).toHaveLength(4);
    expect(html.match(/<line class="event"/g)).toHaveLength(2);
    expect(html).toContain('New baseline Jul 2014');
    expect(html.match(/<table class="data series-table">/g)).toHaveLength(4);
    expect(html).toContain('<caption>Monthly figures behind the chart: Average duration of care proceedings (weeks)</caption>');
    expect(html.match(/<tr><th scope="row">28 February 2013<\/th>/g)).toHaveLength(4);
    expect(html).toContain('New baseline starts (level shift)');
  });

  it('explains baseline events and data quality in plain words', () => {
    expect(html).toContain(
      'Assessment audits graded Good or better (%): the monthly figure stepped up from 18% to 90% in July 2014; a new baseline starts then.',
    );
    expect(html).toContain('the codes recorded in a column it reads changed (new codes: &lt;script&gt;');
    expect(html).toContain('3 rows of referrals_2015-02-28.csv (case-system/referrals, extracted 28 February 2015) were rejected and left out; 1,204 rows loaded.');
    expect(html).toContain('The whole of audits_2015-02-27.xlsx (audits, extracted 27 February 2015) was rejected: the sheet &quot;Audits&quot; is missing.');
    expect(html).toContain('workforce_2015-03-02.csv (workforce, extracted 2 March 2015) is dated after the as-of date (28 February 2015)');
    expect(html).toContain('Case file audits graded Good or better (%): Withheld');
  });

  it('reads as words for a committee: counts without a unit word, the production time in London time, a withheld reason given once', () => {
    const m = sample();
    const cin = m.metrics.find((r) => r.kpi === 'cin_without_plan_6wk');
    if (cin) cin.unit = 'count';
    const audits = m.metrics.find((r) => r.kpi === 'audits_good_or_better_pct');
    const reason = 'Withheld: a new grade. Map it in config/code-mappings.json.';
    if (audits) audits.notes = [reason, 'Another note.'];
    m.data_quality.gaps = [{ kpi: 'audits_good_or_better_pct', reason }];
    const page = renderReport(m);
    expect(page).toContain('<strong class="value">250</strong>');
    expect(page).not.toContain('250 count');
    // 02:14 UTC on 1 March is 02:14 in London (GMT); the summer would show BST.
    expect(page).toContain('Produced 1 March 2015 at 02:14 (London time)');
    // The summary gives the first sentence; the section gives the whole reason once, then the other notes.
    expect(page).toContain('<td>Not available — Withheld: a new grade. Details in its section.</td>');
    expect(page.split(reason)).toHaveLength(3); // once in the section's value, once in the data-gaps appendix
    expect(page).toContain('<li>Another note.</li>');
  });

  it('as of mid-month: headline periods in words, the month to date marked provisional, stale data named', () => {
    const page = renderReport(midMonth());
    const summary = page.slice(page.indexOf('<table class="data summary"'), page.indexOf('</table>', page.indexOf('<table class="data summary"')));
    expect(summary).toContain('<th scope="col">Period</th>');
    expect(summary).toContain('<td>February 2015</td>'); // the month KPIs' last complete month
    expect(summary).toContain('<td>16 March 2014 to 15 March 2015</td>'); // trailing 12 months
    expect(summary).toContain('<td>at 15 March 2015</td>'); // a state at as-of
    expect(summary).toContain('<td>34.1 weeks — from out-of-date data; see its section</td>');
    const staleEmpty = midMonth();
    Object.assign(staleEmpty.metrics.find((r) => r.kpi === 'plo_avg_weeks')!, { value: null, stale: true, notes: ['No proceedings concluded in the 12 months, so there is no average to report.'] });
    staleEmpty.data_quality.gaps.push({ kpi: 'plo_avg_weeks', reason: 'No proceedings concluded in the 12 months, so there is no average to report.' });
    expect(renderReport(staleEmpty)).toContain(
      '<td>Not available — No proceedings concluded in the 12 months, so there is no average to report. From out-of-date data; see its section.</td>',
    );
    expect(page).toContain('Figures as of <strong>15 March 2015</strong>. Measures of a month show the last complete month, February 2015; March 2015 so far appears in their trends as provisional (month to date).');
    expect(page).toContain('<div><dt>Period</dt><dd>February 2015 (1 February 2015 to 28 February 2015)</dd></div>');
    // The trend: an open circle off the line, labelled, described, and marked in the table.
    expect(page.match(/<circle class="point provisional"/g)).toHaveLength(2);
    expect(page).toContain('>Mar 2015 to date</text>');
    expect(page).toContain('The last point, 1 to 15 March 2015 (month to date), is provisional (12.5% so far), drawn as an open circle and not joined to the line; it is not the headline figure.');
    expect(page.match(/<tr><th scope="row">15 March 2015 \(month to date, provisional\)<\/th>/g)).toHaveLength(2);
    expect(page.match(/<tr><th scope="row">15 March 2015<\/th>/g)).toHaveLength(2); // at-date and trailing: complete
    // Freshness: the figure's note, and the file's age in the data-quality table.
    expect(page).toContain(`<li>${escapeHtml('Stale data: the care proceedings extract is from 28 February 2015, 15 days old')}`);
    expect(page).toContain('case-system/care_proceedings is out of date (15 days old)');
    expect(page).toContain('<td>15 days old — out of date</td>');
  });

  it('renders the public variant with "c" in place of small numbers', () => {
    const pub = renderReport(suppressForPublic(sample()));
    expect(pub).toContain('c (suppressed: a small number)');
    expect(pub).toContain('Small numbers: counts, numerators and denominators from 1 to 5');
  });
});

describe('report accessibility in headless chromium (axe-core, WCAG 2.1 A/AA)', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function audit(html: string, screenshot?: string): Promise<{ violations: unknown[]; requests: string[]; pdfPages: number }> {
    // The page's own CSP forbids scripts; bypass it only so the test can inject axe.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.setContent(html, { waitUntil: 'load' });
      if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
      const result = await axeViolations(page);
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
      const pdfPages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
      return { violations: result, requests, pdfPages };
    } finally {
      await context.close();
    }
  }

  it('has no WCAG 2.1 A/AA violations and loads nothing from outside the page', async () => {
    const { violations, requests, pdfPages } = await audit(renderReport(sample(), { kpiDefinitions: DEFINITIONS }));
    expect(violations).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    // Printed as committee papers: the summary, then each of the 4 KPIs and the 2 appendices on a new page.
    expect(pdfPages).toBeGreaterThanOrEqual(7);
  });

  it('as of mid-month (provisional points, stale data) it has no violations either', async () => {
    const { violations } = await audit(renderReport(midMonth(), { kpiDefinitions: DEFINITIONS }));
    expect(violations).toEqual([]);
  });

  it('the public (suppressed) variant has no violations either', async () => {
    const { violations } = await audit(renderReport(suppressForPublic(sample())));
    expect(violations).toEqual([]);
  });
});
