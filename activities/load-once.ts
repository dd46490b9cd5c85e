/**
 * The checked load of a CSV read once, where it lies in the archive (issue 19): DuckDB reads the
 * file, types and checks every row and writes the good ones straight into `core.<list>`, in one
 * statement; nothing else holds the rows. Lines come from the appended rows' ids when every row
 * passed (a window numbering the records as they are read would keep DuckDB to one thread);
 * when some failed, the file is read again with each record numbered as it is read. `raw.<list>` reads the archived file again when asked
 * (activities/raw-view.ts), numbering lines as this load does. Malformed records come from the
 * reader's rejects table; the rows that fail a check, with their problems and offending text,
 * from a second read of the file through the view's reader, only when there are any.
 *
 * Not for files that need a copy before DuckDB can read them (Windows-1252, mixed line endings)
 * or for workbook sheets: those keep their rows in `raw_rows` (activities/load-csv.ts).
 */
import { contractFor } from '../core/contracts/lists.js';
import { checkedSelect } from '../core/contracts/load-sql.js';
import { snakeCase } from '../core/contracts/naming.js';
import type { ExtraColumn } from '../core/extra-columns.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { quoteIdent as q } from '../core/sql-text.js';
import type { Checked, ExtractTarget } from './load-csv.js';
import { accountFor, collectMalformed, LOAD_TEMP_TABLES, rejectFailingRows, rejectMalformed, UnreadableRows } from './load-rejects.js';
import { csvReader, numberedRows, pickedColumns, rebuildRawView, recordRawFile, writeLineMap, type ReadSpec } from './raw-view.js';
import type { Warehouse } from './warehouse.js';

export interface LoadOnce {
  target: ExtractTarget;
  extras: ExtraColumn[];
  maxLineSize: number;
  /** Names this load's temporary tables apart from any other load's. */
  suffix: string;
}

export async function loadRowsOnce(w: Warehouse, f: FoundFile, c: Checked, o: LoadOnce): Promise<LoadResult> {
  const { scan, header, match } = c;
  const contract = contractFor(f.list!);
  const list = q(contract.list);
  const sha = f.sha256!;
  const rowsRead = scan.records - 1;
  const spec: ReadSpec = {
    path: f.rawPath!,
    fields: header.length,
    columns: match.positions.flatMap((h, i): [number, string][] => (h ? [[i, snakeCase(h)]] : [])),
    extras: o.extras.map((e) => e.position),
    maxLineSize: o.maxLineSize,
  };
  const rejects = { table: `csv_rejects_${o.suffix}`, scan: `csv_scans_${o.suffix}` };
  const params = { sha, extract_date: f.extractDate };
  const where = { sha, name: f.name, sheet: null };

  // Row ids and row_number() below follow the file only in insertion order (the default, stated).
  await w.run('SET preserve_insertion_order = true');
  const intoCore = async (line: string, reader: string): Promise<number> => {
    const stage = `(SELECT ${line} AS line, ${pickedColumns(spec)} FROM ${reader})`;
    const [ins] = await w.rows<{ Count: string }>(
      `INSERT INTO core.${list} BY NAME
       SELECT $sha AS file_sha256, $extract_date::DATE AS extract_date, * EXCLUDE (problems, ok)
       FROM (${checkedSelect(contract, match.present, stage)})
       WHERE ok`,
      params,
    );
    return Number(ins?.Count ?? 0);
  };
  // A rule across rows (a unique ID) compares lines, so needs them while checking.
  const acrossRows = contract.rules.some((r) => r.kind === 'unique');

  // Two transactions: the read into core, then its lines and the file's record. Lines set on rows
  // appended in the same transaction cost about a sixth of the read again at commit (0.4 s for
  // 1.5 M rows; 0.03 s once the rows are committed). Nobody sees the state in between (the night
  // writes a private warehouse, activities/export-warehouse.ts), and a file without its meta.files
  // row is not loaded: a retry or a later night clears its rows first.
  const read = await w.transaction(async () => {
    await o.target.clear();
    await o.target.started?.();
    // The one read: record r on line r + 1 for now (moved below if the file is irregular).
    let rowsLoaded = await intoCore(acrossRows ? 'row_number() OVER () + 1' : '0', csvReader(spec, rejects));
    const csvRejected = await collectMalformed(w, rejects.table);
    const numbered = acrossRows || rowsLoaded + csvRejected !== rowsRead;
    if (numbered && !acrossRows) {
      // Some rows failed a check, so the kept rows' ids skip records: read again, numbering as read.
      await w.run(`DELETE FROM core.${list} WHERE file_sha256 = $sha`, { sha });
      rowsLoaded = await intoCore('row_number() OVER () + 1', csvReader(spec));
    }
    return { rowsLoaded, csvRejected, numbered };
  });

  const linesAndRecord = async (): Promise<LoadResult> => {
    const { rowsLoaded, csvRejected } = read;
    // Every record DuckDB returned is in core, appended in file order: record r has the r-th id.
    if (!read.numbered) await linesFromRowIds(w, `core.${list}`, sha);
    const irregular = csvRejected > 0 || scan.segments.length > 0;
    if (irregular) {
      await writeLineMap(w, sha, scan);
      await w.run(
        `UPDATE core.${list} AS t SET line = t.line + m.add
         FROM (SELECT c.line AS old, m.add
               FROM (SELECT line FROM core.${list} WHERE file_sha256 = $sha) c
               ASOF JOIN (SELECT from_record, add FROM meta.raw_lines WHERE sha256 = $sha) m ON c.line - 1 >= m.from_record) m
         WHERE t.file_sha256 = $sha AND t.line = m.old`,
        { sha },
      );
    } else {
      await w.run('CREATE OR REPLACE TEMP TABLE csv_bad_lines AS SELECT NULL::BIGINT AS duck_line, NULL::BIGINT AS phys WHERE false');
    }
    if (csvRejected > 0) await rejectMalformed(w, where);
    await recordRawFile(w, contract.list, sha, spec, o.extras.map((e) => e.key), irregular);

    let checkRejected = 0;
    if (rowsLoaded + csvRejected !== rowsRead) {
      // Some rows failed a check: the file read again as raw reads it, the problems of the rows
      // not in core (of every row when a rule looks across rows, such as a unique ID).
      const rows = `(${numberedRows(contract.list, sha, spec, irregular)})`;
      const failed = acrossRows ? rows : `(SELECT r.* FROM ${rows} r ANTI JOIN (SELECT line FROM core.${list} WHERE file_sha256 = $sha) c ON r.line = c.line)`;
      checkRejected = await rejectFailingRows(w, contract, match.present, failed, params, where);
    }
    const rowsRejected = csvRejected + checkRejected;
    accountFor(rowsRead, rowsLoaded, rowsRejected);
    const r = { status: 'loaded' as const, rowsRead, rowsLoaded, rowsRejected };
    await o.target.record(r, match, o.extras.map((e) => e.key));
    for (const t of [rejects.table, rejects.scan, ...LOAD_TEMP_TABLES]) await w.run(`DROP TABLE IF EXISTS ${q(t)}`);
    await rebuildRawView(w, contract.list);
    return { sha256: sha, ...r };
  };
  try {
    return await w.transaction(linesAndRecord);
  } catch (err) {
    // Leave no core rows of a file that has no record (a retry would clear them anyway; a night
    // that gives up should not leave them behind).
    await w.transaction(() => o.target.clear()).catch(() => undefined);
    throw err;
  }
}

/**
 * Numbers the file's rows in `table` (schema-qualified, quoted) 2, 3, … in the order they were
 * appended. One INSERT … SELECT from read_csv appends in file order (DuckDB preserves insertion
 * order), so the new rows' ids run on without a gap; that is checked, and
 * test/load-csv-lines.test.ts checks the order on a file large enough to be read in parallel.
 */
export async function linesFromRowIds(w: Warehouse, table: string, sha: string): Promise<void> {
  const [ids] = await w.rows<{ lo: string | null; hi: string | null; n: string }>(
    `SELECT min(rowid) AS lo, max(rowid) AS hi, count(*) AS n FROM ${table} WHERE file_sha256 = $sha`,
    { sha },
  );
  const n = BigInt(ids?.n ?? 0);
  if (n === 0n) return;
  if (BigInt(ids!.hi!) - BigInt(ids!.lo!) + 1n !== n) {
    throw new UnreadableRows(
      'the rows read could not be given their line numbers, so none were loaded: export the file again, and if this happens again report it with the file (a loader fault)',
    );
  }
  await w.run(`UPDATE ${table} SET line = rowid - $lo::BIGINT + 2 WHERE file_sha256 = $sha`, { sha, lo: ids!.lo! });
}
