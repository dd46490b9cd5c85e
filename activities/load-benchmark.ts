/**
 * Loads one file of `<landing>/benchmarks/` (spec benchmarks.md). What it is comes from its header:
 *
 * - an EES open-data CSV (`time_period`, `geographic_level`, …) with at least one indicator column
 *   of the map (core/benchmark-indicators.ts) → `core.benchmark_values`, one row per indicator cell;
 * - DfE's statistical neighbour model, the wide CSV or the workbook's `LA SN Groups` sheet →
 *   `core.statistical_neighbours` (activities/load-neighbours.ts);
 * - anything else → `ignored`, its header named in the reason (column names only); never a failed night.
 *
 * Reads are bounded as for any landing file (config/limits.json): the byte scan first (line and
 * column limits, NUL bytes, truncation), then one streaming parse. A row with a time period, level
 * or LA code that cannot be read, a cell that is neither a number nor an EES symbol, or the wrong
 * number of fields is rejected whole (meta.rejects: line, column, cell, rule) and the rest load.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { indicatorColumns, isTimePeriod, mapVersion, type BenchmarkIndicators, type IndicatorColumn } from '../core/benchmark-indicators.js';
import { EES_COLUMNS, EES_REQUIRED, headerInWords, LEVELS, readEesCell, type EesColumn } from '../core/ees-cells.js';
import { newLaCode, oldLaCode } from '../core/la-code.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { shownName } from '../core/shown-text.js';
import { readHeader } from './csv-header.js';
import { scanCsv } from './csv-scan.js';
import { benchmarkFileNotLoaded, clearBenchmarkFile, csvRecords, insertRejects, recordBenchmarkFile, ScratchCsv, scratchReader } from './benchmark-scratch.js';
import { knownNeighbourColumns, loadNeighbourCsv, loadNeighbourWorkbook, isNeighbourHeader } from './load-neighbours.js';
import { firstBytes, scratchDir, sniffNotCsv, transcode1252, wholeFileProblem } from './load-csv.js';
import type { Warehouse } from './warehouse.js';

export interface BenchmarkLoadOptions {
  limits?: Limits;
  map: BenchmarkIndicators;
}

export async function loadBenchmarkFile(w: Warehouse, f: FoundFile, runId: string, o: BenchmarkLoadOptions): Promise<LoadResult> {
  if (!f.rawPath || !f.sha256) throw new Error(`loadBenchmarkFile called on a file that was not pulled: ${shownName(f.relPath)}`);
  const limits = o.limits ?? DEFAULT_LIMITS;
  const version = mapVersion(o.map);
  const reject = (reason: string) => benchmarkFileNotLoaded(w, f, runId, { status: 'rejected', mapVersion: version, reason });
  if (f.byteSize === 0) return reject('the file is empty (0 bytes): download it again from Explore Education Statistics (or DfE) and copy it whole');
  if (f.name.toLowerCase().endsWith('.xlsx')) return loadNeighbourWorkbook(w, f, runId, { limits, mapVersion: version });

  const sniffed = sniffNotCsv(await firstBytes(f.rawPath, 16));
  if (sniffed) return reject(sniffed);
  const scratch = await scratchDir();
  try {
    let path = f.rawPath;
    if (f.encoding === 'windows-1252') {
      path = join(scratch, 'utf8.csv');
      await transcode1252(f.rawPath, path);
    }
    const scan = await scanCsv(path, { maxLineBytes: limits.max_line_bytes, maxColumns: limits.max_columns });
    if (scan.hasNul || scan.overLimit) return reject(wholeFileProblem(scan, limits)!);
    const header = await readHeader(path);
    if (!header) return reject('the file has no header row (it is blank)');
    if (!Array.isArray(header)) return reject(header.reason);
    const keys = header.map((h) => h.trim().toLowerCase());
    const isEes = EES_REQUIRED.every((c) => keys.includes(c));
    const columns = isEes ? indicatorColumns(o.map, f.name, header) : [];
    const neighbours = !isEes && isNeighbourHeader(header);
    if (columns.length === 0 && !neighbours) {
      const what = isEes
        ? 'an EES file, but none of its columns is an indicator of config/benchmark-indicators.json'
        : 'neither an EES open-data file (no time_period and geographic_level columns) nor a statistical neighbour file (old_la_code, la_name, SN_1 …)';
      const known = new Set([...Object.values(o.map.indicators).flatMap((e) => e.columns.map((c) => c.name.toLowerCase())), ...knownNeighbourColumns()]);
      return benchmarkFileNotLoaded(w, f, runId, { status: 'ignored', mapVersion: version, reason: `${what}; ${headerInWords(header, known)}` });
    }
    if (scan.records <= 1) return reject('the file has a header row but no data rows: download it again');
    const problem = wholeFileProblem(scan, limits);
    if (problem) return reject(problem);
    if (neighbours) return await loadNeighbourCsv(w, f, runId, { path, header, scratch, mapVersion: version });
    return await loadEes(w, f, runId, { path, header, columns, scratch, mapVersion: version });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const VALUE_COLUMNS = [...EES_COLUMNS, 'kpi', 'indicator', 'cell', 'value', 'symbol'] as const;

interface EesInput {
  path: string;
  header: string[];
  columns: IndicatorColumn[];
  scratch: string;
  mapVersion: string;
}

/** One row's problems, by column: what is wrong in words (never more than the rule). */
type Problem = { column: string; raw: string | null; reason: string };

function rowProblems(cells: string[], header: string[], at: Map<EesColumn, number>, columns: IndicatorColumn[]): Problem[] {
  if (cells.length !== header.length) {
    const reason = cells.length > header.length ? 'the line has more fields than the header: look for an unquoted comma in a value' : 'the line has fewer fields than the header: the row is incomplete';
    return [{ column: '', raw: null, reason }];
  }
  const get = (c: EesColumn): string => (at.has(c) ? (cells[at.get(c)!] ?? '').trim() : '');
  const problems: Problem[] = [];
  const tp = get('time_period');
  if (!isTimePeriod(tp)) problems.push({ column: 'time_period', raw: tp, reason: 'time_period is not a year (2014) or a financial year (201415)' });
  const level = get('geographic_level');
  if (level === '') problems.push({ column: 'geographic_level', raw: null, reason: 'geographic_level is blank (expected National, Regional or Local authority)' });
  if (level.toLowerCase() === LEVELS.la && !oldLaCode(get('old_la_code')) && !newLaCode(get('new_la_code'))) {
    problems.push({ column: 'old_la_code', raw: get('old_la_code') || null, reason: 'a Local authority row needs an LA code: old_la_code (3 digits) or new_la_code (e.g. E09000003)' });
  }
  for (const c of columns) {
    const cell = readEesCell(cells[c.position] ?? '');
    if ('problem' in cell) problems.push({ column: c.column, raw: (cells[c.position] ?? '').trim(), reason: `${c.column} is ${cell.problem}` });
  }
  return problems;
}

async function loadEes(w: Warehouse, f: FoundFile, runId: string, i: EesInput): Promise<LoadResult> {
  const sha = f.sha256!;
  const at = new Map<EesColumn, number>();
  i.header.forEach((h, k) => {
    const c = h.trim().toLowerCase() as EesColumn;
    if ((EES_COLUMNS as readonly string[]).includes(c) && !at.has(c)) at.set(c, k);
  });
  const valuesPath = join(i.scratch, 'values.csv');
  const rejectsPath = join(i.scratch, 'rejects.csv');
  const values = await ScratchCsv.open(valuesPath, ['line', ...VALUE_COLUMNS]);
  const rejects = await ScratchCsv.open(rejectsPath, ['line', 'column_name', 'raw_value', 'reason']);
  let rowsRead = 0;
  let rowsRejected = 0;
  try {
    let first = true;
    for await (const { cells, line } of csvRecords(i.path)) {
      if (first) {
        first = false;
        continue;
      }
      rowsRead++;
      const problems = rowProblems(cells, i.header, at, i.columns);
      if (problems.length > 0) {
        rowsRejected++;
        for (const p of problems) await rejects.write([line, p.column || null, p.raw, p.reason]);
        continue;
      }
      const lead = EES_COLUMNS.map((c) => (at.has(c) ? (cells[at.get(c)!] ?? '').trim() || null : null));
      for (const c of i.columns) {
        const text = (cells[c.position] ?? '').trim();
        const cell = readEesCell(text) as { value: number | null; symbol: string | null };
        await values.write([line, ...lead, c.kpi, c.column, text || null, cell.value, cell.symbol]);
      }
    }
  } finally {
    await values.close();
    await rejects.close();
  }
  const result = { status: 'loaded' as const, rowsRead, rowsLoaded: rowsRead - rowsRejected, rowsRejected };
  const typed = Object.fromEntries(['line', ...VALUE_COLUMNS].map((c) => [c, c === 'line' ? 'BIGINT' : c === 'value' ? 'DOUBLE' : 'VARCHAR']));
  await w.transaction(async () => {
    await clearBenchmarkFile(w, sha);
    if (values.rows > 0) {
      await w.run(`INSERT INTO core.benchmark_values BY NAME SELECT $sha AS file_sha256, $name AS file_name, * FROM ${scratchReader(typed)}`, { sha, name: f.name, path: valuesPath });
    }
    if (rejects.rows > 0) await insertRejects(w, f, rejectsPath);
    await recordBenchmarkFile(w, f, runId, { result, kind: 'ees', mapVersion: i.mapVersion, columns: i.columns.map((c) => c.column), reason: null });
  });
  return { sha256: sha, ...result };
}
