/**
 * Ofsted's Annex A workbook (`case-system/annex_a_<date>.xlsx`, sources.md v2), accepted as a
 * council produces it: each sheet named `List N` is an extract of list N dated by the file name,
 * loaded through exactly the CSV path (activities/load-csv.ts), so its rows meet the same
 * contract checks and every reject names the sheet and its row. Other sheets are ignored and
 * named. A sheet that cannot be loaded (a required column missing, over a cap, no rows) is
 * rejected alone; the rest of the workbook loads.
 *
 * - The package is checked first (activities/zip-guard.ts), then streamed once
 *   (activities/xlsx-stream.ts) with the per-sheet row and cell caps of config/limits.json; each
 *   list sheet is written to a CSV of its own (`__sheet_row`, then its header's columns) in
 *   scratch space, and loaded after the pass. A package that breaks part-way is rejected whole,
 *   before anything of it is loaded.
 * - The header is the first of a sheet's first 20 rows holding every required column of its list
 *   (names or config/header-aliases.json spellings), so a title row above it is skipped.
 * - Cells: see activities/load-xlsx.ts `cellText` (dates as date cells, 1900/1904 serials or
 *   text; numbers as their digits; a zero-padded number format keeps its leading zeros).
 * - Records: one meta.sheets row per sheet (meta.extracts reads the list sheets as extracts), then
 *   the workbook's meta.files row (list `annex_a`, the sums of its sheets' rows) last, so a
 *   workbook without it is an interrupted load that the retry clears.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ANNEX_A_LISTS, sheetListNumber } from '../core/contracts/annex-a.js';
import { columnMeta, columnRequiredInHeader } from '../core/contracts/columns.js';
import { CONTRACTS, type ListContract } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { columnsByKey, headerKey, type HeaderNames } from '../core/header-names.js';
import { DEFAULT_LIMITS, limitText, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { quoteIdent as q } from '../core/sql-text.js';
import { shownName, shownReason } from '../core/shown-text.js';
import { matchHeader } from './csv-header.js';
import { loadCheckedCsv, recordFile, scratchDir, type ExtractTarget } from './load-csv.js';
import { HEADER_SEARCH_ROWS, headerCells, SheetCsv, WORKBOOK_DAMAGED, WORKBOOK_UNREADABLE } from './load-xlsx.js';
import { SheetOverLimit, streamWorkbook, type StreamedSheet } from './xlsx-stream.js';
import { checkXlsxPackage } from './zip-guard.js';
import type { Warehouse } from './warehouse.js';

/** One sheet of the workbook, as the streaming pass left it. */
interface SheetPlan {
  index: number;
  name: string;
  /** The core table; null for a sheet that is not a list. */
  list: string | null;
  status: 'pending' | 'rejected' | 'ignored';
  reason: string | null;
  headerRow: number | null;
  /** The sheet as CSV, for a pending sheet. */
  csv: string | null;
  columnsUnknown: string[];
}

const quoted = (name: string): string => `“${shownName(name)}”`;

/** Why a sheet is not a list sheet, or its table and contract. */
function listOfSheet(name: string): { table: string; contract: ListContract } | { reason: string } {
  const n = sheetListNumber(name);
  if (n === null) return { reason: 'its name does not read “List N” (N from 1 to 11), so it is not one of the Annex A lists' };
  const table = ANNEX_A_LISTS.get(n);
  if (!table) return { reason: `Annex A has no list ${n} (its lists are 1 to 11)` };
  const contract = CONTRACTS.get(table);
  if (!contract) return { reason: `list ${n} (${table}) is not read by this version of csc-kpi` };
  return { table, contract };
}

/** The required columns of a list that a header row lacks (by name or alias). */
function missingColumns(contract: ListContract, cells: readonly string[], names: HeaderNames): string[] {
  const byKey = columnsByKey(contract, names);
  const present = new Set(cells.map((c) => byKey.get(headerKey(c))).filter((h): h is string => h !== undefined));
  return Object.entries(contract.columns)
    .filter(([h, s]) => columnRequiredInHeader(columnMeta(s)) && !present.has(h))
    .map(([h]) => h);
}

/**
 * Streams one list sheet: finds its header, writes its rows to `csvPath`. Returns the header row
 * and the unknown header cells, or why the sheet cannot be loaded.
 */
async function sheetToCsv(
  sheet: StreamedSheet,
  contract: ListContract,
  csvPath: string,
  limits: Limits,
  names: HeaderNames,
): Promise<{ headerRow: number; columnsUnknown: string[] } | { reason: string }> {
  let csv: SheetCsv | null = null;
  let headerRow: number | null = null;
  let columnsUnknown: string[] = [];
  let closest: { row: number; missing: string[] } | null = null;
  let records = 0;
  try {
    for await (const row of sheet.rows()) {
      if (csv) {
        const record = csv.record(row);
        if (record === null) continue;
        if (Buffer.byteLength(record) > limits.max_line_bytes) {
          return { reason: `row ${row.number} holds more text than ${limitText(limits, 'max_line_bytes')} allows for one record: look for a document or a long formula result pasted into a cell` };
        }
        await csv.add(record);
        records++;
        continue;
      }
      if (row.number > HEADER_SEARCH_ROWS) break; // no header near the top: the rest is not read
      const cells = headerCells(row.cells);
      if (cells.length === 0) continue;
      const missing = missingColumns(contract, cells, names);
      if (missing.length > 0) {
        if (!closest || missing.length < closest.missing.length) closest = { row: row.number, missing };
        continue;
      }
      const m = matchHeader(contract, cells, names);
      if ('reason' in m) return { reason: `row ${row.number}: ${m.reason}` };
      if (cells.length > limits.max_columns) {
        return { reason: `its header row (row ${row.number}) has more columns than ${limitText(limits, 'max_columns')} allows: delete the empty or unused columns to its right and save it again` };
      }
      const byKey = columnsByKey(contract, names);
      columnsUnknown = cells.filter((c) => c !== '' && !byKey.has(headerKey(c)));
      headerRow = row.number;
      csv = await SheetCsv.open(csvPath, { sheet: sheet.name, row: row.number, cells, match: m }, contract, sheet.date1904);
    }
  } catch (err) {
    if (err instanceof SheetOverLimit) {
      return {
        reason:
          err.limit === 'max_sheet_rows'
            ? `it holds more rows than ${limitText(limits, 'max_sheet_rows')} allows (formatted empty rows count too): delete the rows below the list, or copy the list into a new sheet, and save it again`
            : `it holds more filled cells than ${limitText(limits, 'max_sheet_cells')} allows (reached at row ${err.row}): remove columns the list does not need, or split the workbook`,
      };
    }
    throw err;
  } finally {
    await csv?.close();
  }
  if (headerRow === null) {
    const required = Object.entries(contract.columns).filter(([, s]) => columnRequiredInHeader(columnMeta(s))).map(([h]) => `"${h}"`);
    return {
      reason: closest
        ? `no header row in its first ${HEADER_SEARCH_ROWS} rows has every required column of ${contract.title}: row ${closest.row} comes closest and lacks ${closest.missing.map((h) => `"${h}"`).join(', ')}; add the column (or its name to config/header-aliases.json)`
        : `no header row in its first ${HEADER_SEARCH_ROWS} rows has the columns of ${contract.title} (such as ${required.slice(0, 3).join(', ')})`,
    };
  }
  if (records === 0) {
    return { reason: `it has its header (row ${headerRow}) but no rows below it: a full extract of a list is never empty, so it is not loaded (its figures show as missing data, not zero); check the export` };
  }
  return { headerRow, columnsUnknown };
}

/** The one streaming pass over the workbook: every sheet planned, the list sheets written to CSV. */
async function planSheets(path: string, scratch: string, limits: Limits, names: HeaderNames): Promise<SheetPlan[] | { reason: string }> {
  const plans: SheetPlan[] = [];
  try {
    for await (const sheet of streamWorkbook(path, limits)) {
      const index = plans.length + 1;
      const base = { index, name: sheet.name, headerRow: null, csv: null, columnsUnknown: [] };
      const target = listOfSheet(sheet.name);
      if ('reason' in target) {
        plans.push({ ...base, list: null, status: 'ignored', reason: target.reason });
        continue; // its rows go by unread
      }
      const csv = join(scratch, `sheet-${index}.csv`);
      const r = await sheetToCsv(sheet, target.contract, csv, limits, names);
      if ('reason' in r) {
        await rm(csv, { force: true });
        plans.push({ ...base, list: target.table, status: 'rejected', reason: r.reason });
      } else {
        plans.push({ ...base, list: target.table, status: 'pending', reason: null, headerRow: r.headerRow, csv, columnsUnknown: r.columnsUnknown });
      }
    }
  } catch {
    // Our own words only: a library's message can quote the file's content.
    return { reason: WORKBOOK_UNREADABLE };
  }
  // Two sheets of one list: neither is guessed at.
  for (const p of plans) {
    const twins = plans.filter((o) => o.list !== null && o.list === p.list);
    if (twins.length < 2) continue;
    p.status = 'rejected';
    p.csv = null;
    p.reason = `sheets ${twins.map((t) => quoted(t.name)).join(' and ')} are all list ${sheetListNumber(p.name)}; keep one sheet per list in the workbook`;
  }
  return plans;
}

async function recordSheet(w: Warehouse, sha: string, p: SheetPlan, r: Omit<LoadResult, 'sha256'> | null, columnsSeen: string[]): Promise<void> {
  await w.run('DELETE FROM meta.sheets WHERE file_sha256 = $sha AND sheet_index = $i', { sha, i: p.index });
  await w.run(
    `INSERT INTO meta.sheets VALUES ($sha, $i, $sheet, $list, $status, $reason, $header_row, $read, $loaded, $rejected,
       $seen::JSON::VARCHAR[], $unknown::JSON::VARCHAR[])`,
    {
      sha,
      i: p.index,
      sheet: p.name,
      list: p.list,
      status: r?.status ?? (p.status === 'ignored' ? 'ignored' : 'rejected'),
      reason: p.reason === null ? null : shownReason(p.reason),
      header_row: p.headerRow,
      read: r?.rowsRead ?? 0,
      loaded: r?.rowsLoaded ?? 0,
      rejected: r?.rowsRejected ?? 0,
      seen: JSON.stringify(columnsSeen.map(snakeCase)),
      unknown: JSON.stringify(p.columnsUnknown),
    },
  );
}

/** One list sheet as an extract: its rows, rejects and record, apart from the workbook's other sheets. */
function sheetTarget(w: Warehouse, sha: string, p: SheetPlan & { list: string }): ExtractTarget {
  const clear = async (): Promise<void> => {
    await w.run(`DELETE FROM raw_rows.${q(p.list)} WHERE file_sha256 = $sha`, { sha });
    await w.run(`DELETE FROM core.${q(p.list)} WHERE file_sha256 = $sha`, { sha });
    await w.run('DELETE FROM meta.rejects WHERE file_sha256 = $sha AND sheet = $sheet', { sha, sheet: p.name });
  };
  return {
    clear,
    reject: async (reason) => {
      p.status = 'rejected';
      p.reason = reason;
      await w.transaction(async () => {
        await clear();
        await recordSheet(w, sha, p, null, []);
      });
      return { sha256: sha, status: 'rejected', rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
    },
    record: (r, match) => recordSheet(w, sha, p, r, [...match.present]),
  };
}

/** Removes everything an earlier attempt wrote for the workbook: every list's rows, its rejects and sheets. */
async function clearWorkbook(w: Warehouse, sha: string): Promise<void> {
  for (const c of CONTRACTS.values()) {
    if (c.source !== 'case-system') continue;
    await w.run(`DELETE FROM raw_rows.${q(c.list)} WHERE file_sha256 = $sha`, { sha });
    await w.run(`DELETE FROM core.${q(c.list)} WHERE file_sha256 = $sha`, { sha });
  }
  await w.run('DELETE FROM meta.rejects WHERE file_sha256 = $sha', { sha });
  await w.run('DELETE FROM meta.sheets WHERE file_sha256 = $sha', { sha });
}

async function rejectWorkbook(w: Warehouse, f: FoundFile, runId: string, reason: string): Promise<LoadResult> {
  const r = { status: 'rejected' as const, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
  await w.transaction(async () => {
    await clearWorkbook(w, f.sha256!);
    await recordFile(w, f, runId, r, [], reason);
  });
  return { sha256: f.sha256!, ...r };
}

export async function loadAnnexA(w: Warehouse, f: FoundFile, runId: string, limits: Limits = DEFAULT_LIMITS, names: HeaderNames): Promise<LoadResult> {
  if (!f.rawPath || !f.sha256 || !f.extractDate) throw new Error(`loadAnnexA called on a file that was not pulled: ${shownName(f.relPath)}`);
  const sha = f.sha256;
  if (f.byteSize === 0) return rejectWorkbook(w, f, runId, 'the workbook is empty (0 bytes): it was not saved or not copied completely');
  // Our own words only: a library's message can quote the file's content.
  const unsafe = await checkXlsxPackage(f.rawPath, limits).catch(() => WORKBOOK_DAMAGED);
  if (unsafe) return rejectWorkbook(w, f, runId, unsafe);

  const scratch = await scratchDir();
  try {
    const plans = await planSheets(f.rawPath, scratch, limits, names);
    if (!Array.isArray(plans)) return rejectWorkbook(w, f, runId, plans.reason);
    if (plans.every((p) => p.list === null)) {
      const seen = plans.map((p) => quoted(p.name)).join(', ') || 'none';
      return rejectWorkbook(w, f, runId, `no sheet of the workbook is an Annex A list (sheets named “List 1” to “List 11”); its sheets: ${seen}`);
    }
    await w.transaction(() => clearWorkbook(w, sha));
    const totals = { rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
    for (const p of plans) {
      if (p.status !== 'pending' || p.list === null || p.csv === null) {
        await recordSheet(w, sha, p, null, []);
        continue;
      }
      const r = await loadCheckedCsv(w, { ...f, list: p.list }, runId, p.csv, {
        sheet: p.name,
        lineColumn: 0,
        limits,
        names,
        target: sheetTarget(w, sha, { ...p, list: p.list }),
      });
      await rm(p.csv, { force: true });
      totals.rowsRead += r.rowsRead;
      totals.rowsLoaded += r.rowsLoaded;
      totals.rowsRejected += r.rowsRejected;
    }
    const r = { status: 'loaded' as const, ...totals };
    await recordFile(w, f, runId, r, []);
    return { sha256: sha, ...r };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
