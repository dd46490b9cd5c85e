/**
 * What changed between two published snapshots A and B (`csc-kpi snapshots diff A B`), pure:
 *
 * - current values: each KPI's headline figure (value, numerator, denominator, status), listed
 *   only when the figure itself changed: each side is labelled with its own period (a month KPI's
 *   headline may be the month before as-of), so a figure that merely moved to a new period with
 *   the same numbers is not a change;
 * - definition changes: a KPI whose definition version differs;
 * - new baseline events: events in B that A did not have (same KPI, kind and effective period);
 * - restatements: a past period present in both series whose figure changed — because a later
 *   extract changed past rows (or, when the definition version also changed, because the
 *   definition did: flagged, since then it is not a restatement of the same figure). A period
 *   that is both sides' headline is a current value, not a restatement, and a provisional
 *   (month-to-date) point is never compared as one;
 * - source files: the files used by B and not A (added) and by A and not B (removed), per list;
 * - the improvement plan: actions completed, added, slipped and reopened (core/plan-diff.ts);
 * - benchmark years: a KPI whose benchmark year moved (a new year published; core/benchmark.ts).
 *
 * The source rows behind a restatement come from the warehouse (activities/snapshot-restatements.ts);
 * this module only says which (KPI, period) pairs to look for, the date window each covers, and
 * how to print the answer. Nothing here names a child: rows are given by file and line.
 */
import { shownName } from './shown-text.js';
import { dateInWords } from './dates.js';
import { periodInWords, periodStartOf, type Basis } from './headline.js';
import type { BaselineEvent, MetricsFile } from './metrics-contract.js';
import { diffPlans, formatPlanDiff, planChangeCount, type PlanDiff } from './plan-diff.js';
import { benchmarkYearChanges, type BenchmarkYearChange } from './benchmark.js';

/** The parts of manifest.json a diff reads. */
export interface DiffManifest {
  snapshot_id: string;
  sources: { file: string; source: string; sha256: string | null; extract_date: string | null }[];
  kpi_definitions: Record<string, string>;
}

export interface Side {
  metrics: MetricsFile;
  manifest: DiffManifest;
}

export interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** One side of a headline figure, with its own period. */
export interface Headline extends Figure {
  period_start: string;
  period_end: string;
  basis: Basis;
  status: string;
}

export interface CurrentChange {
  kpi: string;
  title: string;
  before: Headline | null;
  after: Headline | null;
}

export interface Restatement {
  kpi: string;
  title: string;
  period_end: string;
  before: Figure;
  after: Figure;
  /** The KPI's definition changed too, so the change may be the definition's, not the data's. */
  definition_changed: boolean;
}

/** One list's used files that differ: file names, by content (a re-delivered file with new bytes is both). */
export interface SourceChange {
  source: string;
  added: string[];
  removed: string[];
}

export interface SnapshotDiff {
  a: string;
  b: string;
  a_as_of: string;
  b_as_of: string;
  current: CurrentChange[];
  /** KPIs in both whose headline figure did not change. */
  unchanged: number;
  definition_changes: { kpi: string; before: string; after: string }[];
  new_baseline_events: BaselineEvent[];
  restatements: Restatement[];
  sources: SourceChange[];
  /** The improvement plan's changes (core/plan-diff.ts); null when neither snapshot has a plan. */
  plan: PlanDiff | null;
  /** KPIs whose benchmark year moved (core/benchmark.ts). */
  benchmark_years: BenchmarkYearChange[];
}

const figure = (p: Figure): Figure => ({ value: p.value, numerator: p.numerator, denominator: p.denominator });
const sameFigure = (x: Figure, y: Figure): boolean => x.value === y.value && x.numerator === y.numerator && x.denominator === y.denominator;

/** Per list, its used files keyed by name and content. */
function usedFiles(m: DiffManifest): Map<string, Map<string, string>> {
  const by = new Map<string, Map<string, string>>();
  for (const s of m.sources) {
    const files = by.get(s.source) ?? new Map<string, string>();
    files.set(`${s.file}\u0000${s.sha256 ?? ''}`, s.file);
    by.set(s.source, files);
  }
  return by;
}

function sourceChanges(A: DiffManifest, B: DiffManifest): SourceChange[] {
  const fa = usedFiles(A);
  const fb = usedFiles(B);
  const only = (x: Map<string, string> | undefined, y: Map<string, string> | undefined): string[] =>
    [...(x ?? new Map<string, string>()).entries()].filter(([k]) => !y?.has(k)).map(([, name]) => name).sort();
  return [...new Set([...fa.keys(), ...fb.keys()])]
    .sort()
    .map((source) => ({ source, added: only(fb.get(source), fa.get(source)), removed: only(fa.get(source), fb.get(source)) }))
    .filter((c) => c.added.length + c.removed.length > 0);
}

export function diffSnapshots(A: Side, B: Side): SnapshotDiff {
  const a = A.metrics;
  const b = B.metrics;
  const title = (kpi: string): string => b.metrics.find((r) => r.kpi === kpi)?.title ?? a.metrics.find((r) => r.kpi === kpi)?.title ?? kpi;
  const kpis = [...new Set([...a.metrics.map((r) => r.kpi), ...b.metrics.map((r) => r.kpi)])].sort();

  const current: CurrentChange[] = [];
  let unchanged = 0;
  for (const kpi of kpis) {
    const ra = a.metrics.find((r) => r.kpi === kpi);
    const rb = b.metrics.find((r) => r.kpi === kpi);
    const side = (r: typeof ra): Headline | null => (r ? { ...figure(r), period_start: r.period_start, period_end: r.period_end, basis: r.basis, status: r.status } : null);
    // Like with like: the figure and its status, whatever period each side's headline is for.
    if (ra && rb && sameFigure(ra, rb) && ra.status === rb.status) {
      unchanged++;
      continue;
    }
    current.push({ kpi, title: title(kpi), before: side(ra), after: side(rb) });
  }

  const definition_changes = kpis.flatMap((kpi) => {
    const before = A.manifest.kpi_definitions[kpi];
    const after = B.manifest.kpi_definitions[kpi];
    return before && after && before !== after ? [{ kpi, before, after }] : [];
  });
  const redefined = new Set(definition_changes.map((d) => d.kpi));

  const eventKey = (e: BaselineEvent): string => `${e.kpi}|${e.kind}|${e.effective_period}`;
  const had = new Set(a.baseline_events.map(eventKey));
  const new_baseline_events = b.baseline_events.filter((e) => !had.has(eventKey(e)));

  const restatements: Restatement[] = [];
  const pointsA = new Map(a.series.map((p) => [`${p.kpi}|${p.period_end}`, p]));
  const headlineA = new Map(a.metrics.map((r) => [r.kpi, r.period_end]));
  const headlineB = new Map(b.metrics.map((r) => [r.kpi, r.period_end]));
  for (const p of [...b.series].sort((x, y) => x.kpi.localeCompare(y.kpi) || x.period_end.localeCompare(y.period_end))) {
    if (headlineA.get(p.kpi) === p.period_end && headlineB.get(p.kpi) === p.period_end) continue;
    const q = pointsA.get(`${p.kpi}|${p.period_end}`);
    if (!q || q.provisional || p.provisional || sameFigure(q, p)) continue;
    restatements.push({ kpi: p.kpi, title: title(p.kpi), period_end: p.period_end, before: figure(q), after: figure(p), definition_changed: redefined.has(p.kpi) });
  }

  return {
    a: A.manifest.snapshot_id,
    b: B.manifest.snapshot_id,
    a_as_of: a.as_of,
    b_as_of: b.as_of,
    current,
    unchanged,
    definition_changes,
    new_baseline_events,
    restatements,
    sources: sourceChanges(A.manifest, B.manifest),
    plan: diffPlans(a.improvement_plan, b.improvement_plan),
    benchmark_years: benchmarkYearChanges(a.metrics, b.metrics),
  };
}

export function isEmptyDiff(d: SnapshotDiff): boolean {
  return d.current.length + d.definition_changes.length + d.new_baseline_events.length + d.restatements.length + d.sources.length + planChangeCount(d.plan) + d.benchmark_years.length === 0;
}

// ---------------------------------------------------------------------------------------------
// The dates a period's figure reads


/**
 * The dates a figure for the period ending E counts (spec: kpis.md "Periods"): the month ending
 * E; the trailing 12 months ending E; or, for a state at E, anything on or before E (`from` null).
 */
export function periodWindow(kind: Basis, periodEnd: string): { from: string | null; to: string } {
  return { from: kind === 'at_date' ? null : periodStartOf(kind, periodEnd), to: periodEnd };
}

// ---------------------------------------------------------------------------------------------
// Source rows that moved a restated figure

/** A source row present in one snapshot's extract and not in the other's (by content). */
export interface MovedRow {
  list: string;
  file: string;
  line: number;
  /** before: in A's extract, gone or changed in B's; after: in B's, new or changed since A's. */
  side: 'before' | 'after';
  /** The KPI's date columns and their values on this row (dates only: never an identifier). */
  dates: Record<string, string | null>;
}

export interface RestatementRows {
  /** Moved rows with a KPI date in the period's window. */
  rows: MovedRow[];
  /** Moved rows dated outside the window but on or before the period end (look-backs, states). */
  outside: MovedRow[];
  /** Why no rows could be looked up, when they could not. */
  note: string | null;
}

export const restatementKey = (r: Pick<Restatement, 'kpi' | 'period_end'>): string => `${r.kpi}|${r.period_end}`;

/** Which moved rows count for a period: any of the KPI's dates within the window, else on or before its end. */
export function rowsForPeriod(moved: MovedRow[], window: { from: string | null; to: string }): Pick<RestatementRows, 'rows' | 'outside'> {
  const inWindow = (d: string | null): boolean => d !== null && d <= window.to && (window.from === null || d >= window.from);
  const rows: MovedRow[] = [];
  const outside: MovedRow[] = [];
  for (const r of moved) {
    const dates = Object.values(r.dates);
    if (dates.some(inWindow)) rows.push(r);
    else if (dates.some((d) => d !== null && d <= window.to)) outside.push(r);
  }
  return { rows, outside };
}

// ---------------------------------------------------------------------------------------------
// Printing

export function showFigure(f: Figure | null): string {
  if (!f) return '(absent)';
  const v = f.value === null ? 'no value' : String(f.value);
  if (f.numerator === null && f.denominator === null) return v;
  return `${v} (${f.numerator ?? '–'}/${f.denominator ?? '–'})`;
}

/**
 * One moved row for the terminal: file, line and which of the KPI's date columns it has — never
 * the dates themselves (a referral or birth date is a value from a child's row; custody rule).
 */
function showRow(r: MovedRow): string {
  const columns = Object.entries(r.dates)
    .filter(([, d]) => d !== null)
    .map(([c]) => c)
    .join(', ');
  const what = r.side === 'after' ? 'new or changed in B' : 'in A, gone or changed in B';
  return `${shownName(r.file)} line ${r.line} (${r.list}; ${what}${columns ? `; dated by ${columns}` : ''})`;
}

/** At most this many moved rows are listed under one restatement; the rest are counted. */
export const MOVED_ROWS_SHOWN = 20;

function showHeadline(h: Headline | null): string {
  if (!h) return '(absent)';
  return `${showFigure(h)} [${h.status}]`;
}

function periodOf(h: Headline): string {
  return periodInWords(h.basis, h.period_start, h.period_end);
}

function showCurrent(c: CurrentChange): string {
  const { before: x, after: y } = c;
  if (x && y && x.period_end === y.period_end) return `  ${c.kpi} (${periodOf(y)}): ${showHeadline(x)} → ${showHeadline(y)}`;
  const side = (h: Headline | null): string => (h ? `${showHeadline(h)}, ${periodOf(h)}` : '(absent)');
  return `  ${c.kpi}: ${side(x)} → ${side(y)}`;
}

function showSources(s: SourceChange): string {
  const both = new Set(s.added.filter((f) => s.removed.includes(f)));
  const name = (f: string): string => `${shownName(f)}${both.has(f) ? ' (same name, new contents)' : ''}`;
  const parts = [...s.added.map((f) => `+ ${name(f)}`), ...s.removed.filter((f) => !both.has(f)).map((f) => `− ${name(f)}`)];
  return `  ${s.source}: ${parts.join(', ')}`;
}

function showRows(rows: MovedRow[], prefix: string): string[] {
  const shown = rows.slice(0, MOVED_ROWS_SHOWN).map((row) => `    ${prefix}${showRow(row)}`);
  if (rows.length > MOVED_ROWS_SHOWN) shown.push(`    … and ${rows.length - MOVED_ROWS_SHOWN} more rows like these`);
  return shown;
}

export function formatDiff(d: SnapshotDiff, rows: Map<string, RestatementRows> = new Map()): string {
  const out = ['Snapshot diff', `  A: ${d.a}, as of ${dateInWords(d.a_as_of)}`, `  B: ${d.b}, as of ${dateInWords(d.b_as_of)}`];
  if (isEmptyDiff(d)) return `${out.join('\n')}\n  no differences: the same headline figures, past figures, baseline events and source files.\n`;

  if (d.sources.length > 0) {
    const added = d.sources.reduce((n, s) => n + s.added.length, 0);
    const removed = d.sources.reduce((n, s) => n + s.removed.length, 0);
    out.push('', `Source files used (+ in B only, − in A only): ${added} added, ${removed} removed`);
    for (const s of d.sources) out.push(showSources(s));
  }
  out.push('', `Current values changed: ${d.current.length}${d.unchanged > 0 ? ` (${d.unchanged} unchanged)` : ''}`);
  for (const c of d.current) out.push(showCurrent(c));
  if (d.definition_changes.length > 0) {
    out.push('', `Definitions changed: ${d.definition_changes.length}`);
    for (const c of d.definition_changes) out.push(`  ${c.kpi}: ${c.before.slice(0, 19)}… → ${c.after.slice(0, 19)}…`);
  }
  if (d.benchmark_years.length > 0) {
    out.push('', `Benchmark years changed: ${d.benchmark_years.length}`);
    for (const c of d.benchmark_years) out.push(`  ${c.kpi}: ${c.before ?? '(none)'} → ${c.after ?? '(none)'}${c.file ? ` (${shownName(c.file)})` : ''}`);
  }
  out.push('', `New baseline events: ${d.new_baseline_events.length}`);
  for (const e of d.new_baseline_events) out.push(`  ${e.kpi}: ${e.kind} effective ${e.effective_period} (detected in ${e.detected_in})`);
  out.push('', `Restatements (past periods whose figure changed): ${d.restatements.length}`);
  for (const r of d.restatements) {
    out.push(`  ${r.kpi} ${r.period_end}: ${showFigure(r.before)} → ${showFigure(r.after)}${r.definition_changed ? '  [definition changed too]' : ''}`);
    const found = rows.get(restatementKey(r));
    if (!found) continue;
    if (found.note) out.push(`    ${found.note}`);
    out.push(...showRows(found.rows, 'moved by '));
    if (found.rows.length === 0 && found.outside.length > 0) {
      out.push('    no moved row is dated in this period; rows dated earlier that it may look back on:');
      out.push(...showRows(found.outside, ''));
    }
    if (found.rows.length === 0 && found.outside.length === 0 && !found.note) out.push('    no moved source rows found dated on or before this period (a coded value or status may have changed).');
  }
  out.push(...formatPlanDiff(d.plan));
  return `${out.join('\n')}\n`;
}
