/**
 * DfE's statistical neighbour model into `core.statistical_neighbours` (spec benchmarks.md), from
 * either form DfE publishes: the wide CSV (`old_la_code`, `la_name`, `SN_1`, `SN_1P` … `SN_10`,
 * `SN_10P`) or the benchmarking workbook's `LA SN Groups` sheet (`LA num`, `LA Name`, …, `SN1`,
 * `SNP`, … `SN10`, `SNP`: each neighbour column followed by its closeness in words). The workbook is
 * read as a stream within the sheet limits (activities/xlsx-stream.ts), after the zip check.
 *
 * Both become the wide CSV's rows and go through `entriesFromRows` (core/statistical-neighbours.ts,
 * shared with the region). Neighbours may be named or coded; `-` is none. A row without a readable
 * old LA code, or a council listed twice, is rejected with its line; the rest load.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { entriesFromRows, NEIGHBOURS_PER_COUNCIL } from '../core/statistical-neighbours.js';
import { oldLaCode } from '../core/la-code.js';
import { limitText, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { shownName } from '../core/shown-text.js';
import { benchmarkFileNotLoaded, clearBenchmarkFile, csvRecords, insertRejects, recordBenchmarkFile, ScratchCsv, scratchReader } from './benchmark-scratch.js';
import { scratchDir } from './load-csv.js';
import { cellText, HEADER_SEARCH_ROWS, WORKBOOK_DAMAGED, WORKBOOK_UNREADABLE } from './load-xlsx.js';
import { SheetOverLimit, streamWorkbook } from './xlsx-stream.js';
import { checkXlsxPackage } from './zip-guard.js';
import type { Warehouse } from './warehouse.js';

const WIDE = ['old_la_code', 'la_name', ...Array.from({ length: NEIGHBOURS_PER_COUNCIL }, (_, i) => [`SN_${i + 1}`, `SN_${i + 1}P`]).flat()];

/** The sheet of the DfE workbook that holds the model. */
export const SN_SHEET = 'LA SN Groups';

/** Every column name of both forms, lower case (an `ignored` reason may name them). */
export function knownNeighbourColumns(): string[] {
  return [...WIDE, 'LA num', 'LA Name', 'SNP', ...Array.from({ length: NEIGHBOURS_PER_COUNCIL }, (_, i) => `SN${i + 1}`)].map((c) => c.toLowerCase());
}

export function isNeighbourHeader(header: readonly string[]): boolean {
  const keys = header.map((h) => h.trim().toLowerCase());
  return keys.includes('old_la_code') && keys.includes('sn_1');
}

/** A row of either form, as the wide CSV names its cells, with its line (or sheet row). */
interface WideRow {
  line: number;
  cells: Record<string, string>;
}

interface Rows {
  header: string[];
  rows: WideRow[];
}

/**
 * The model's rows into the table: rows whose old LA code cannot be read, or that repeat a council,
 * are rejects; the rest become one row per neighbour (or one row with none, for `-`).
 */
async function loadRows(w: Warehouse, f: FoundFile, runId: string, o: { rows: Rows; scratch: string; mapVersion: string; sheet: string | null }): Promise<LoadResult> {
  const sha = f.sha256!;
  const codeKey = o.rows.header.find((h) => h.trim().toLowerCase() === 'old_la_code')!;
  const valuesPath = join(o.scratch, 'neighbours.csv');
  const rejectsPath = join(o.scratch, 'rejects.csv');
  const values = await ScratchCsv.open(valuesPath, ['line', 'council_code', 'council_name', 'rank', 'neighbour', 'closeness']);
  const rejects = await ScratchCsv.open(rejectsPath, ['line', 'column_name', 'raw_value', 'reason']);
  const seen = new Map<string, number>();
  const good: WideRow[] = [];
  try {
    for (const r of o.rows.rows) {
      const raw = (r.cells[codeKey] ?? '').trim();
      const code = oldLaCode(raw);
      if (code === null) {
        await rejects.write([r.line, codeKey, raw || null, 'old_la_code is not a 3-digit LA code (e.g. 302), so the council cannot be known']);
        continue;
      }
      if (seen.has(code)) {
        await rejects.write([r.line, codeKey, raw, `LA ${code} is listed twice; its neighbours are taken from its first row (line ${seen.get(code)})`]);
        continue;
      }
      seen.set(code, r.line);
      good.push(r);
    }
    const { value } = entriesFromRows(o.rows.header, good.map((r) => r.cells), good.map((r) => r.line));
    for (const e of value) {
      if (e.neighbours.length === 0) await values.write([e.line ?? null, e.code, e.name || null, null, null, null]);
      for (const n of e.neighbours) await values.write([e.line ?? null, e.code, e.name || null, n.position, n.ref, n.closeness]);
    }
  } finally {
    await values.close();
    await rejects.close();
  }
  const rowsRead = o.rows.rows.length;
  const result = { status: 'loaded' as const, rowsRead, rowsLoaded: good.length, rowsRejected: rowsRead - good.length };
  await w.transaction(async () => {
    await clearBenchmarkFile(w, sha);
    if (values.rows > 0) {
      await w.run(
        `INSERT INTO core.statistical_neighbours BY NAME SELECT $sha AS file_sha256, $name AS file_name, *
         FROM ${scratchReader({ line: 'BIGINT', council_code: 'VARCHAR', council_name: 'VARCHAR', rank: 'INTEGER', neighbour: 'VARCHAR', closeness: 'VARCHAR' })}`,
        { sha, name: f.name, path: valuesPath },
      );
    }
    if (rejects.rows > 0) await insertRejects(w, f, rejectsPath, o.sheet);
    await recordBenchmarkFile(w, f, runId, { result, kind: 'statistical_neighbours', mapVersion: o.mapVersion, columns: WIDE.filter((c) => o.rows.header.some((h) => h.trim().toLowerCase() === c.toLowerCase())), reason: null });
  });
  return { sha256: sha, ...result };
}

/** The wide CSV (already checked by the caller: bounded, a header with old_la_code and SN_1). */
export async function loadNeighbourCsv(w: Warehouse, f: FoundFile, runId: string, o: { path: string; header: string[]; scratch: string; mapVersion: string }): Promise<LoadResult> {
  const rows: WideRow[] = [];
  let first = true;
  for await (const { cells, line } of csvRecords(o.path)) {
    if (first) {
      first = false;
      continue;
    }
    rows.push({ line, cells: Object.fromEntries(o.header.map((h, i) => [h, cells[i] ?? ''])) });
  }
  return loadRows(w, f, runId, { rows: { header: o.header, rows }, scratch: o.scratch, mapVersion: o.mapVersion, sheet: null });
}

const squash = (text: string): string => text.replace(/\s+/g, '').toLowerCase();

/**
 * The workbook's header as the wide CSV's names: `LA num` → old_la_code, `LA Name` → la_name,
 * `SNk` → SN_k and the `SNP` right after it → SN_kP. Null when the row is not that header.
 */
export function workbookHeader(cells: readonly string[]): (string | null)[] | null {
  const keys = cells.map(squash);
  if (!keys.includes('lanum') || !keys.includes('sn1')) return null;
  return keys.map((k, i) => {
    if (k === 'lanum') return 'old_la_code';
    if (k === 'laname') return 'la_name';
    const sn = /^sn(\d{1,2})$/.exec(k);
    if (sn && Number(sn[1]) >= 1 && Number(sn[1]) <= NEIGHBOURS_PER_COUNCIL) return `SN_${Number(sn[1])}`;
    const before = /^sn(\d{1,2})$/.exec(keys[i - 1] ?? '');
    if (before && (k === 'snp' || k === `sn${Number(before[1])}p`)) return `SN_${Number(before[1])}P`;
    return null;
  });
}

/** The `LA SN Groups` sheet of DfE's workbook, streamed. */
export async function loadNeighbourWorkbook(w: Warehouse, f: FoundFile, runId: string, o: { limits: Limits; mapVersion: string }): Promise<LoadResult> {
  const notLoaded = (status: 'rejected' | 'ignored', reason: string) => benchmarkFileNotLoaded(w, f, runId, { status, mapVersion: o.mapVersion, reason });
  if (f.byteSize === 0) return notLoaded('rejected', 'the workbook is empty (0 bytes): it was not saved or not copied completely');
  const unsafe = await checkXlsxPackage(f.rawPath!, o.limits).catch(() => WORKBOOK_DAMAGED);
  if (unsafe) return notLoaded('rejected', unsafe);
  const sheets: string[] = [];
  let found: { sheet: string; rows: Rows } | null = null;
  try {
    for await (const sheet of streamWorkbook(f.rawPath!, o.limits)) {
      sheets.push(`“${shownName(sheet.name)}”`);
      if (squash(sheet.name) !== squash(SN_SHEET) || found) continue;
      let names: (string | null)[] | null = null;
      const rows: WideRow[] = [];
      for await (const row of sheet.rows()) {
        const texts = row.cells.map((v) => cellText(v, 'text', sheet.date1904).trim());
        if (!names) {
          if (row.number > HEADER_SEARCH_ROWS) break;
          names = workbookHeader(texts);
          continue;
        }
        if (Buffer.byteLength(texts.join(',')) > o.limits.max_line_bytes) {
          return notLoaded('rejected', `sheet “${shownName(sheet.name)}” row ${row.number} holds more text than ${limitText(o.limits, 'max_line_bytes')} allows for one row`);
        }
        const cells: Record<string, string> = {};
        names.forEach((n, i) => {
          if (n) cells[n] = texts[i] ?? '';
        });
        if (Object.values(cells).every((v) => v === '')) continue;
        rows.push({ line: row.number, cells });
      }
      if (!names) return notLoaded('rejected', `sheet “${SN_SHEET}” has no header row with “LA num” and “SN1” in its first ${HEADER_SEARCH_ROWS} rows: is it DfE's statistical neighbour workbook?`);
      found = { sheet: sheet.name, rows: { header: names.filter((n): n is string => n !== null), rows } };
    }
  } catch (err) {
    if (err instanceof SheetOverLimit) return notLoaded('rejected', `sheet “${shownName(err.sheet)}” is over ${limitText(o.limits, err.limit)}`);
    // Our own words only: a library's message can quote the file's content.
    return notLoaded('rejected', WORKBOOK_UNREADABLE);
  }
  if (!found) {
    return notLoaded('ignored', `a workbook without a “${SN_SHEET}” sheet, so not DfE's statistical neighbour workbook (sheets: ${sheets.join(', ') || 'none'})`);
  }
  if (found.rows.rows.length === 0) return notLoaded('rejected', `sheet “${SN_SHEET}” has a header but no rows of councils`);
  const scratch = await scratchDir();
  try {
    return await loadRows(w, f, runId, { rows: found.rows, scratch, mapVersion: o.mapVersion, sheet: found.sheet });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
