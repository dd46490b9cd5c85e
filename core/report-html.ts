/**
 * The committee report: one self-contained, accessible HTML page rendered from a snapshot's
 * metrics (full or public variant). Every figure is given in words as well as colour, every
 * chart has a text description and a table of the numbers behind it, missing figures say why,
 * and a print stylesheet lays it out as A4 committee papers with one KPI per page.
 *
 * Pure string building: no IO, no scripts, no external resources (a Content-Security-Policy
 * meta tag forbids them). Not a dashboard and not a place to compute figures — it shows what
 * metrics.json says.
 */
import { dateInWords, monthInWords } from './dates.js';
import { periodInWords } from './headline.js';
import type { MetricsFile } from './metrics-contract.js';
import type { PublicMetricsFile } from './suppression.js';
import { shownName, shownReasonOrNull, visibleControls } from './shown-text.js';
import { benchmarkSection } from './report-benchmark.js';

type Num = number | null | 'c';
type Report = MetricsFile | PublicMetricsFile;
type Row = Report['metrics'][number];
type Point = Report['series'][number];
type Event = Report['baseline_events'][number];

export interface ReportOptions {
  /** Plain-English definition per KPI id (from the KPI catalogue), shown under each heading. */
  kpiDefinitions?: Record<string, string>;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Text as the report shows it: control characters made visible (a name or reason may hold one), then escaped. */
const esc = (text: string): string => escapeHtml(visibleControls(text));

// ---------------------------------------------------------------------------------------------
// Words for dates, numbers and statuses

/** 2015-02-28 → "28 February 2015" (no Date, so no time zone). */
export const formatDate = dateInWords;

/** 2014-07 or 2014-07-31 → "July 2014". */
export const formatMonth = monthInWords;

function shortMonth(iso: string): string {
  const [month, year] = monthInWords(iso).split(' ');
  return `${month?.slice(0, 3)} ${year}`;
}

/** The headline period in words: "January 2015", "March 2014 to February 2015", "at 28 February 2015". */
function periodText(row: Row): string {
  return periodInWords(row.basis, row.period_start, row.period_end);
}

/** The month-to-date point in words, where the chart and its table show it. */
const MONTH_TO_DATE = 'month to date, provisional';

export function isPercent(unit: string): boolean {
  return /^(%|percent|percentage|pct)$/i.test(unit.trim());
}

function formatNumber(n: number): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

const SUPPRESSED_TEXT = 'c (suppressed: a small number)';

/** Units that are a kind of number, not a word to print after it ("254", not "254 count"). */
function isBareNumber(unit: string): boolean {
  return /^(count|ratio|number)?$/i.test(unit.trim());
}

/** A figure with its unit: 34.1 weeks, 82.5%, 250 children, 254. Null and "c" are handled by callers. */
export function withUnit(n: number, unit: string): string {
  if (isPercent(unit)) return `${formatNumber(n)}%`;
  return isBareNumber(unit) ? formatNumber(n) : `${formatNumber(n)} ${unit}`;
}

function showNum(n: Num, unit = ''): string {
  if (n === null) return 'not available';
  if (n === 'c') return SUPPRESSED_TEXT;
  return withUnit(n, unit);
}

/** A numerator or denominator: an average has no numerator and a count neither, by design. */
function showPart(n: Num, value: Num): string {
  if (n === null) return value === null ? 'not available' : 'not applicable';
  return showNum(n);
}

function statusText(row: Row): string {
  switch (row.status) {
    case 'green':
      return 'Green — meets or beats target';
    case 'amber':
      return 'Amber — worse than target, within tolerance';
    case 'red':
      return 'Red — worse than target';
    case 'c':
      return 'Not shown — the figure is suppressed';
    case 'none':
      if (row.value === null) return 'No status — no figure available';
      if (row.target === null) return 'No status — no target set';
      return 'No status';
  }
}

function statusBadge(row: Row): string {
  return `<span class="status status-${esc(row.status)}">${esc(statusText(row))}</span>`;
}

function targetText(row: Row): string {
  if (row.target === null) return 'No target';
  const better = row.polarity === 'higher' ? 'higher is better' : 'lower is better';
  return `${withUnit(row.target, row.unit)} (${better})`;
}

function titleOf(m: Report, kpi: string): string {
  return m.metrics.find((r) => r.kpi === kpi)?.title ?? kpi;
}

/** Why a KPI has no figure: its data gaps, else its notes. */
function reasonsFor(m: Report, row: Row): string[] {
  const gaps = m.data_quality.gaps.filter((g) => g.kpi === row.kpi).map((g) => g.reason);
  if (gaps.length > 0) return gaps;
  return row.notes.length > 0 ? row.notes : ['no reason was recorded in the snapshot'];
}

/** The first sentence of a reason (the summary table gives the gist; the KPI's section gives it all). */
function firstSentence(text: string): string {
  const m = /^.*?[.!?](?=\s|$)/.exec(text.trim());
  return m ? m[0] : sentence(text);
}

function valueText(m: Report, row: Row): string {
  if (row.value === null) {
    const reasons = reasonsFor(m, row);
    const gist = firstSentence(reasons[0] ?? '');
    const more = reasons.length > 1 || gist !== sentence(reasons[0] ?? '') ? ' Details in its section.' : '';
    // Out-of-date data can look like an empty month ("no referrals were received"): say so here too.
    return `Not available — ${gist}${more}${row.stale ? ' From out-of-date data; see its section.' : ''}`;
  }
  return row.stale ? `${showNum(row.value, row.unit)} — from out-of-date data; see its section` : showNum(row.value, row.unit);
}

function countsInWords(row: Row): string {
  if (row.value === null) return 'There is no numerator or denominator because there is no figure.';
  if (row.numerator === null && row.denominator === null) return 'This figure is a count, so it has no numerator or denominator.';
  if (row.numerator === null) return `This is an average over ${showNum(row.denominator)} cases (the denominator).`;
  if (isPercent(row.unit)) {
    return `Worked out from a numerator of ${showNum(row.numerator)} out of a denominator of ${showNum(row.denominator)}.`;
  }
  return `Worked out as a numerator of ${showNum(row.numerator)} divided by a denominator of ${showNum(row.denominator)}.`;
}

function baselineText(row: Row): string {
  const b = row.baseline;
  if (b === null) return 'No baseline has been set for this measure.';
  return (
    `Baseline: ${showNum(b.value, row.unit)} for the period ending ${formatDate(b.period_end)}, ` +
    `in force since ${formatDate(b.since)}. Reason: ${sentence(b.reason)}`
  );
}

function comparableText(row: Row): string {
  if (row.comparable_with_previous) return 'Comparable with earlier figures: yes.';
  const since = row.baseline ? ` on ${formatDate(row.baseline.since)}` : '';
  return `Comparable with earlier figures: no — a new baseline started${since}, so compare this figure only with figures from then on (see "Baseline changes" below).`;
}

// ---------------------------------------------------------------------------------------------
// Baseline events in words

function evidenceNumber(ev: Record<string, unknown>, keys: string[]): number | null {
  for (const k of keys) {
    const v = ev[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

function evidenceText(ev: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) {
    const v = ev[k];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (Array.isArray(v) && v.length > 0) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  }
  return null;
}

/** One plain sentence per event, e.g. "Assessment quality: the monthly figure stepped up from 18% to 90% in July 2014; a new baseline starts then." */
export function describeBaselineEvent(m: Report, e: Event): string {
  const title = titleOf(m, e.kpi);
  const unit = m.metrics.find((r) => r.kpi === e.kpi)?.unit ?? '';
  const when = formatMonth(e.effective_period);
  const ev = e.evidence;
  switch (e.kind) {
    case 'level_shift': {
      const before = evidenceNumber(ev, ['before', 'level_before', 'mean_before', 'from', 'old_level']);
      const after = evidenceNumber(ev, ['after', 'level_after', 'mean_after', 'to', 'new_level']);
      if (before !== null && after !== null && before !== after) {
        const dir = after > before ? 'up' : 'down';
        return `${title}: the monthly figure stepped ${dir} from ${withUnit(before, unit)} to ${withUnit(after, unit)} in ${when}; a new baseline starts then.`;
      }
      return `${title}: the monthly figure moved to a new level in ${when} and stayed there; a new baseline starts then.`;
    }
    case 'definition_changed':
      return `${title}: the way this figure is worked out changed, taking effect from ${when}; a new baseline starts then.`;
    case 'source_schema_changed': {
      const cols = evidenceText(ev, ['column', 'columns', 'changed_columns']);
      return `${title}: the columns of a file it reads changed${cols ? ` (${cols})` : ''} from ${when}; a new baseline starts then.`;
    }
    case 'source_codes_changed': {
      const added = evidenceText(ev, ['new_codes', 'added', 'new']);
      const removed = evidenceText(ev, ['vanished_codes', 'removed', 'gone']);
      const what = [added ? `new codes: ${added}` : '', removed ? `codes no longer used: ${removed}` : ''].filter(Boolean).join('; ');
      return `${title}: the codes recorded in a column it reads changed${what ? ` (${what})` : ''} from ${when}; a new baseline starts then.`;
    }
    case 'manual': {
      const reason = evidenceText(ev, ['reason', 'summary']);
      return `${title}: the council declared a new baseline from ${when}${reason ? ` (${reason})` : ''}.`;
    }
  }
}

function evidenceList(ev: Record<string, unknown>): string {
  const entries = Object.entries(ev);
  if (entries.length === 0) return '';
  const show = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(show).join(', ') : JSON.stringify(v));
  const items = entries.map(([k, v]) => `${k.replaceAll('_', ' ')}: ${show(v)}`);
  return `<p class="evidence">Evidence — ${esc(items.join('; '))}.</p>`;
}

// ---------------------------------------------------------------------------------------------
// Data quality in words

/** End a piece of free text with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?)"']$/.test(t) ? t : `${t}.`;
}

function rows(n: number): string {
  return n === 1 ? '1 row' : `${formatNumber(n)} rows`;
}

/** A source as the report shows it: its name and reason in their shown form, whatever metrics.json says. */
function shownSource<S extends { file: string; reason: string | null }>(s: S): S {
  return { ...s, file: shownName(s.file), reason: shownReasonOrNull(s.reason) };
}

function sourceProblems(m: Report): string[] {
  const out: string[] = [];
  // Out-of-date sources first: the figures reading them are published, marked, with the date in their notes.
  for (const source of new Set(m.data_quality.sources.filter((s) => s.used && s.stale).map((s) => s.source))) {
    const age = m.data_quality.sources.find((s) => s.used && s.source === source)?.age_days ?? null;
    const old = age === null ? '' : ` (${age === 1 ? '1 day' : `${formatNumber(age)} days`} old)`;
    out.push(`${source} is out of date${old}: the figures that read it are still shown, marked as from out-of-date data, and their notes give its date.`);
  }
  for (const s of m.data_quality.sources.map(shownSource)) {
    const from = `(${s.source}${s.extract_date ? `, extracted ${formatDate(s.extract_date)}` : ''})`;
    if (s.status === 'rejected') {
      out.push(`The whole of ${s.file} ${from} was rejected: ${sentence(s.reason ?? 'no reason was recorded')} None of its rows are in these figures.`);
      continue;
    }
    if (s.status === 'after_as_of') {
      out.push(`${s.file} ${from} is dated after the as-of date (${formatDate(m.as_of)}), so it was left for a later night.`);
      continue;
    }
    if (s.rows_rejected > 0) {
      const verb = s.rows_rejected === 1 ? 'was' : 'were';
      const reason = s.reason ? ` Reason: ${sentence(s.reason)}` : '';
      out.push(`${rows(s.rows_rejected)} of ${s.file} ${from} ${verb} rejected and left out; ${rows(s.rows_loaded)} loaded.${reason}`);
    }
  }
  return out;
}

const SOURCE_STATUS_WORDS: Record<string, string> = {
  loaded: 'Loaded tonight',
  already_loaded: 'Already loaded on an earlier night',
  rejected: 'Rejected (whole file)',
  after_as_of: 'Dated after the as-of date; left for a later night',
};

function sourceWhatHappened(source: Report['data_quality']['sources'][number]): string {
  const s = shownSource(source);
  const words = SOURCE_STATUS_WORDS[s.status] ?? s.status;
  if (!s.reason) return words;
  return s.status === 'rejected' ? `${words}: ${s.reason}` : `${words}; rows rejected because: ${s.reason}`;
}

/** A used file's age in days, and whether that is older than its kind may be (config/freshness.json). */
function recencyText(s: Report['data_quality']['sources'][number]): string {
  if (!s.used) return 'Not used';
  if (s.age_days === null) return s.stale ? 'Not known — out of date' : 'Not known';
  const age = s.age_days === 1 ? '1 day old' : `${formatNumber(s.age_days)} days old`;
  return s.stale ? `${age} — out of date` : age;
}

function dataQualitySection(m: Report): string {
  const gaps = m.data_quality.gaps.map((g) => `${titleOf(m, g.kpi)}: ${g.reason}`);
  const problems = sourceProblems(m);
  const parts: string[] = ['<section id="data-quality" class="appendix" aria-labelledby="data-quality-h">', '<h2 id="data-quality-h">Data gaps and data quality</h2>'];
  if (gaps.length === 0 && problems.length === 0) {
    parts.push('<p>No data gaps were recorded, and no files or rows were rejected.</p>');
  }
  if (gaps.length > 0) {
    parts.push('<h3>Gaps in the figures</h3>', `<ul>${gaps.map((g) => `<li>${esc(g)}</li>`).join('')}</ul>`);
  }
  if (problems.length > 0) {
    parts.push('<h3>Out-of-date sources, and files and rows not used</h3>', `<ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`);
  }
  if (m.data_quality.sources.length > 0) {
    parts.push(
      '<h3>Every file received</h3>',
      '<table class="data">',
      '<caption>Every file found in the landing folder for this run, and what was done with it</caption>',
      '<thead><tr><th scope="col">File</th><th scope="col">Source</th><th scope="col">Extract date</th><th scope="col">What happened</th><th scope="col">Used for these figures</th><th scope="col">How recent</th><th scope="col" class="num">Rows loaded</th><th scope="col" class="num">Rows rejected</th></tr></thead>',
      '<tbody>',
      ...m.data_quality.sources.map(
        (s) =>
          `<tr><th scope="row">${esc(shownName(s.file))}</th><td>${esc(s.source)}</td><td>${esc(s.extract_date ? formatDate(s.extract_date) : 'not known')}</td>` +
          `<td>${esc(sourceWhatHappened(s))}</td><td>${s.used ? 'Yes' : 'No'}</td><td>${esc(recencyText(s))}</td>` +
          `<td class="num">${esc(formatNumber(s.rows_loaded))}</td><td class="num">${esc(formatNumber(s.rows_rejected))}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

function baselineEventsSection(m: Report): string {
  const parts = ['<section id="baseline-events" class="appendix" aria-labelledby="baseline-events-h">', '<h2 id="baseline-events-h">Baseline changes</h2>'];
  if (m.baseline_events.length === 0) {
    parts.push('<p>No baseline changes were detected or declared.</p>');
  } else {
    parts.push(
      '<p>When the way a figure is recorded or worked out changes, or its level steps to a new one, a new baseline starts. The current figure is still published, marked as not comparable with the figures before the change.</p>',
      '<ul class="events">',
      ...m.baseline_events.map((e) => `<li><p>${esc(describeBaselineEvent(m, e))} <span class="detected">(Detected in ${esc(e.detected_in)}.)</span></p>${evidenceList(e.evidence)}</li>`),
      '</ul>',
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Trend chart (inline SVG) and the table behind it

const W = 744;
const H = 300;
// Top band holds baseline-event labels, right margin the target label, so no text sits on the data.
const PAD = { top: 48, right: 128, bottom: 44, left: 64 };

function niceStep(range: number): number {
  const raw = range / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

function fixed(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function pointsFor(m: Report, kpi: string): Point[] {
  return m.series.filter((p) => p.kpi === kpi).sort((a, b) => a.period_end.localeCompare(b.period_end));
}

function eventsFor(m: Report, kpi: string): Event[] {
  return m.baseline_events.filter((e) => e.kpi === kpi);
}

function chartDescription(row: Row, pts: Point[], events: Event[]): string {
  if (pts.length === 0) return 'No monthly figures are available for this measure.';
  const first = pts[0] as Point;
  const last = pts[pts.length - 1] as Point;
  const complete = pts.filter((p) => !p.provisional);
  const nums = complete.filter((p): p is Point & { value: number } => typeof p.value === 'number');
  const parts = [`Monthly figures from ${shortMonth(first.period_end)} to ${shortMonth(last.period_end)}.`];
  if (nums.length > 0) {
    const lo = nums.reduce((a, b) => (b.value < a.value ? b : a));
    const hi = nums.reduce((a, b) => (b.value > a.value ? b : a));
    const latest = nums[nums.length - 1] as Point & { value: number };
    parts.push(
      `Latest ${withUnit(latest.value, row.unit)} (${shortMonth(latest.period_end)}); lowest ${withUnit(lo.value, row.unit)} (${shortMonth(lo.period_end)}); highest ${withUnit(hi.value, row.unit)} (${shortMonth(hi.period_end)}).`,
    );
  }
  const missing = complete.length - nums.length;
  if (missing > 0) parts.push(`${missing} of ${complete.length} complete months have no figure shown.`);
  for (const p of pts.filter((x) => x.provisional)) {
    parts.push(
      `The last point, ${periodInWords('month', `${p.period_end.slice(0, 8)}01`, p.period_end)}, is provisional (${showNum(p.value, row.unit)} so far), drawn as an open circle and not joined to the line; it is not the headline figure.`,
    );
  }
  if (row.target !== null) parts.push(`Target ${withUnit(row.target, row.unit)}, drawn as a dashed line.`);
  for (const e of events) parts.push(`New baseline from ${formatMonth(e.effective_period)} (${e.kind.replaceAll('_', ' ')}), drawn as a vertical line.`);
  return parts.join(' ');
}

function trendChart(row: Row, pts: Point[], events: Event[], id: string): string {
  const values = pts.map((p) => p.value).filter((v): v is number => typeof v === 'number');
  const candidates = [...values, ...(row.target !== null ? [row.target] : [])];
  let yMax = isPercent(row.unit) ? Math.max(100, ...candidates) : Math.max(1, ...candidates) * 1.1;
  const yMin = Math.min(0, ...candidates);
  const step = niceStep(yMax - yMin);
  yMax = Math.ceil(yMax / step) * step;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + (pts.length <= 1 ? plotW / 2 : (i * plotW) / (pts.length - 1));
  const y = (v: number): number => PAD.top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;

  const out: string[] = [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">Trend chart: ${esc(row.title)}</title>`,
    `<desc id="${id}-desc">${esc(chartDescription(row, pts, events))}</desc>`,
  ];
  for (let v = yMin; v <= yMax + step / 1000; v += step) {
    out.push(
      `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fixed(y(v))}" y2="${fixed(y(v))}"/>`,
      `<text class="tick" x="${PAD.left - 8}" y="${fixed(y(v) + 4)}" text-anchor="end">${esc(isPercent(row.unit) ? `${formatNumber(v)}%` : formatNumber(v))}</text>`,
    );
  }
  pts.forEach((p, i) => {
    if (i % 6 === 0 || i === pts.length - 1) {
      const label = p.provisional ? `${shortMonth(p.period_end)} to date` : shortMonth(p.period_end);
      out.push(`<text class="tick" x="${fixed(x(i))}" y="${H - PAD.bottom + 20}" text-anchor="middle">${esc(label)}</text>`);
    }
  });
  out.push(`<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fixed(y(yMin))}" y2="${fixed(y(yMin))}"/>`);

  if (row.target !== null) {
    const ty = fixed(y(row.target));
    out.push(
      `<line class="target" x1="${PAD.left}" x2="${W - PAD.right}" y1="${ty}" y2="${ty}"/>`,
      `<text class="label" x="${W - PAD.right + 6}" y="${fixed(y(row.target) + 4)}">Target ${esc(withUnit(row.target, row.unit))}</text>`,
    );
  }

  events.forEach((e, k) => {
    const i = pts.findIndex((p) => p.period_end.startsWith(e.effective_period));
    if (i < 0) return;
    const ex = fixed(x(i));
    const anchor = i > pts.length * 0.6 ? 'end' : 'start';
    const lx = fixed(x(i) + (anchor === 'end' ? -5 : 5));
    const ly = 16 + (k % 2) * 15;
    out.push(
      `<line class="event" x1="${ex}" x2="${ex}" y1="${ly - 12}" y2="${fixed(y(yMin))}"/>`,
      `<text class="label" x="${lx}" y="${ly}" text-anchor="${anchor}">New baseline ${esc(shortMonth(pts[i]?.period_end ?? ''))}</text>`,
    );
  });

  // The line breaks where a month has no figure rather than bridging the gap, and never reaches
  // the month-to-date point: it is not a month's worth.
  let path = '';
  let pen = false;
  pts.forEach((p, i) => {
    if (typeof p.value === 'number' && !p.provisional) {
      path += `${pen ? 'L' : 'M'}${fixed(x(i))} ${fixed(y(p.value))} `;
      pen = true;
    } else {
      pen = false;
    }
  });
  if (path !== '') out.push(`<path class="series" d="${path.trim()}"/>`);
  pts.forEach((p, i) => {
    if (typeof p.value !== 'number') return;
    out.push(`<circle class="point${p.provisional ? ' provisional' : ''}" cx="${fixed(x(i))}" cy="${fixed(y(p.value))}" r="${p.provisional ? 4 : 3}"/>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function seriesTable(row: Row, pts: Point[], events: Event[]): string {
  const unitHead = isPercent(row.unit) ? '%' : row.unit;
  const body = pts.map((p) => {
    const ev = events.filter((e) => p.period_end.startsWith(e.effective_period)).map((e) => `New baseline starts (${e.kind.replaceAll('_', ' ')})`);
    return (
      `<tr><th scope="row">${esc(formatDate(p.period_end))}${p.provisional ? ` (${MONTH_TO_DATE})` : ''}</th><td class="num">${esc(showNum(p.value))}</td>` +
      `<td class="num">${esc(showPart(p.numerator, p.value))}</td><td class="num">${esc(showPart(p.denominator, p.value))}</td><td>${esc(ev.join('; '))}</td></tr>`
    );
  });
  return [
    '<table class="data series-table">',
    `<caption>Monthly figures behind the chart: ${esc(row.title)}</caption>`,
    `<thead><tr><th scope="col">Period ending</th><th scope="col" class="num">Value${unitHead ? ` (${esc(unitHead)})` : ''}</th><th scope="col" class="num">Numerator</th><th scope="col" class="num">Denominator</th><th scope="col">Baseline change</th></tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Page

function kpiAnchor(row: Row, i: number): string {
  return `kpi-${i + 1}-${row.kpi.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function kpiSection(m: Report, row: Row, i: number, opts: ReportOptions): string {
  const id = kpiAnchor(row, i);
  const pts = pointsFor(m, row.kpi);
  const events = eventsFor(m, row.kpi);
  const definition = opts.kpiDefinitions?.[row.kpi];
  const dates = row.period_start === row.period_end ? formatDate(row.period_end) : `${formatDate(row.period_start)} to ${formatDate(row.period_end)}`;
  const period = row.basis === 'at_date' ? periodText(row) : `${periodText(row)} (${dates})`;
  const parts = [
    `<section class="kpi" id="${id}" aria-labelledby="${id}-h">`,
    `<h2 id="${id}-h">${esc(row.title)}</h2>`,
    definition ? `<p class="definition"><strong>Definition:</strong> ${esc(definition)}</p>` : '',
    '<dl class="facts">',
    `<div><dt>Period</dt><dd>${esc(period)}</dd></div>`,
    row.value === null
      ? `<div><dt>Value</dt><dd><strong class="value">Not available</strong> — ${esc(reasonsFor(m, row).join(' '))}</dd></div>`
      : `<div><dt>Value</dt><dd><strong class="value">${esc(showNum(row.value, row.unit))}</strong></dd></div>`,
    `<div><dt>Target</dt><dd>${esc(targetText(row))}</dd></div>`,
    `<div><dt>Status</dt><dd>${statusBadge(row)}</dd></div>`,
    `<div><dt>How it is worked out</dt><dd>${esc(countsInWords(row))}</dd></div>`,
    `<div><dt>Baseline</dt><dd>${esc(baselineText(row))}</dd></div>`,
    `<div><dt>Comparable</dt><dd>${esc(comparableText(row))}</dd></div>`,
    '</dl>',
  ];
  // A withheld figure's reason is already given as its value: do not repeat it as a note.
  const shown = row.value === null ? new Set(reasonsFor(m, row)) : new Set<string>();
  const notes = row.notes.filter((n) => !shown.has(n));
  if (notes.length > 0) parts.push('<h3>Notes</h3>', `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  parts.push(benchmarkSection(row, id));
  parts.push(
    '<h3>Trend over 25 months</h3>',
    `<figure>${trendChart(row, pts, events, `${id}-chart`)}</figure>`,
    seriesTable(row, pts, events),
    `<p class="back"><a href="#summary">Back to the summary</a></p>`,
    '</section>',
  );
  return parts.filter(Boolean).join('\n');
}

function summaryTable(m: Report): string {
  return [
    '<table class="data summary" id="summary">',
    `<caption>Summary of all measures as of ${esc(formatDate(m.as_of))}</caption>`,
    '<thead><tr><th scope="col">Measure</th><th scope="col">Period</th><th scope="col">Value</th><th scope="col">Target</th><th scope="col">Status</th><th scope="col">Comparable with earlier figures</th></tr></thead>',
    '<tbody>',
    ...m.metrics.map(
      (r, i) =>
        `<tr><th scope="row"><a href="#${kpiAnchor(r, i)}">${esc(r.title)}</a></th><td>${esc(periodText(r))}</td><td>${esc(valueText(m, r))}</td>` +
        `<td>${esc(r.target === null ? 'No target' : withUnit(r.target, r.unit))}</td><td>${statusBadge(r)}</td><td>${r.comparable_with_previous ? 'Yes' : 'No — new baseline'}</td></tr>`,
    ),
    '</tbody></table>',
  ].join('\n');
}

export const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 16px; line-height: 1.45; color: #1a1a1a; background: #ffffff; }
header, main, footer { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; border-bottom: 4px solid #1d3f6e; padding-bottom: 1rem; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; color: #1d3f6e; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .75rem; color: #1d3f6e; border-bottom: 1px solid #8a8a8a; padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: #1d3f6e; }
a:focus { outline: 3px solid #c45500; outline-offset: 2px; }
.meta { margin: .25rem 0; }
table.data { border-collapse: collapse; width: 100%; margin: .75rem 0 1.25rem; font-size: .95rem; }
table.data caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
table.data th, table.data td { border: 1px solid #6b6b6b; padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.data thead th { background: #e8edf4; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data.series-table { font-size: .85rem; }
table.data.summary { table-layout: fixed; }
table.summary thead th:nth-child(1) { width: 24%; }
table.summary thead th:nth-child(2) { width: 14%; }
table.summary thead th:nth-child(3) { width: 20%; }
table.summary thead th:nth-child(4) { width: 9%; }
table.summary thead th:nth-child(5) { width: 21%; }
table.summary thead th:nth-child(6) { width: 12%; }
.status { display: inline-block; padding: .1rem .45rem; border-radius: 3px; border: 1px solid currentColor; font-weight: 600; }
.status-green { background: #e3f2e6; color: #14532d; }
.status-amber { background: #fff1cc; color: #5c3d00; }
.status-red { background: #fbe3e4; color: #7a1418; }
.status-none, .status-c { background: #eeeeee; color: #333333; }
dl.facts { margin: 0; display: grid; gap: .35rem; }
dl.facts > div { display: grid; grid-template-columns: 12rem 1fr; gap: .75rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.value { font-size: 1.15rem; }
figure { margin: 1rem 0; }
svg.chart { width: 100%; max-width: 50rem; height: auto; font-family: inherit; }
svg .grid { stroke: #d9d9d9; stroke-width: 1; }
svg .axis { stroke: #4d4d4d; stroke-width: 1; }
svg .tick { font-size: 12px; fill: #333333; }
svg .label { font-size: 12px; fill: #1a1a1a; font-weight: 600; paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
svg .series { fill: none; stroke: #1d3f6e; stroke-width: 2.5; }
svg .point { fill: #1d3f6e; }
svg .point.provisional { fill: #ffffff; stroke: #1d3f6e; stroke-width: 2; }
svg .target { stroke: #a3290f; stroke-width: 2; stroke-dasharray: 7 5; }
svg .event { stroke: #4d4d4d; stroke-width: 2; }
.evidence, .detected { color: #3d3d3d; font-size: .9rem; }
ul.events > li { margin-bottom: .75rem; }
ul.events p { margin: 0; }
footer { border-top: 1px solid #8a8a8a; margin-top: 2rem; padding-top: .75rem; padding-bottom: 2rem; font-size: .9rem; color: #3d3d3d; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { font-size: 10.5pt; }
  header, main, footer { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .back { display: none; }
  section.kpi, section.appendix { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, tr, dl.facts > div { break-inside: avoid; page-break-inside: avoid; }
  table.data thead { display: table-header-group; }
  .status, table.data thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg.chart { width: auto; max-width: 100%; height: 62mm; }
  figure { margin: 2mm 0; }
  h2 { margin-top: 0; }
  h3 { margin: 3mm 0 1mm; font-size: 11pt; }
  table.data.series-table { font-size: 8pt; margin: 1mm 0; }
  table.data.series-table th, table.data.series-table td { padding: 0 4pt; }
}
`;

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
  return ` Measures of a month show the last complete month, ${monthInWords(monthly.period_end)}; ${formatMonth(m.as_of)} so far appears in their trends as provisional (month to date).`;
}

/** The whole committee report as one HTML document. */
export function renderReport(m: Report, opts: ReportOptions = {}): string {
  const withheld = m.metrics.filter((r) => r.value === null).length;
  const notComparable = m.metrics.filter((r) => !r.comparable_with_previous).length;
  const overview = [
    `${m.metrics.length} measures.`,
    withheld > 0 ? `${withheld} ${withheld === 1 ? 'has' : 'have'} no figure this time; the section for each says why.` : '',
    notComparable > 0 ? `${notComparable} ${notComparable === 1 ? 'is' : 'are'} not comparable with earlier figures because a new baseline started.` : '',
  ].filter(Boolean);
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Children's social care performance report — ${esc(formatDate(m.as_of))}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    "<h1>Children's social care performance report</h1>",
    `<p class="meta">Figures as of <strong>${esc(formatDate(m.as_of))}</strong>.${esc(completeMonthText(m))}</p>`,
    `<p class="meta">Produced ${esc(producedAt(m.created_at))} · snapshot <code>${esc(m.snapshot_id)}</code>.</p>`,
    '</header>',
    '<main>',
    '<section aria-labelledby="summary-h">',
    '<h2 id="summary-h">Summary</h2>',
    `<p>${esc(overview.join(' '))} Status is given in words; the colour only repeats it.</p>`,
    summaryTable(m),
    '<p><a href="#baseline-events">Baseline changes</a> · <a href="#data-quality">Data gaps and data quality</a></p>',
    '</section>',
    ...m.metrics.map((r, i) => kpiSection(m, r, i, opts)),
    baselineEventsSection(m),
    dataQualitySection(m),
    '</main>',
    '<footer>',
    `<p>Produced from metrics.json (schema version ${esc(m.schema_version)}) of snapshot ${esc(m.snapshot_id)}. Each measure's definition version is recorded in the snapshot's manifest.</p>`,
    '</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
