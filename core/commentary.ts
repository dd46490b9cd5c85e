/**
 * Managers' commentary (issue 14): a sentence or two per KPI per month, written by service
 * managers ("what the figure shows, what we are doing") and shown beside the figure in the
 * committee report. It arrives in the landing folder like any source:
 *
 * - `commentary/<YYYY-MM>.csv`: a header row, then one row per KPI. Columns (case and spacing of
 *   the header do not matter): `KPI` (also `KPI id`, `Measure`), `Commentary` (also `Comment`,
 *   `Comments`) and `Author role` (also `Author`, `Role`). Other columns are ignored.
 * - `commentary/<YYYY-MM>.md`: a `## <KPI>` heading per KPI, an `Author role: …` line under it,
 *   then the text (lines are joined into one paragraph; Markdown formatting is not interpreted).
 *   `#` title lines and blank lines before the first `##` heading are ignored.
 *
 * `<YYYY-MM>` is the month the commentary is about; it is shown beside that month's figure (the
 * KPI's headline period). A KPI is named by its id (`re_referral_12m_pct`) or its title. A row
 * with a KPI but a blank Commentary is a template row, not commentary, and is skipped.
 *
 * Commentary is staff prose, not a source row about a child, but it is untrusted text: control
 * characters are stripped and it is capped (core/shown-text.ts), and a reject reason never
 * quotes it. A KPI cell is echoed only when it looks like a code (`shownCode`). Pure: text in,
 * entries and rejects out; the file is read and recorded by activities/load-commentary.ts.
 */
import { parse } from 'csv-parse/sync';
import { isIsoDate } from './dates.js';
import { CODE_NOT_SHOWN, COMMENTARY_MAX_CHARS, shownCode, strippedText } from './shown-text.js';
import type { SourceKind } from './source-folders.js';

/** The landing folder (and `meta.files` source and list) of commentary files: one of SOURCE_FOLDERS. */
export const COMMENTARY_SOURCE = 'commentary' satisfies SourceKind;

/** Largest commentary file accepted: 20 KPIs × 1,000 characters is about 20 KB. */
export const COMMENTARY_MAX_BYTES = 256 * 1024;

/** Longest author role accepted (a role, not a sentence). */
export const AUTHOR_ROLE_MAX_CHARS = 100;

/** The CSV columns and the other header spellings accepted for each (compared case-insensitively). */
export const COMMENTARY_COLUMNS = {
  KPI: ['KPI', 'KPI id', 'Measure'],
  Commentary: ['Commentary', 'Comment', 'Comments'],
  'Author role': ['Author role', 'Author', 'Role'],
} as const;

type Column = keyof typeof COMMENTARY_COLUMNS;

export interface KpiName {
  id: string;
  title: string;
}

export interface CommentaryEntry {
  /** Line of the row (CSV, header = 1) or of the `##` heading (Markdown). */
  line: number;
  kpi: string;
  text: string;
  authorRole: string;
}

export interface CommentaryReject {
  line: number;
  column: Column | null;
  reason: string;
  /** The cell as written, for the warehouse's meta.rejects only (never shown). */
  rawValue: string | null;
}

export interface ParsedCommentary {
  entries: CommentaryEntry[];
  rejects: CommentaryReject[];
  /** Rows (CSV) or sections (Markdown) that were commentary or tried to be: entries + rejected rows. */
  rowsRead: number;
  /** Why the whole file cannot be used, or null. */
  fileProblem: string | null;
}

/** What a commentary file name says: its month, or why it cannot be used. */
export function commentaryMonth(name: string): { month: string } | { reason: string } {
  const m = /^(\d{4})-(\d{2})\.(csv|md)$/i.exec(name);
  if (!m) return { reason: 'commentary files must be named <YYYY-MM>.csv or <YYYY-MM>.md after the month they are about (e.g. 2015-02.csv); rename it' };
  if (!isIsoDate(`${m[1]}-${m[2]}-01`)) return { reason: `${m[1]}-${m[2]} in the file name is not a real month` };
  return { month: `${m[1]}-${m[2]}` };
}

const fold = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** The KPI id a cell names (its id or its title, case-insensitively), or null. */
export function resolveKpi(value: string, kpis: readonly KpiName[]): string | null {
  const v = fold(value);
  return kpis.find((k) => k.id.toLowerCase() === v || fold(k.title) === v)?.id ?? null;
}

interface Candidate {
  line: number;
  kpi: string;
  text: string;
  authorRole: string | null;
}

/** The rules every row or section meets; `seen` holds the KPIs already given commentary, by line. */
function check(c: Candidate, kpis: readonly KpiName[], seen: Map<string, number>): { entry?: CommentaryEntry; rejects: CommentaryReject[] } {
  const rejects: CommentaryReject[] = [];
  const reject = (column: Column, reason: string, rawValue: string | null = null) => rejects.push({ line: c.line, column, reason, rawValue });
  const text = strippedText(c.text, Number.MAX_SAFE_INTEGER);
  const role = strippedText(c.authorRole ?? '', Number.MAX_SAFE_INTEGER);
  const id = c.kpi.trim() === '' ? null : resolveKpi(c.kpi, kpis);
  if (c.kpi.trim() === '') {
    reject('KPI', 'the KPI is blank; give the KPI id (e.g. re_referral_12m_pct) or the measure’s title');
  } else if (id === null) {
    const shown = shownCode(c.kpi.trim());
    const what = shown === CODE_NOT_SHOWN ? 'the KPI (not shown: it does not look like a KPI id)' : `"${shown}"`;
    reject('KPI', `${what} is not a measure in this report; give its KPI id (e.g. re_referral_12m_pct) or its title`, c.kpi);
  } else if (seen.has(id)) {
    reject('KPI', `${id} already has commentary on line ${seen.get(id)} of this file; put all of it in one place`, c.kpi);
  }
  if (text === '') reject('Commentary', 'the commentary holds no visible text (only control or invisible characters)');
  else if (Array.from(text).length > COMMENTARY_MAX_CHARS) {
    reject('Commentary', `the commentary is ${Array.from(text).length} characters long, over the ${COMMENTARY_MAX_CHARS.toLocaleString('en-GB')} allowed (a sentence or two); shorten it`);
  }
  if (role === '') reject('Author role', 'the author role is blank; say who wrote it, as a role (e.g. Head of Service, Assessment)');
  else if (Array.from(role).length > AUTHOR_ROLE_MAX_CHARS) {
    reject('Author role', `the author role is ${Array.from(role).length} characters long, over the ${AUTHOR_ROLE_MAX_CHARS} allowed; give a role, not a sentence`);
  }
  if (rejects.length > 0 || id === null) return { rejects };
  // Only a row that is used claims its KPI: a rejected one does not block a good one below it.
  seen.set(id, c.line);
  return { entry: { line: c.line, kpi: id, text, authorRole: role }, rejects };
}

function collect(candidates: Candidate[], kpis: readonly KpiName[], stray: CommentaryReject[] = []): ParsedCommentary {
  const seen = new Map<string, number>();
  const entries: CommentaryEntry[] = [];
  const rejects: CommentaryReject[] = [...stray];
  for (const c of candidates) {
    const r = check(c, kpis, seen);
    if (r.entry) entries.push(r.entry);
    rejects.push(...r.rejects);
  }
  const rowsRead = candidates.length + stray.length;
  if (rowsRead === 0) return { entries, rejects, rowsRead, fileProblem: 'the file holds no commentary: no row (or ## section) has both a KPI and some text' };
  return { entries, rejects, rowsRead, fileProblem: null };
}

const problem = (fileProblem: string): ParsedCommentary => ({ entries: [], rejects: [], rowsRead: 0, fileProblem });

/** csv-parse's error codes in our own words (its messages are never passed on). */
function csvProblem(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    return 'a double quote is never closed, so the rest of the file would be one value: quote the whole value and double any quote inside it, or save the file from Excel again';
  }
  if (code === 'CSV_INVALID_CLOSING_QUOTE') return 'a value has a stray double quote: quote the whole value and double any quote inside it';
  return 'the file cannot be read as a CSV (a header row, then one row per KPI, commas between columns): save it from Excel as CSV, or use the .md form';
}

export function parseCommentaryCsv(text: string, kpis: readonly KpiName[]): ParsedCommentary {
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(text, { bom: true, relax_column_count: true, raw: true, skip_empty_lines: false }) as unknown as { record: string[]; raw: string }[];
  } catch (e) {
    return problem(csvProblem(e));
  }
  const [header, ...rows] = records;
  if (!header) return problem('the file is empty');
  const where = new Map<Column, number>();
  for (const [column, names] of Object.entries(COMMENTARY_COLUMNS) as [Column, readonly string[]][]) {
    const at = header.record.flatMap((cell, i) => (names.some((n) => fold(n) === fold(cell)) ? [i] : []));
    if (at.length > 1) return problem(`two columns of the header both mean ${column} (${at.map((i) => `column ${i + 1}`).join(' and ')}); keep one`);
    if (at.length === 1) where.set(column, at[0]!);
  }
  const missing = (Object.keys(COMMENTARY_COLUMNS) as Column[]).filter((c) => !where.has(c));
  if (missing.length > 0) {
    return problem(`the header row has no ${missing.join(', ')} column; the columns are KPI, Commentary and Author role (README, "Managers' commentary")`);
  }
  const candidates: Candidate[] = [];
  // Lines as the file numbers them: a quoted value may hold line breaks, so count every break in
  // a record's raw text (csv-parse keeps its ending "\n", or the "\r" of a "\r\n").
  const breaks = (raw: string): number => raw.match(/\r\n|\r|\n/g)?.length ?? 0;
  let line = 1 + breaks(header.raw);
  for (const r of rows) {
    const cell = (c: Column): string => r.record[where.get(c)!] ?? '';
    const start = line;
    line += breaks(r.raw);
    if (cell('Commentary').trim() === '' && (cell('KPI').trim() !== '' || r.record.every((v) => v.trim() === ''))) continue;
    candidates.push({ line: start, kpi: cell('KPI'), text: cell('Commentary'), authorRole: cell('Author role') });
  }
  return collect(candidates, kpis);
}

export function parseCommentaryMarkdown(text: string, kpis: readonly KpiName[]): ParsedCommentary {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const sections: { line: number; heading: string; role: string | null; text: string[] }[] = [];
  const stray: CommentaryReject[] = [];
  lines.forEach((raw, i) => {
    const heading = /^##(?!#)\s*(.*?)\s*#*\s*$/.exec(raw);
    if (heading) {
      sections.push({ line: i + 1, heading: heading[1] ?? '', role: null, text: [] });
      return;
    }
    const current = sections[sections.length - 1];
    if (!current) {
      const isTitle = /^#(?!#)/.test(raw);
      const followsStray = stray.length > 0 && lines[i - 1]?.trim() !== '' && !/^#/.test(lines[i - 1] ?? '');
      if (!isTitle && raw.trim() !== '' && !followsStray) {
        stray.push({ line: i + 1, column: null, rawValue: null, reason: 'text before the first "## <KPI>" heading belongs to no measure; put it under the heading of the measure it is about' });
      }
      return;
    }
    const role = /^\s*author\s+role\s*:\s*(.*)$/i.exec(raw);
    if (role && current.role === null) current.role = role[1] ?? '';
    else if (raw.trim() !== '') current.text.push(raw.trim());
  });
  const candidates = sections
    .filter((s) => s.text.length > 0)
    .map((s) => ({ line: s.line, kpi: s.heading, text: s.text.join(' '), authorRole: s.role }));
  return collect(candidates, kpis, stray);
}

/** The right parser for a file name (`.csv` or `.md`). */
export function parseCommentary(name: string, text: string, kpis: readonly KpiName[]): ParsedCommentary {
  return /\.md$/i.test(name) ? parseCommentaryMarkdown(text, kpis) : parseCommentaryCsv(text, kpis);
}

/** A metrics file without its commentary: the public variant never carries it (README, "Managers' commentary"). */
export function withoutCommentary<M extends { metrics: { commentary?: unknown }[] }>(m: M): M {
  return { ...m, metrics: m.metrics.map((r) => ({ ...r, commentary: null })) };
}
