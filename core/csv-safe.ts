/**
 * CSV for spreadsheets: RFC 4180 text (CRLF line ends, quotes doubled, fields holding a comma,
 * quote, CR or LF quoted) with a UTF-8 byte-order mark so Excel opens it as UTF-8, and with
 * formula-injection protection: a text cell that starts with `=`, `+`, `-`, `@`, tab or CR is
 * prefixed with `'` so a spreadsheet shows it as text instead of running it (OWASP "CSV
 * injection"). Only strings are neutralised; a genuine JavaScript number such as -3.2 is written
 * as -3.2 so analysts still get numbers.
 *
 * Pure: returns a string, writes nothing. Not a parser.
 */

const BOM = '\uFEFF';
const CRLF = '\r\n';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Prefix a text cell that a spreadsheet would read as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

function cellText(value: unknown, column: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    // NaN or Infinity would reach the spreadsheet as text nobody can compute with: refuse it.
    if (!Number.isFinite(value)) throw new Error(`toCsv: column "${column}" holds ${String(value)}, which is not a finite number`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return neutraliseFormula(value);
  if (value instanceof Date) return value.toISOString();
  return neutraliseFormula(JSON.stringify(value));
}

/**
 * Rows → CSV text with a header line of `columns`, in that order. A missing key, `null` or
 * `undefined` is an empty cell. Objects and arrays are written as JSON text.
 */
export function toCsv(rows: Record<string, unknown>[], columns: string[]): string {
  const lines = [columns.map((c) => quote(neutraliseFormula(c))).join(',')];
  for (const row of rows) {
    lines.push(columns.map((c) => quote(cellText(row[c], c))).join(','));
  }
  return BOM + lines.join(CRLF) + CRLF;
}
