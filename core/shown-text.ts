/**
 * The one rule for text that leaves the warehouse (issue 12, "custody"): reasons, file names and
 * code values shown in metrics.json, the manifest, the report, `csc-kpi validate`, the run
 * summary, logs and Temporal payloads.
 *
 * - A **reason** is our own words, never a library's error message or a cell of the file. It is
 *   capped at {@link REASON_MAX_CHARS} and free of control characters ({@link shownReason}).
 * - A **file, sheet or folder name** is not a data value but it is untrusted: control
 *   characters (an ANSI escape, a line break, a right-to-left override) are made visible as
 *   `\u001b` and the name is capped ({@link shownName}).
 * - A **code value** of a code column (an unknown audit grade) may be shown, as the house rules
 *   allow, but only when it looks like a code: short, printable, at most two digits. A child id
 *   typed into a code column (`C004733`) or a date of birth (`16/06/2005`) has more digits and is
 *   described instead (`an unrecognised value (not shown)`, {@link shownCode}). The same rule is
 *   the SQL macro `ref.shown_code(x)` ({@link shownCodeMacroSql}), so the KPIs' withheld notes
 *   and the baseline events agree.
 *
 * Pure: no IO. Not an escaper for HTML, CSV or SQL (those have their own).
 */
import { sqlLiteral as lit } from './sql-text.js';

/** Longest reason published (a data officer reads one line; a library message can be megabytes). */
export const REASON_MAX_CHARS = 300;
/** Longest file, sheet or folder name shown (real extract names are under 60). */
export const NAME_MAX_CHARS = 120;
/** Longest code value shown (the longest known code, "Requires Improvement", is 20). */
export const CODE_MAX_CHARS = 60;
/** Most digits a shown code may hold (Annex A codes such as N9 or RC10; identifiers and dates have more). */
export const CODE_MAX_DIGITS = 2;
/** What stands for a code value that is not shown. */
export const CODE_NOT_SHOWN = 'an unrecognised value (not shown)';

/**
 * Characters a terminal, a browser or a reader acts on or hides: C0 and C1 controls and DEL, the
 * Arabic letter mark, zero-width and bidirectional controls, line and paragraph separators, word
 * joiners and isolates, the byte-order mark, interlinear annotation. As code point ranges, so the
 * JavaScript and the SQL (RE2) patterns are written from one list.
 */
const HIDDEN_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x61c, 0x61c],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x2069],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffb],
];

const hex = (n: number): string => n.toString(16).padStart(4, '0');
const HIDDEN = new RegExp(`[${HIDDEN_RANGES.map(([a, b]) => (a === b ? `\\u{${hex(a)}}` : `\\u{${hex(a)}}-\\u{${hex(b)}}`)).join('')}]`, 'gu');
const HIDDEN_RE2 = `[${HIDDEN_RANGES.map(([a, b]) => (a === b ? `\\x{${hex(a)}}` : `\\x{${hex(a)}}-\\x{${hex(b)}}`)).join('')}]`;

/** Whether the text holds a character {@link visibleControls} would rewrite. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/** Every hidden character written out as `\uXXXX`, so it is seen and never acted on. */
export function visibleControls(text: string): string {
  return text.replace(HIDDEN, (c) => `\\u${hex(c.codePointAt(0)!)}`);
}

/** At most `max` characters (code points), the last one an ellipsis when cut. */
export function capText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A reason as it may be recorded and shown: control characters visible, at most {@link REASON_MAX_CHARS}. */
export function shownReason(reason: string): string {
  return capText(visibleControls(reason), REASON_MAX_CHARS);
}

export function shownReasonOrNull(reason: string | null | undefined): string | null {
  return reason === null || reason === undefined ? null : shownReason(reason);
}

/** A file, sheet or folder name (or a path relative to the landing folder) as it may be shown. */
export function shownName(name: string): string {
  return capText(visibleControls(name), NAME_MAX_CHARS);
}

/** Whether a value of a code column may be shown as it is (see the module comment). */
export function isShowableCode(value: string): boolean {
  if (Array.from(value).length > CODE_MAX_CHARS || hasHiddenCharacters(value)) return false;
  return (value.match(/[0-9]/g) ?? []).length <= CODE_MAX_DIGITS;
}

/** The code value itself when it may be shown, else {@link CODE_NOT_SHOWN}. */
export function shownCode(value: string): string {
  return isShowableCode(value) ? value : CODE_NOT_SHOWN;
}

/**
 * `ref.shown_code(x)`: the SQL twin of {@link isShowableCode} — x when it may be shown, else NULL
 * (so the caller words the note for a value it cannot name).
 */
export function shownCodeMacroSql(): string {
  return `CREATE OR REPLACE MACRO ref.shown_code(x) AS
  CASE WHEN length(x) <= ${CODE_MAX_CHARS}
        AND NOT regexp_matches(x, ${lit(HIDDEN_RE2)})
        AND length(regexp_replace(x, '[^0-9]', '', 'g')) <= ${CODE_MAX_DIGITS}
       THEN x END`;
}

/**
 * Labels for the code values of one list or event: a value that may be shown is its own label;
 * the others are {@link CODE_NOT_SHOWN}, numbered (`#1`, `#2`, in a fixed order) when there are
 * several, so counts keyed by label stay apart.
 */
export function codeLabels(codes: Iterable<string>): Map<string, string> {
  const distinct = [...new Set(codes)];
  const hidden = distinct.filter((c) => !isShowableCode(c)).sort();
  const labels = new Map<string, string>(distinct.filter(isShowableCode).map((c) => [c, c]));
  hidden.forEach((c, i) => labels.set(c, hidden.length === 1 ? CODE_NOT_SHOWN : `${CODE_NOT_SHOWN} #${i + 1}`));
  return labels;
}

/** Longest KPI note or gap published: our own sentences, which may name several shown codes. */
export const NOTE_MAX_CHARS = 2000;

/** A KPI note or data gap as it may be published: control characters visible, capped. */
export function shownNote(note: string): string {
  return capText(visibleControls(note), NOTE_MAX_CHARS);
}

/** Longest piece of staff commentary shown beside a figure (a sentence or two; see core/commentary.ts). */
export const COMMENTARY_MAX_CHARS = 1000;

/**
 * Free text written by staff (a manager's commentary, its author role) as it may be kept and
 * shown: line breaks and tabs become spaces, every other hidden character is removed (it would
 * only be noise or a trick in a paragraph), runs of spaces close up, and it is capped. Unlike a
 * name, nothing is written out as `\u001b`: this is prose for a committee, not an identifier.
 */
export function strippedText(text: string, max: number): string {
  const spaced = text.replace(/[\t\n\r\u2028\u2029]/g, ' ');
  HIDDEN.lastIndex = 0;
  const clean = spaced.replace(HIDDEN, '').replace(/\s+/g, ' ').trim();
  return capText(clean, max);
}

/** A manager's commentary as it may be kept and shown (see {@link strippedText}). */
export function shownCommentary(text: string): string {
  return strippedText(text, COMMENTARY_MAX_CHARS);
}

/**
 * A library's error (DuckDB, csv-parse, exceljs, zod, the file system) as a failure message may
 * carry it into a Temporal payload, a log or a terminal: its first line with every quoted part
 * blanked (DuckDB quotes the value it could not convert, csv-parse the field it choked on, and a
 * CSV error's later lines hold the whole row), a file-system error as its code, call and path,
 * a zod error as the paths of its issues (never the values received), all capped.
 */
export function shownLibraryError(err: unknown): string {
  if (!(err instanceof Error)) return 'a failure that is not an Error';
  const fsError = err as Error & { code?: unknown; syscall?: unknown; path?: unknown };
  if (typeof fsError.code === 'string' && typeof fsError.syscall === 'string') {
    return shownReason(`${fsError.code} on ${fsError.syscall}${typeof fsError.path === 'string' ? ` of ${shownName(fsError.path)}` : ''}`);
  }
  const issues = (err as { issues?: unknown }).issues;
  if (Array.isArray(issues)) {
    const paths = issues.map((i: { path?: unknown[] }) => (Array.isArray(i.path) ? i.path.join('.') : '?') || '(root)');
    return shownReason(`${err.name}: ${issues.length} value(s) do not match their contract, at ${paths.join(', ')}`);
  }
  const first = err.message.split(/\r?\n/, 1)[0] ?? '';
  const blanked = first.replace(/'[^']*'?/g, "'…'").replace(/"[^"]*"?/g, '"…"');
  return shownReason(err.name && err.name !== 'Error' && !blanked.startsWith(err.name) ? `${err.name}: ${blanked}` : blanked);
}
