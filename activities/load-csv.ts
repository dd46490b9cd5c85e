/**
 * Load one archived CSV into `core.<list>` (typed rows that pass the contract), putting every
 * rejected row in `meta.rejects` with its line, column, value and reason; `raw.<list>` (text as
 * extracted, with line) shows it. A UTF-8 file of one kind of line ending is read once, where it
 * lies in the archive (activities/load-once.ts; raw is then a view over it, activities/raw-view.ts);
 * a file DuckDB reads from a copy (Windows-1252, mixed line endings) and a workbook sheet keep
 * their rows as text in `raw_rows.<list>` first, then are checked into core from there.
 * DuckDB reads and checks the rows; nothing row-sized crosses into JavaScript. Idempotent: a
 * retry first removes what an earlier attempt wrote for the file.
 *
 * A file that is not a CSV of its list at all (empty, binary, UTF-16, no header, wrong list,
 * separated by semicolons or tabs, header only, truncated, an unclosed quote, a CR that ends no
 * line) is rejected whole, recorded in `meta.files` with the reason. So is a file DuckDB's reader
 * fails on, in our own words (its message can quote a row), and the night goes on. Every other
 * record is accounted for: rows read (counted by our own scan, not by DuckDB) = rows loaded + rows
 * rejected, or the file is rejected whole rather than loaded with rows missing.
 *
 * Columns no contract column matches are kept, in `raw.<list>.extra_columns`, and listed in
 * `meta.files.columns_seen` after the contract columns (core/extra-columns.ts). A file whose lines
 * end in both CRLF and LF is read as LF (activities/line-endings.ts).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { CONTRACTS, contractFor } from '../core/contracts/lists.js';
import { checkedSelect } from '../core/contracts/load-sql.js';
import { snakeCase } from '../core/contracts/naming.js';
import { quoteIdent as q } from '../core/sql-text.js';
import { DEFAULT_LIMITS, limitText, type Limits } from '../core/limits.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { shownName, shownReason } from '../core/shown-text.js';
import { delimiterProblem } from '../core/csv-delimiter.js';
import { extraColumns, type ExtraColumn } from '../core/extra-columns.js';
import { NAMES_ONLY, type HeaderNames } from '../core/header-names.js';
import { matchHeader, readHeader, type HeaderMatch } from './csv-header.js';
import { scanCsv, type CsvScan } from './csv-scan.js';
import { crlfToLf } from './line-endings.js';
import { linesFromRowIds, loadRowsOnce } from './load-once.js';
import { accountFor, collectMalformed, LOAD_TEMP_TABLES, rejectFailingRows, rejectMalformed, UnreadableRows } from './load-rejects.js';
import { csvReader, forgetRawFile, rebuildRawView } from './raw-view.js';
import type { Warehouse } from './warehouse.js';

/** Windows-1252 → UTF-8, streamed (DuckDB reads UTF-8; Excel on a council desktop writes 1252). */
export async function transcode1252(from: string, to: string): Promise<void> {
  const decoder = new TextDecoder('windows-1252');
  await pipeline(
    createReadStream(from),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
      },
      flush(done) {
        done(null, Buffer.from(decoder.decode(), 'utf8'));
      },
    }),
    createWriteStream(to),
  );
}

/** The first n bytes of a file (fewer when it is shorter): enough to tell what kind of file it is. */
export async function firstBytes(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** What the first bytes say a non-CSV file is, for a reason a person can act on. */
export function sniffNotCsv(head: Buffer): string | null {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    return 'the file is UTF-16 text (Excel’s “Unicode Text”), not a CSV in UTF-8 or Windows-1252: save it as “CSV UTF-8” or “CSV (Comma delimited)”';
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return 'not a text CSV: it is a zip file, most likely an Excel workbook saved with a .csv name; export the sheet as CSV';
  }
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    return 'not a text CSV: it is an old-style Excel (.xls) workbook saved with a .csv name; export the sheet as CSV';
  }
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'not a text CSV: it is a PDF document';
  return null;
}

/** Problems of the file as a whole that the scan reveals; null when the records can be read. */
export function wholeFileProblem(scan: CsvScan, limits: Limits = DEFAULT_LIMITS): string | null {
  if (scan.hasNul) return 'not a text CSV (it holds binary data): is it a spreadsheet or zip saved with a .csv name?';
  if (scan.overLimit?.limit === 'max_line_bytes' && scan.overLimit.blankFrom !== undefined) {
    const { blankFrom, line } = scan.overLimit;
    return `lines ${blankFrom} to ${line - 1} are blank: with line ${line} after them that is more than ${limitText(limits, 'max_line_bytes')} for one record, as a CSV reader counts it; so many empty lines mean a damaged file: delete them or export it again`;
  }
  if (scan.overLimit?.limit === 'max_line_bytes') {
    return `line ${scan.overLimit.line} is longer than ${limitText(limits, 'max_line_bytes')}: no real record is that long, so the file is probably damaged (a missing line break or a runaway value); export it again`;
  }
  if (scan.overLimit?.limit === 'max_columns') {
    return `the header has more columns than ${limitText(limits, 'max_columns')} allows: check it is the right file, and export only the list's own columns`;
  }
  if (scan.loneCrLine !== null && scan.lineEndings.crlf + scan.lineEndings.lf === 0) {
    return 'the lines of the file end with a carriage return (CR) alone, an old Mac format, not CRLF or LF: save it again as CSV (comma delimited) or CSV UTF-8';
  }
  if (scan.loneCrLine !== null) {
    return `line ${scan.loneCrLine} holds a carriage-return character (CR) that does not end the line, outside any quoted value, so a CSV reader cannot tell where that record ends: delete the character (or put the value in double quotes) and save the file again`;
  }
  if (scan.records <= 1) {
    return 'the file has a header row but no data rows: the extract probably failed (a full extract of a list is never empty); re-run the export';
  }
  if (!scan.endsWithNewline && (scan.openQuoteLine !== null || scan.lastRecordFields < scan.headerFields)) {
    return `the file appears truncated: the last record (line ${scan.lastRecordLine}) stops part-way, with ${scan.openQuoteLine !== null ? 'a quoted value still open' : `${scan.lastRecordFields} of ${scan.headerFields} fields`} and no line break at the end; copy or export the file again`;
  }
  if (scan.openQuoteLine !== null) {
    return `a double quote opened on line ${scan.openQuoteLine} is never closed, so everything after it would be one value: a value has a stray quote; quote the whole value and double any quote inside it, or export again`;
  }
  return null;
}

/**
 * DuckDB's own default record size. Records up to the scan's limit (plus a CRLF) must fit, or
 * DuckDB would set a longer one aside where no count of ours would find it.
 */
const DUCKDB_MAX_LINE_SIZE = 2 * 1024 ** 2;

/**
 * Writes the meta.files row for a file (loaded or rejected whole). Its reason is recorded as it
 * may be published (core/shown-text.ts): publishing and `csc-kpi validate` read it from here.
 */
export async function recordFile(
  w: Warehouse,
  f: FoundFile,
  runId: string,
  r: Omit<LoadResult, 'sha256'>,
  columnsSeen: string[],
  reason: string | null = null,
  /** Keys of the file's extra columns (core/extra-columns.ts), listed after its contract columns. */
  extraColumnKeys: string[] = [],
): Promise<void> {
  await w.run('DELETE FROM meta.files WHERE sha256 = $sha', { sha: f.sha256! });
  await w.run(
    `INSERT INTO meta.files VALUES ($sha, $source, $list, $name, $extract_date::DATE, $size, $raw, $enc, $status, $reason,
       $read, $loaded, $rejected, $cols::JSON::VARCHAR[], nextval('meta.load_seq'), $run)`,
    {
      sha: f.sha256!,
      source: f.source,
      list: f.list,
      name: f.name,
      extract_date: f.extractDate,
      size: f.byteSize,
      raw: f.rawPath,
      enc: f.encoding,
      status: r.status,
      reason: reason === null ? null : shownReason(reason),
      read: r.rowsRead,
      loaded: r.rowsLoaded,
      rejected: r.rowsRejected,
      cols: JSON.stringify([...columnsSeen.map(snakeCase), ...extraColumnKeys]),
      run: runId,
    },
  );
  // Recorded: its load, if one was in progress, has finished.
  await w.run('DELETE FROM meta.loads_in_progress WHERE sha256 = $sha', { sha: f.sha256! });
}

async function clearFile(w: Warehouse, list: string, sha: string): Promise<void> {
  await w.run(`DELETE FROM raw_rows.${q(list)} WHERE file_sha256 = $sha`, { sha });
  await w.run(`DELETE FROM core.${q(list)} WHERE file_sha256 = $sha`, { sha });
  await w.run('DELETE FROM meta.rejects WHERE file_sha256 = $sha', { sha });
  await w.run('DELETE FROM meta.loads_in_progress WHERE sha256 = $sha', { sha });
  if (await forgetRawFile(w, sha)) await rebuildRawView(w, list);
}

/**
 * Removes the rows of every CSV whose load stopped between its two transactions (rows in, no
 * meta.files row: sql/meta/loads_in_progress.sql), so no row in core belongs to no recorded file.
 * Run by every migrate, before anything is loaded.
 */
export async function clearUnfinishedLoads(w: Warehouse): Promise<void> {
  for (const { sha256, list } of await w.rows<{ sha256: string; list: string }>('SELECT sha256, list FROM meta.loads_in_progress ORDER BY sha256')) {
    if (!CONTRACTS.has(list)) continue; // not a list of this release: nothing of ours to remove
    // The marker goes after the rows (clearFile's order), so a stop part-way leaves it to try again.
    await clearFile(w, list, sha256);
  }
}

/** Records a whole-file reject (and removes anything an earlier attempt loaded from the file). */
export async function rejectFile(w: Warehouse, f: FoundFile, runId: string, reason: string): Promise<LoadResult> {
  if (!f.sha256 || !f.list) throw new Error(`rejectFile called on a file that was not pulled: ${shownName(f.relPath)}`);
  const r = { status: 'rejected' as const, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
  const { list, sha256 } = f;
  await w.transaction(async () => {
    await clearFile(w, list, sha256);
    await recordFile(w, f, runId, r, [], reason);
  });
  return { sha256, ...r };
}

/** Scratch space outside the landing folder and the archive; removed by the caller. */
export async function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'csc-kpi-load-'));
}

/** `keepRows`: see CheckedCsvOptions (tests only). */
export async function loadCsv(w: Warehouse, f: FoundFile, runId: string, limits: Limits = DEFAULT_LIMITS, names: HeaderNames = NAMES_ONLY, keepRows = false): Promise<LoadResult> {
  if (!f.rawPath || !f.sha256 || !f.list) throw new Error(`loadCsv called on a file that was not pulled: ${shownName(f.relPath)}`);
  if (f.byteSize === 0) return rejectFile(w, f, runId, 'the file is empty (0 bytes): the extract did not run or was not copied completely');
  const sniffed = sniffNotCsv(await firstBytes(f.rawPath, 16));
  if (sniffed) return rejectFile(w, f, runId, sniffed);

  const scratch = await scratchDir();
  try {
    let readPath = f.rawPath;
    if (f.encoding === 'windows-1252') {
      readPath = join(scratch, 'utf8.csv');
      await transcode1252(f.rawPath!, readPath);
    }
    return await loadCheckedCsv(w, f, runId, readPath, { limits, names, keepRows });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface CheckedCsvOptions {
  /** The sheet a workbook's rows came from (recorded with each reject). */
  sheet?: string;
  /** Position of a column holding each record's own line number (a workbook's sheet row). */
  lineColumn?: number;
  /** config/limits.json; the defaults when not given. */
  limits?: Limits;
  /** config/header-aliases.json; names only when not given. */
  names?: HeaderNames;
  /** Where the extract is recorded: the file itself (meta.files) when not given, or one sheet of a workbook. */
  target?: ExtractTarget;
  /**
   * Keep the rows as text in raw_rows even when the file could be read once where it lies (the
   * test comparing raw's view with the rows as they were kept before issue 19).
   */
  keepRows?: boolean;
}

/**
 * What the checked load writes besides raw and core rows: a file's own record (meta.files), or a
 * workbook sheet's (meta.sheets, activities/load-annex-a.ts). Each runs inside the load's
 * transaction.
 */
export interface ExtractTarget {
  /** Removes what an earlier attempt wrote for this extract: its raw_rows and core rows and its rejects. */
  clear(): Promise<void>;
  /**
   * Notes, with the extract's first rows, that its load has begun and is not recorded yet (a
   * file's: meta.loads_in_progress, so the next migrate removes its rows if the load stops before
   * `record`). Absent for a workbook sheet, whose workbook is cleared whole when loaded again.
   */
  started?(): Promise<void>;
  /** Records the extract rejected whole, with the reason (and clears it). */
  reject(reason: string): Promise<LoadResult>;
  /**
   * Records the loaded extract with its counts, the contract columns it has and the keys of its
   * extra columns (core/extra-columns.ts).
   */
  record(r: Omit<LoadResult, 'sha256'>, match: HeaderMatch, extraColumnKeys: string[]): Promise<void>;
}

/**
 * Whether the warehouse may hold rows of an earlier attempt at this file. Through this target a
 * file's rows are only ever written in a transaction that also notes its load in progress or
 * records the file, so with neither there is nothing to clear, and the deletes (each a scan of a
 * table that grows with every file of its list) are skipped. (A workbook sheet's target clears
 * its workbook whole, as before.)
 */
async function attemptedBefore(w: Warehouse, sha: string): Promise<boolean> {
  const [row] = await w.rows<{ seen: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM meta.loads_in_progress WHERE sha256 = $sha)
         OR EXISTS (SELECT 1 FROM meta.files WHERE sha256 = $sha) AS seen`,
    { sha },
  );
  return row?.seen === true;
}

/** The file as its own extract: recorded in meta.files. */
function fileTarget(w: Warehouse, f: FoundFile, runId: string): ExtractTarget {
  return {
    clear: async () => {
      if (await attemptedBefore(w, f.sha256!)) await clearFile(w, f.list!, f.sha256!);
    },
    started: () => w.run('INSERT OR REPLACE INTO meta.loads_in_progress VALUES ($sha, $list)', { sha: f.sha256!, list: f.list! }),
    reject: (reason) => rejectFile(w, f, runId, reason),
    record: (r, match, extraColumnKeys) => recordFile(w, f, runId, r, [...match.present], null, extraColumnKeys),
  };
}

/** Temporary tables of one load are named apart from any other load's in this process. */
let loadSeq = 0;

/** The shared CSV path: UTF-8 text at `readPath`, checked against the file's list contract. */
export async function loadCheckedCsv(w: Warehouse, f: FoundFile, runId: string, readPath: string, o: CheckedCsvOptions): Promise<LoadResult> {
  const contract = contractFor(f.list!);
  const limits = o.limits ?? DEFAULT_LIMITS;
  const target = o.target ?? fileTarget(w, f, runId);
  // The scan first: it stops at a line or header over the limits, before anything else reads the file.
  const scan = await scanCsv(readPath, { maxLineBytes: limits.max_line_bytes, maxColumns: limits.max_columns });
  if (scan.hasNul || scan.overLimit) return target.reject(wholeFileProblem(scan, limits)!);
  const header = await readHeader(readPath);
  if (!header) return target.reject('the file has no header row (it is blank)');
  if (!Array.isArray(header)) return target.reject(header.reason);
  // A CSV's own header line says what separates its values; a sheet's cells are cells.
  const separated = o.sheet === undefined ? delimiterProblem(header) : null;
  if (separated) return target.reject(separated);
  const match = matchHeader(contract, header, o.names);
  if ('reason' in match) return target.reject(match.reason);
  const problem = wholeFileProblem(scan, limits);
  if (problem) return target.reject(problem);

  // Lines ending in both CRLF and LF: DuckDB reads a copy whose lines all end in LF.
  const mixed = scan.lineEndings.crlf > 0 && scan.lineEndings.lf > 0 ? await scratchDir() : null;
  try {
    const duckPath = mixed ? join(mixed, 'lf.csv') : readPath;
    if (mixed) await crlfToLf(readPath, duckPath);
    return await loadRowsOrReject(w, f, runId, duckPath, { ...o, limits, target }, { scan, header, match });
  } finally {
    if (mixed) await rm(mixed, { recursive: true, force: true });
  }
}

/**
 * Reads the rows of a file that passed the checks above; an error DuckDB raises on the file's
 * bytes, or rows that cannot all be accounted for, make it a whole-file reject in our own words,
 * and the night goes on. (The checks keep the files known to upset DuckDB's reader away from it;
 * this is for the ones nobody has found yet.)
 */
export async function loadRowsOrReject(w: Warehouse, f: FoundFile, runId: string, readPath: string, o: CheckedCsvOptions & { limits: Limits }, c: Checked): Promise<LoadResult> {
  const target = o.target ?? fileTarget(w, f, runId);
  try {
    return await loadRows(w, f, runId, readPath, { ...o, target }, c);
  } catch (err) {
    const reason = unreadableReason(err);
    if (reason === null) throw err;
    return target.reject(reason);
  }
}

/**
 * Errors of DuckDB's that a file's bytes can cause (its CSV reader's, a value it cannot convert),
 * as opposed to a fault of ours (binder, catalog) or of the machine (IO, memory), which are thrown on.
 */
const FILE_READ_ERROR = /^(Invalid Input|Conversion|Out of Range) Error/;

/** Our own reason for a file's rows that could not be read, or null for an error that is not the file's. */
function unreadableReason(err: unknown): string | null {
  if (err instanceof UnreadableRows) return err.reason;
  if (err instanceof Error && FILE_READ_ERROR.test(err.message)) {
    // Never the library's message: it can quote a row.
    return 'the CSV reader could not read the records of this file (a stray double quote, an unusual line break or a damaged record confuses it), so none of its rows were loaded: open it in a text editor to look for the odd line, or export it again';
  }
  return null;
}

/** What the checks before the read found out about the file. */
export interface Checked {
  scan: CsvScan;
  header: string[];
  match: HeaderMatch;
}

/**
 * Reads the rows of a checked file into core and meta.rejects, and records the file: once, where
 * it lies in the archive, when DuckDB reads the archived bytes themselves (activities/load-once.ts);
 * otherwise (a copy, a sheet) as text into raw_rows first.
 */
async function loadRows(
  w: Warehouse,
  f: FoundFile,
  runId: string,
  readPath: string,
  o: CheckedCsvOptions & { limits: Limits; target: ExtractTarget },
  c: Checked,
): Promise<LoadResult> {
  const contract = contractFor(f.list!);
  const extras: ExtraColumn[] = extraColumns(contract, c.header, c.match.positions, o.lineColumn);
  const suffix = `${f.sha256!.slice(0, 16)}_${process.pid}_${++loadSeq}`;
  const maxLineSize = Math.max(DUCKDB_MAX_LINE_SIZE, o.limits.max_line_bytes + 2);
  const once = readPath === f.rawPath && o.lineColumn === undefined && o.sheet === undefined && !o.keepRows;
  if (once) return loadRowsOnce(w, f, c, { target: o.target, extras, maxLineSize, suffix });
  return loadKeptRows(w, f, readPath, o, c, { extras, maxLineSize, suffix });
}

/** Reads the rows of a checked file into raw_rows, then core and meta.rejects, and records the file. */
async function loadKeptRows(
  w: Warehouse,
  f: FoundFile,
  readPath: string,
  o: CheckedCsvOptions & { limits: Limits; target: ExtractTarget },
  c: Checked,
  k: { extras: ExtraColumn[]; maxLineSize: number; suffix: string },
): Promise<LoadResult> {
  const { scan, header, match } = c;
  const contract = contractFor(f.list!);
  const sha = f.sha256!;
  const { target } = o;
  const { extras, suffix } = k;
  const rowsRead = scan.records - 1;

  const picked = match.positions.flatMap((h, i) => (h ? [`${q(`c${i}`)} AS ${q(snakeCase(h))}`] : []));
  // Columns no contract column matches, kept by header in one MAP (their keys bound, never written into the SQL).
  if (extras.length > 0) picked.push(`map(CAST($extra_keys AS JSON)::VARCHAR[], [${extras.map((e) => q(`c${e.position}`)).join(', ')}]) AS extra_columns`);
  const extraKeys = { extra_keys: JSON.stringify(extras.map((e) => e.key)) };
  const rejectsTable = `csv_rejects_${suffix}`;
  const scanTable = `csv_scans_${suffix}`;
  const sheetLine = o.lineColumn !== undefined ? `TRY_CAST(${q(`c${o.lineColumn}`)} AS BIGINT)` : null;
  const list = q(contract.list);
  const reader = csvReader({ path: readPath, fields: header.length, columns: [], extras: [], maxLineSize: k.maxLineSize }, { table: rejectsTable, scan: scanTable });
  const where = { sha, name: f.name, sheet: o.sheet ?? null };

  // Two transactions: raw_rows (with lines and malformed records), then core and the file's record.
  // The core step reads committed rows, which is about a third faster than reading rows
  // still in the same transaction. Nobody sees the state in between (the night writes a private
  // warehouse, activities/export-warehouse.ts), and a file without its meta.files row is not
  // loaded: a retry or a later night clears its rows first.
  // The default, stated: the row-id line numbers below rest on it.
  await w.run('SET preserve_insertion_order = true');
  const csvRejected = await w.transaction(async () => {
    await target.clear();
    await target.started?.();
    // Every record as text, in file order, straight into raw_rows, in parallel (the CSV reader keeps
    // file order). A record's line is first its ordinal among the good records + 1, taken from
    // the appended rows' ids (fixed below when the file is irregular).
    await w.run(
      `INSERT INTO raw_rows.${list} BY NAME
       SELECT $sha AS file_sha256, ${sheetLine ?? '0'} AS line, ${picked.join(', ')}
       FROM ${reader}`,
      { sha, ...(extras.length > 0 ? extraKeys : {}) },
    );
    if (sheetLine === null) await linesFromRowIds(w, `raw_rows.${list}`, sha);
    const csvRejected = await collectMalformed(w, rejectsTable);
    if (sheetLine === null && (csvRejected > 0 || scan.segments.length > 0)) await fixLines(w, contract.list, sha, scan);
    if (csvRejected > 0) {
      if (sheetLine !== null) {
        // Our own CSV of a sheet is well formed; if DuckDB still set a record aside, keep it without a row number.
        await w.run('CREATE OR REPLACE TEMP TABLE csv_bad_lines AS SELECT duck_line, NULL::BIGINT AS phys FROM csv_bad');
      }
      await rejectMalformed(w, where);
    }
    return csvRejected;
  });

  const intoCoreAndRecord = async (): Promise<LoadResult> => {
    const kept = `(SELECT * FROM raw_rows.${list} WHERE file_sha256 = $sha)`;
    // The checks in one pass straight into core: no intermediate table. Rows that fail stay out.
    const [ins] = await w.rows<{ Count: string }>(
      `INSERT INTO core.${list} BY NAME
       SELECT $sha AS file_sha256, $extract_date::DATE AS extract_date, * EXCLUDE (problems, ok)
       FROM (${checkedSelect(contract, match.present, kept)})
       WHERE ok`,
      { sha, extract_date: f.extractDate },
    );
    const rowsLoaded = Number(ins?.Count ?? 0);
    let checkRejected = 0;
    if (rowsLoaded + csvRejected !== rowsRead) {
      // Some rows failed a check: their problems, from the rows that did not reach core (all
      // rows of the file when a rule looks across rows, such as a unique ID).
      const acrossRows = contract.rules.some((r) => r.kind === 'unique');
      const stage = acrossRows
        ? kept
        : `(SELECT r.* FROM ${kept} r ANTI JOIN (SELECT line FROM core.${list} WHERE file_sha256 = $sha) c ON r.line = c.line)`;
      checkRejected = await rejectFailingRows(w, contract, match.present, stage, { sha, extract_date: f.extractDate }, where);
    }
    const rowsRejected = checkRejected + csvRejected;
    accountFor(rowsRead, rowsLoaded, rowsRejected);
    const r = { status: 'loaded' as const, rowsRead, rowsLoaded, rowsRejected };
    await target.record(r, match, extras.map((e) => e.key));
    for (const t of [rejectsTable, scanTable, ...LOAD_TEMP_TABLES]) await w.run(`DROP TABLE IF EXISTS ${q(t)}`);
    return { sha256: sha, ...r };
  };
  try {
    return await w.transaction(intoCoreAndRecord);
  } catch (err) {
    // Leave no raw rows of a file that has no record (a retry would clear them anyway; a night
    // that gives up should not leave them behind).
    await w.transaction(() => target.clear()).catch(() => undefined);
    throw err;
  }
}

/**
 * Gives every raw_rows row of the file its physical line when the simple rule (record k on line
 * k + 1) does not hold: malformed records DuckDB set aside, blank lines, values spanning lines.
 * See activities/csv-scan.ts for P(k) and D(k).
 */
async function fixLines(w: Warehouse, list: string, sha: string, scan: CsvScan): Promise<void> {
  const segs = [{ fromRecord: 1, extraPhysical: 0, extraDuck: 0 }, ...scan.segments];
  const values = segs.map((s) => `(${s.fromRecord}, ${s.extraPhysical}, ${s.extraDuck})`).join(', ');
  await w.run(
    `CREATE OR REPLACE TEMP TABLE line_segments AS
     SELECT k::BIGINT AS k, p::BIGINT AS p, d::BIGINT AS d, (k + 1 + d)::BIGINT AS duck_start FROM (VALUES ${values}) t(k, p, d)`,
  );
  // Malformed records: their ordinal k among all records, and their physical line.
  await w.run(
    `CREATE OR REPLACE TEMP TABLE csv_bad_lines AS
     SELECT b.duck_line, b.duck_line - 1 - s.d AS k, b.duck_line - s.d + s.p AS phys,
            b.duck_line - 1 - s.d - row_number() OVER (ORDER BY b.duck_line) AS g,
            row_number() OVER (ORDER BY b.duck_line) AS n
     FROM csv_bad b ASOF JOIN line_segments s ON b.duck_line >= s.duck_start`,
  );
  // Good record r (line r + 1 so far) is record k = r + (malformed records before it); then its line.
  await w.run(
    `UPDATE raw_rows.${q(list)} AS t SET line = m.phys
     FROM (
       SELECT x.r, x.k + 1 + s.p AS phys
       FROM (
         SELECT g.r, g.r + coalesce(b.n, 0) AS k
         FROM (SELECT line - 1 AS r FROM raw_rows.${q(list)} WHERE file_sha256 = $sha) g
         ASOF LEFT JOIN (SELECT g, max(n) AS n FROM csv_bad_lines GROUP BY g) b ON g.r > b.g
       ) x ASOF JOIN line_segments s ON x.k >= s.k
     ) m
     WHERE t.file_sha256 = $sha AND t.line - 1 = m.r`,
    { sha },
  );
}
