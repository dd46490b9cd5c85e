/**
 * What changed between two published snapshots A and B (`csc-kpi snapshots diff A B`), pure:
 *
 * - current values: each KPI's metric row (value, numerator, denominator, status);
 * - definition changes: a KPI whose definition version differs;
 * - new baseline events: events in B that A did not have (same KPI, kind and effective period);
 * - restatements: a past period present in both series whose figure changed — because a later
 *   extract changed past rows (or, when the definition version also changed, because the
 *   definition did: flagged, since then it is not a restatement of the same figure). The as-of
 *   point itself is a current value, not a restatement, when A and B share their as-of date.
 *
 * The source rows behind a restatement come from the warehouse (activities/snapshot-restatements.ts);
 * this module only says which (KPI, period) pairs to look for, the date window each covers, and
 * how to print the answer. Nothing here names a child: rows are given by file and line.
 */
import { shownName } from './shown-text.js';
import { addMonthsClamped, monthStart, parseIso, formatIso } from './dates.js';
import type { Basis } from './headline.js';
import type { BaselineEvent, MetricsFile } from './metrics-contract.js';

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

export interface CurrentChange {
  kpi: string;
  title: string;
  before: (Figure & { period_end: string; status: string }) | null;
  after: (Figure & { period_end: string; status: string }) | null;
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

export interface SourceChange {
  source: string;
  before: string[];
  after: string[];
}

export interface SnapshotDiff {
  a: string;
  b: string;
  current: CurrentChange[];
  definition_changes: { kpi: string; before: string; after: string }[];
  new_baseline_events: BaselineEvent[];
  restatements: Restatement[];
  sources: SourceChange[];
}

const figure = (p: Figure): Figure => ({ value: p.value, numerator: p.numerator, denominator: p.denominator });
const sameFigure = (x: Figure, y: Figure): boolean => x.value === y.value && x.numerator === y.numerator && x.denominator === y.denominator;

function usedFiles(m: DiffManifest): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const s of m.sources) by.set(s.source, [...(by.get(s.source) ?? []), s.file].sort());
  return by;
}

export function diffSnapshots(A: Side, B: Side): SnapshotDiff {
  const a = A.metrics;
  const b = B.metrics;
  const title = (kpi: string): string => b.metrics.find((r) => r.kpi === kpi)?.title ?? a.metrics.find((r) => r.kpi === kpi)?.title ?? kpi;
  const kpis = [...new Set([...a.metrics.map((r) => r.kpi), ...b.metrics.map((r) => r.kpi)])].sort();

  const current: CurrentChange[] = [];
  for (const kpi of kpis) {
    const ra = a.metrics.find((r) => r.kpi === kpi);
    const rb = b.metrics.find((r) => r.kpi === kpi);
    const side = (r: typeof ra) => (r ? { ...figure(r), period_end: r.period_end, status: r.status } : null);
    if (ra && rb && sameFigure(ra, rb) && ra.status === rb.status && ra.period_end === rb.period_end) continue;
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
  for (const p of [...b.series].sort((x, y) => x.kpi.localeCompare(y.kpi) || x.period_end.localeCompare(y.period_end))) {
    if (p.period_end === a.as_of && a.as_of === b.as_of) continue;
    const q = pointsA.get(`${p.kpi}|${p.period_end}`);
    if (!q || sameFigure(q, p)) continue;
    restatements.push({ kpi: p.kpi, title: title(p.kpi), period_end: p.period_end, before: figure(q), after: figure(p), definition_changed: redefined.has(p.kpi) });
  }

  const fa = usedFiles(A.manifest);
  const fb = usedFiles(B.manifest);
  const sources = [...new Set([...fa.keys(), ...fb.keys()])]
    .sort()
    .map((source) => ({ source, before: fa.get(source) ?? [], after: fb.get(source) ?? [] }))
    .filter((s) => s.before.join('\n') !== s.after.join('\n'));

  return { a: A.manifest.snapshot_id, b: B.manifest.snapshot_id, current, definition_changes, new_baseline_events, restatements, sources };
}

export function isEmptyDiff(d: SnapshotDiff): boolean {
  return d.current.length + d.definition_changes.length + d.new_baseline_events.length + d.restatements.length + d.sources.length === 0;
}

// ---------------------------------------------------------------------------------------------
// The dates a period's figure reads


function nextDay(d: string): string {
  const { y, m, day } = parseIso(d);
  const t = new Date(Date.UTC(y, m - 1, day + 1));
  return formatIso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/**
 * The dates a figure for the period ending E counts (spec: kpis.md "Periods"): the month ending
 * E; the trailing 12 months ending E; or, for a state at E, anything on or before E (`from` null).
 */
export function periodWindow(kind: Basis, periodEnd: string): { from: string | null; to: string } {
  if (kind === 'month') return { from: monthStart(periodEnd), to: periodEnd };
  if (kind === 'trailing_12_months') return { from: nextDay(addMonthsClamped(periodEnd, -12)), to: periodEnd };
  return { from: null, to: periodEnd };
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

export function formatDiff(d: SnapshotDiff, rows: Map<string, RestatementRows> = new Map()): string {
  const out = [`Snapshot diff: A ${d.a} → B ${d.b}`];
  if (isEmptyDiff(d)) return `${out[0]}\n  no differences: identical metric rows, baseline events and source files.\n`;

  if (d.sources.length > 0) {
    out.push('', 'Source files used:');
    for (const s of d.sources) out.push(`  ${s.source}: ${s.before.map(shownName).join(', ') || '(none)'} → ${s.after.map(shownName).join(', ') || '(none)'}`);
  }
  out.push('', `Current values changed: ${d.current.length}`);
  for (const c of d.current) {
    const period = c.after?.period_end ?? c.before?.period_end ?? '';
    out.push(`  ${c.kpi} (${period}): ${showFigure(c.before)} [${c.before?.status ?? '-'}] → ${showFigure(c.after)} [${c.after?.status ?? '-'}]`);
  }
  if (d.definition_changes.length > 0) {
    out.push('', `Definitions changed: ${d.definition_changes.length}`);
    for (const c of d.definition_changes) out.push(`  ${c.kpi}: ${c.before.slice(0, 19)}… → ${c.after.slice(0, 19)}…`);
  }
  out.push('', `New baseline events: ${d.new_baseline_events.length}`);
  for (const e of d.new_baseline_events) out.push(`  ${e.kpi}: ${e.kind} effective ${e.effective_period} (detected in ${e.detected_in})`);
  out.push('', `Restatements (past periods whose figure changed): ${d.restatements.length}`);
  for (const r of d.restatements) {
    out.push(`  ${r.kpi} ${r.period_end}: ${showFigure(r.before)} → ${showFigure(r.after)}${r.definition_changed ? '  [definition changed too]' : ''}`);
    const found = rows.get(restatementKey(r));
    if (!found) continue;
    if (found.note) out.push(`    ${found.note}`);
    for (const row of found.rows) out.push(`    moved by ${showRow(row)}`);
    if (found.rows.length === 0 && found.outside.length > 0) {
      out.push('    no moved row is dated in this period; rows dated earlier that it may look back on:');
      for (const row of found.outside) out.push(`    ${showRow(row)}`);
    }
    if (found.rows.length === 0 && found.outside.length === 0 && !found.note) out.push('    no moved source rows found dated on or before this period (a coded value or status may have changed).');
  }
  return `${out.join('\n')}\n`;
}
