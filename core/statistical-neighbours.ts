/**
 * DfE's statistical neighbour model, as its wide CSV: one row per local authority with
 * `old_la_code`, `la_name`, then `SN_1`, `SN_1P` … `SN_10`, `SN_10P` — each neighbour (named or
 * coded), nearest first, with its closeness in words ("Extremely Close", "Very Close"…); a
 * council with `-` has none (spec benchmarks.md). Pure: parses text the caller read.
 *
 * For the region (issue 18) and for the benchmarks (issue 16), which can load the same entries
 * into core.statistical_neighbours. The workbook's `LA SN Groups` sheet is not read here: read it
 * with exceljs, name its columns as the CSV does, and hand the rows to `entriesFromRows`.
 */
import { parse } from 'csv-parse/sync';
import { oldLaCode } from './la-code.js';

export const NEIGHBOURS_PER_COUNCIL = 10;

export interface NeighbourRef {
  /** 1 = nearest. */
  position: number;
  /** As the file gives it: an LA name or an old LA code. */
  ref: string;
  closeness: string | null;
}

export interface NeighbourEntry {
  /** Old LA code, three digits ("302"). */
  code: string;
  name: string;
  neighbours: NeighbourRef[];
  /** The entry's line in its file (or row of its sheet), when the caller gave lines. */
  line?: number;
}

const NONE = new Set(['', '-', '–', 'x', 'z']);

/** Lower case, `&` as "and", punctuation and "council"/"borough of"-style words dropped: "City of York Council" ≈ "York". */
export function normaliseLaName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\b(london borough of|royal borough of|city of|county of|borough of|metropolitan borough of|council|county|city)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}


/**
 * The header and the rows after it (cells as text) to entries; `errors` name what is missing, by
 * line: `lines[i]` when given (a workbook's sheet rows, a CSV with blank lines), else i + 2 (header = line 1).
 */
export function entriesFromRows(header: string[], rows: Record<string, string>[], lines?: readonly number[]): { value: NeighbourEntry[]; errors: string[] } {
  const errors: string[] = [];
  const value: NeighbourEntry[] = [];
  const key = (want: string) => header.find((k) => k.trim().toLowerCase() === want.toLowerCase());
  const codeKey = key('old_la_code');
  const nameKey = key('la_name');
  const snKeys = Array.from({ length: NEIGHBOURS_PER_COUNCIL }, (_, i) => ({ sn: key(`SN_${i + 1}`), p: key(`SN_${i + 1}P`) }));
  const missing = [!codeKey && 'old_la_code', !nameKey && 'la_name', !snKeys[0]!.sn && 'SN_1'].filter(Boolean);
  if (missing.length > 0) return { value, errors: [`its header has no ${missing.join(', ')} column (expected old_la_code, la_name, SN_1, SN_1P … SN_10, SN_10P)`] };
  if (rows.length === 0) return { value, errors: ['it has no rows'] };
  rows.forEach((row, i) => {
    const line = lines?.[i] ?? i + 2;
    const code = oldLaCode(row[codeKey!] ?? '');
    if (code === null) {
      errors.push(`line ${line}: old_la_code is not a 3-digit LA code`);
      return;
    }
    const neighbours: NeighbourRef[] = [];
    snKeys.forEach(({ sn, p }, k) => {
      const ref = sn ? (row[sn] ?? '').trim() : '';
      if (NONE.has(ref.toLowerCase())) return;
      const closeness = p ? (row[p] ?? '').trim() : '';
      neighbours.push({ position: k + 1, ref, closeness: NONE.has(closeness) ? null : closeness });
    });
    value.push({ code, name: (row[nameKey!] ?? '').trim(), neighbours, ...(lines ? { line } : {}) });
  });
  return { value, errors };
}

/** Parses the wide CSV (UTF-8, optional BOM). */
export function parseStatisticalNeighbours(text: string): { value: NeighbourEntry[]; errors: string[] } {
  let lines: string[][];
  try {
    lines = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (e) {
    return { value: [], errors: [`it cannot be read as CSV (${(e as Error).message.split('\n')[0]!.slice(0, 120)})`] };
  }
  const [header = [], ...rest] = lines;
  return entriesFromRows(header, rest.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))));
}

export interface CouncilIdentity {
  id: string;
  name: string;
  /** Old (3 digits) or new (E + 8 digits) LA code. */
  laCode: string;
}

/** The entry of a council: by its old LA code, else by its name. */
export function entryFor(entries: NeighbourEntry[], c: CouncilIdentity): NeighbourEntry | null {
  const code = oldLaCode(c.laCode);
  if (code !== null) {
    const byCode = entries.find((e) => e.code === code);
    if (byCode) return byCode;
  }
  const name = normaliseLaName(c.name);
  return entries.find((e) => normaliseLaName(e.name) === name) ?? null;
}

/** Does a neighbour reference (a code or a name) mean this council? */
function refersTo(ref: string, c: CouncilIdentity, entry: NeighbourEntry | null): boolean {
  const code = oldLaCode(ref);
  if (code !== null) return entry?.code === code || oldLaCode(c.laCode) === code;
  const n = normaliseLaName(ref);
  return n === normaliseLaName(c.name) || (entry !== null && n === normaliseLaName(entry.name));
}

/**
 * Each council's statistical neighbours that are in `councils`, nearest first, at most ten; and
 * a line for each council the file does not list.
 */
export function nearestWithin(
  entries: NeighbourEntry[],
  councils: CouncilIdentity[],
): { value: { council: string; nearest: { council: string; position: number; closeness: string | null }[] }[]; notes: string[] } {
  const entryOf = new Map(councils.map((c) => [c.id, entryFor(entries, c)]));
  const notes: string[] = [];
  const value = councils.map((c) => {
    const own = entryOf.get(c.id) ?? null;
    if (!own) {
      notes.push(`${c.name} (LA code ${c.laCode}) is not in the statistical neighbour file, so it has no neighbours here.`);
      return { council: c.id, nearest: [] };
    }
    const nearest: { council: string; position: number; closeness: string | null }[] = [];
    for (const n of own.neighbours) {
      const other = councils.find((o) => o.id !== c.id && refersTo(n.ref, o, entryOf.get(o.id) ?? null));
      if (other && !nearest.some((x) => x.council === other.id)) nearest.push({ council: other.id, position: n.position, closeness: n.closeness });
      if (nearest.length === NEIGHBOURS_PER_COUNCIL) break;
    }
    return { council: c.id, nearest };
  });
  return { value, notes };
}
