/**
 * Reads a CSV's header row and matches it to a contract: names, or the spellings
 * config/header-aliases.json accepts, compared by core/header-names.ts `headerKey` (case, spaces,
 * `(Y/N)` markers do not count), any order, extra columns ignored. Says exactly what is missing when a file is not the
 * list it claims to be — naming only cells that are column names of some list (header names by
 * definition). Any other cell may be data (a file without its header line starts with a child's
 * row), so it is counted, never quoted.
 */
import { open } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse/sync';
import type { ListContract } from '../core/contracts/lists.js';
import { columnMeta, columnRequiredInHeader } from '../core/contracts/columns.js';
import { columnsByKey, headerKey, knownHeaderSpellings, NAMES_ONLY, type HeaderNames } from '../core/header-names.js';

export interface HeaderMatch {
  /** For each position in the file, the contract header it carries, or null (extra column). */
  positions: (string | null)[];
  present: Set<string>;
}

const HEAD_BYTES = 256 * 1024;

/** A first line that cannot be a header; csv-parse's own message may quote the line, so it is not used. */
export const HEADER_QUOTE_OPEN = 'a double quote on the first line is not closed on that line, so the first line is not a header of column names: is the header line missing? Export the file again with its header';

/** The first record of a UTF-8 CSV, null when the file has no header at all, or why it cannot be read. */
export async function readHeader(path: string): Promise<string[] | null | { reason: string }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    let text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    if (end >= 0) text = text.slice(0, end);
    if (text.trim() === '') return null;
    try {
      const records = parse(text, { relax_column_count: true, relax_quotes: true }) as string[][];
      return records[0] ?? null;
    } catch (err) {
      if (err instanceof CsvError) return { reason: HEADER_QUOTE_OPEN };
      throw err;
    }
  } finally {
    await fh.close();
  }
}

export function matchHeader(contract: ListContract, header: string[], names: HeaderNames = NAMES_ONLY): HeaderMatch | { reason: string } {
  const byKey = columnsByKey(contract, names);
  const positions: (string | null)[] = [];
  const present = new Set<string>();
  for (const cell of header) {
    const canonical = byKey.get(headerKey(cell)) ?? null;
    if (canonical && present.has(canonical)) {
      return { reason: `the column "${canonical}" appears twice in the header; remove one` };
    }
    if (canonical) present.add(canonical);
    positions.push(canonical);
  }
  const missing = Object.entries(contract.columns)
    .filter(([h, s]) => columnRequiredInHeader(columnMeta(s)) && !present.has(h))
    .map(([h]) => h);
  if (missing.length > 0) {
    return { reason: `not a ${contract.title} file: missing required column(s) ${missing.map((m) => `"${m}"`).join(', ')}; ${describeHeader(header, names)}` };
  }
  return { positions, present };
}

const NAMES_SHOWN = 6;

/**
 * The first line in words, for a reason: how many cells, which of them are known column names or
 * aliases (shown in our own spelling: the contract's or the alias file's), and how many are not
 * (never shown: they may be a child's row).
 */
export function describeHeader(header: readonly string[], aliases: HeaderNames = NAMES_ONLY): string {
  const n = header.length;
  if (n === 1 && /[;\t|]/.test(header[0]!)) {
    return 'its first line has no commas between values: save the file as CSV with commas (not semicolons or tabs) between columns';
  }
  const spellings = knownHeaderSpellings(aliases);
  const known = header.map((cell) => spellings.get(headerKey(cell)) ?? null);
  const names = known.filter((h): h is string => h !== null);
  const others = n - names.length;
  const cells = `${n} cell${n === 1 ? '' : 's'}`;
  if (names.length === 0) {
    return `none of the ${cells} on its first line is a column name of any list, so the header line is probably missing (the first line is not shown: it may be a row of data)`;
  }
  const shown = names.slice(0, NAMES_SHOWN).map((h) => `"${h}"`).join(', ') + (names.length > NAMES_SHOWN ? `, and ${names.length - NAMES_SHOWN} more` : '');
  const rest = others === 0 ? '' : `; ${others} other cell${others === 1 ? ' is' : 's are'} not column names of any list (not shown)`;
  return `its first line has ${cells}: the column names ${shown}${rest}`;
}
