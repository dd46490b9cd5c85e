/**
 * "How we compare" in the committee report (spec benchmarks.md): for one KPI with a comparator,
 * the council's figure for the benchmark year beside England, its region and its statistical
 * neighbours — in words, with the year named ("In 2014-15, 23.4% of our referrals were
 * re-referrals; England 24.0%, London 21.7%, our statistical neighbours 22.5% on average"), the
 * rank and quartile in words, a small bar chart with its text alternative, and the table behind
 * it. Pure string building; it shows what `metrics[].benchmark` says and computes nothing.
 * core/report-html.ts calls `benchmarkSection` once per KPI.
 */
import { capitalised, periodLabel, periodPhrase } from './benchmark.js';
import { SYMBOL_WORDS, type EesSymbol } from './ees-cells.js';
import type { Benchmark } from './metrics-contract.js';
import { esc } from './html-escape.js';
import { isPercent, withUnit } from './report-words.js';

/** A benchmark as the full or the public snapshot gives it (public: our own figure may be "c"). */
type ShownBenchmark = Omit<Benchmark, 'council_same_period'> & { council_same_period: number | 'c' | null };

export interface BenchmarkedRow {
  kpi: string;
  title: string;
  unit: string;
  polarity: 'higher' | 'lower';
  benchmark?: ShownBenchmark | null;
}

const ONE_OR_TWO_PLACES = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 2 });

/**
 * A published figure with its unit, to at least one decimal place as DfE prints them ("24.0%",
 * "16.2 children per FTE"): the report's own `withUnit` would drop a trailing ".0".
 */
function shown(n: number, unit: string): string {
  const text = ONE_OR_TWO_PLACES.format(n);
  return withUnit(0, unit).replace(/^0/, text);
}

/** What each measure's figure says, in a sentence about the council ("23.4% of our referrals were re-referrals"). */
const PHRASES: Record<string, (v: string) => string> = {
  re_referral_12m_pct: (v) => `${v} of our referrals were re-referrals`,
  cp_repeat_plan_pct: (v) => `${v} of our child protection plans were repeat plans`,
  agency_rate_fte_pct: (v) => `${v} of our social workers (FTE) were agency workers`,
  turnover_rate_fte_pct: (v) => `our social worker turnover was ${v}`,
  avg_caseload: (v) => `our average caseload was ${v}`,
};

/** A published value in words: the figure (with a low-reliability flag), or what its symbol means. */
function published(v: number | null, symbol: string | null, unit: string): string {
  if (v !== null) return symbol === 'u' ? `${shown(v, unit)} (low reliability)` : shown(v, unit);
  return symbol ? `not published (${symbol}: ${SYMBOL_WORDS[symbol as EesSymbol] ?? 'a symbol'})` : 'not published';
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

const QUARTER_WORDS: Record<string, string> = {
  A: 'quartile A, the best quarter of local authorities',
  B: 'quartile B, the second quarter',
  C: 'quartile C, the third quarter',
  D: 'quartile D, the worst quarter',
};

/** What DfE published for the council, as a clause. */
function publishedForUs(b: ShownBenchmark, unit: string): string {
  const symbol = b.symbols.council_published;
  if (b.council_published !== null) return `the Department for Education published ${published(b.council_published, symbol, unit)} for us`;
  if (symbol) return `the Department for Education’s figure for us is ${SYMBOL_WORDS[symbol] ?? 'a symbol'} (${symbol})`;
  return 'the Department for Education published no figure for us';
}

/** The sentence of the spec: our figure, England, the region and the neighbours, with the year named. */
export function benchmarkSentence(row: BenchmarkedRow, b: ShownBenchmark): string {
  const when = capitalised(periodPhrase(b.period_start, b.period_end));
  const phrase = PHRASES[row.kpi] ?? ((v: string) => `our figure was ${v}`);
  const ofUs = publishedForUs(b, row.unit);
  let ours: string;
  if (b.council_same_period === 'c') ours = `${phrase('c (suppressed: a small number)')} (${ofUs})`;
  else if (b.council_same_period !== null) ours = `${phrase(shown(b.council_same_period, row.unit))} (${ofUs})`;
  else ours = `${ofUs}, and our own figure for that year is not available`;
  const others = [
    `England ${published(b.england, null, row.unit)}`,
    ...(b.region_name ? [`${b.region_name} ${published(b.region, null, row.unit)}`] : []),
    ...(b.statistical_neighbours?.mean !== null && b.statistical_neighbours !== null ? [`our statistical neighbours ${shown(b.statistical_neighbours.mean, row.unit)} on average`] : []),
  ];
  return `${when}, ${ours}; ${others.join(', ')}.`;
}

/** The rank and quartile in words, and who is missing from the neighbours. */
export function rankSentence(row: BenchmarkedRow, b: ShownBenchmark): string {
  const better = row.polarity === 'higher' ? 'higher is better' : 'lower is better';
  const rank =
    b.rank !== null && b.quartile !== null
      ? `Ranked ${ordinal(b.rank)} of ${b.of} local authorities with a published figure (1st is best: ${better}), in ${QUARTER_WORDS[b.quartile]}.`
      : `Not ranked: the council has no published figure for that year (${b.of} local authorities have one).`;
  const sn = b.statistical_neighbours;
  if (!sn) return rank;
  const median = sn.median === null ? '' : `, median ${shown(sn.median, row.unit)}`;
  const missing = sn.missing.length > 0 ? `; no published figure for ${sn.missing.join(', ')}` : '';
  return `${rank} Statistical neighbours: ${sn.count} with a figure${median}${missing}.`;
}

interface Bar {
  label: string;
  value: number;
  ours: boolean;
}

function bars(b: ShownBenchmark): Bar[] {
  const out: Bar[] = [];
  if (typeof b.council_same_period === 'number') out.push({ label: 'Our figure (same definition)', value: b.council_same_period, ours: true });
  if (b.council_published !== null) out.push({ label: 'Our published figure', value: b.council_published, ours: true });
  if (b.england !== null) out.push({ label: 'England', value: b.england, ours: false });
  if (b.region !== null && b.region_name) out.push({ label: b.region_name, value: b.region, ours: false });
  if (b.statistical_neighbours?.mean !== null && b.statistical_neighbours) out.push({ label: 'Statistical neighbours (average)', value: b.statistical_neighbours.mean, ours: false });
  return out;
}

const W = 640;
const LABEL_W = 250;
const VALUE_W = 90;
const BAR_H = 22;
const GAP = 10;
const fixed = (n: number): string => (Math.round(n * 10) / 10).toString();

function chart(row: BenchmarkedRow, b: ShownBenchmark, id: string, description: string): string {
  const items = bars(b);
  if (items.length === 0) return '';
  const max = Math.max(...items.map((x) => Math.abs(x.value)), isPercent(row.unit) ? 1 : 0.1);
  const plot = W - LABEL_W - VALUE_W;
  const h = items.length * (BAR_H + GAP) + GAP;
  const out = [
    `<svg class="benchmark-chart" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">How we compare: ${esc(row.title)}, ${esc(periodLabel(b.period_start, b.period_end))}</title>`,
    `<desc id="${id}-desc">${esc(description)}</desc>`,
  ];
  items.forEach((x, k) => {
    const y = GAP + k * (BAR_H + GAP);
    const width = Math.max(1, (Math.abs(x.value) / max) * plot);
    out.push(
      `<text x="${LABEL_W - 8}" y="${fixed(y + BAR_H / 2 + 4)}" text-anchor="end" font-size="13" fill="#1a1a1a">${esc(x.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y}" width="${fixed(width)}" height="${BAR_H}" fill="${x.ours ? '#1d3f6e' : '#6b6b6b'}"/>`,
      `<text x="${fixed(LABEL_W + width + 6)}" y="${fixed(y + BAR_H / 2 + 4)}" font-size="13" fill="#1a1a1a">${esc(shown(x.value, row.unit))}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

function table(row: BenchmarkedRow, b: ShownBenchmark): string {
  const line = (label: string, value: string) => `<tr><th scope="row">${esc(label)}</th><td class="num">${esc(value)}</td></tr>`;
  const ours = b.council_same_period === 'c' ? 'c (suppressed: a small number)' : b.council_same_period === null ? 'not available' : shown(b.council_same_period, row.unit);
  return [
    '<table class="data benchmark-table">',
    `<caption>The figures behind the comparison: ${esc(row.title)}, ${esc(periodLabel(b.period_start, b.period_end))}</caption>`,
    '<thead><tr><th scope="col">Who</th><th scope="col" class="num">Figure</th></tr></thead>',
    '<tbody>',
    line('Our figure (same definition, tonight’s data)', ours),
    line('Our published figure (Department for Education)', published(b.council_published, b.symbols.council_published, row.unit)),
    line('England', published(b.england, null, row.unit)),
    line(b.region_name ?? 'Our region', published(b.region, null, row.unit)),
    line('Statistical neighbours, mean', b.statistical_neighbours?.mean === null || !b.statistical_neighbours ? 'not available' : shown(b.statistical_neighbours.mean, row.unit)),
    line('Statistical neighbours, median', b.statistical_neighbours?.median === null || !b.statistical_neighbours ? 'not available' : shown(b.statistical_neighbours.median, row.unit)),
    line('Rank', b.rank === null ? 'not ranked' : `${b.rank} of ${b.of}`),
    line('Quartile', b.quartile ?? 'none'),
    '</tbody></table>',
  ].join('\n');
}

/** The HTML for one KPI's comparison; empty when it has none (its notes say why). */
export function benchmarkSection(row: BenchmarkedRow, id: string): string {
  const b = row.benchmark;
  if (!b) return '';
  const sentence = benchmarkSentence(row, b);
  const ranked = rankSentence(row, b);
  return [
    '<h4>How we compare</h4>',
    `<p class="benchmark">${esc(sentence)}</p>`,
    `<p class="benchmark">${esc(ranked)}</p>`,
    `<figure>${chart(row, b, `${id}-benchmark`, `${sentence} ${ranked}`)}</figure>`,
    table(row, b),
    `<p class="evidence">Source: ${esc(b.file)} (Department for Education, Explore Education Statistics), time period ${esc(b.time_period)}.</p>`,
  ].join('\n');
}
