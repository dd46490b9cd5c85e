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
/** A withheld figure's reason as sql/meta/macros.sql (ref.withheld_reason, ref.unknown_code_note) writes it. */
const WITHHELD =
  'Withheld: the cohort holds codes this KPI cannot classify, and leaving those rows out would publish a wrong figure. ' +
  `${JSON.stringify(NASTY)} is not a known grade (known: Outstanding, Good, Requires Improvement, Inadequate): 7 audit(s) in this period carry it, the first completed on 2015-01-05. ` +
  `To count it, add {"column": "grade", "from": ${JSON.stringify(NASTY)}, "to": "Requires Improvement"} to config/code-mappings.json.`;

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
        baseline: { period_end: '2014-05-31', value: 57, since: '2014-05-01', reason: 'declared by the council: set by the committee in May 2014' },
        comparable_with_previous: true,
        basis: 'trailing_12_months',
        stale: false,
        notes: [],
        commentary: { month: '2015-02', text: `Down to 34 weeks. ${NASTY}`, author_role: 'Head of Service, Courts', file: '2015-02.csv' },
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
        notes: [WITHHELD],
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
        evidence: { before: 18, after: 90, statistic: 107.48, method: 'likelihood-ratio test (core/changepoint.ts)', summary: 'stepped (likelihood-ratio 107.5 > threshold 12.6)' },
      },
      {
        kpi: 'audits_good_or_better_pct',
        kind: 'source_codes_changed',
        effective_period: '2015-01',
        detected_in: 'snapshot 2015-01-31T02-00-00Z',
        evidence: {
          source: 'audits/audits',
          column: 'grade',
          new_codes: [NASTY],
          vanished_codes: [],
          rows_with_new_code: { [NASTY]: 19 },
          cohort: { audit_type: ['Case File'] },
        },
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
      gaps: [{ kpi: 'audits_good_or_better_pct', reason: WITHHELD }],
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
    return month ? [p, { ...now, value: 12.5, numerator: 1, denominator: 8 }] : [p, now];
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

const DEFINITIONS = { plo_avg_weeks: 'Care proceedings concluded in the trailing 12 months ending E: mean weeks from issue to final order. Choice: period_start = period_end.' };
const SUMMARIES = { plo_avg_weeks: 'How long care proceedings took on average.', cin_without_plan_6wk: 'Children open as in need for six weeks or more with no plan.' };

/** The text of the page before the data team's appendix, tags dropped: what a councillor reads. */
function body(html: string): string {
  return html.slice(html.indexOf('<body>'), html.indexOf('<section id="data-team"')).replace(/<[^>]+>/g, ' ');
}

function appendix(html: string): string {
  return html.slice(html.indexOf('<section id="data-team"'));
}

/** One measure's section. */
function section(html: string, kpi: string): string {
  const start = html.indexOf(`<section class="kpi" id="kpi-${kpi}"`);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });
});

describe('renderReport', () => {
  const html = renderReport(sample(), { kpiDefinitions: DEFINITIONS, kpiSummaries: SUMMARIES });
  const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;';

  it('is one self-contained page: no scripts, no links, no external URLs', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('@media print');
    expect(html).toContain('size: A4');
    expect(html).toContain('section.group, section.appendix { break-before: page;');
  });

  it('escapes every piece of text from the snapshot, the commentary included', () => {
    expect(html).toContain(`Down to 34 weeks. ${ESCAPED}`);
    expect(html).toContain(`“${ESCAPED}”`); // the new grade, quoted in the body's sentences
    expect(html).not.toContain(NASTY);
  });

  it('groups the measures in scorecard order, whatever order metrics.json lists them in', () => {
    const h2 = [...html.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((x) => x[1]);
    expect(h2).toEqual(['Summary', 'Child in need and child protection', 'Courts', 'Quality assurance', 'Baselines and gaps', 'For the data team']);
    const h3 = [...html.matchAll(/<section class="kpi" id="kpi-([a-z0-9_]+)"/g)].map((x) => x[1]);
    expect(h3).toEqual(['cin_without_plan_6wk', 'plo_avg_weeks', 'audits_good_or_better_pct', 'assessment_quality_good_pct']);
    const summary = html.slice(html.indexOf('<table class="data summary"'), html.indexOf('</table>', html.indexOf('<table class="data summary"')));
    expect([...summary.matchAll(/scope="rowgroup"[^>]*><a [^>]+>([^<]+)</g)].map((x) => x[1])).toEqual(['Child in need and child protection', 'Courts', 'Quality assurance']);
    expect(summary).toContain('<td>34.1 weeks</td>');
    expect(summary).toContain('<th scope="col">Since the previous month</th><th scope="col">Since the same month last year</th>');
  });

  it('gives each measure its figure and period in words, target, status, a plain summary, change since last month and last year, and its baseline in one sentence', () => {
    const plo = section(html, 'plo_avg_weeks');
    expect(plo).toContain('<p class="what"><strong>What it measures:</strong> How long care proceedings took on average.</p>');
    expect(plo).toContain('<div><dt>Figure</dt><dd><strong class="value">34.1 weeks</strong></dd></div>');
    expect(plo).toContain('<div><dt>Period</dt><dd>March 2014 to February 2015 (1 March 2014 to 28 February 2015)</dd></div>');
    expect(plo).toContain('<div><dt>Target</dt><dd>26 weeks (lower is better)</dd></div>');
    expect(plo).toContain('Red — worse than target');
    // January 2015 is point 23: 57.3 − 23 = 34.3 weeks; 34.1 − 34.3 = −0.2, lower is better.
    expect(plo).toContain(
      '<div><dt>Since the previous month</dt><dd><span class="change change-better"><span class="arrow" aria-hidden="true">↓</span> down 0.2 weeks, better</span> (from 34.3 weeks in the 12 months to January 2015)</dd></div>',
    );
    // February 2014 is before the baseline the council declared from May 2014.
    expect(plo).toContain('<div><dt>Since the same month last year</dt><dd><span class="change">not comparable</span> (a new baseline started in May 2014)</dd></div>');
    expect(plo).toContain('<div><dt>Worked out from</dt><dd>an average over 57</dd></div>');
    expect(plo).toContain(
      '<div><dt>Baseline</dt><dd>From May 2014 the council set a new baseline, so figures before and after are not compared; the new baseline is 57 weeks in the 12 months to May 2014.</dd></div>',
    );
    const quality = section(html, 'assessment_quality_good_pct');
    expect(quality).toContain('<div><dt>Worked out from</dt><dd>18 of 20</dd></div>');
    expect(quality).toContain(
      'From July 2014 the figure stepped up from about 18% to about 90% and stayed there, so figures before and after are not compared; the new baseline is 90% in July 2014.',
    );
    expect(quality).toContain('<span class="arrow" aria-hidden="true">→</span> no change</span> (90% in January 2015 too)');
    expect(section(html, 'cin_without_plan_6wk')).toContain('<div><dt>Figure</dt><dd><strong class="value">250 children</strong></dd></div>');
  });

  it('says of a withheld figure what the data team is doing about it, counting audits in words, never which file to edit', () => {
    const audits = section(html, 'audits_good_or_better_pct');
    expect(audits).toContain(
      `<strong class="value">No figure</strong> — a new audit grade, “${ESCAPED}”, appeared in January 2015 (7 audits this month carry it); the data team is mapping it to the existing grading scale, after which the figure will be shown.`,
    );
    expect(audits).toContain('<span class="change">no figure</span>');
    expect(audits).toContain('No status — no figure');
    expect(body(html)).not.toMatch(/code-mappings|audit\(s\)|\brows?\b/);
    // The reason as the pipeline wrote it, file name and all, is the data team's.
    expect(appendix(html)).toContain(escapeHtml(WITHHELD));
  });

  it('states baselines and gaps in one plain sentence each, and the data received without file names', () => {
    const text = body(html);
    expect(html).toContain(
      '<li>Assessment audits graded Good or better (%): From July 2014 the figure stepped up from about 18% to about 90% and stayed there, so figures before and after are not compared.</li>',
    );
    expect(html).toContain(
      `<li>Case file audits graded Good or better (%): From January 2015 case file audits use a new audit grade, “${ESCAPED}”, so figures before and after are not compared.</li>`,
    );
    expect(html).toContain('<li>3 referrals in the referrals extract of 28 February 2015 were left out because they break a recording rule (1,204 referrals used); the data team has the details.</li>');
    expect(html).toContain('<li>An audit workbook could not be used at all; the data team has the reason and is following it up.</li>');
    expect(text).not.toMatch(/referrals_2015|audits_2015|workforce_2015/);
  });

  it('keeps every technical detail out of the body, and puts every hash, path, id and statistic in the appendix for the data team', () => {
    const m = sample();
    const text = body(html);
    for (const banned of [/[{}]/, /sha256/i, /[0-9a-f]{16}/, /\.(json|ts|csv|xlsx|sql)\b/, /config\//, /likelihood|statistic|threshold/i, /2015-02-28T02-14-09Z/, /\(s\)/, /vanished/, /Choice/, /ending E\b/, /period_start/]) {
      expect(text, String(banned)).not.toMatch(banned);
    }
    const tail = appendix(html);
    for (const r of m.metrics) {
      expect(tail).toContain(r.definition_version);
      expect(tail).toContain(`<code>${r.kpi}</code>`);
    }
    for (const s of m.data_quality.sources) {
      expect(tail).toContain(s.file);
      if (s.sha256) expect(tail).toContain(s.sha256);
    }
    expect(tail).toContain('2015-02-28T02-14-09Z-');
    expect(tail).toContain('likelihood-ratio test (core/changepoint.ts)');
    expect(tail).toContain(escapeHtml(DEFINITIONS.plo_avg_weeks));
    expect(tail).toContain('from commentary/2015-02.csv (2015-02), by Head of Service, Courts');
  });

  it('counts what was not read in the body, and tells it apart from a benchmark file read with nothing in it used', () => {
    const m = sample();
    const blank = { extract_date: null, used: false, rows_loaded: 0, rows_rejected: 0, age_days: null, stale: null };
    m.data_quality.sources.push(
      { source: 'landing folder', file: 'notes.txt', sha256: null, status: 'ignored', reason: 'it is in the landing folder itself, not in a source folder', ...blank },
      { source: 'benchmarks', file: 'la_children_looked_after_2024.csv', sha256: 'e'.repeat(64), status: 'ignored', reason: 'no column the benchmarks read', ...blank },
    );
    const page = renderReport(m);
    // One item not read (notes.txt); the benchmark file was read, so it is not counted with it.
    expect(body(page)).toContain('1 item in the landing folder is not where a source belongs, so it was not read; the data team has the list.');
    const tail = appendix(page);
    expect(tail).toContain('<td>Not read (not where a source lives): it is in the landing folder itself, not in a source folder</td>');
    expect(tail).toContain('<td>Ignored: nothing in it is used: no column the benchmarks read</td>');
  });

  it('shows each commentary beside its figure, with its author role, and says when a measure has none this month', () => {
    const plo = section(html, 'plo_avg_weeks');
    expect(plo).toContain(`<blockquote><p>Down to 34 weeks. ${ESCAPED}</p></blockquote>`);
    expect(plo).toContain('<p class="by">— Head of Service, Courts, February 2015</p>');
    expect(section(html, 'cin_without_plan_6wk')).toContain('<p class="no-commentary">No commentary this month: none was received for February 2015.</p>');
  });

  it('reads as words for a committee: counts without a unit word, the production time in London time, a withheld reason given once in its section', () => {
    const m = sample();
    const cin = m.metrics.find((r) => r.kpi === 'cin_without_plan_6wk');
    if (cin) cin.unit = 'count';
    const audits = m.metrics.find((r) => r.kpi === 'audits_good_or_better_pct');
    const reason = 'No graded Case File audits were completed in the month, so there is no rate to report.';
    if (audits) audits.notes = [reason, '2 graded audit(s) completed in the month have a blank Audit Type and are left out.'];
    m.data_quality.gaps = [{ kpi: 'audits_good_or_better_pct', reason }];
    const page = renderReport(m);
    expect(page).toContain('<strong class="value">250</strong>');
    expect(page).not.toContain('250 count');
    // 02:14 UTC on 1 March is 02:14 in London (GMT); the summer would show BST.
    expect(page).toContain('Produced 1 March 2015 at 02:14 (London time)');
    expect(page).toContain('<td>No figure: no graded Case File audits were completed in the month, so there is no rate to report.</td>');
    const sec = section(page, 'audits_good_or_better_pct');
    expect(sec.split('no graded Case File audits were completed')).toHaveLength(2);
    expect(sec).toContain('<li>2 graded audits completed in the month have a blank Audit Type and are left out.</li>');
  });

  it('as of mid-month: headline periods in words, the month to date marked provisional, stale data named', () => {
    const page = renderReport(midMonth());
    const summary = page.slice(page.indexOf('<table class="data summary"'), page.indexOf('</table>', page.indexOf('<table class="data summary"')));
    expect(summary).toContain('<th scope="col">Period</th>');
    expect(summary).toContain('<td>February 2015</td>'); // the month KPIs' last complete month
    expect(summary).toContain('<td>16 March 2014 to 15 March 2015</td>'); // trailing 12 months
    expect(summary).toContain('<td>at 15 March 2015</td>'); // a state at as-of
    expect(summary).toContain('<td>34.1 weeks — from out-of-date data; see the measure</td>');
    const staleEmpty = midMonth();
    Object.assign(staleEmpty.metrics.find((r) => r.kpi === 'plo_avg_weeks')!, { value: null, stale: true, notes: ['No proceedings concluded in the 12 months, so there is no average to report.'] });
    staleEmpty.data_quality.gaps.push({ kpi: 'plo_avg_weeks', reason: 'No proceedings concluded in the 12 months, so there is no average to report.' });
    expect(renderReport(staleEmpty)).toContain(
      '<td>No figure: no proceedings concluded in the 12 months, so there is no average to report. — from out-of-date data; see the measure</td>',
    );
    expect(page).toContain('Figures as of <strong>15 March 2015</strong>. Measures of a month show the last complete month, February 2015; March 2015 so far appears in their trends as provisional (month to date).');
    expect(page).toContain('<div><dt>Period</dt><dd>February 2015 (1 February 2015 to 28 February 2015)</dd></div>');
    // An at-date figure mid-month (250 at 15 March) is compared with the end of the previous month
    // (point 24 of the fixture, 400 − 24 × 6 = 256 at 28 February) and with March a year before
    // (point 13: 400 − 13 × 6 = 322 at 31 March 2014).
    const cin = section(page, 'cin_without_plan_6wk');
    expect(cin).toContain('down 6 children, better</span> (from 256 children at 28 February 2015)');
    expect(cin).toContain('down 72 children, better</span> (from 322 children at 31 March 2014)');
    expect(cin).toContain('No commentary this month: none was received for March 2015.');
    // The trend: an open circle off the line, labelled, described, and marked in the table.
    expect(page.match(/<circle class="point provisional"/g)).toHaveLength(2);
    expect(page).toContain('>Mar 2015 to date</text>');
    expect(page).toContain('The last point, 1 to 15 March 2015 (month to date), is provisional (12.5% so far), drawn as an open circle and not joined to the line; it is not the headline figure.');
    expect(page.match(/<tr><th scope="row">15 March 2015 \(month to date, provisional\)<\/th>/g)).toHaveLength(2);
    expect(page.match(/<tr><th scope="row">15 March 2015<\/th>/g)).toHaveLength(2); // at-date and trailing: complete
    // Freshness: the figure's note in words, the source's age in the body, the file's age in the appendix.
    expect(page).toContain('<li>Out-of-date data: the care proceedings extract is from 28 February 2015, 15 days old (case-system lists are stale after 7 days). The figure is shown as worked out from it.</li>');
    expect(page).toContain('<li>The care proceedings extract is 15 days old (from 28 February 2015): the figures that use it are still shown, marked as from out-of-date data.</li>');
    expect(appendix(page)).toContain('<td>15 days old — out of date</td>');
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
    expect(html).toContain('New baseline starts: the figure moved to a new level');
    expect(html).toContain('New baseline from July 2014 (the figure moved to a new level), drawn as a vertical line.');
  });

  it('renders the public variant with "c" in place of small numbers and no managers’ commentary', () => {
    const pub = renderReport(suppressForPublic(sample()), { variant: 'public' });
    expect(pub).toContain('c (suppressed: a small number)');
    expect(pub).toContain('Small numbers: counts, numerators and denominators from 1 to 5');
    expect(pub).toContain('managers’ commentary is left out');
    expect(pub).not.toContain('Down to 34 weeks');
    expect(pub).not.toContain('No commentary this month');
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
    const { violations, requests, pdfPages } = await audit(renderReport(sample(), { kpiDefinitions: DEFINITIONS, kpiSummaries: SUMMARIES }));
    expect(violations).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    // Printed as committee papers: the summary, then each of the 3 groups and the 2 appendices from a new page.
    expect(pdfPages).toBeGreaterThanOrEqual(6);
  });

  it('as of mid-month (provisional points, stale data) it has no violations either', async () => {
    const { violations } = await audit(renderReport(midMonth(), { kpiDefinitions: DEFINITIONS, kpiSummaries: SUMMARIES }));
    expect(violations).toEqual([]);
  });

  it('the public (suppressed) variant has no violations either', async () => {
    const { violations } = await audit(renderReport(suppressForPublic(sample()), { variant: 'public' }));
    expect(violations).toEqual([]);
  });
});
