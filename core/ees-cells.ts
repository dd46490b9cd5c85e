/**
 * Explore Education Statistics (EES) open-data CSVs as the benchmark loader reads them (spec
 * benchmarks.md): the standard leading columns, and what an indicator cell says — a number, an
 * EES symbol standing in for one, or nothing. Pure.
 *
 * Symbols (GSS / DfE conventions): `c` suppressed, `x` unavailable, `z` not applicable, `low` or
 * `k` rounds to 0 but is not 0, `u` low reliability, and the older `:` and `~`. A symbol is never a
 * number and never an error: the value is null and the symbol is kept beside it.
 *
 * `u` is the one symbol that may come with a number: some releases print a low-reliability figure
 * with its flag (`12.3 u`, `12.3u`). Choice: such a cell is the number, with the symbol `u` kept
 * beside it — the file shows the figure, so it is published and ranked like any other, and the
 * flag travels with it (`symbols`). A `u` alone is null with the symbol `u`, like the others.
 */

export const EES_SYMBOLS = ['c', 'x', 'z', 'low', 'k', 'u', ':', '~'] as const;
export type EesSymbol = (typeof EES_SYMBOLS)[number];

/** The standard leading columns of an EES open-data CSV (the rest are filters and indicators). */
export const EES_COLUMNS = [
  'time_period',
  'time_identifier',
  'geographic_level',
  'country_code',
  'country_name',
  'region_code',
  'region_name',
  'old_la_code',
  'new_la_code',
  'la_name',
] as const;
export type EesColumn = (typeof EES_COLUMNS)[number];

/** Without these a file is not an EES open-data CSV. */
export const EES_REQUIRED: readonly EesColumn[] = ['time_period', 'geographic_level'];

/** The geographic levels a benchmark reads (EES spells them so; compared case-insensitively). */
export const LEVELS = { national: 'national', regional: 'regional', la: 'local authority' } as const;

export type EesCell = { value: number | null; symbol: EesSymbol | null } | { problem: string };

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const WITH_U = /^([-+]?(\d+(\.\d*)?|\.\d+))\s*u$/i;

/** What a symbol says, in words. */
export const SYMBOL_WORDS: Readonly<Record<EesSymbol, string>> = {
  c: 'suppressed',
  x: 'not available',
  z: 'not applicable',
  low: 'rounds to 0',
  k: 'rounds to 0',
  u: 'low reliability',
  ':': 'not available',
  '~': 'rounds to 0',
};

export const CELL_RULE = `not a number or an EES symbol (${EES_SYMBOLS.join(', ')})`;

/** What one indicator cell says. */
export function readEesCell(text: string): EesCell {
  const t = text.trim();
  if (t === '') return { value: null, symbol: null };
  const lower = t.toLowerCase();
  if ((EES_SYMBOLS as readonly string[]).includes(lower)) return { value: null, symbol: lower as EesSymbol };
  if (NUMBER.test(t)) return { value: Number(t), symbol: null };
  const u = WITH_U.exec(t);
  if (u) return { value: Number(u[1]), symbol: 'u' };
  return { problem: CELL_RULE };
}


const NAMES_SHOWN = 6;
const NAME_SHOWN_CHARS = 40;

/**
 * A header as an `ignored` reason may name it: column names may be echoed, a row of data may not
 * (a file dropped without its header line starts with a row). So a cell is named only when it
 * looks like a column name — a known one, or a snake_case identifier (`cla_rate_per_10000`) at
 * least half letters, which no identifier or date of a child's row is — and the others are counted. The standard EES columns are left out: the rest says what the file is.
 */
export function headerInWords(header: readonly string[], known: ReadonlySet<string> = new Set()): string {
  const standard = new Set<string>(EES_COLUMNS);
  const rest = header.map((h) => h.trim()).filter((h) => h !== '' && !standard.has(h.toLowerCase()));
  const letters = (h: string): number => (h.match(/[A-Za-z]/g) ?? []).length;
  const looksLikeName = (h: string): boolean =>
    known.has(h.toLowerCase()) || (/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9%]+)+$/.test(h) && 2 * letters(h) >= h.replace(/[_%]/g, '').length);
  const named = rest.filter(looksLikeName);
  const hidden = rest.length - named.length;
  const shown = named.slice(0, NAMES_SHOWN).map((h) => `"${h.length > NAME_SHOWN_CHARS ? `${h.slice(0, NAME_SHOWN_CHARS - 1)}…` : h}"`);
  const more = named.length > NAMES_SHOWN ? ` and ${named.length - NAMES_SHOWN} more` : '';
  const others = hidden > 0 ? `; ${hidden} other cell${hidden === 1 ? '' : 's'} not shown (not column names)` : '';
  const lead = header.some((h) => standard.has(h.trim().toLowerCase())) ? 'besides the standard EES columns, its header has ' : 'its header has ';
  if (named.length === 0) return `${lead}no column names we can show${others}`;
  return `${lead}${shown.join(', ')}${more}${others}`;
}
