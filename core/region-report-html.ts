/**
 * The regional report: one self-contained, accessible HTML page from a regional snapshot's
 * region.json, in the council report's style (core/report-html.ts: its stylesheet, its words for
 * dates and figures). A table of councils × measures with each status in words, then for each
 * measure the region's spread and every council against the regional median, with its rank and
 * quartile. Which councils failed or are stale tonight is said first.
 *
 * Pure string building: no IO, no scripts, nothing external (the Content-Security-Policy forbids
 * it). It shows what region.json says and computes nothing new.
 */
import { escapeHtml as esc } from './html-escape.js';
import { REPORT_CSS as CSS } from './report-css.js';
import { formatDate, producedAt } from './report-html.js';
import { isPercent, withUnit } from './report-words.js';
import { round1 } from './region-rollup.js';
import type { RegionCouncilEntry, RegionKpi, RegionRank, RegionSnapshotFile, RegionSummary, RegionValue } from './region-snapshot.js';

const REGION_CSS = `
.scroll { overflow-x: auto; margin: .75rem 0 1.25rem; }
.scroll:focus { outline: 3px solid #c45500; outline-offset: 2px; }
.scroll table.data { margin: 0; }
table.grid th, table.grid td { min-width: 7.5rem; }
table.grid th[scope="row"] { min-width: 14rem; }
.note { color: #3d3d3d; }
@media print { .scroll { overflow: visible; } section.region-kpi { break-before: page; page-break-before: always; } }
`;

const STATUS_WORDS: Record<RegionValue['status'], string> = {
  green: 'Green — meets or beats target',
  amber: 'Amber — worse than target, within tolerance',
  red: 'Red — worse than target',
  none: 'No status',
};

/** The grid's short form; its legend gives the long one. */
const STATUS_SHORT: Record<RegionValue['status'], string> = { green: 'Green', amber: 'Amber', red: 'Red', none: 'No status' };

const QUARTILE_WORDS: Record<RegionRank['quartile'], string> = {
  A: 'A (best quarter)',
  B: 'B (second quarter)',
  C: 'C (third quarter)',
  D: 'D (bottom quarter)',
};

function show(n: number | null, unit: string): string {
  return n === null ? 'not available' : withUnit(n, unit);
}

function anchor(k: RegionKpi, i: number): string {
  return `measure-${i + 1}-${k.kpi.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function councilStatusText(c: RegionCouncilEntry): string {
  switch (c.status) {
    case 'published':
      return c.reason ? `Published for this date — ${c.reason}` : 'Published tonight';
    case 'stale':
      return `Stale — ${c.reason ?? 'tonight’s night did not publish'}`;
    case 'failed':
      return `Failed — ${c.reason ?? 'no reason was recorded'}`;
  }
}

function signatureText(c: RegionCouncilEntry): string {
  switch (c.signature) {
    case 'signed':
      return 'Signed, and the signature checked';
    case 'unsigned':
      return 'Unsigned: its files match its manifest, but nothing proves the manifest';
    case 'unchecked':
      return 'Signed, but not checked (no signing key where the region ran)';
    case null:
      return 'No snapshot used';
  }
}

function councilsSection(r: RegionSnapshotFile): string {
  const count = (s: RegionCouncilEntry['status']) => r.councils.filter((c) => c.status === s).length;
  const words = [`${r.councils.length} councils: ${count('published')} published tonight`];
  if (count('stale') > 0) words.push(`${count('stale')} stale (shown from an earlier night, left out of the region's figures)`);
  if (count('failed') > 0) words.push(`${count('failed')} failed (no figures)`);
  return [
    '<section aria-labelledby="councils-h">',
    '<h2 id="councils-h">Councils tonight</h2>',
    `<p>${esc(words.join('; '))}. The region's averages, ranks and quartiles use only the councils published tonight.</p>`,
    '<table class="data">',
    '<caption>Each council, how its night went, and the snapshot its figures come from</caption>',
    '<thead><tr><th scope="col">Council</th><th scope="col">LA code</th><th scope="col">Tonight</th><th scope="col">Figures from</th><th scope="col">Snapshot check</th></tr></thead>',
    '<tbody>',
    ...r.councils.map(
      (c) =>
        `<tr><th scope="row">${esc(c.name)}</th><td>${esc(c.la_code)}</td><td>${esc(councilStatusText(c))}</td>` +
        `<td>${esc(c.snapshot_as_of ? `The night of ${formatDate(c.snapshot_as_of)}` : 'No figures')}</td><td>${esc(signatureText(c))}</td></tr>`,
    ),
    '</tbody></table>',
    '</section>',
  ].join('\n');
}

/** A status in words, coloured as in the council report (the colour only repeats the words). */
function badge(status: RegionValue['status'], words: Record<RegionValue['status'], string> = STATUS_WORDS): string {
  return `<span class="status status-${esc(status)}">${esc(words[status])}</span>`;
}

function cellHtml(r: RegionSnapshotFile, k: RegionKpi, c: RegionCouncilEntry): string {
  if (c.status === 'failed') return 'No figures — the night failed';
  const v = r.values.find((x) => x.kpi === k.kpi && x.council === c.id);
  if (!v) return 'Not in this council’s snapshot';
  const figure = v.value === null ? 'Not available' : withUnit(v.value, k.unit);
  const stale = c.status === 'stale' && c.snapshot_as_of ? ` (stale: from ${formatDate(c.snapshot_as_of)})` : '';
  return `${esc(figure + stale)}<br>${badge(v.status, STATUS_SHORT)}`;
}

function gridSection(r: RegionSnapshotFile): string {
  return [
    '<section aria-labelledby="grid-h">',
    '<h2 id="grid-h">All measures by council</h2>',
    '<p>Each council’s headline figure with its status against its own target, in words (the colour only repeats them): ' +
      'Green meets or beats the target; Amber is worse than the target, within tolerance; Red is worse than the target; No status where there is no target or no figure.</p>',
    '<div class="scroll" role="region" aria-labelledby="grid-caption" tabindex="0">',
    '<table class="data grid" id="grid">',
    `<caption id="grid-caption">Every measure for every council as of ${esc(formatDate(r.as_of))}</caption>`,
    `<thead><tr><th scope="col">Measure</th>${r.councils.map((c) => `<th scope="col">${esc(c.name)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...r.kpis.map(
      (k, i) => `<tr><th scope="row"><a href="#${anchor(k, i)}">${esc(k.title)}</a></th>${r.councils.map((c) => `<td>${cellHtml(r, k, c)}</td>`).join('')}</tr>`,
    ),
    '</tbody></table>',
    '</div>',
    '</section>',
  ].join('\n');
}

/** "2.1 percentage points above the regional median — better". */
export function againstMedianText(rank: RegionRank, k: RegionKpi): string {
  const d = rank.difference_from_median;
  if (d === 0) return 'At the regional median';
  const size = isPercent(k.unit) ? `${withUnit(Math.abs(d), 'count')} percentage ${Math.abs(d) === 1 ? 'point' : 'points'}` : withUnit(Math.abs(d), k.unit);
  const better = (k.polarity === 'higher') === d > 0;
  return `${size} ${d > 0 ? 'above' : 'below'} the regional median — ${better ? 'better' : 'worse'}`;
}

function spreadText(s: RegionSummary, k: RegionKpi, r: RegionSnapshotFile): string {
  if (s.councils === 0) return 'No council published tonight has a figure for this measure, so the region has no spread for it.';
  const ranked = r.ranks.filter((x) => x.kpi === k.kpi).map((x) => x.council);
  const valueOf = (id: string) => r.values.find((v) => v.kpi === k.kpi && v.council === id)?.value ?? null;
  const who = (n: number | null) => ranked.filter((id) => n !== null && valueOf(id) !== null && round1(valueOf(id)!) === n).map((id) => r.councils.find((c) => c.id === id)?.name ?? id);
  const better = k.polarity === 'higher' ? 'higher is better' : 'lower is better';
  return (
    `${s.councils} ${s.councils === 1 ? 'council has' : 'councils have'} a figure (${better}). ` +
    `Mean ${show(s.mean, k.unit)}, median ${show(s.median, k.unit)}; ` +
    `lowest ${show(s.min, k.unit)} (${who(s.min).join(', ')}), highest ${show(s.max, k.unit)} (${who(s.max).join(', ')}).`
  );
}

function kpiSection(r: RegionSnapshotFile, k: RegionKpi, i: number): string {
  const id = anchor(k, i);
  const s = r.summary.find((x) => x.kpi === k.kpi);
  const rows = r.councils.map((c) => {
    const v = r.values.find((x) => x.kpi === k.kpi && x.council === c.id);
    const rank = r.ranks.find((x) => x.kpi === k.kpi && x.council === c.id);
    const figure = c.status === 'failed' ? 'No figures — the night failed' : v ? show(v.value, k.unit) : 'Not in this council’s snapshot';
    const period = v ? formatDate(v.period_end) : '—';
    const place = rank
      ? [againstMedianText(rank, k), `${rank.rank} of ${rank.of}`, QUARTILE_WORDS[rank.quartile]]
      : [c.status === 'stale' ? 'Not compared: stale figures' : c.status === 'failed' ? 'Not compared: the night failed' : 'Not compared: no figure tonight', '—', '—'];
    const neighbours = r.neighbours === null ? [] : [rank?.neighbours_median != null ? show(rank.neighbours_median, k.unit) : 'None with a figure'];
    return (
      `<tr><th scope="row">${esc(c.name)}</th><td class="num">${esc(figure)}</td><td>${esc(period)}</td>` +
      `<td>${v ? badge(v.status) : 'No status'}</td>${[...place, ...neighbours].map((t) => `<td>${esc(t)}</td>`).join('')}</tr>`
    );
  });
  return [
    `<section class="region-kpi" id="${id}" aria-labelledby="${id}-h">`,
    `<h2 id="${id}-h">${esc(k.title)}</h2>`,
    `<p><strong>The region’s spread:</strong> ${esc(s ? spreadText(s, k, r) : 'not worked out.')}</p>`,
    '<table class="data">',
    `<caption>${esc(k.title)}: each council against the regional median</caption>`,
    '<thead><tr><th scope="col">Council</th><th scope="col" class="num">Figure</th><th scope="col">Period ending</th><th scope="col">Status</th>' +
      '<th scope="col">Against the regional median</th><th scope="col">Rank in the region</th><th scope="col">Quartile</th>' +
      `${r.neighbours === null ? '' : '<th scope="col">Its statistical neighbours in the region (median)</th>'}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    '<p class="back"><a href="#grid">Back to all measures</a></p>',
    '</section>',
  ].join('\n');
}

const ordinal = (n: number): string => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;

function neighboursSection(r: RegionSnapshotFile): string {
  if (r.neighbours === null) return '';
  const name = (id: string) => r.councils.find((c) => c.id === id)?.name ?? id;
  const items = r.neighbours.map((n) => {
    const list = n.nearest.map((x) => `${name(x.council)} (${ordinal(x.position)} nearest${x.closeness ? `, ${x.closeness.toLowerCase()}` : ''})`);
    return `<li>${esc(name(n.council))}: ${esc(list.length > 0 ? list.join('; ') : 'none of its statistical neighbours is in the region')}</li>`;
  });
  return [
    '<section aria-labelledby="neighbours-h">',
    '<h2 id="neighbours-h">Statistical neighbours within the region</h2>',
    '<p>From the Department for Education’s statistical neighbour model: each council’s ten nearest, keeping those in this region, nearest first.</p>',
    `<ul>${items.join('')}</ul>`,
    '</section>',
  ].join('\n');
}

function notesSection(r: RegionSnapshotFile): string {
  if (r.notes.length === 0) return '';
  return ['<section aria-labelledby="notes-h">', '<h2 id="notes-h">Notes on tonight’s regional figures</h2>', `<ul>${r.notes.map((n) => `<li class="note">${esc(n)}</li>`).join('')}</ul>`, '</section>'].join('\n');
}

export function renderRegionReport(r: RegionSnapshotFile): string {
  const title = r.region ? `${r.region}: children's social care performance across the region` : "Children's social care performance across the region";
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)} — ${esc(formatDate(r.as_of))}</title>`,
    `<style>${CSS}${REGION_CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${esc(title)}</h1>`,
    `<p class="meta">Figures as of <strong>${esc(formatDate(r.as_of))}</strong>, from each council’s own published snapshot: figures only, no record about a child leaves a council.</p>`,
    `<p class="meta">Produced ${esc(producedAt(r.created_at))} · regional snapshot <code>${esc(r.snapshot_id)}</code>.</p>`,
    '</header>',
    '<main>',
    councilsSection(r),
    gridSection(r),
    ...r.kpis.map((k, i) => kpiSection(r, k, i)),
    ...[neighboursSection(r), notesSection(r)].filter(Boolean),
    '</main>',
    '<footer>',
    `<p>Produced from region.json (schema version ${esc(r.schema_version)}) of regional snapshot ${esc(r.snapshot_id)}. Each council's snapshot is named in the regional snapshot's manifest.</p>`,
    '</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
