/**
 * The baseline detectors' pure logic (spec: kpis.md, "Baselines and baseline changes"): given
 * what the warehouse says about tonight and before, which baseline events are there? No IO —
 * activities/baseline-detection.ts queries, activities/baseline-recording.ts records; this module decides. What it is not for:
 * the change-point maths itself (core/changepoint.ts) and which event becomes the baseline
 * (core/baseline-registry.ts).
 *
 * Each detector returns `DetectedEvent`s: a KPI, a kind, the first month affected (YYYY-MM), an
 * `identity` (the part of the evidence that makes two detections the same event, so a re-run
 * never duplicates one) and evidence a person can read.
 */
import { detectLevelShift, type LevelShift, type SeriesPoint } from './changepoint.js';
import { isProvisional } from './headline.js';
import type { KpiMeta } from './kpi-definition.js';
import type { BaselineEvent } from './metrics-contract.js';
import { CODE_NOT_SHOWN, codeLabels, shownName } from './shown-text.js';

export type BaselineKind = BaselineEvent['kind'];

export interface DetectedEvent {
  kpi: string;
  kind: BaselineKind;
  effectivePeriod: string;
  identity: string;
  evidence: Record<string, unknown>;
}

export const monthOf = (isoDate: string): string => isoDate.slice(0, 7);

/** YYYY-MM plus k months. */
export function addMonths(ym: string, k: number): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

export function monthsBetween(a: string, b: string): number {
  const [ya, ma] = a.split('-').map(Number) as [number, number];
  const [yb, mb] = b.split('-').map(Number) as [number, number];
  return yb * 12 + mb - (ya * 12 + ma);
}

const round = (x: number, dp: number): number => Math.round(x * 10 ** dp) / 10 ** dp;
const sortCodes = (xs: Iterable<string>): string[] => [...xs].sort((a, b) => a.localeCompare(b));

// ---------------------------------------------------------------------------------------------
// definition_changed

/** A definition version as evidence quotes it: its first 12 hex digits. */
export const shortVersion = (v: string): string => v.replace(/^sha256:/, '').slice(0, 12);

/**
 * The KPI's definition version tonight differs from the one in the previous published snapshot.
 * It takes effect from the as-of month: every trend point tonight is computed under the new
 * definition, so the series in this snapshot is consistent in itself, but not with what was
 * published before.
 */
export function definitionChanged(o: {
  kpi: string;
  asOf: string;
  previousVersion: string;
  newVersion: string;
  previousSnapshot: string;
}): DetectedEvent | null {
  if (o.previousVersion === o.newVersion) return null;
  return {
    kpi: o.kpi,
    kind: 'definition_changed',
    effectivePeriod: monthOf(o.asOf),
    identity: `${o.previousVersion}→${o.newVersion}`,
    evidence: {
      previous_version: o.previousVersion,
      new_version: o.newVersion,
      previous_snapshot: o.previousSnapshot,
      summary:
        `The definition (SQL, metadata or code mappings) changed since snapshot ${o.previousSnapshot}: ` +
        `version ${shortVersion(o.previousVersion)}… → ${shortVersion(o.newVersion)}…. Every trend point in this snapshot uses the new definition.`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// source_schema_changed

export interface FileColumns {
  file: string;
  /** Extract date, or for additive audit files the first audit date in the file. */
  date: string | null;
  /** Contract columns present in the file (snake_case, meta.files.columns_seen). */
  columns: readonly string[];
  rows: number;
  /** Rows rejected because of each column (meta.rejects), by snake_case column. */
  rejectedRows: Readonly<Record<string, number>>;
}

/** A column now rejected in at least this share of rows (and before in fewer) changed type. */
export const TYPE_CHANGE_SHARE = 0.5;

/**
 * Columns the KPI reads that appeared, disappeared or changed type between two files of a list.
 * "Changed type" has no header to show it (the warehouse types every column by its contract), so
 * it is read from the rows: a column whose values stopped parsing — at least half the new file's
 * rows rejected for it, against fewer than half before — has changed its format (dates written
 * another way, a flag become free text).
 */
export function schemaChanged(o: {
  kpi: string;
  source: string;
  kpiColumns: readonly string[];
  before: FileColumns;
  after: FileColumns;
  effectivePeriod: string;
  /** For additive lists: every column seen in any earlier file, and those in all of them. */
  seenBefore?: { any: ReadonlySet<string>; all: ReadonlySet<string> };
}): DetectedEvent | null {
  const oldAny = o.seenBefore?.any ?? new Set(o.before.columns);
  const oldAll = o.seenBefore?.all ?? new Set(o.before.columns);
  const now = new Set(o.after.columns);
  const appeared = o.kpiColumns.filter((c) => now.has(c) && !oldAny.has(c));
  const disappeared = o.kpiColumns.filter((c) => !now.has(c) && oldAll.has(c));
  const share = (f: FileColumns, c: string): number => (f.rows > 0 ? (f.rejectedRows[c] ?? 0) / f.rows : 0);
  const changedType = o.kpiColumns
    .filter((c) => now.has(c) && share(o.after, c) >= TYPE_CHANGE_SHARE && share(o.before, c) < TYPE_CHANGE_SHARE)
    .map((c) => ({ column: c, rejected_share_before: round(share(o.before, c), 3), rejected_share_after: round(share(o.after, c), 3) }));
  if (appeared.length + disappeared.length + changedType.length === 0) return null;
  const columns = [
    ...appeared.map((c) => `${c} (appeared)`),
    ...disappeared.map((c) => `${c} (disappeared)`),
    ...changedType.map((c) => `${c.column} (values no longer read as its type)`),
  ];
  return {
    kpi: o.kpi,
    kind: 'source_schema_changed',
    effectivePeriod: o.effectivePeriod,
    identity: `${o.source}|${o.after.file}|${columns.join(',')}`,
    evidence: {
      source: o.source,
      columns,
      appeared,
      disappeared,
      changed_type: changedType,
      file_before: shownName(o.before.file),
      file_after: shownName(o.after.file),
      date_before: o.before.date,
      date_after: o.after.date,
      summary: `${o.source}: ${columns.join('; ')} — ${shownName(o.before.file)} compared with ${shownName(o.after.file)}.`,
    },
  };
}

/**
 * Schema changes across an additive list's files (audits: every file counts, none replaces
 * another): each file, in the order of its first date, against all earlier ones — a column
 * appeared when no earlier file had it, disappeared when every earlier file had it. Only files
 * whose first date falls in the window from `fromMonth` are reported; earlier ones are history.
 * `files` carry their first date in `date`, and come in that order.
 */
export function schemaChangesAcrossFiles(o: {
  source: string;
  readers: readonly { kpi: string; kpiColumns: readonly string[] }[];
  files: readonly FileColumns[];
  fromMonth: string;
}): DetectedEvent[] {
  const events: DetectedEvent[] = [];
  let seen: { any: Set<string>; all: Set<string>; file: FileColumns } | null = null;
  for (const f of o.files) {
    const effectivePeriod = monthOf(f.date ?? '');
    if (seen && effectivePeriod >= o.fromMonth) {
      for (const r of o.readers) {
        const e = schemaChanged({ kpi: r.kpi, source: o.source, kpiColumns: r.kpiColumns, before: seen.file, after: f, effectivePeriod, seenBefore: seen });
        if (e) events.push(e);
      }
    }
    const cols: readonly string[] = f.columns;
    seen = seen
      ? { any: new Set<string>([...seen.any, ...cols]), all: new Set<string>([...seen.all].filter((c: string) => cols.includes(c))), file: f }
      : { any: new Set<string>(cols), all: new Set<string>(cols), file: f };
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// source_codes_changed

/** Distinct values of a coded column: `key` is the case-folded value, `code` how it is written. */
export interface CodeCount {
  key: string;
  code: string;
  rows: number;
  /** Earliest date of a row carrying it (the list's event date), or null. */
  first: string | null;
}

export interface MonthlyCodeCount extends CodeCount {
  month: string;
}

/**
 * A code that vanished is only news if it would have been expected: its earlier share of rows
 * times the rows since must be at least this (P(0 | Poisson 10) ≈ 5·10⁻⁵), so a rare code that
 * happens not to occur for a while does not fire.
 */
export const VANISHED_EXPECTED_ROWS = 10;
/** Months of earlier data a new code's first month needs (else it is the start of the data). */
export const NEW_CODE_HISTORY_MONTHS = 3;
/** Months a code must have been absent (with rows in the column) to count as vanished. */
export const VANISHED_MIN_MONTHS = 2;

export const foldCode = (v: string): string => v.trim().toLowerCase();

interface CodeChange {
  effectivePeriod: string;
  newCodes: CodeCount[];
  vanished: { code: string; rowsBefore: number; expected: number; lastSeen: string | null }[];
  oldCodes: string[];
  codesNow: string[];
  compared: string;
}

/**
 * Codes of one column in tonight's extract against the previous extract of the list. New: a
 * value outside the known scale that the previous extract did not hold (a known code used for
 * the first time is ordinary use of the scale, not a change of it). Vanished: a value the
 * previous extract held in at least VANISHED_EXPECTED_ROWS rows that tonight's holds in none.
 */
export function codesBetweenExtracts(o: {
  known: readonly string[];
  before: readonly CodeCount[];
  after: readonly CodeCount[];
  beforeLabel: string;
  afterLabel: string;
  effectivePeriod: string;
}): CodeChange | null {
  const known = new Set(o.known.map(foldCode));
  const had = new Map(o.before.map((c) => [c.key, c]));
  const has = new Map(o.after.map((c) => [c.key, c]));
  const newCodes = o.after.filter((c) => !had.has(c.key) && !known.has(c.key));
  const vanished = o.before
    .filter((c) => !has.has(c.key) && c.rows >= VANISHED_EXPECTED_ROWS)
    .map((c) => ({ code: c.code, rowsBefore: c.rows, expected: c.rows, lastSeen: null }));
  if (newCodes.length + vanished.length === 0) return null;
  return {
    effectivePeriod: o.effectivePeriod,
    newCodes,
    vanished,
    oldCodes: sortCodes(o.before.map((c) => c.code)),
    codesNow: sortCodes(o.after.map((c) => c.code)),
    compared: `${o.beforeLabel} with ${o.afterLabel}`,
  };
}

/**
 * Codes of one column month by month (additive lists such as audits, by the month of each
 * audit's date). New at month F: a value outside the known scale first seen in F, after at least
 * NEW_CODE_HISTORY_MONTHS months that had values. Vanished from month V: a value last seen the
 * month before V, absent in at least VANISHED_MIN_MONTHS months with values since, where its
 * earlier share predicts at least VANISHED_EXPECTED_ROWS rows. Only changes from `fromMonth` on
 * are reported (earlier history still counts as "seen before"). Changes in the same month are
 * one change.
 */
export function codesByMonth(o: { known: readonly string[]; rows: readonly MonthlyCodeCount[]; fromMonth: string }): CodeChange[] {
  const known = new Set(o.known.map(foldCode));
  const months = sortCodes(new Set(o.rows.map((r) => r.month)));
  const totalIn = new Map<string, number>();
  for (const r of o.rows) totalIn.set(r.month, (totalIn.get(r.month) ?? 0) + r.rows);
  const byKey = new Map<string, MonthlyCodeCount[]>();
  for (const r of o.rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);

  const changes = new Map<string, CodeChange>();
  const at = (month: string): CodeChange => {
    let c = changes.get(month);
    if (!c) {
      const before = new Set<string>();
      const now = new Set<string>();
      for (const r of o.rows) (r.month < month ? before : now).add(r.code);
      c = { effectivePeriod: month, newCodes: [], vanished: [], oldCodes: sortCodes(before), codesNow: sortCodes(now), compared: `audit months before ${month} with ${month} onwards` };
      changes.set(month, c);
    }
    return c;
  };

  for (const [key, rs] of byKey) {
    const sorted = [...rs].sort((a, b) => a.month.localeCompare(b.month));
    const firstMonth = sorted[0]!.month;
    const lastMonth = sorted[sorted.length - 1]!.month;
    const code = sorted[0]!.code;
    if (!known.has(key) && months.indexOf(firstMonth) >= NEW_CODE_HISTORY_MONTHS && firstMonth >= o.fromMonth) {
      const rows = sorted.reduce((s, r) => s + r.rows, 0);
      const first = sorted.map((r) => r.first).filter((d): d is string => d !== null).sort()[0] ?? null;
      at(firstMonth).newCodes.push({ key, code, rows, first });
    }
    const after = months.filter((m) => m > lastMonth);
    if (after.length >= VANISHED_MIN_MONTHS && after[0]! >= o.fromMonth) {
      const rowsBefore = sorted.reduce((s, r) => s + r.rows, 0);
      const totalBefore = months.filter((m) => m <= lastMonth).reduce((s, m) => s + (totalIn.get(m) ?? 0), 0);
      const totalAfter = after.reduce((s, m) => s + (totalIn.get(m) ?? 0), 0);
      const expected = (rowsBefore / totalBefore) * totalAfter;
      if (expected >= VANISHED_EXPECTED_ROWS) at(after[0]!).vanished.push({ code, rowsBefore, expected: round(expected, 1), lastSeen: lastMonth });
    }
  }
  return [...changes.values()].sort((a, b) => a.effectivePeriod.localeCompare(b.effectivePeriod));
}

/** A KPI's cohort on one list for comparing codes: filter column → the codes of its rows (as the metadata spells them, sorted). */
export type Cohort = Readonly<Record<string, readonly string[]>>;

/**
 * The rows whose codes of `column` are compared for a KPI: its cohort filter on the list
 * (metadata `filters`), without `column` itself. A filter restricts the *other* columns' rows —
 * a new grade used only on Case File audits is no news to the Assessment audit KPI — but a new
 * code in the filter column itself must still be noticed by every KPI that reads that column
 * (a renamed audit type might be the KPI's own type), so that column is compared over all rows.
 * The SQL (`cohortWhereSql`, core/baseline-columns.ts) also keeps rows whose filter column holds a value
 * outside the known scale after the code mappings: such a row may belong to the cohort under a
 * new name (the KPI withholds its figure for it), so its other codes count too. Blank values of
 * a filter column are outside the cohort, as the KPIs leave them out.
 */
export function cohortFor(meta: Pick<KpiMeta, 'filters'>, source: string, column: string): Cohort {
  const f = meta.filters?.[source] ?? {};
  return Object.fromEntries(
    Object.entries(f)
      .filter(([c]) => c !== column)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, values]) => [c, sortCodes(new Map(values.map((v) => [foldCode(v), v.trim()])).values())]),
  );
}

/** "audit_type Case File (or a value outside the known audit_type codes)", for evidence summaries. */
export function describeCohort(cohort: Cohort): string {
  return Object.entries(cohort)
    .map(([c, values]) => `${c} ${values.join(' or ')} (or a value outside the known ${c} codes)`)
    .join(' and ');
}

/** The event a code change makes for one KPI, with evidence naming every code, its rows and first date. */
export function codesChangedEvent(kpi: string, source: string, column: string, c: CodeChange, cohort: Cohort = {}): DetectedEvent {
  // Codes are published, but one that looks like an identifier or a date is not (core/shown-text.ts).
  const labels = codeLabels([...c.newCodes.map((n) => n.code), ...c.vanished.map((v) => v.code), ...c.oldCodes, ...c.codesNow]);
  const show = (code: string): string => labels.get(code) ?? CODE_NOT_SHOWN;
  const newCodes = c.newCodes.map((n) => show(n.code));
  const vanished = c.vanished.map((v) => show(v.code));
  const parts = [
    ...c.newCodes.map((n) => `new code "${show(n.code)}" in ${n.rows} row${n.rows === 1 ? '' : 's'}${n.first ? ` since ${n.first}` : ''}`),
    ...c.vanished.map((v) => `"${show(v.code)}" no longer used (${v.rowsBefore} rows before${v.lastSeen ? `, last in ${v.lastSeen}` : ''})`),
  ];
  return {
    kpi,
    kind: 'source_codes_changed',
    effectivePeriod: c.effectivePeriod,
    identity: `${source}.${column}|+${sortCodes(c.newCodes.map((n) => n.key)).join(',')}|-${sortCodes(c.vanished.map((v) => foldCode(v.code))).join(',')}`,
    evidence: {
      source,
      column,
      new_codes: newCodes,
      vanished_codes: vanished,
      rows_with_new_code: Object.fromEntries(c.newCodes.map((n) => [show(n.code), n.rows])),
      first_seen: Object.fromEntries(c.newCodes.map((n) => [show(n.code), n.first])),
      old_codes: sortCodes(c.oldCodes.map(show)),
      codes_now: sortCodes(c.codesNow.map(show)),
      compared: c.compared,
      ...(Object.keys(cohort).length > 0 ? { cohort } : {}),
      summary: `${source} ${column}: ${parts.join('; ')} (compared ${c.compared}${Object.keys(cohort).length > 0 ? `, rows with ${describeCohort(cohort)}` : ''}).`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// level_shift

export interface ValuePoint {
  period_end: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/**
 * Which KPIs the level-shift test runs on, and as what. Only KPIs whose trend points are
 * month-ending cohorts (`basis: 'month'`): each month's figure counts different cases, which is
 * what the test assumes. Trailing-12-month figures share 11 months of cases with their
 * neighbours, and at-date figures (caseloads, rates at a date) carry the same people from
 * one month to the next: both are autocorrelated, and the test would fire on them far more often
 * than its 2% (core/changepoint.ts). Ratios (FTE ÷ FTE) have no counting model and are not
 * tested either.
 */
export function levelShiftModel(meta: Pick<KpiMeta, 'basis' | 'measure'>): SeriesPoint['kind'] | null {
  if (meta.basis !== 'month') return null;
  if (meta.measure === 'percentage') return 'proportion';
  if (meta.measure === 'count') return 'count';
  if (meta.measure === 'average') return 'mean';
  return null;
}

/**
 * The KPI's monthly series as the change-point test takes it: percentages as successes of
 * trials (numerator of denominator), counts as counts, averages as means over n = denominator.
 * The month-to-date as-of point (as-of before its month's last day) is left out whatever the
 * measure: it is not yet a month's worth, and a provisional point is never fed to the test
 * (core/headline.ts).
 */
export function levelShiftSeries(kind: SeriesPoint['kind'], points: readonly ValuePoint[], asOf: string): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const p of [...points].sort((a, b) => a.period_end.localeCompare(b.period_end))) {
    if (isProvisional('month', p.period_end, asOf)) continue;
    const period = monthOf(p.period_end);
    if (kind === 'proportion') {
      const ok = p.value !== null && p.numerator !== null && p.denominator !== null;
      out.push({ period, kind, successes: ok ? p.numerator : null, trials: ok ? p.denominator : null });
    } else if (kind === 'count') {
      out.push({ period, kind, count: p.value });
    } else {
      out.push({ period, kind, value: p.value, n: p.value === null ? null : p.denominator });
    }
  }
  return out;
}

export function levelShiftEvent(kpi: string, shift: LevelShift): DetectedEvent {
  const dp = shift.unit === 'percent' ? 1 : 2;
  return {
    kpi,
    kind: 'level_shift',
    effectivePeriod: shift.effectivePeriod,
    // Same KPI, same direction, within ±1 month of an earlier detection = the same shift
    // (core/baseline-registry.ts sameEvent): one more month of data can move the best split.
    identity: shift.step > 0 ? 'up' : 'down',
    evidence: {
      before: round(shift.before, dp),
      after: round(shift.after, dp),
      step: round(shift.step, dp),
      unit: shift.unit,
      last_period_before: shift.lastPeriodBefore,
      months_before: shift.monthsBefore,
      months_after: shift.monthsAfter,
      statistic: round(shift.statistic, 2),
      threshold: round(shift.threshold, 2),
      dispersion: shift.dispersion === null ? null : round(shift.dispersion, 2),
      method: 'single change-point likelihood-ratio test (binomial/Poisson quasi-likelihood, F for means), threshold simulated for a 2% false-alarm rate (core/changepoint.ts)',
      summary: shift.summary,
    },
  };
}

/** Runs the test on one KPI; null when it is not tested or finds nothing. */
export function detectKpiLevelShift(
  meta: Pick<KpiMeta, 'id' | 'title' | 'basis' | 'measure'>,
  points: readonly ValuePoint[],
  asOf: string,
): { tested: boolean; event: DetectedEvent | null; note: string | null } {
  const kind = levelShiftModel(meta);
  if (!kind) return { tested: false, event: null, note: null };
  const r = detectLevelShift(levelShiftSeries(kind, points, asOf), { label: meta.title });
  if (r.errors.length > 0) return { tested: true, event: null, note: r.errors.join('; ') };
  return { tested: true, event: r.shift ? levelShiftEvent(meta.id, r.shift) : null, note: r.note };
}

// ---------------------------------------------------------------------------------------------
// manual

export function manualEvent(o: { kpi: string; period: string; reason: string; declaredBy?: string; declaredOn?: string; file: string }): DetectedEvent {
  return {
    kpi: o.kpi,
    kind: 'manual',
    effectivePeriod: o.period,
    identity: o.reason,
    evidence: {
      reason: o.reason,
      declared_in: o.file,
      ...(o.declaredBy ? { declared_by: o.declaredBy } : {}),
      ...(o.declaredOn ? { declared_on: o.declaredOn } : {}),
      summary: `Declared by the council in ${o.file}: ${o.reason}`,
    },
  };
}
