/**
 * Loads one pulled file by its kind: an Annex A workbook (case-system/annex_a_<date>.xlsx) sheet
 * by sheet, an audit workbook (.xlsx) through its sheet-to-CSV conversion, anything else through
 * the CSV path. All end in the same contract checks.
 */
import { extname } from 'node:path';
import { ANNEX_A_WORKBOOK } from '../core/contracts/annex-a.js';
import type { HeaderNames } from '../core/header-names.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { loadAnnexA } from './load-annex-a.js';
import { loadCsv } from './load-csv.js';
import { loadXlsx } from './load-xlsx.js';
import { refreshAuditDuplicateNotes } from './audit-duplicates.js';
import { readHeaderAliases } from './header-aliases-config.js';
import type { Warehouse } from './warehouse.js';

/** `names`: the header spellings accepted (config/header-aliases.json, read when not given). */
export async function loadFile(w: Warehouse, f: FoundFile, runId: string, limits: Limits = DEFAULT_LIMITS, names?: HeaderNames): Promise<LoadResult> {
  const aliases = names ?? (await readHeaderAliases());
  const r =
    f.list === ANNEX_A_WORKBOOK
      ? await loadAnnexA(w, f, runId, limits, aliases)
      : extname(f.name).toLowerCase() === '.xlsx'
        ? await loadXlsx(w, f, runId, limits, aliases)
        : await loadCsv(w, f, runId, limits, aliases);
  if (f.source === 'audits') await refreshAuditDuplicateNotes(w);
  return r;
}
