/**
 * How `csc-kpi query` prints a result on stdout: a plain-text table for the terminal, CSV for a
 * spreadsheet (formula-safe, core/csv-safe.ts) or JSON for a script — so an analyst who wants
 * to keep a result redirects stdout and never needs COPY. Pure: strings in, a string out.
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { Json } from '@duckdb/node-api';
import { toCsv } from '../core/csv-safe.js';

export const FORMATS = ['table', 'csv', 'json'] as const;
export type QueryFormat = (typeof FORMATS)[number];

export interface QueryResult {
  columns: string[];
  types: DuckDBType[];
  /** Rows as DuckDB's JSON conversion gives them (BIGINT and DECIMAL as text, so nothing is rounded). */
  rows: Json[][];
}

/** A plain-text table: a header, a rule, one line per row; NULL shown as an empty cell. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v as string | number | boolean | bigint);
  };
  const cells = rows.map((r) => r.map(text));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

const TEXT_NUMBERS = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.DECIMAL]);

/**
 * A number DuckDB handed over as text, as a JavaScript number or bigint when that is exact:
 * a count stays a number in JSON, and a negative one is not mistaken by the CSV writer for a
 * formula. Anything not exactly representable stays text.
 */
function exactNumber(text: string): number | bigint | string {
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  const n = Number(text);
  const canonical = text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return Number.isFinite(n) && String(n) === canonical ? n : text;
}

function typedRows(r: QueryResult): unknown[][] {
  const numeric = r.types.map((t) => TEXT_NUMBERS.has(t.typeId));
  return r.rows.map((row) => row.map((v, i) => (numeric[i] && typeof v === 'string' ? exactNumber(v) : v)));
}

function records(r: QueryResult): Record<string, unknown>[] {
  return typedRows(r).map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
}

export function formatResult(r: QueryResult, format: QueryFormat): string {
  if (format === 'table') return formatTable(r.columns, r.rows);
  if (format === 'csv') return toCsv(records(r), r.columns);
  // One JSON array of row objects; a bigint too large for a JSON number is written as text.
  const rows = records(r).map((o) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  return rows.length === 0 ? '[]\n' : `[\n${rows.join(',\n')}\n]\n`;
}
