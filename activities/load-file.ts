/**
 * Loads one pulled file by its kind: a benchmark file (activities/load-benchmark.ts), a workbook
 * (.xlsx, audits) through its sheet-to-CSV conversion, anything else through the CSV path. The
 * source lists end in the same contract checks.
 */
import { extname } from 'node:path';
import type { BenchmarkIndicators } from '../core/benchmark-indicators.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { readBenchmarkIndicators } from './benchmark-config.js';
import { loadBenchmarkFile } from './load-benchmark.js';
import { loadCsv } from './load-csv.js';
import { loadXlsx } from './load-xlsx.js';
import { refreshAuditDuplicateNotes } from './audit-duplicates.js';
import type { Warehouse } from './warehouse.js';

export interface LoadFileOptions {
  /** The indicator map (default: config/benchmark-indicators.json, read when a benchmark file comes). */
  benchmarkIndicators?: BenchmarkIndicators;
}

export async function loadFile(w: Warehouse, f: FoundFile, runId: string, limits: Limits = DEFAULT_LIMITS, o: LoadFileOptions = {}): Promise<LoadResult> {
  if (f.source === 'benchmarks') return loadBenchmarkFile(w, f, runId, { limits, map: o.benchmarkIndicators ?? (await readBenchmarkIndicators()) });
  const r = extname(f.name).toLowerCase() === '.xlsx' ? await loadXlsx(w, f, runId, limits) : await loadCsv(w, f, runId, limits);
  if (f.source === 'audits') await refreshAuditDuplicateNotes(w);
  return r;
}
