/**
 * Loads one pulled file by its kind: managers' commentary through its own loader (it has no list
 * contract), a workbook (.xlsx, audits only) through its sheet-to-CSV conversion, anything else
 * through the CSV path. Workbooks and CSVs end in the same contract checks.
 */
import { extname } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { COMMENTARY_SOURCE } from '../core/commentary.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { loadCommentary } from './load-commentary.js';
import { loadCsv } from './load-csv.js';
import { loadXlsx } from './load-xlsx.js';
import { refreshAuditDuplicateNotes } from './audit-duplicates.js';
import { readKpiCatalogue } from './kpi-files.js';
import type { Warehouse } from './warehouse.js';

export interface LoadFileOptions {
  /** The KPI catalogue folder (default sql/kpi/): commentary names its KPIs. */
  kpiDir?: string;
  /** Limits on a single file (default config/limits.json's defaults). */
  limits?: Limits;
}

export async function loadFile(w: Warehouse, f: FoundFile, runId: string, opts: LoadFileOptions = {}): Promise<LoadResult> {
  if (f.source === COMMENTARY_SOURCE) {
    const kpis = (await readKpiCatalogue(opts.kpiDir ? { dir: opts.kpiDir } : {})).map((d) => ({ id: d.meta.id, title: d.meta.title }));
    return loadCommentary(w, f, runId, kpis);
  }
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const r = extname(f.name).toLowerCase() === '.xlsx' ? await loadXlsx(w, f, runId, limits) : await loadCsv(w, f, runId, limits);
  if (f.source === 'audits') await refreshAuditDuplicateNotes(w);
  return r;
}
