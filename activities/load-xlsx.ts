/**
 * Audit workbooks and improvement plan trackers (.xlsx): find the one sheet with the list's
 * columns, turn it into a UTF-8 CSV whose first column is the sheet row, and load that through
 * the CSV path, so the contract checks are exactly the CSV ones and every reject names the sheet
 * and its row.
 *
 * - The package is checked before it is parsed (activities/zip-guard.ts: size, zip bombs), then
 *   read as a stream (activities/xlsx-stream.ts): one pass, row by row, within the sheet row and
 *   cell limits (config/limits.json), so no workbook is ever held in memory.
 * - The header is the first of the sheet's first 20 rows that holds every required column;
 *   merged title rows above it are skipped. Exactly one sheet may have the audit columns: with
 *   two, the workbook is rejected rather than one of them silently ignored.
 * - Formula cells give their cached result. Excel dates (date-formatted cells, or serial numbers
 *   in a date column, in the 1900 or 1904 date system) become ISO dates; text dates are left for
 *   the contract's dd/mm/yyyy | yyyy-mm-dd rule. A row with every contract cell empty is not a row.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { columnMeta, type ColumnKind } from '../core/contracts/columns.js';
import { contractFor, type ListContract } from '../core/contracts/lists.js';
import { DEFAULT_LIMITS, limitText, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { shownName } from '../core/shown-text.js';
import { columnsByKey, headerKey, NAMES_ONLY, type HeaderNames } from '../core/header-names.js';
import { matchHeader, type HeaderMatch } from './csv-header.js';
import { loadCheckedCsv, rejectFile, scratchDir } from './load-csv.js';
import { SheetOverLimit, streamWorkbook, type CellValue, type SheetRow } from './xlsx-stream.js';
import { checkXlsxPackage } from './zip-guard.js';
import type { Warehouse } from './warehouse.js';

export const HEADER_SEARCH_ROWS = 20;
/** A workbook exceljs cannot parse (its message, which may quote cells, is not used). */
export const WORKBOOK_UNREADABLE = 'the workbook could not be read as an Excel workbook (its contents are damaged or not from Excel): open it in Excel and save it again as .xlsx';
/** A package the zip check could not read through. */
export const WORKBOOK_DAMAGED = 'the workbook is damaged (a part of its zip package does not unpack): copy or save it again';
const DAY_MS = 86_400_000;

/** ISO date of an Excel serial day number, or null for one that is no real day (0, 60 in 1900, out of range). */
export function excelSerialToIso(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2_958_466) return null;
  const day = Math.floor(serial + 1e-9);
  let epoch: number;
  if (date1904) epoch = Date.UTC(1904, 0, 1);
  else if (day === 60) return null; // 29 February 1900, which Lotus (and so Excel) invented
  else epoch = day < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return new Date(epoch + day * DAY_MS).toISOString().slice(0, 10);
}

function isoOfDate(d: Date): string {
  // exceljs gives the cell's wall-clock date and time as a UTC instant; a time of day is dropped.
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

/**
 * A whole number in a text column as Excel shows it: through a number format of zeros only
 * (`0000000`), with its leading zeros, as Excel's own CSV export writes it (README, "Choices").
 */
function numberText(v: number, kind: ColumnKind | null, numFmt: string | undefined): string {
  if ((kind === 'text' || kind === 'code') && numFmt && /^0+$/.test(numFmt) && Number.isInteger(v) && v >= 0) return String(v).padStart(numFmt.length, '0');
  return String(v);
}

/**
 * The text a cell contributes to the CSV, by the contract column's kind. A number is its own
 * digits (`7961370`, never `7961370.0`); in a date column it is an Excel serial day.
 */
export function cellText(v: CellValue | undefined, kind: ColumnKind | null, date1904: boolean, numFmt?: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return kind === 'date' ? (excelSerialToIso(v, date1904) ?? String(v)) : numberText(v, kind, numFmt);
  if (typeof v === 'boolean') return kind === 'flag' ? (v ? 'Y' : 'N') : v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return isoOfDate(v);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: CellValue }).result, kind, date1904);
    if ('hyperlink' in v) return cellText((v as { text?: CellValue }).text, kind, date1904);
    if ('error' in v) return String((v as { error: unknown }).error);
  }
  return String(v as unknown);
}

/** A header row's cells as trimmed text, without trailing blanks. */
export function headerCells(cells: CellValue[]): string[] {
  const out = cells.map((v) => cellText(v, 'text', false).trim());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function csvField(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

export interface FoundHeader {
  sheet: string;
  row: number;
  cells: string[];
  match: HeaderMatch;
}

/** A sheet written out as CSV (`__sheet_row`, then the header's columns), one record per row. */
export class SheetCsv {
  private constructor(
    private readonly out: WriteStream,
    private readonly kinds: (ColumnKind | null)[],
    private readonly date1904: boolean,
  ) {}

  static async open(path: string, h: FoundHeader, contract: ListContract, date1904: boolean): Promise<SheetCsv> {
    const kinds = h.match.positions.map((p) => (p ? columnMeta(contract.columns[p]!).kind : null));
    const csv = new SheetCsv(createWriteStream(path, { encoding: 'utf8' }), kinds, date1904);
    // On one line: a header cell wrapped in Excel (Alt+Enter) must not break the CSV's header line.
    const names = h.cells.map((c, i) => (c === '' ? `__blank_${i + 1}` : c.replace(/\s+/g, ' ')));
    await csv.write([csvField('__sheet_row'), ...names.map(csvField)].join(',') + '\n');
    return csv;
  }

  private async write(line: string): Promise<void> {
    if (!this.out.write(line)) await once(this.out, 'drain');
  }

  /** The row as a CSV record, or null when every contract cell is empty (not a row). */
  record(row: SheetRow): string | null {
    const values = this.kinds.map((k, i) => cellText(row.cells[i], k, this.date1904, row.numFmts?.[i]));
    if (values.every((v, i) => this.kinds[i] === null || v.trim() === '')) return null;
    return [String(row.number), ...values].map(csvField).join(',') + '\n';
  }

  async add(record: string): Promise<void> {
    await this.write(record);
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

/**
 * Streams the workbook once: finds the audit sheet by its header (in the first rows of each
 * sheet) and writes its rows to `csvPath` as they come. Returns the sheet's name, or why the
 * workbook cannot be loaded. Other sheets are read only as far as their first rows.
 */
async function auditSheetToCsv(path: string, contract: ListContract, csvPath: string, limits: Limits, aliases: HeaderNames): Promise<{ sheet: string } | { reason: string }> {
  const requiredNames = Object.entries(contract.columns).filter(([, s]) => columnMeta(s).required).map(([h]) => h);
  const byKey = columnsByKey(contract, aliases);
  /** How many of a row's cells name a required column (by name or alias): the nearest miss is reported. */
  const requiredIn = (cells: readonly string[]): number => cells.filter((c) => requiredNames.includes(byKey.get(headerKey(c)) ?? '')).length;
  const words = contract.workbook ?? { sheet: 'audit', row: 'audit' };
  const names: string[] = [];
  let best: { reason: string; score: number } | null = null;
  let audit: FoundHeader | null = null;
  let csv: SheetCsv | null = null;
  try {
    for await (const sheet of streamWorkbook(path, limits)) {
      names.push(`“${shownName(sheet.name)}”`);
      let header: FoundHeader | null = null;
      for await (const row of sheet.rows()) {
        if (header) {
          const record = csv!.record(row);
          if (record === null) continue;
          if (Buffer.byteLength(record) > limits.max_line_bytes) {
            return { reason: `sheet “${shownName(sheet.name)}” row ${row.number} holds more text than ${limitText(limits, 'max_line_bytes')} allows for one record: look for a document or a long formula result pasted into a cell` };
          }
          await csv!.add(record);
          continue;
        }
        if (row.number > HEADER_SEARCH_ROWS) break; // no audit header near the top: the rest of the sheet is not read
        const cells = headerCells(row.cells);
        if (cells.length === 0) continue;
        const m = matchHeader(contract, cells, aliases);
        if ('reason' in m) {
          const score = requiredIn(cells);
          if (score > 0 && (!best || score > best.score)) best = { reason: `sheet “${shownName(sheet.name)}” row ${row.number}: ${m.reason}`, score };
          continue;
        }
        header = { sheet: sheet.name, row: row.number, cells, match: m };
        if (audit) {
          return { reason: `sheets “${shownName(audit.sheet)}” and “${shownName(sheet.name)}” both have the ${words.sheet} columns; keep one ${words.sheet} sheet per workbook (move the other to its own workbook) so no ${words.row} is read twice or missed` };
        }
        if (cells.length > limits.max_columns) {
          return { reason: `sheet “${shownName(sheet.name)}” has a header row (row ${row.number}) with more columns than ${limitText(limits, 'max_columns')} allows: delete the empty or unused columns to its right and save it again` };
        }
        audit = header;
        csv = await SheetCsv.open(csvPath, header, contract, sheet.date1904);
      }
      // The audit sheet is written whole; later sheets are still looked at, for a second audit sheet.
      if (csv) {
        await csv.close();
        csv = null;
      }
    }
  } catch (err) {
    if (err instanceof SheetOverLimit) return { reason: overLimitReason(err, limits) };
    // Our own words only: a library's message can quote the file's content.
    return { reason: WORKBOOK_UNREADABLE };
  } finally {
    await csv?.close();
  }
  if (audit) return { sheet: audit.sheet };
  return {
    reason:
      best?.reason ??
      `no sheet has the ${words.sheet} columns (looked at the first ${HEADER_SEARCH_ROWS} rows of ${names.join(', ') || 'no sheets'} for a header with ${requiredNames.length} required column${requiredNames.length === 1 ? '' : 's'} such as ${requiredNames.slice(0, 2).map((h) => `“${h}”`).join(' and ')})`,
  };
}

export function overLimitReason(e: SheetOverLimit, limits: Limits): string {
  return e.limit === 'max_sheet_rows'
    ? `sheet “${shownName(e.sheet)}” holds more rows than ${limitText(limits, 'max_sheet_rows')} allows (formatted empty rows count too): delete the rows below the audits, or copy the audits into a new workbook, and save it again`
    : `sheet “${shownName(e.sheet)}” holds more filled cells than ${limitText(limits, 'max_sheet_cells')} allows (reached at row ${e.row}): split the sheet, or remove columns the audits do not need`;
}

export async function loadXlsx(w: Warehouse, f: FoundFile, runId: string, limits: Limits = DEFAULT_LIMITS, names: HeaderNames = NAMES_ONLY): Promise<LoadResult> {
  if (!f.rawPath || !f.sha256 || !f.list) throw new Error(`loadXlsx called on a file that was not pulled: ${shownName(f.relPath)}`);
  if (f.byteSize === 0) return rejectFile(w, f, runId, 'the workbook is empty (0 bytes): it was not saved or not copied completely');
  // Our own words only: a library's message can quote the file's content.
  const unsafe = await checkXlsxPackage(f.rawPath, limits).catch(() => WORKBOOK_DAMAGED);
  if (unsafe) return rejectFile(w, f, runId, unsafe);

  const contract = contractFor(f.list);
  const scratch = await scratchDir();
  try {
    const csv = join(scratch, 'sheet.csv');
    const sheet = await auditSheetToCsv(f.rawPath, contract, csv, limits, names);
    if ('reason' in sheet) return rejectFile(w, f, runId, sheet.reason);
    return await loadCheckedCsv(w, f, runId, csv, { sheet: sheet.sheet, lineColumn: 0, limits, names });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
