/**
 * The rejects of a checked load, whichever way its rows were read (activities/load-csv.ts keeps
 * them as rows, activities/load-once.ts reads the archived file once): malformed records the CSV
 * reader set aside, rows that fail a contract check, and the count that must add up.
 */
import type { ListContract } from '../core/contracts/lists.js';
import { checkedSelect } from '../core/contracts/load-sql.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import type { Params, Warehouse } from './warehouse.js';

const CSV_ERROR_REASONS: Record<string, string> = {
  'TOO MANY COLUMNS': 'the line has more fields than the header: look for an unquoted comma in a value',
  'MISSING COLUMNS': 'the line has fewer fields than the header: the row is incomplete or wrapped onto two lines',
  'UNQUOTED VALUE': 'a value has a stray double quote: quote the whole value and double any quote inside it',
  'INVALID UNICODE': 'the line holds bytes that are not text in the file’s encoding',
  'LINE SIZE OVER MAXIMUM': 'the line is longer than any real record: the file is probably damaged',
};

/** The file's rows cannot all be accounted for: rejected whole, never loaded with rows missing. */
export class UnreadableRows extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** One row per malformed record in the temp table `csv_bad` (DuckDB may report a record more than once); returns how many. */
export async function collectMalformed(w: Warehouse, rejectsTable: string): Promise<number> {
  await w.run(
    `CREATE OR REPLACE TEMP TABLE csv_bad AS
     SELECT line::BIGINT AS duck_line, arg_min(error_type, error_type) AS error_type, arg_min(csv_line, error_type) AS csv_line,
            arg_min(error_message, error_type) AS error_message
     FROM ${q(rejectsTable)} GROUP BY line`,
  );
  const [bad] = await w.rows<{ n: string }>('SELECT count(*) AS n FROM csv_bad');
  return Number(bad?.n ?? 0);
}

/** The malformed records into meta.rejects, on the physical lines in `csv_bad_lines` (no line where there is none). */
export async function rejectMalformed(w: Warehouse, p: { sha: string; name: string; sheet: string | null }): Promise<void> {
  await w.run(
    `INSERT INTO meta.rejects
     SELECT $sha, $name, $sheet, l.phys, NULL, b.csv_line,
            CASE b.error_type ${Object.entries(CSV_ERROR_REASONS).map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`).join(' ')}
              ELSE 'the line could not be read as CSV: look at it in a text editor, or export the file again' END
     FROM csv_bad b LEFT JOIN csv_bad_lines l USING (duck_line)`,
    p,
  );
}

/**
 * The rows of `stage` (text columns and line) that fail a check, with each problem, into
 * meta.rejects; returns how many rows. `params` binds $extract_date (and whatever `stage` uses).
 */
export async function rejectFailingRows(
  w: Warehouse,
  contract: ListContract,
  present: ReadonlySet<string>,
  stage: string,
  params: Params,
  p: { sha: string; name: string; sheet: string | null },
): Promise<number> {
  await w.run(`CREATE OR REPLACE TEMP TABLE checked_bad AS SELECT line, problems FROM (${checkedSelect(contract, present, stage)}) WHERE NOT ok`, params);
  await w.run(
    `INSERT INTO meta.rejects
     SELECT $sha, $name, $sheet, line, p.column, p.value, p.reason
     FROM (SELECT line, unnest(problems) AS p FROM checked_bad)`,
    p,
  );
  const [bad] = await w.rows<{ n: string }>('SELECT count(*) AS n FROM checked_bad');
  return Number(bad?.n ?? 0);
}

/** Rows read = loaded + rejected, or the file is rejected whole rather than loaded with rows missing. */
export function accountFor(rowsRead: number, rowsLoaded: number, rowsRejected: number): void {
  if (rowsLoaded + rowsRejected !== rowsRead) {
    throw new UnreadableRows(
      `the file holds ${rowsRead} records but the CSV reader gave ${rowsLoaded} loaded and ${rowsRejected} rejected, so rather than lose rows none were loaded: export it again, and if this happens again report it with the file (a loader fault)`,
    );
  }
}

/** The temp tables a checked load leaves (and DuckDB's own rejects tables, from a read through raw's reader); dropped before its transaction ends. */
export const LOAD_TEMP_TABLES = ['checked_bad', 'csv_bad', 'csv_bad_lines', 'line_segments', 'reject_errors', 'reject_scans'];
