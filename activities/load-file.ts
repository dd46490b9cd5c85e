/**
 * Loads one pulled file by its kind: managers' commentary through its own loader (it has no list
 * contract), a benchmark file (activities/load-benchmark.ts: EES values or the statistical
 * neighbour model), an Annex A workbook (case-system/annex_a_<date>.xlsx) sheet by sheet, an audit
 * or plan workbook (.xlsx) through its sheet-to-CSV conversion, anything else through the CSV path.
 * Workbooks and CSVs of the lists end in the same contract checks.
 */
import { extname } from 'node:path';
import { ANNEX_A_WORKBOOK } from '../core/contracts/annex-a.js';
import type { BenchmarkIndicators } from '../core/benchmark-indicators.js';
import type { HeaderNames } from '../core/header-names.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { COMMENTARY_SOURCE } from '../core/commentary.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { loadAnnexA } from './load-annex-a.js';
import { loadCommentary } from './load-commentary.js';
import { readBenchmarkIndicators } from './benchmark-config.js';
import { loadBenchmarkFile } from './load-benchmark.js';
import { loadCsv } from './load-csv.js';
import { loadXlsx } from './load-xlsx.js';
import { refreshAuditDuplicateNotes } from './audit-duplicates.js';
import { readHeaderAliases } from './header-aliases-config.js';
import { readKpiCatalogue } from './kpi-files.js';
import type { Warehouse } from './warehouse.js';

export interface LoadFileOptions {
  /** The KPI catalogue folder (default sql/kpi/): commentary names its KPIs. */
  kpiDir?: string;
  /** Limits on a single file (default config/limits.json's defaults). */
  limits?: Limits;
  /** The header spellings accepted for contract columns (default: config/header-aliases.json, read here). */
  headerNames?: HeaderNames;
  /** The indicator map (default: config/benchmark-indicators.json, read when a benchmark file comes). */
  benchmarkIndicators?: BenchmarkIndicators;
  /** Keep a CSV's rows as text in raw_rows instead of reading it once (activities/load-csv.ts; tests only). */
  keepRows?: boolean;
}

export async function loadFile(w: Warehouse, f: FoundFile, runId: string, opts: LoadFileOptions = {}): Promise<LoadResult> {
  if (f.source === COMMENTARY_SOURCE) {
    const kpis = (await readKpiCatalogue(opts.kpiDir ? { dir: opts.kpiDir } : {})).map((d) => ({ id: d.meta.id, title: d.meta.title }));
    return loadCommentary(w, f, runId, kpis);
  }
  const limits = opts.limits ?? DEFAULT_LIMITS;
  if (f.source === 'benchmarks') return loadBenchmarkFile(w, f, runId, { limits, map: opts.benchmarkIndicators ?? (await readBenchmarkIndicators()) });
  const names = opts.headerNames ?? (await readHeaderAliases());
  const r =
    f.list === ANNEX_A_WORKBOOK
      ? await loadAnnexA(w, f, runId, limits, names)
      : extname(f.name).toLowerCase() === '.xlsx'
        ? await loadXlsx(w, f, runId, limits, names)
        : await loadCsv(w, f, runId, limits, names, opts.keepRows);
  if (f.source === 'audits') await refreshAuditDuplicateNotes(w);
  return r;
}
