/**
 * The committee report: one self-contained, accessible HTML page rendered from a snapshot's
 * metrics (full or public variant), written for councillors. Measures come in the order of a
 * children's services scorecard (core/scorecard-groups.ts), each with its figure and period in
 * words, target, status in words, change since the previous month and the same month last year,
 * its trend, a plain definition and the service manager's commentary. Baselines and gaps are one
 * plain sentence each (core/report-words.ts). Everything technical — ids, hashes, file and config
 * names, statistics — is in the last section, "For the data team" (core/report-data-team.ts), and
 * nowhere before it. A print stylesheet lays it out as A4 committee papers (core/report-css.ts).
 *
 * Pure string building: no IO, no scripts, no external resources (a Content-Security-Policy
 * meta tag forbids them). Not a dashboard and not a place to compute figures — it shows what
 * metrics.json says.
 */
import { dateInWords, monthInWords } from './dates.js';
import { periodInWords } from './headline.js';
import { esc } from './html-escape.js';
import { basedOn, eventsFor, pointsFor, seriesTable, trendChart } from './report-chart.js';
import { REPORT_CSS } from './report-css.js';
import { dataTeamSection } from './report-data-team.js';
import {
  baselineChangeInWords,
  baselineInWords,
  changeSince,
  counted,
  isCommentarySource,
  noFigureInWords,
  noteInWords,
  rowNoun,
  showNum,
  sourceInWords,
  statusText,
  targetText,
  withUnit,
  type Change,
  type Event,
  type Report,
  type Row,
} from './report-words.js';
import { planSection } from './report-plan.js';
import { groupedInScorecardOrder } from './scorecard-groups.js';
import { shownCommentary } from './shown-text.js';

export { escapeHtml } from './html-escape.js';

export interface ReportOptions {
  /** Precise definition per KPI id (KPI metadata `definition`): the data team's appendix. */
  kpiDefinitions?: Record<string, string>;
  /** Plain-English summary per KPI id (KPI metadata `summary`): shown under each measure. */
  kpiSummaries?: Record<string, string>;
  /**
   * `public`: the variant for `public/` (small numbers suppressed): managers' commentary is never
   * shown, whatever the file holds (README, "Managers' commentary"). Default `full`.
   */
  variant?: 'full' | 'public';
}

/** 2015-02-28 → "28 February 2015" (no Date, so no time zone). */
export const formatDate = dateInWords;

/** 2014-07 or 2014-07-31 → "July 2014". */
export const formatMonth = monthInWords;

/** The headline period in words: "January 2015", "March 2014 to February 2015", "at 28 February 2015". */
function periodText(row: Row): string {
  return periodInWords(row.basis, row.period_start, row.period_end);
}

function titleOf(m: Report, kpi: string): string {
  return m.metrics.find((r) => r.kpi === kpi)?.title ?? kpi;
}

function unitOf(m: Report, kpi: string): string {
  return m.metrics.find((r) => r.kpi === kpi)?.unit ?? '';
}

/** One plain sentence per baseline event, e.g. "Assessment audits graded good or better (%): From July 2014 the figure stepped up …". */
export function describeBaselineEvent(m: Report, e: Event): string {
  return `${titleOf(m, e.kpi)}: ${baselineChangeInWords(e, unitOf(m, e.kpi))}`;
}

/** Why a KPI has no figure: its data gap, else its first note. */
function reasonFor(m: Report, row: Row): string {
  return m.data_quality.gaps.find((g) => g.kpi === row.kpi)?.reason ?? row.notes[0] ?? 'no reason was recorded';
}

function noFigure(m: Report, row: Row): string {
  return `No figure: ${noFigureInWords(reasonFor(m, row))}`;
}

/** The first sentence of a text (the summary table gives the gist; the measure's section gives it all). */
function firstSentence(text: string): string {
  const m = /^.*?[.!?;](?=\s|$)/.exec(text.trim());
  return m ? m[0].replace(/;$/, '.') : text;
}

function statusBadge(row: Row): string {
  return `<span class="status status-${esc(row.status)}">${esc(statusText(row))}</span>`;
}

function valueText(m: Report, row: Row): string {
  const stale = row.stale ? ' — from out-of-date data; see the measure' : '';
  if (row.value === null) return `${firstSentence(noFigure(m, row))}${stale}`;
  return `${showNum(row.value, row.unit)}${stale}`;
}

function changeHtml(c: Change, withFrom: boolean): string {
  const tone = c.words.endsWith('better') ? ' change-better' : c.words.endsWith('worse') ? ' change-worse' : '';
  const arrow = c.arrow ? `<span class="arrow" aria-hidden="true">${c.arrow}</span> ` : '';
  return `<span class="change${tone}">${arrow}${esc(c.words)}</span>${withFrom && c.from ? ` (${esc(c.from)})` : ''}`;
}

function kpiAnchor(row: Row): string {
  return `kpi-${row.kpi.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function commentaryBlock(row: Row, id: string): string {
  const c = row.commentary;
  const month = monthInWords(row.period_end);
  if (!c) return `<p class="no-commentary">No commentary this month: none was received for ${esc(month)}.</p>`;
  return [
    `<div class="commentary" role="note" aria-labelledby="${id}-commentary-h">`,
    `<h4 id="${id}-commentary-h">Service commentary</h4>`,
    `<blockquote><p>${esc(shownCommentary(c.text))}</p></blockquote>`,
    `<p class="by">— ${esc(c.author_role)}, ${esc(monthInWords(c.month))}</p>`,
    '</div>',
  ].join('\n');
}

function kpiSection(m: Report, row: Row, opts: ReportOptions): string {
  const id = kpiAnchor(row);
  const pts = pointsFor(m, row.kpi);
  const events = eventsFor(m, row.kpi);
  const summary = opts.kpiSummaries?.[row.kpi];
  const dates = row.period_start === row.period_end ? dateInWords(row.period_end) : `${dateInWords(row.period_start)} to ${dateInWords(row.period_end)}`;
  const period = row.basis === 'at_date' ? periodText(row) : `${periodText(row)} (${dates})`;
  const worked = basedOn(row.unit, row);
  const reason = row.value === null ? reasonFor(m, row) : null;
  const notes = row.notes.filter((n) => n !== reason).flatMap((n) => noteInWords(n) ?? []);
  const hidden = row.notes.filter((n) => n !== reason).length - notes.length;
  if (hidden > 0) notes.push(`${hidden === 1 ? 'A further note is' : `${hidden} further notes are`} in the section for the data team.`);
  const figure =
    row.value === null
      ? `<strong class="value">No figure</strong> — ${esc(noFigureInWords(reason ?? ''))}`
      : `<strong class="value">${esc(showNum(row.value, row.unit))}</strong>${row.stale ? ' — from out-of-date data (see the notes)' : ''}`;
  const parts = [
    `<section class="kpi" id="${id}" aria-labelledby="${id}-h">`,
    '<div class="kpi-head">',
    `<h3 id="${id}-h">${esc(row.title)}</h3>`,
    summary ? `<p class="what"><strong>What it measures:</strong> ${esc(summary)}</p>` : '',
    '<dl class="facts">',
    `<div><dt>Figure</dt><dd>${figure}</dd></div>`,
    `<div><dt>Period</dt><dd>${esc(period)}</dd></div>`,
    `<div><dt>Target</dt><dd>${esc(targetText(row))}</dd></div>`,
    `<div><dt>Status</dt><dd>${statusBadge(row)}</dd></div>`,
    `<div><dt>Since the previous month</dt><dd>${changeHtml(changeSince(m, row, 1), true)}</dd></div>`,
    `<div><dt>Since the same month last year</dt><dd>${changeHtml(changeSince(m, row, 12), true)}</dd></div>`,
    worked ? `<div><dt>Worked out from</dt><dd>${esc(worked)}</dd></div>` : '',
    `<div><dt>Baseline</dt><dd>${esc(baselineInWords(m, row))}</dd></div>`,
    '</dl>',
    notes.length > 0 ? `<h4>Notes</h4><ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '',
    opts.variant === 'public' ? '' : commentaryBlock(row, id),
    '</div>',
    '<h4>Trend over 25 months</h4>',
    `<figure>${trendChart(row, pts, events, `${id}-chart`)}</figure>`,
    seriesTable(row, pts, events),
    `<p class="back"><a href="#summary-h">Back to the summary</a></p>`,
    '</section>',
  ];
  return parts.filter(Boolean).join('\n');
}

function summaryTable(m: Report): string {
  const groups = groupedInScorecardOrder(m.metrics);
  const change = (r: Row, back: number): string => changeHtml(changeSince(m, r, back), false);
  return [
    '<table class="data summary" id="summary">',
    `<caption>Every measure as of ${esc(dateInWords(m.as_of))}, in scorecard order</caption>`,
    '<thead><tr><th scope="col">Measure</th><th scope="col">Period</th><th scope="col">Figure</th><th scope="col">Target</th><th scope="col">Status</th><th scope="col">Since the previous month</th><th scope="col">Since the same month last year</th></tr></thead>',
    ...groups.map(({ group, rows }) =>
      [
        '<tbody>',
        `<tr><th scope="rowgroup" colspan="7" class="group"><a href="#group-${group.id}">${esc(group.title)}</a></th></tr>`,
        ...rows.map(
          (r) =>
            `<tr><th scope="row"><a href="#${kpiAnchor(r)}">${esc(r.title)}</a></th><td>${esc(periodText(r))}</td><td>${esc(valueText(m, r))}</td>` +
            `<td>${esc(r.target === null ? 'No target' : withUnit(r.target, r.unit))}</td><td>${statusBadge(r)}</td><td>${change(r, 1)}</td><td>${change(r, 12)}</td></tr>`,
        ),
        '</tbody>',
      ].join('\n'),
    ),
    '</table>',
  ].join('\n');
}

/** A file received, without its name: "the referrals extract of 28 February 2015", "an audit workbook", "the commentary file for February 2015". */
function fileInWords(s: Report['data_quality']['sources'][number]): string {
  if (isCommentarySource(s.source)) return `the commentary file for ${s.extract_date ? monthInWords(s.extract_date) : 'a month'}`;
  if (s.source.split('/')[0] === 'audits') return 'an audit workbook';
  return `the ${sourceInWords(s.source)}${s.extract_date ? ` of ${dateInWords(s.extract_date)}` : ''}`;
}

/** Files and rows not used, and out-of-date sources, in plain sentences (file names are in the appendix). */
function dataReceivedInWords(m: Report): string[] {
  const out: string[] = [];
  const sources = m.data_quality.sources;
  for (const source of new Set(sources.filter((s) => s.used && s.stale).map((s) => s.source))) {
    const s = sources.find((x) => x.used && x.source === source)!;
    const age = s.age_days === null ? '' : ` is ${counted(s.age_days, 'day')} old`;
    const from = s.extract_date && source !== 'audits' ? ` (from ${dateInWords(s.extract_date)})` : '';
    out.push(`The ${sourceInWords(source)}${age || ' is out of date'}${from}: the figures that use it are still shown, marked as from out-of-date data.`);
  }
  for (const s of sources) {
    const what = fileInWords(s);
    // A workbook's guidance sheet, or an entry not where a source lives: counted below, listed in the appendix.
    if (s.status === 'ignored') continue;
    if (s.status === 'superseded') {
      out.push(`${what[0]!.toUpperCase()}${what.slice(1)} was received twice; only one copy is counted.`);
    } else if (s.status === 'rejected') {
      out.push(`${what[0]!.toUpperCase()}${what.slice(1)} could not be used at all; the data team has the reason and is following it up.`);
    } else if (s.rows_rejected > 0) {
      const noun = rowNoun(s.source);
      out.push(
        `${counted(s.rows_rejected, noun)} in ${what} ${s.rows_rejected === 1 ? 'was' : 'were'} left out because ${s.rows_rejected === 1 ? 'it breaks' : 'they break'} a recording rule (${counted(s.rows_loaded, noun)} used); the data team has the details.`,
      );
    }
  }
  // Nothing in the landing folder goes unmentioned (issue 13): what was not read is said here, named in the appendix.
  const notRead = sources.filter((s) => s.status === 'ignored' && !s.sheet).length;
  if (notRead > 0) {
    out.push(
      `${counted(notRead, 'item')} in the landing folder ${notRead === 1 ? 'is' : 'are'} not where a source belongs, so ${notRead === 1 ? 'it was' : 'they were'} not read; the data team has the list.`,
    );
  }
  return out;
}

function baselinesAndGapsSection(m: Report): string {
  const order = groupedInScorecardOrder(m.metrics).flatMap((g) => g.rows.map((r) => r.kpi));
  const rank = (kpi: string) => (order.includes(kpi) ? order.indexOf(kpi) : order.length);
  const events = [...m.baseline_events].sort((a, b) => rank(a.kpi) - rank(b.kpi)).map((e) => describeBaselineEvent(m, e));
  const gaps = m.metrics.filter((r) => r.value === null).map((r) => `${r.title}: ${noFigure(m, r)}`);
  const data = dataReceivedInWords(m);
  const list = (items: string[], none: string): string => (items.length === 0 ? `<p>${esc(none)}</p>` : `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`);
  return [
    '<section id="baselines-gaps" class="appendix" aria-labelledby="baselines-gaps-h">',
    '<h2 id="baselines-gaps-h">Baselines and gaps</h2>',
    '<p>When the way a figure is recorded or worked out changes, or its level steps to a new one, a new baseline starts: the figure is still shown, but it is not compared with figures from before the change.</p>',
    '<h3>New baselines in the last two years</h3>',
    list(events, 'No baseline changed in the period the trends cover.'),
    '<h3>Measures with no figure</h3>',
    list(gaps, 'Every measure has a figure.'),
    '<h3>The data received</h3>',
    list(data, 'Every file received was used in full, and none is out of date.'),
    '</section>',
  ].join('\n');
}

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });

/** 2015-03-01T02:14:09Z → "1 March 2015 at 02:14 (London time)": the instant in the snapshot, never the wall clock. */
export function producedAt(instant: string): string {
  const t = Date.parse(instant);
  return Number.isNaN(t) ? instant : `${LONDON_TIME.format(t)} (London time)`;
}

/** When as-of is not a month end: month measures show the last complete month, and the month so far is provisional. */
function completeMonthText(m: Report): string {
  const monthly = m.metrics.find((r) => r.basis === 'month' && r.period_end !== m.as_of);
  if (!monthly) return '';
  return ` Measures of a month show the last complete month, ${monthInWords(monthly.period_end)}; ${monthInWords(m.as_of)} so far appears in their trends as provisional (month to date).`;
}

function overview(m: Report): string {
  const n = (s: string) => m.metrics.filter((r) => r.status === s).length;
  const withheld = m.metrics.filter((r) => r.value === null).length;
  const statuses = [
    `${n('green')} green`,
    `${n('amber')} amber`,
    `${n('red')} red`,
    n('none') + n('c') > 0 ? `${n('none') + n('c')} without a status` : '',
  ].filter(Boolean);
  return [
    `${counted(m.metrics.length, 'measure')}: ${statuses.join(', ')}.`,
    withheld > 0 ? `${withheld} ${withheld === 1 ? 'has' : 'have'} no figure this time; the measure says why and what is being done.` : '',
    'Status is given in words; the colour only repeats it.',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The whole committee report as one HTML document. */
export function renderReport(m: Report, opts: ReportOptions = {}): string {
  const groups = groupedInScorecardOrder(m.metrics);
  const isPublic = opts.variant === 'public';
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Children's social care performance report — ${esc(dateInWords(m.as_of))}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    "<h1>Children's social care performance report</h1>",
    `<p class="meta">Figures as of <strong>${esc(dateInWords(m.as_of))}</strong>.${esc(completeMonthText(m))}</p>`,
    `<p class="meta">Produced ${esc(producedAt(m.created_at))}.</p>`,
    `<p class="lead">Each measure gives its latest figure, its target and status, the change since the previous month and since the same month last year, its trend over two years, what it measures${isPublic ? '' : ' and, where a service manager has written one, their commentary'}. Technical details are in the last section, for the data team.</p>`,
    isPublic ? '<p class="meta">This is the public version: small numbers are shown as “c” (suppressed), and managers’ commentary is left out.</p>' : '',
    '</header>',
    '<main>',
    '<section aria-labelledby="summary-h">',
    '<h2 id="summary-h">Summary</h2>',
    `<p>${esc(overview(m))}</p>`,
    summaryTable(m),
    `<nav aria-label="Sections"><p>${[...groups.map(({ group }) => `<a href="#group-${group.id}">${esc(group.title)}</a>`), ...(m.improvement_plan ? ['<a href="#improvement-plan">Improvement plan</a>'] : []), '<a href="#baselines-gaps">Baselines and gaps</a>', '<a href="#data-team">For the data team</a>'].join(' · ')}</p></nav>`,
    '</section>',
    ...groups.map(({ group, rows }) =>
      [
        `<section class="group" id="group-${group.id}" aria-labelledby="group-${group.id}-h">`,
        `<h2 id="group-${group.id}-h">${esc(group.title)}</h2>`,
        ...rows.map((r) => kpiSection(m, r, opts)),
        '</section>',
      ].join('\n'),
    ),
    planSection(m),
    baselinesAndGapsSection(m),
    dataTeamSection(m, { kpiDefinitions: opts.kpiDefinitions, publicVariant: isPublic }),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
