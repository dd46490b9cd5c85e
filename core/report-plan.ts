/**
 * The report's "Improvement plan" section (issue 17), rendered from metrics.json's
 * `improvement_plan` (full or public: the public copy has no owners, so none are shown): one
 * sentence with the whole plan's progress, a table by area, then each area's actions with the
 * figure of the measure each is meant to move beside it, what slipped, and the notes a councillor
 * can read. Empty when the snapshot has no plan. The notes as recorded, with the tracker's file,
 * go to the data team's appendix (`planForDataTeam`). Pure string building, like
 * core/report-html.ts, with its escaping and number words.
 */
import { dateInWords } from './dates.js';
import { esc } from './html-escape.js';
import type { PlanAction, PlanFigures, PublicImprovementPlan } from './metrics-contract.js';
import { isTechnical, withUnit } from './report-words.js';

/** What the section reads of a snapshot: its plan and its KPIs' headline figures. */
export interface PlanReportInput {
  as_of: string;
  improvement_plan?: PublicImprovementPlan | null;
  metrics: { kpi: string; title: string; value: number | string | null; unit: string; status: string }[];
}

type Action = Omit<PlanAction, 'owner'> & { owner?: string | null };

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const NO_AREA = 'No area given';

const STATUS_WORDS: Record<string, string> = { green: 'green', amber: 'amber', red: 'red' };

/** "30 complete (73.2%)", or that it is withheld. */
function completeText(f: PlanFigures): string {
  if (f.complete === null) return 'how many are complete is withheld (see the notes below)';
  return `${f.complete} complete${f.pct_complete === null ? '' : ` (${withUnit(f.pct_complete, '%')})`}`;
}

/** The plan in one sentence: "41 actions, 30 complete (73.2%); 4 overdue, 2 slipped since 31 January 2015." */
export function planSentence(p: PublicImprovementPlan): string {
  const t = p.totals;
  const overdue = t.overdue === null ? 'overdue withheld' : `${t.overdue} overdue`;
  const slipped =
    t.slipped === null || p.compared_with === null
      ? 'slips not counted (no earlier plan to compare with)'
      : `${t.slipped} slipped since ${dateInWords(p.compared_with.as_of)}`;
  return `${plural(t.actions, 'action')}, ${completeText(t)}; ${overdue}, ${slipped}.`;
}

function count(n: number | null, pct = false): string {
  if (n === null) return 'withheld';
  return pct ? withUnit(n, '%') : String(n);
}

function areaTable(p: PublicImprovementPlan): string {
  const rows = p.by_area.map(
    (a) =>
      `<tr><th scope="row">${esc(a.area ?? NO_AREA)}</th><td class="num">${a.actions}</td><td class="num">${count(a.complete)}</td>` +
      `<td class="num">${count(a.pct_complete, true)}</td><td class="num">${count(a.overdue)}</td><td class="num">${a.slipped === null ? 'not counted' : a.slipped}</td></tr>`,
  );
  return [
    '<table class="data">',
    '<caption>Progress by area</caption>',
    '<thead><tr><th scope="col">Area</th><th scope="col">Actions</th><th scope="col">Complete</th><th scope="col">% complete</th><th scope="col">Overdue</th><th scope="col">Slipped</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

/** The figure of the measure an action is meant to move, in words. */
function measureText(kpi: string | null, metrics: PlanReportInput['metrics']): string {
  if (kpi === null) return '—';
  const m = metrics.find((r) => r.kpi === kpi);
  if (!m) return '—';
  const value = m.value === null ? 'no figure this time' : typeof m.value === 'string' ? `${m.value} (suppressed: a small number)` : withUnit(m.value, m.unit);
  const status = STATUS_WORDS[m.status];
  return `${m.title}: ${value}${status ? ` (${status})` : ''}`;
}

function statusText(a: Action): string {
  const parts = [a.status_known ? a.status : `${a.status} (not a known status)`];
  if (a.overdue === true) parts.push('overdue');
  return parts.join(' — ');
}

function actionsTable(area: string | null, actions: Action[], metrics: PlanReportInput['metrics'], withOwner: boolean): string {
  const name = area ?? NO_AREA;
  const rows = actions.map((a) => {
    const what = a.action ?? '';
    return (
      `<tr><th scope="row" style="white-space: nowrap">${esc(a.action_id)}</th><td>${esc(what)}</td>` +
      (withOwner ? `<td>${esc(a.owner ?? '—')}</td>` : '') +
      `<td>${a.due_date ? esc(dateInWords(a.due_date)) : 'No date'}</td><td>${esc(statusText(a))}</td>` +
      `<td>${a.completed_date ? esc(dateInWords(a.completed_date)) : '—'}</td><td>${esc(measureText(a.linked_kpi, metrics))}</td></tr>`
    );
  });
  return [
    `<h3>${esc(name)}</h3>`,
    '<table class="data">',
    `<caption>${esc(name)}: ${plural(actions.length, 'action')}</caption>`,
    '<thead><tr><th scope="col">Ref</th><th scope="col">Action</th>' +
      (withOwner ? '<th scope="col">Lead</th>' : '') +
      '<th scope="col">Due</th><th scope="col">Status</th><th scope="col">Completed</th><th scope="col">Measure it should move</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function slipsList(p: PublicImprovementPlan): string {
  if (p.slipped.length === 0 || p.compared_with === null) return '';
  const items = p.slipped.map((s) =>
    s.what === 'due_date'
      ? `<li>${esc(s.action_id)}: due date moved from ${esc(dateInWords(s.from))} to ${esc(dateInWords(s.to))}</li>`
      : `<li>${esc(s.action_id)}: status went back from ${esc(s.from)} to ${esc(s.to)}</li>`,
  );
  return [`<h3>Slipped since ${esc(dateInWords(p.compared_with.as_of))}</h3>`, `<ul>${items.join('\n')}</ul>`].join('\n');
}

/** The notes a councillor reads; technical ones (a fix in JSON, a file name) are left to the data team's appendix. */
function notesPart(p: PublicImprovementPlan): string {
  const plain = p.notes.filter((n) => !isTechnical(n));
  const technical = p.notes.length - plain.length;
  if (technical > 0) plain.push('Some entries in the tracker need correcting by the data team; the section for the data team says which and how.');
  if (plain.length === 0) return '';
  return ['<h3>Notes on the plan</h3>', `<ul>${plain.map((n) => `<li>${esc(n)}</li>`).join('\n')}</ul>`].join('\n');
}

/** The section, or '' when the snapshot has no improvement plan. */
export function planSection(m: PlanReportInput): string {
  const p = m.improvement_plan;
  if (!p) return '';
  const actions = p.actions as Action[];
  const withOwner = actions.some((a) => a.owner !== undefined);
  const from = p.tracker_date ? `the plan tracker dated ${dateInWords(p.tracker_date)}` : 'the plan tracker in the landing folder';
  return [
    '<section class="group" id="improvement-plan" aria-labelledby="improvement-plan-h">',
    '<h2 id="improvement-plan-h">Improvement plan</h2>',
    `<p class="value">${esc(planSentence(p))}</p>`,
    `<p>From ${esc(from)}. An action counts as complete when its status says so and it has a completion date on or before ${esc(dateInWords(m.as_of))}; it is overdue when it was due before that date and is not complete.</p>`,
    areaTable(p),
    ...p.by_area.map((a) => actionsTable(a.area, actions.filter((x) => x.area === a.area), m.metrics, withOwner)),
    slipsList(p),
    notesPart(p),
    '</section>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The plan's part of the data team's appendix: the tracker read and every note as recorded; '' without a plan. */
export function planForDataTeam(m: Pick<PlanReportInput, 'improvement_plan'>): string {
  const p = m.improvement_plan;
  if (!p) return '';
  const compared = p.compared_with ? `slips counted against snapshot <code>${esc(p.compared_with.snapshot_id)}</code>` : 'no slips counted';
  return [
    '<h3>Improvement plan</h3>',
    `<p>Tracker read: ${esc(p.file)}${p.tracker_date ? `, dated ${esc(p.tracker_date)}` : ' (undated)'}; ${compared}.</p>`,
    p.notes.length === 0 ? '<p>No notes.</p>' : `<ul>${p.notes.map((n) => `<li>${esc(n)}</li>`).join('\n')}</ul>`,
  ].join('\n');
}
