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
import { CONTRACTS, contractFor } from '../core/contracts/lists.js';
import { extraColumnsSeen, extraColumnsText } from '../core/extra-columns.js';
import type { FoundFile } from '../core/night.js';
import { isShowableCode, shownName, shownReason, shownReasonOrNull } from '../core/shown-text.js';
import { readLimits } from './limits-config.js';
import { readHeaderAliases } from './header-aliases-config.js';
import { ANNEX_A_WORKBOOK } from '../core/contracts/annex-a.js';
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
  /**
   * `ok`: loaded (with `rowsRejected` rows rejected, if any); `ignored`: not where a source lives,
   * never read, or a benchmark file holding nothing the benchmarks read (the reason names its header).
   */
  status: 'ok' | 'rejected' | 'after_as_of' | 'duplicate' | 'ignored';
  reason: string | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejects: ValidatedReject[];
  /** Header names of the columns no contract column matches, kept but not used (core/extra-columns.ts). */
  extraColumns: string[];
  /** An Annex A workbook's sheets, in the workbook's order. */
  sheets?: ValidatedSheet[];
  /** Another copy of the same list and date counts instead (the file whose name sorts last). */
  supersededBy?: string;
}

export interface ValidatedSheet {
  sheet: string;
  list: string | null;
  status: 'ok' | 'rejected' | 'ignored';
  reason: string | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejects: ValidatedReject[];
  supersededBy?: string;
  /** Header names of the sheet's columns no contract column matches, kept but not used (meta.sheets.columns_unknown). */
  extraColumns: string[];
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

export async function validateLanding(input: {
  landing: string;
  asOf: string;
  maxRejects?: number;
  limitsConfig?: string;
  headerAliasesConfig?: string;
}): Promise<ValidatedFile[]> {
  const limits = await readLimits(input.limitsConfig);
  const root = await mkdtemp(join(tmpdir(), 'csc-kpi-validate-'));
  const maxRejects = input.maxRejects ?? 5;
  try {
    return await Warehouse.with(join(root, 'validate.duckdb'), async (w) => {
      await migrate(w);
      const found = await pullSources(w, { asOf: input.asOf, landing: input.landing, home: root }, { archive: false, limits });
      const out: ValidatedFile[] = [];
      const shaOf = new Map<number, string>();
      const names = await readHeaderAliases(input.headerAliasesConfig);
      for (const f of found) {
        if (f.status !== 'new') {
          out.push(blank(f, f.status === 'already_loaded' ? 'duplicate' : f.status, f.reason));
          continue;
        }
        const r = await loadFile(w, f, 'validate', { limits, headerNames: names });
        const [rec] = await w.rows<{ reason: string | null; columns_seen: string[] | null }>('SELECT reason, columns_seen FROM meta.files WHERE sha256 = $sha', {
          sha: f.sha256!,
        });
        const isWorkbook = f.list === ANNEX_A_WORKBOOK && r.status === 'loaded';
        out.push({
          file: f.relPath,
          list: f.list,
          status: r.status === 'loaded' ? 'ok' : r.status,
          reason: rec?.reason ?? null,
          rowsRead: r.rowsRead,
          rowsLoaded: r.rowsLoaded,
          rowsRejected: r.rowsRejected,
          rejects: isWorkbook ? [] : await firstRejects(w, f.sha256!, null, f.list, maxRejects),
          // A list's file only: a workbook's sheets list their own unknown headings (meta.sheets).
          extraColumns: f.list && CONTRACTS.has(f.list) ? extraColumnsSeen(contractFor(f.list), rec?.columns_seen ?? []) : [],
          ...(isWorkbook ? { sheets: await sheetsOf(w, f.sha256!, maxRejects) } : {}),
        });
        shaOf.set(out.length - 1, f.sha256!);
      }
      // A workbook sheet and a CSV of one list and date: the one not counted says which is.
      const superseded = new Map(
        (await w.rows<{ sha256: string; sheet: string | null; chosen_file: string; chosen_sheet: string | null }>(
          'SELECT sha256, sheet, chosen_file, chosen_sheet FROM meta.extract_choice WHERE NOT chosen',
        )).map((x) => [`${x.sha256}|${x.sheet ?? ''}`, `${shownName(x.chosen_file)}${x.chosen_sheet ? `, sheet “${shownName(x.chosen_sheet)}”` : ''}`]),
      );
      for (const [i, sha] of shaOf) {
        const v = out[i]!;
        const by = superseded.get(`${sha}|`);
        if (by) v.supersededBy = by;
        for (const s of v.sheets ?? []) {
          const sBy = superseded.get(`${sha}|${s.sheet}`);
          if (sBy) s.supersededBy = sBy;
        }
      }
      return out;
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The first rejects of a file, or of one sheet of a workbook, with a value only where it may be shown. */
async function firstRejects(w: Warehouse, sha: string, sheet: string | null, list: string | null, max: number): Promise<ValidatedReject[]> {
  return (
    await w.rows<{ sheet: string | null; line: string | null; column_name: string | null; raw_value: string | null; reason: string }>(
      `SELECT sheet, line, column_name, raw_value, reason FROM meta.rejects
       WHERE file_sha256 = $sha AND ($sheet::VARCHAR IS NULL OR sheet = $sheet) ORDER BY line, column_name LIMIT ${max}`,
      { sha, sheet },
    )
  ).map((x) => ({
    sheet: x.sheet,
    line: x.line === null ? null : Number(x.line),
    column: x.column_name,
    value: shownRejectValue(list, x.column_name, x.raw_value),
    reason: x.reason,
  }));
}

/** A workbook's sheets as loaded: each with its fate, counts and first rejects. */
async function sheetsOf(w: Warehouse, sha: string, max: number): Promise<ValidatedSheet[]> {
  const rows = await w.rows<{
    sheet: string;
    list: string | null;
    status: string;
    reason: string | null;
    rows_read: string;
    rows_loaded: string;
    rows_rejected: string;
    columns_unknown: string[] | null;
  }>(
    'SELECT sheet, list, status, reason, rows_read, rows_loaded, rows_rejected, columns_unknown FROM meta.sheets WHERE file_sha256 = $sha ORDER BY sheet_index',
    { sha },
  );
  const out: ValidatedSheet[] = [];
  for (const s of rows) {
    out.push({
      sheet: s.sheet,
      list: s.list,
      status: s.status === 'loaded' ? 'ok' : (s.status as 'rejected' | 'ignored'),
      reason: s.reason,
      rowsRead: Number(s.rows_read),
      rowsLoaded: Number(s.rows_loaded),
      rowsRejected: Number(s.rows_rejected),
      rejects: s.status === 'loaded' ? await firstRejects(w, sha, s.sheet, s.list, max) : [],
      extraColumns: s.status === 'loaded' ? (s.columns_unknown ?? []) : [],
    });
  }
  return out;
}

function blank(f: FoundFile, status: ValidatedFile['status'], reason: string | null): ValidatedFile {
  return { file: f.relPath, list: f.list, status, reason, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, rejects: [], extraColumns: [] };
}

/** The first word of a file's or sheet's line: OK only for one loaded whole, without a rejected row. */
function label(f: { status: string; rowsRejected: number }): string {
  if (f.status === 'ok') return f.rowsRejected > 0 ? 'LOADED' : 'OK';
  return f.status.toUpperCase();
}

function rowsText(n: number): string {
  return `${n} row${n === 1 ? '' : 's'}`;
}

/** What happened to loaded rows: "loaded, 3 rows rejected (read 10, loaded 7)", or the counts of a clean file or sheet. */
function countsText(f: { status: string; rowsRead: number; rowsLoaded: number; rowsRejected: number }): string {
  if (f.status !== 'ok') return '';
  if (f.rowsRejected > 0) return `  loaded, ${rowsText(f.rowsRejected)} rejected (read ${f.rowsRead}, loaded ${f.rowsLoaded})`;
  return `  read ${f.rowsRead}, loaded ${f.rowsLoaded}, rejected 0`;
}

/**
 * The plain-text report: one block per file. Every name and reason is printed in its shown form
 * and a value only as validateLanding kept it, so the report is safe whatever it is given.
 */
export function formatValidation(files: ValidatedFile[]): string {
  const lines: string[] = [];
  /** The reason, the note of a copy not counted, the extra columns and the first rejects of a file or sheet, indented. */
  const details = (x: { reason: string | null; rejects: ValidatedReject[]; rowsRejected: number; supersededBy?: string; extraColumns?: string[] }, indent: string): void => {
    const reason = shownReasonOrNull(x.reason);
    if (reason) lines.push(`${indent}${reason}`);
    if (x.supersededBy) lines.push(`${indent}the same extract is also in ${x.supersededBy}, whose file name sorts later: that copy counts, this one does not`);
    const extra = extraColumnsText(x.extraColumns ?? []);
    if (extra) lines.push(`${indent}${extra}`);
    for (const r of x.rejects) {
      const where = [r.sheet ? `sheet “${shownName(r.sheet)}”` : null, r.line !== null ? `${r.sheet ? 'row' : 'line'} ${r.line}` : null, r.column ? `column “${shownName(r.column)}”` : null]
        .filter(Boolean)
        .join(', ');
      const value = r.value !== null ? ` (value “${shownName(r.value)}”)` : '';
      lines.push(`${indent}- ${where}${value}: ${shownReason(r.reason)}`);
    }
    if (x.rowsRejected > x.rejects.length && x.rejects.length > 0) lines.push(`${indent}… and more rejects (${x.rowsRejected} rows in all)`);
  };
  for (const f of files) {
    const what = f.list === ANNEX_A_WORKBOOK ? 'Annex A workbook' : f.list;
    lines.push(`${label(f).padEnd(11)} ${shownName(f.file)}${what ? ` (${what})` : ''}${countsText(f)}`);
    details(f, '            ');
    for (const s of f.sheets ?? []) {
      lines.push(`            ${label(s).padEnd(8)} sheet “${shownName(s.sheet)}”${s.list ? ` (${s.list})` : ''}${countsText(s)}`);
      details(s, '                     ');
    }
  }
  const count = (s: ValidatedFile['status']): number => files.filter((f) => f.status === s).length;
  const badSheets = files.flatMap((f) => f.sheets ?? []).filter((s) => s.status === 'rejected').length;
  const rejectedRows = files.reduce((n, f) => n + f.rowsRejected, 0);
  const sheets = badSheets > 0 ? `, ${badSheets} workbook sheet(s) rejected whole` : '';
  // Not where a source lives (no list: never read), or a benchmark file read and holding nothing the benchmarks use.
  const notRead = files.filter((f) => f.status === 'ignored' && f.list === null).length;
  const unused = files.filter((f) => f.status === 'ignored' && f.list !== null).length;
  const ignored =
    (notRead > 0 ? `, ${notRead} ignored (not where a source lives)` : '') + (unused > 0 ? `, ${unused} ignored (nothing in ${unused === 1 ? 'it' : 'them'} is used)` : '');
  lines.push('', `${files.length} file(s): ${count('ok')} loaded, ${count('rejected')} rejected whole${sheets}${ignored}; ${rejectedRows} row(s) rejected.`);
  const missing = listsWithoutExtract(files).map((l) => contractFor(l).title);
  if (missing.length > 0) {
    lines.push(`No extract on or before the as-of date: ${missing.join(', ')}. A list with no extract loads nothing, and a figure reading it is missing data, not a zero.`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The extract lists (case-system and HR contracts) with no extract a night would use: no loaded
 * CSV and no loaded workbook sheet of the list among the files checked (a file dated after as-of,
 * rejected whole, or a sheet rejected alone is no extract; a copy another one supersedes still
 * means the list has one). Audits and the improvement plan are not extracts. In contract order.
 */
export function listsWithoutExtract(files: ValidatedFile[]): string[] {
  const loaded = new Set<string>();
  for (const f of files) {
    if (f.status !== 'ok') continue;
    if (f.list && f.list !== ANNEX_A_WORKBOOK) loaded.add(f.list);
    for (const s of f.sheets ?? []) if (s.status === 'ok' && s.list) loaded.add(s.list);
  }
  return [...CONTRACTS.values()].filter((c) => (c.source === 'case-system' || c.source === 'hr') && !loaded.has(c.list)).map((c) => c.list);
}

/** Whether anything was rejected whole: a file, or a sheet of a workbook (validate exits 1). */
export function anyRejectedWhole(files: ValidatedFile[]): boolean {
  return files.some((f) => f.status === 'rejected' || (f.sheets ?? []).some((s) => s.status === 'rejected'));
}
