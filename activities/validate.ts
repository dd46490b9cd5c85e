/**
 * `csc-kpi validate`: the night's pull and load checks on a landing folder, with nothing
 * written to the user's warehouse or archive. Files are read in place (never copied, never
 * edited) into a throwaway DuckDB in a temp folder, removed afterwards. The report names each
 * file's fate and its first rejects by sheet, line and column. It prints no value from a row —
 * not an identifier, a date of birth, a child id typed into a date column, nor a malformed
 * line's raw text — except the value of a code column (a grade, an Org Role) when it looks like
 * a code (core/shown-text.ts). Names and reasons are printed in their shown form.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnMeta } from '../core/contracts/columns.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import type { FoundFile } from '../core/night.js';
import { isShowableCode, shownName, shownReason, shownReasonOrNull } from '../core/shown-text.js';
import { readLimits } from './limits-config.js';
import { loadFile } from './load-file.js';
import { migrate } from './migrate.js';
import { pullSources } from './pull.js';
import { Warehouse } from './warehouse.js';

export interface ValidatedReject {
  sheet: string | null;
  line: number | null;
  column: string | null;
  /** The raw value of a code column when it may be shown; null for any other value (never shown). */
  value: string | null;
  reason: string;
}

export interface ValidatedFile {
  file: string;
  list: string | null;
  /** `ignored`: a benchmark file holding nothing the benchmarks read (the reason names its header). */
  status: 'ok' | 'rejected' | 'after_as_of' | 'duplicate' | 'ignored';
  reason: string | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejects: ValidatedReject[];
}

/** `<list>|<header>` of every code column: the only columns whose values a reject may show. */
const CODE_COLUMNS = new Set(
  [...CONTRACTS.values()].flatMap((c) =>
    Object.entries(c.columns)
      .filter(([, s]) => ['code', 'org_role'].includes(columnMeta(s).kind))
      .map(([h]) => `${c.list}|${h}`),
  ),
);

/** A rejected value as validate may print it: a code of a code column that looks like one, else nothing. */
export function shownRejectValue(list: string | null, column: string | null, value: string | null): string | null {
  if (value === null || column === null || !CODE_COLUMNS.has(`${list}|${column}`)) return null;
  return isShowableCode(value) ? value : null;
}

export async function validateLanding(input: { landing: string; asOf: string; maxRejects?: number; limitsConfig?: string }): Promise<ValidatedFile[]> {
  const limits = await readLimits(input.limitsConfig);
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-validate-'));
  const maxRejects = input.maxRejects ?? 5;
  try {
    return await Warehouse.with(join(root, 'validate.duckdb'), async (w) => {
      await migrate(w);
      const found = await pullSources(w, { asOf: input.asOf, landing: input.landing, home: root }, { archive: false, limits });
      const out: ValidatedFile[] = [];
      for (const f of found) {
        if (f.status !== 'new') {
          out.push(blank(f, f.status === 'already_loaded' ? 'duplicate' : f.status, f.reason));
          continue;
        }
        const r = await loadFile(w, f, 'validate', limits);
        const rejects = (
          await w.rows<{ sheet: string | null; line: string | null; column_name: string | null; raw_value: string | null; reason: string }>(
            `SELECT sheet, line, column_name, raw_value, reason FROM meta.rejects WHERE file_sha256 = $sha ORDER BY line, column_name LIMIT ${maxRejects}`,
            { sha: f.sha256! },
          )
        ).map((x) => ({
          sheet: x.sheet,
          line: x.line === null ? null : Number(x.line),
          column: x.column_name,
          value: shownRejectValue(f.list, x.column_name, x.raw_value),
          reason: x.reason,
        }));
        const [rec] = await w.rows<{ reason: string | null }>('SELECT reason FROM meta.files WHERE sha256 = $sha', { sha: f.sha256! });
        out.push({
          file: f.relPath,
          list: f.list,
          status: r.status === 'loaded' ? 'ok' : r.status,
          reason: rec?.reason ?? null,
          rowsRead: r.rowsRead,
          rowsLoaded: r.rowsLoaded,
          rowsRejected: r.rowsRejected,
          rejects,
        });
      }
      return out;
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function blank(f: FoundFile, status: ValidatedFile['status'], reason: string | null): ValidatedFile {
  return { file: f.relPath, list: f.list, status, reason, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, rejects: [] };
}

/**
 * The plain-text report: one block per file. Every name and reason is printed in its shown form
 * and a value only as validateLanding kept it, so the report is safe whatever it is given.
 */
export function formatValidation(files: ValidatedFile[]): string {
  const lines: string[] = [];
  for (const f of files) {
    const counts = f.status === 'ok' ? `  read ${f.rowsRead}, loaded ${f.rowsLoaded}, rejected ${f.rowsRejected}` : '';
    lines.push(`${f.status.toUpperCase().padEnd(11)} ${shownName(f.file)}${f.list ? ` (${f.list})` : ''}${counts}`);
    const reason = shownReasonOrNull(f.reason);
    if (reason) lines.push(`            ${reason}`);
    for (const r of f.rejects) {
      const where = [r.sheet ? `sheet “${shownName(r.sheet)}”` : null, r.line !== null ? `${r.sheet ? 'row' : 'line'} ${r.line}` : null, r.column ? `column “${shownName(r.column)}”` : null]
        .filter(Boolean)
        .join(', ');
      const value = r.value !== null ? ` (value “${shownName(r.value)}”)` : '';
      lines.push(`            - ${where}${value}: ${shownReason(r.reason)}`);
    }
    if (f.rowsRejected > f.rejects.length && f.rejects.length > 0) lines.push(`            … and more rejects (${f.rowsRejected} rows in all)`);
  }
  const bad = files.filter((f) => f.status === 'rejected').length;
  const rejectedRows = files.reduce((n, f) => n + f.rowsRejected, 0);
  lines.push('', `${files.length} file(s): ${bad} rejected whole, ${rejectedRows} row(s) rejected.`);
  return lines.join('\n') + '\n';
}
