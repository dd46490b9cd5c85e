/**
 * A KPI's 25-point trend in the committee report: an inline SVG chart (target line, new-baseline
 * markers, the month to date drawn apart as an open circle) with a text description, and the
 * table of the figures behind it, so nothing is told by the picture alone. Pure string building.
 */
import { dateInWords, monthInWords } from './dates.js';
import { periodInWords } from './headline.js';
import { esc } from './html-escape.js';
import { formatNumber, isPercent, showNum, withUnit, type Event, type Num, type Point, type Report, type Row } from './report-words.js';

function shortMonth(iso: string): string {
  const [month, year] = monthInWords(iso).split(' ');
  return `${month?.slice(0, 3)} ${year}`;
}

/** The month-to-date point in words, where the chart and its table show it. */
const MONTH_TO_DATE = 'month to date, provisional';

/** What a new baseline's kind means, in a few plain words. */
const KIND_WORDS: Record<Event['kind'], string> = {
  level_shift: 'the figure moved to a new level',
  definition_changed: 'the way it is worked out changed',
  source_schema_changed: 'the extract changed shape',
  source_codes_changed: 'new codes were recorded',
  manual: 'set by the council',
};

/** What a point is worked out from: "18 of 20", "57 cases", "45.2 ÷ 8.8"; empty for a count. */
export function basedOn(unit: string, p: { value: Num; numerator: Num; denominator: Num }): string {
  if (p.value === null) return '';
  if (p.numerator === null && p.denominator === null) return '';
  if (p.numerator === null) return `an average over ${showNum(p.denominator)}`;
  if (isPercent(unit)) return `${showNum(p.numerator)} of ${showNum(p.denominator)}`;
  return `${showNum(p.numerator)} ÷ ${showNum(p.denominator)}`;
}

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

export function pointsFor(m: Report, kpi: string): Point[] {
  return m.series.filter((p) => p.kpi === kpi).sort((a, b) => a.period_end.localeCompare(b.period_end));
}

export function eventsFor(m: Report, kpi: string): Event[] {
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
  for (const e of events) parts.push(`New baseline from ${monthInWords(e.effective_period)} (${KIND_WORDS[e.kind]}), drawn as a vertical line.`);
  return parts.join(' ');
}

export function trendChart(row: Row, pts: Point[], events: Event[], id: string): string {
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

export function seriesTable(row: Row, pts: Point[], events: Event[]): string {
  const unitHead = isPercent(row.unit) ? '%' : row.unit;
  const body = pts.map((p) => {
    const ev = events.filter((e) => p.period_end.startsWith(e.effective_period)).map((e) => `New baseline starts: ${KIND_WORDS[e.kind]}`);
    return (
      `<tr><th scope="row">${esc(dateInWords(p.period_end))}${p.provisional ? ` (${MONTH_TO_DATE})` : ''}</th><td class="num">${esc(showNum(p.value))}</td>` +
      `<td class="num">${esc(basedOn(row.unit, p))}</td><td>${esc(ev.join('; '))}</td></tr>`
    );
  });
  return [
    '<table class="data series-table">',
    `<caption>Monthly figures behind the chart: ${esc(row.title)}</caption>`,
    `<thead><tr><th scope="col">Period ending</th><th scope="col" class="num">Figure${unitHead ? ` (${esc(unitHead)})` : ''}</th><th scope="col" class="num">Worked out from</th><th scope="col">Baseline change</th></tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}
