/**
 * The committee report's words: figures with their units, statuses, change since an earlier
 * period ("up 2.1 points, worse"), baselines and missing figures in one plain sentence each. A
 * councillor reads these; everything technical (JSON, hashes, file and config names, statistics)
 * is left to the report's "For the data team" appendix (core/report-data-team.ts).
 *
 * The notes and reasons in metrics.json are written for the data team ("add {…} to
 * config/code-mappings.json"). The sentences here are made from the snapshot's structured fields
 * (baseline events' evidence, a withheld figure's codes as our own SQL macro words them), and any
 * note that still reads as technical ({@link isTechnical}) is replaced by a pointer to the
 * appendix rather than shown. Pure: no IO.
 */
import { ANNEX_A_WORKBOOK } from './contracts/annex-a.js';
import { addMonthsClamped, dateInWords, monthEnd, monthInWords, monthStart } from './dates.js';
import { periodInWords, type Basis } from './headline.js';
import type { MetricsFile } from './metrics-contract.js';
import type { PublicMetricsFile } from './suppression.js';

export type Report = MetricsFile | PublicMetricsFile;
export type Row = Report['metrics'][number];
export type Point = Report['series'][number];
export type Event = Report['baseline_events'][number];
export type Source = Report['data_quality']['sources'][number];
export type Num = number | null | 'c';

// ---------------------------------------------------------------------------------------------
// Numbers and units

export function isPercent(unit: string): boolean {
  return /^(%|percent|percentage|pct)$/i.test(unit.trim());
}

// One formatter, made once: `toLocaleString` with options builds a new one for every number.
const UP_TO_TWO_PLACES = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export function formatNumber(n: number): string {
  return UP_TO_TWO_PLACES.format(n);
}

export const SUPPRESSED_TEXT = 'c (suppressed: a small number)';

/** Units that are a kind of number, not a word to print after it ("254", not "254 count"). */
function isBareNumber(unit: string): boolean {
  return /^(count|ratio|number)?$/i.test(unit.trim());
}

/** A figure with its unit: 34.1 weeks, 82.5%, 254. */
export function withUnit(n: number, unit: string): string {
  if (isPercent(unit)) return `${formatNumber(n)}%`;
  return isBareNumber(unit) ? formatNumber(n) : `${formatNumber(n)} ${unit}`;
}

export function showNum(n: Num, unit = ''): string {
  if (n === null) return 'no figure';
  if (n === 'c') return SUPPRESSED_TEXT;
  return withUnit(n, unit);
}

export function plural(noun: string): string {
  return /[^aeiou]y$/.test(noun) ? `${noun.slice(0, -1)}ies` : /(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/** `n` things, with the plural a councillor expects: 1 audit, 19 audits, 2 commentary entries. */
export function counted(n: number, noun: string): string {
  return n === 1 ? `1 ${noun}` : `${formatNumber(n)} ${plural(noun)}`;
}

/** What one row of a source is, for counting in words ("3 referrals", "19 audits"). */
const ROW_NOUNS: Record<string, string> = {
  referrals: 'referral',
  assessments: 'assessment',
  children_in_need: 'child in need record',
  child_protection: 'child protection plan',
  care_proceedings: 'care proceedings record',
  case_closures: 'case closure',
  workforce: 'staff record',
  audits: 'audit',
  commentary: 'commentary entry',
  plan_actions: 'action',
};

/** `case-system/referrals` → "referral". */
export function rowNoun(source: string): string {
  const list = source.split('/').pop() ?? source;
  return ROW_NOUNS[list] ?? 'record';
}

/** Whether a data-quality source is the managers' commentary (`commentary/commentary`). */
export function isCommentarySource(source: string): boolean {
  return source.split('/')[0] === 'commentary';
}

/**
 * An entry of the landing folder that was never read because it is not where a source lives (its
 * root, an unknown folder, a kind of file its folder does not take): it has no hash. A workbook's
 * sheet that is not a list, or a benchmark file holding nothing the benchmarks use, is `ignored` too,
 * but was read.
 */
export function isNotWhereASourceLives(s: { status: string; sheet?: string | null; sha256: string | null }): boolean {
  return s.status === 'ignored' && !s.sheet && s.sha256 === null;
}

/** `case-system/children_in_need` → "children in need"; the audits and commentary by what they are. */
export function sourceInWords(source: string): string {
  const list = source.split('/').pop() ?? source;
  if (list === 'audits') return 'audit workbooks';
  if (list === 'commentary') return 'managers’ commentary';
  if (list === ANNEX_A_WORKBOOK) return 'Annex A workbook';
  if (list === 'plan_actions') return 'improvement plan tracker';
  if (list === 'benchmarks') return 'benchmark file (published figures)';
  return `${list.replaceAll('_', ' ')} extract`;
}

// ---------------------------------------------------------------------------------------------
// Statuses and targets

export function statusText(row: Pick<Row, 'status' | 'value' | 'target'>): string {
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
      if (row.value === null) return 'No status — no figure';
      if (row.target === null) return 'No status — no target set';
      return 'No status';
  }
}

export function targetText(row: Pick<Row, 'target' | 'unit' | 'polarity'>): string {
  if (row.target === null) return 'No target';
  const better = row.polarity === 'higher' ? 'higher is better' : 'lower is better';
  return `${withUnit(row.target, row.unit)} (${better})`;
}

// ---------------------------------------------------------------------------------------------
// Periods

/** A point's period as the change and baseline sentences name it: "January 2015", "31 January 2015", "the 12 months to January 2015". */
export function pointInWords(basis: Basis, end: string): string {
  if (basis === 'trailing_12_months') return `the 12 months to ${end === monthEnd(end) ? monthInWords(end) : dateInWords(end)}`;
  if (basis === 'at_date') return dateInWords(end);
  return periodInWords(basis, monthStart(end), end);
}

/** The same with its preposition: "in January 2015", "at 31 January 2015", "in the 12 months to January 2015". */
export function atPoint(basis: Basis, end: string): string {
  return `${basis === 'at_date' ? 'at' : 'in'} ${pointInWords(basis, end)}`;
}

// ---------------------------------------------------------------------------------------------
// Change since an earlier period

export interface Change {
  /** ↑, ↓ or → (decoration: the words say the same); empty when there is nothing to compare. */
  arrow: string;
  /** "up 2.1 points, worse", "no change", "not comparable", "no figure". */
  words: string;
  /** What it is compared with, e.g. "from 22% in January 2015"; empty when nothing is. */
  from: string;
}

function monthKey(iso: string): number {
  return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7));
}

/** The KPI's complete point in the month `back` months before the headline's, if any. */
export function earlierPoint(m: Report, row: Row, back: number): Point | undefined {
  const target = monthKey(row.period_end) - back;
  return m.series
    .filter((p) => p.kpi === row.kpi && !p.provisional && monthKey(p.period_end) === target)
    .sort((a, b) => b.period_end.localeCompare(a.period_end))[0];
}

/** The first month of a new baseline between an earlier point and the headline, if one started. */
export function baselineBetween(m: Report, row: Row, earlierEnd: string): string | null {
  const after = monthKey(earlierEnd);
  const upTo = monthKey(row.period_end);
  const starts = m.baseline_events.filter((e) => e.kpi === row.kpi).map((e) => `${e.effective_period}-01`);
  if (row.baseline) starts.push(row.baseline.since);
  const inBetween = starts.filter((s) => monthKey(s) > after && monthKey(s) <= upTo).sort();
  return inBetween[0] ?? null;
}

function differenceUnit(d: number, unit: string): string {
  if (isPercent(unit)) return d === 1 ? '1 point' : `${formatNumber(d)} points`;
  if (isBareNumber(unit)) return formatNumber(d);
  if (unit === 'weeks' && d === 1) return '1 week';
  return `${formatNumber(d)} ${unit}`;
}

/**
 * The change of the headline since the point `back` months earlier (1: the previous month, 12:
 * the same month last year): "up 2.1 points, worse" — points for percentages, the unit
 * otherwise, better or worse by the KPI's polarity; "not comparable" when a new baseline started
 * in between; "no figure" when either figure is missing.
 */
export function changeSince(m: Report, row: Row, back: number): Change {
  const earlier = earlierPoint(m, row, back);
  const end = earlier?.period_end ?? monthEnd(addMonthsClamped(monthStart(row.period_end), -back));
  const at = atPoint(row.basis, end);
  if (row.value === 'c' || earlier?.value === 'c') return { arrow: '', words: 'not shown (small numbers)', from: '' };
  if (row.value === null) return { arrow: '', words: 'no figure', from: '' };
  if (!earlier || earlier.value === null) return { arrow: '', words: 'no figure', from: `none ${at}` };
  const baseline = baselineBetween(m, row, earlier.period_end);
  if (baseline) return { arrow: '', words: 'not comparable', from: `a new baseline started in ${monthInWords(baseline)}` };
  const d = Math.round((row.value - earlier.value) * 100) / 100;
  if (d === 0) return { arrow: '→', words: 'no change', from: `${withUnit(earlier.value, row.unit)} ${at} too` };
  const up = d > 0;
  const better = up === (row.polarity === 'higher');
  return { arrow: up ? '↑' : '↓', words: `${up ? 'up' : 'down'} ${differenceUnit(Math.abs(d), row.unit)}, ${better ? 'better' : 'worse'}`, from: `from ${withUnit(earlier.value, row.unit)} ${at}` };
}

// ---------------------------------------------------------------------------------------------
// Plain sentences

/** End a piece of free text with a full stop unless it already ends a sentence. */
export function sentence(text: string): string {
  const t = text.trim();
  return /[.!?)"'”]$/.test(t) ? t : `${t}.`;
}

/**
 * Text a councillor should not be given: JSON, hashes, file, source-code and config names, KPI
 * ids, statistics, snapshot ids, "(s)" plurals. Such text is for the data team's appendix.
 */
const TECHNICAL = [
  /[{}]/,
  /\bsha256\b/i,
  /\b[0-9a-f]{12,}\b/,
  /\b[\w.-]+\.(ts|js|json|sql|csv|xlsx|md)\b/i,
  /\b(config|core|activities|sql|cli|case-system|hr|audits|commentary)\//,
  /\b[a-z0-9]+(_[a-z0-9]+)+\b/,
  /likelihood|statistic|threshold|overdispersion|p-value/i,
  /\(s\)/,
  /\d{8}T\d{6}Z/,
  /<[A-Za-z-]+>/,
];

export function isTechnical(text: string): boolean {
  return TECHNICAL.some((re) => re.test(text));
}

/** "26 plan(s) starting …" → "26 plans starting …", "1 graded audit(s)" → "1 graded audit". */
export function fixPlurals(text: string): string {
  return text.replace(/\b(\d[\d,]*) ((?:[A-Za-z-]+ ){0,3})([A-Za-z-]+)\(s\)/g, (_, n: string, words: string, noun: string) =>
    Number(n.replaceAll(',', '')) === 1 ? `${n} ${words}${noun}` : `${n} ${words}${plural(noun)}`,
  );
}

/** Column names as a councillor reads them. */
const COLUMN_WORDS: Record<string, string> = {
  grade: 'audit grade',
  audit_type: 'audit type',
  auditor_role: 'auditor role',
  case_status: 'case status',
  org_role: 'staff role',
};

export function columnInWords(column: string): string {
  return COLUMN_WORDS[column] ?? column.replaceAll('_', ' ').toLowerCase();
}

/** The work that brings a withheld figure back, by the column whose codes are new. */
function mappingWork(column: string): string {
  if (column === 'grade') return 'mapping it to the existing grading scale';
  return `mapping it to a ${columnInWords(column)} already in use`;
}

const quoted = (codes: string[]): string => codes.map((c) => `“${c}”`).join(', ');

/**
 * A figure withheld because its cohort holds codes it cannot classify, in words, from the
 * reason our SQL macros write (sql/meta/macros.sql: ref.unknown_code_note, ref.withheld_reason);
 * null when the reason is not of that shape.
 */
export function withheldInWords(reason: string): string | null {
  if (!reason.startsWith('Withheld:')) return null;
  const known = [...reason.matchAll(/"((?:[^"\\]|\\.)*)" is not a known ([a-z_]+) \(known: [^)]*\): (\d+) ([A-Za-z -]+?)(?:\(s\))? in this period carry it, (?:the first [a-z]+ on (\d{4}-\d{2}-\d{2})|the first [a-z]+ in ([A-Z][a-z]+ \d{4})|first seen in the extract dated (\d{4}-\d{2}-\d{2}))?/g)];
  const hidden = [...reason.matchAll(/An unrecognised value \(not shown[^)]*\) is in ([a-z_]+)/g)];
  const parts: string[] = [];
  for (const k of known) {
    const [, code, column, n, noun, firstDay, firstMonth, firstExtract] = k;
    const first = firstDay ?? firstExtract;
    const since = firstMonth ? ` appeared in ${firstMonth}` : first ? ` appeared in ${monthInWords(first)}` : ' appeared';
    parts.push(
      `a new ${columnInWords(column!)}, “${JSON.parse(`"${code!}"`) as string}”,${since} (${counted(Number(n), noun!.trim())} this month carry it); the data team is ${mappingWork(column!)}, after which the figure will be shown`,
    );
  }
  for (const h of hidden) {
    parts.push(
      `some records hold a value in the ${columnInWords(h[1]!)} that looks like an identifier or a date typed into the wrong column; the data team is having it corrected in the source system, after which the figure will be shown`,
    );
  }
  if (parts.length === 0) return 'it holds codes the measure cannot classify; the data team is correcting this, after which the figure will be shown.';
  return sentence(parts.join('; and '));
}

/** A list with no extract at all (core/freshness.ts missingSourceReason), in words; null when not of that shape. */
function missingInWords(reason: string): string | null {
  const list = /^No (.+?) extract dated on or before (.+?) has been loaded/.exec(reason);
  if (list) {
    return `no ${list[1]} extract dated on or before ${list[2]} has been received, so this figure cannot be worked out (it is missing data, not a zero); the data team is following this up, and the figure will be shown once the extract is loaded.`;
  }
  if (reason.startsWith('No audit workbook has been loaded')) {
    return 'no audit workbook has been received, so this figure cannot be worked out (it is missing data, not a zero); the data team is following this up.';
  }
  return null;
}

const lowerFirst = (s: string): string => (s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** Why a figure is missing, as one plain sentence fragment (after "No figure: "). */
export function noFigureInWords(reason: string): string {
  const plain = withheldInWords(reason) ?? missingInWords(reason);
  if (plain) return plain;
  const fixed = fixPlurals(reason);
  if (!isTechnical(fixed)) return sentence(lowerFirst(fixed));
  return 'it could not be worked out this time; the data team has the details (see the section for the data team).';
}

/**
 * A note on a figure in words, or null when it cannot be said plainly (the appendix holds every
 * note as published). Stale-data notes (core/freshness.ts) read as out-of-date data.
 */
export function noteInWords(note: string): string | null {
  const text = fixPlurals(note).replace(/^Stale data: /, 'Out-of-date data: ').replace('The figure is shown as computed from it.', 'The figure is shown as worked out from it.');
  return isTechnical(text) ? null : sentence(text);
}

// ---------------------------------------------------------------------------------------------
// Baselines

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Who the codes are about, e.g. "case file audits" (an audit cohort) or "the referrals". */
function subjectOf(ev: Record<string, unknown>): string {
  const source = str(ev.source) ?? '';
  const cohort = ev.cohort as Record<string, unknown> | undefined;
  const types = strings(cohort?.audit_type);
  if (source.endsWith('/audits')) return types.length === 1 ? `${types[0]!.toLowerCase()} audits` : 'audits';
  return `the ${plural(rowNoun(source))}`;
}

/** One plain sentence on what changed, starting "From <month> …", ending "so figures before and after are not compared." */
export function baselineChangeInWords(e: Pick<Event, 'kind' | 'effective_period' | 'evidence'>, unit: string): string {
  const from = `From ${monthInWords(e.effective_period)}`;
  const ev = e.evidence;
  const notCompared = 'so figures before and after are not compared.';
  switch (e.kind) {
    case 'level_shift': {
      const before = num(ev.before);
      const after = num(ev.after);
      if (before !== null && after !== null && before !== after) {
        return `${from} the figure stepped ${after > before ? 'up' : 'down'} from about ${withUnit(before, unit)} to about ${withUnit(after, unit)} and stayed there, ${notCompared}`;
      }
      return `${from} the figure moved to a new level and stayed there, ${notCompared}`;
    }
    case 'definition_changed':
      return `${from} the way this figure is worked out changed, ${notCompared}`;
    case 'source_schema_changed':
      return `${from} the ${sourceInWords(str(ev.source) ?? '')} changed shape (columns added, removed or written differently), ${notCompared}`;
    case 'source_codes_changed': {
      const column = columnInWords(str(ev.column) ?? 'code');
      const added = strings(ev.new_codes);
      const gone = strings(ev.vanished_codes);
      const what = [
        added.length === 1 ? `a new ${column}, ${quoted(added)}` : added.length > 1 ? `new ${column}s (${quoted(added)})` : '',
        gone.length > 0 ? `no longer the ${column}${gone.length > 1 ? 's' : ''} ${quoted(gone)}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return `${from} ${subjectOf(ev)} use ${what || `different ${column}s`}, ${notCompared}`;
    }
    case 'manual': {
      const reason = str(ev.reason);
      const why = reason && !isTechnical(reason) ? ` (${reason.replace(/[.\s]+$/, '')})` : '';
      return `${from} the council set a new baseline${why}, ${notCompared}`;
    }
  }
}

const KIND_BY_REASON: [RegExp, Event['kind'] | 'first'][] = [
  [/^first published figure/, 'first'],
  [/^level shift/, 'level_shift'],
  [/^definition changed/, 'definition_changed'],
  [/^source columns changed/, 'source_schema_changed'],
  [/^source codes changed/, 'source_codes_changed'],
  [/^declared by the council/, 'manual'],
];

/** The KPI's baseline in one plain sentence. */
export function baselineInWords(m: Report, row: Row): string {
  const b = row.baseline;
  if (b === null) return 'No baseline has been set for this measure.';
  const month = b.since.slice(0, 7);
  const value = b.value === null ? null : `${showNum(b.value, row.unit)} ${atPoint(row.basis, b.period_end)}`;
  const event = m.baseline_events.filter((e) => e.kpi === row.kpi && e.effective_period === month).pop();
  const kind = event?.kind ?? KIND_BY_REASON.find(([re]) => re.test(b.reason))?.[1] ?? null;
  if (kind === 'first') return value ? `The baseline is ${value}, the first month in these figures.` : 'The baseline is the first month in these figures, which has no figure.';
  const now = value ? `the new baseline is ${value}` : `the new baseline starts in ${monthInWords(month)}, with no figure yet`;
  if (event || kind) return `${baselineChangeInWords(event ?? { kind: kind!, effective_period: month, evidence: {} }, row.unit).replace(/\.$/, '')}; ${now}.`;
  return value ? `The baseline is ${value}.` : `The baseline started in ${monthInWords(month)}, with no figure yet.`;
}
