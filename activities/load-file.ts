/**
 * Loads one pulled file by its kind: a workbook (.xlsx, audits only) through its sheet-to-CSV
 * conversion, anything else through the CSV path. Both end in the same contract checks.
 */
import { extname } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { loadCsv } from './load-csv.js';
import { loadXlsx } from './load-xlsx.js';
import { refreshAuditDuplicateNotes } from './audit-duplicates.js';
import type { Warehouse } from './warehouse.js';

export async function loadFile(w: Warehouse, f: FoundFile, runId: string, limits: Limits = DEFAULT_LIMITS): Promise<LoadResult> {
  const r = extname(f.name).toLowerCase() === '.xlsx' ? await loadXlsx(w, f, runId, limits) : await loadCsv(w, f, runId, limits);
  if (f.source === 'audits') await refreshAuditDuplicateNotes(w);
  return r;
}
