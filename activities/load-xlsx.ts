/**
 * Audit workbooks (.xlsx): find the one sheet with the audit columns, turn it into a UTF-8 CSV
 * whose first column is the sheet row, and load that through the CSV path, so the contract
 * checks are exactly the CSV ones and every reject names the sheet and its row.
 *
 * - The package is checked before it is parsed (activities/zip-guard.ts: size, zip bombs).
 * - The header is the first of the sheet's first 20 rows that holds every required column;
 *   merged title rows above it are skipped. Exactly one sheet may have the audit columns: with
 *   two, the workbook is rejected rather than one of them silently ignored.
 * - Formula cells give their cached result. Excel dates (date-formatted cells, or serial numbers
 *   in a date column, in the 1900 or 1904 date system) become ISO dates; text dates are left for
 *   the contract's dd/mm/yyyy | yyyy-mm-dd rule. A row with every contract cell empty is not a row.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { columnMeta, type ColumnKind } from '../core/contracts/columns.js';
import { contractFor, type ListContract } from '../core/contracts/lists.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { shownName } from '../core/shown-text.js';
import { matchHeader, type HeaderMatch } from './csv-header.js';
import { loadCheckedCsv, rejectFile, scratchDir } from './load-csv.js';
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

/** The text a cell contributes to the CSV, by the contract column's kind. */
export function cellText(v: ExcelJS.CellValue | undefined, kind: ColumnKind | null, date1904: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return kind === 'date' ? (excelSerialToIso(v, date1904) ?? String(v)) : String(v);
  if (typeof v === 'boolean') return kind === 'flag' ? (v ? 'Y' : 'N') : v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return isoOfDate(v);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result, kind, date1904);
    if ('hyperlink' in v) return cellText((v as { text?: ExcelJS.CellValue }).text, kind, date1904);
    if ('error' in v) return String((v as { error: unknown }).error);
  }
  return String(v as unknown);
}

function headerCells(row: ExcelJS.Row, width: number): string[] {
  const out: string[] = [];
  for (let c = 1; c <= width; c++) out.push(cellText(row.getCell(c).value, 'text', false).trim());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

interface FoundHeader {
  sheet: ExcelJS.Worksheet;
  row: number;
  cells: string[];
  match: HeaderMatch;
}

type SheetSearch = { found: FoundHeader[] } | { reason: string };

function findAuditSheets(wb: ExcelJS.Workbook, contract: ListContract): SheetSearch {
  const found: FoundHeader[] = [];
  let best: { reason: string; score: number } | null = null;
  const required = Object.entries(contract.columns).filter(([, s]) => columnMeta(s).required).map(([h]) => h.toLowerCase());
  for (const sheet of wb.worksheets) {
    const width = Math.max(sheet.columnCount, 1);
    for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, sheet.rowCount); r++) {
      const cells = headerCells(sheet.getRow(r), width);
      if (cells.length === 0) continue;
      const m = matchHeader(contract, cells);
      if (!('reason' in m)) {
        found.push({ sheet, row: r, cells, match: m });
        break;
      }
      const score = cells.filter((c) => required.includes(c.toLowerCase())).length;
      if (score > 0 && (!best || score > best.score)) best = { reason: `sheet “${shownName(sheet.name)}” row ${r}: ${m.reason}`, score };
    }
  }
  if (found.length > 0) return { found };
  const names = wb.worksheets.map((s) => `“${shownName(s.name)}”`).join(', ');
  return {
    reason:
      best?.reason ??
      `no sheet has the audit columns (looked at the first ${HEADER_SEARCH_ROWS} rows of ${names || 'no sheets'} for a header with ${required.length} required columns such as “Audit ID” and “Child Unique ID”)`,
  };
}

function csvField(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** Writes the sheet below its header as CSV: `__sheet_row`, then the header's columns. Returns rows written. */
async function writeSheetCsv(h: FoundHeader, contract: ListContract, date1904: boolean, path: string): Promise<number> {
  const kinds = h.match.positions.map((p) => (p ? columnMeta(contract.columns[p]!).kind : null));
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write([csvField('__sheet_row'), ...h.cells.map((c, i) => csvField(c === '' ? `__blank_${i + 1}` : c))].join(',') + '\n');
  let rows = 0;
  for (let r = h.row + 1; r <= h.sheet.rowCount; r++) {
    const row = h.sheet.getRow(r);
    const values = kinds.map((k, i) => cellText(row.getCell(i + 1).value, k, date1904));
    if (values.every((v, i) => kinds[i] === null || v.trim() === '')) continue;
    await write([String(r), ...values].map(csvField).join(',') + '\n');
    rows++;
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

export async function loadXlsx(w: Warehouse, f: FoundFile, runId: string): Promise<LoadResult> {
  if (!f.rawPath || !f.sha256 || !f.list) throw new Error(`loadXlsx called on a file that was not pulled: ${shownName(f.relPath)}`);
  if (f.byteSize === 0) return rejectFile(w, f, runId, 'the workbook is empty (0 bytes): it was not saved or not copied completely');
  // Our own words only: a library's message can quote the file's content.
  const unsafe = await checkXlsxPackage(f.rawPath).catch(() => WORKBOOK_DAMAGED);
  if (unsafe) return rejectFile(w, f, runId, unsafe);

  const contract = contractFor(f.list);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(f.rawPath);
  } catch {
    return rejectFile(w, f, runId, WORKBOOK_UNREADABLE);
  }
  const search = findAuditSheets(wb, contract);
  if ('reason' in search) return rejectFile(w, f, runId, search.reason);
  if (search.found.length > 1) {
    const names = search.found.map((h) => `“${shownName(h.sheet.name)}”`).join(' and ');
    return rejectFile(w, f, runId, `sheets ${names} both have the audit columns; keep one audit sheet per workbook (move the other to its own workbook) so no audit is read twice or missed`);
  }
  const h = search.found[0]!;
  const scratch = await scratchDir();
  try {
    const csv = join(scratch, 'sheet.csv');
    await writeSheetCsv(h, contract, !!wb.properties.date1904, csv);
    return await loadCheckedCsv(w, f, runId, csv, { sheet: h.sheet.name, lineColumn: 0 });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
