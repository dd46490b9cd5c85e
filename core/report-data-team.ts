/**
 * The committee report's last section, "For the data team" (`<section id="data-team">`): every
 * technical detail the body leaves out — the snapshot id, each KPI's id, definition version and
 * precise definition, notes and baseline reasons as published (with their file and config
 * names), baseline events with their full evidence (statistics, method), data gaps as recorded,
 * and every file received with its sha256. Nothing here is needed to read the figures.
 */
import { dateInWords, monthInWords } from './dates.js';
import { esc } from './html-escape.js';
import { planForDataTeam } from './report-plan.js';
import { groupedInScorecardOrder } from './scorecard-groups.js';
import { formatNumber, isCommentarySource, type Event, type Report, type Row, type Source } from './report-words.js';
import { shownName, shownReasonOrNull } from './shown-text.js';

export interface DataTeamOptions {
  /** Precise definition per KPI id (the KPI metadata's `definition`). */
  kpiDefinitions?: Record<string, string>;
  /** Whether this is the public variant (small numbers suppressed, no commentary). */
  publicVariant: boolean;
}

const SOURCE_STATUS_WORDS: Record<string, string> = {
  loaded: 'Loaded tonight',
  already_loaded: 'Already loaded on an earlier night',
  rejected: 'Rejected (whole file)',
  after_as_of: 'Dated after the as-of date; left for a later night',
  superseded: 'Not counted: the same extract came in a file whose name sorts later',
  // A workbook sheet; an entry of the landing folder that is ignored is 'not read' (whatHappened).
  ignored: 'Ignored: not one of the lists',
};

/** A source as the appendix shows it: its name (with its sheet, for a workbook's) and reason in their shown form, whatever metrics.json says. */
function shownSource(s: Source): Source {
  return { ...s, file: s.sheet ? `${shownName(s.file)}, sheet “${shownName(s.sheet)}”` : shownName(s.file), reason: shownReasonOrNull(s.reason) };
}

function whatHappened(s: Source): string {
  const words =
    s.sheet && s.status === 'rejected'
      ? 'Rejected (whole sheet)'
      : !s.sheet && s.status === 'ignored'
        ? 'Not read (not where a source lives)'
        : (SOURCE_STATUS_WORDS[s.status] ?? s.status);
  if (!s.reason) return words;
  return s.status === 'rejected' || s.status === 'superseded' || s.status === 'ignored' ? `${words}: ${s.reason}` : `${words}; ${s.reason}`;
}

function recency(s: Source): string {
  if (!s.used) return 'Not used';
  if (s.age_days === null) return s.stale ? 'Not known — out of date' : 'Not applicable';
  const age = s.age_days === 1 ? '1 day old' : `${formatNumber(s.age_days)} days old`;
  return s.stale ? `${age} — out of date` : age;
}

function dateOf(s: Source): string {
  if (!s.extract_date) return 'not known';
  return isCommentarySource(s.source) ? `for ${monthInWords(s.extract_date)}` : dateInWords(s.extract_date);
}

function filesTable(m: Report): string {
  if (m.data_quality.sources.length === 0) return '<p>No files were found in the landing folder.</p>';
  return [
    '<table class="data files">',
    '<caption>Every file found in the landing folder for this run, and what was done with it</caption>',
    '<thead><tr><th scope="col">File</th><th scope="col">Source</th><th scope="col">Extract date</th><th scope="col">What happened</th><th scope="col">Used</th><th scope="col">How recent</th><th scope="col" class="num">Rows loaded</th><th scope="col" class="num">Rows rejected</th><th scope="col">sha256</th></tr></thead>',
    '<tbody>',
    ...m.data_quality.sources.map(shownSource).map(
      (s) =>
        `<tr><th scope="row">${esc(s.file)}</th><td>${esc(s.source)}</td><td>${esc(dateOf(s))}</td><td>${esc(whatHappened(s))}</td>` +
        `<td>${s.used ? 'Yes' : 'No'}</td><td>${esc(recency(s))}</td><td class="num">${esc(formatNumber(s.rows_loaded))}</td>` +
        `<td class="num">${esc(formatNumber(s.rows_rejected))}</td><td><code class="hash">${esc(s.sha256 ?? 'none')}</code></td></tr>`,
    ),
    '</tbody></table>',
  ].join('\n');
}

function evidenceItems(ev: Record<string, unknown>): string {
  const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const items = Object.entries(ev).map(([k, v]) => `<li><code>${esc(k)}</code>: ${esc(show(v))}</li>`);
  return items.length > 0 ? `<ul class="evidence">${items.join('')}</ul>` : '';
}

function eventItem(m: Report, e: Event): string {
  const title = m.metrics.find((r) => r.kpi === e.kpi)?.title ?? e.kpi;
  return `<li><p><strong>${esc(title)}</strong> (<code>${esc(e.kpi)}</code>): <code>${esc(e.kind)}</code> effective ${esc(e.effective_period)}, detected in snapshot <code>${esc(e.detected_in)}</code>.</p>${evidenceItems(e.evidence)}</li>`;
}

function measure(row: Row, opts: DataTeamOptions): string {
  const def = opts.kpiDefinitions?.[row.kpi];
  const b = row.baseline;
  const baseline = b
    ? `${b.value === null ? 'no value' : String(b.value)} for the period ending ${b.period_end}, since ${b.since}: ${b.reason}`
    : 'none';
  const c = row.commentary;
  const facts: [string, string][] = [
    ['KPI id', `<code>${esc(row.kpi)}</code>`],
    ['Definition version', `<code class="hash">${esc(row.definition_version)}</code>`],
    ['Basis and period', esc(`${row.basis}, ${row.period_start} to ${row.period_end}`)],
    ['Published value', esc(`value ${String(row.value)}, numerator ${String(row.numerator)}, denominator ${String(row.denominator)}, status ${row.status}, comparable with previous ${String(row.comparable_with_previous)}, stale ${String(row.stale)}`)],
    ['Baseline as recorded', esc(baseline)],
  ];
  if (def) facts.splice(2, 0, ['Definition', esc(def)]);
  if (!opts.publicVariant) facts.push(['Commentary', esc(c ? `from commentary/${c.file} (${c.month}), by ${c.author_role}` : 'none for this month')]);
  return [
    `<h4>${esc(row.title)}</h4>`,
    '<dl class="facts">',
    ...facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`),
    '</dl>',
    row.notes.length > 0 ? `<p>Notes as published:</p><ul class="notes">${row.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '<p>No notes.</p>',
  ].join('\n');
}

export function dataTeamSection(m: Report, opts: DataTeamOptions): string {
  const order = groupedInScorecardOrder(m.metrics).flatMap((g) => g.rows);
  return [
    '<section id="data-team" class="appendix" aria-labelledby="data-team-h">',
    '<h2 id="data-team-h">For the data team</h2>',
    '<p>The technical record behind this report: identifiers, definition versions, the notes and evidence as the pipeline wrote them, and every file received. The figures and sentences above do not depend on reading it.</p>',
    '<h3>This snapshot</h3>',
    '<dl class="facts">',
    `<div><dt>Snapshot id</dt><dd><code>${esc(m.snapshot_id)}</code></dd></div>`,
    `<div><dt>As of</dt><dd>${esc(m.as_of)}</dd></div>`,
    `<div><dt>Created at</dt><dd>${esc(m.created_at)}</dd></div>`,
    `<div><dt>Made from</dt><dd>metrics.json, schema version ${esc(m.schema_version)}${opts.publicVariant ? ' (the public variant: small numbers suppressed, managers’ commentary left out)' : ''}; the manifest (manifest.json) lists every file’s sha256 and each KPI’s definition version.</dd></div>`,
    '</dl>',
    '<h3>Measures</h3>',
    ...order.map((r) => measure(r, opts)),
    '<h3>Baseline events</h3>',
    m.baseline_events.length === 0 ? '<p>None in this snapshot.</p>' : `<ul class="events">${m.baseline_events.map((e) => eventItem(m, e)).join('\n')}</ul>`,
    '<h3>Data gaps as recorded</h3>',
    m.data_quality.gaps.length === 0
      ? '<p>None.</p>'
      : `<ul>${m.data_quality.gaps.map((g) => `<li><code>${esc(g.kpi)}</code>: ${esc(g.reason)}</li>`).join('')}</ul>`,
    planForDataTeam(m),
    '<h3>Every file received</h3>',
    filesTable(m),
    '</section>',
  ].join('\n');
}
