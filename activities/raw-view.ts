/**
 * `raw.<list>`: the rows as extracted, with file and line, as a view (spec outputs.md v2: "tables
 * or views over the archived files"). It is `raw_rows.<list>` — the rows a load keeps as rows
 * (workbook sheets, Windows-1252 files, files of mixed line endings: activities/load-csv.ts) —
 * and, for every CSV read once (`meta.raw_files`), its archived copy read again by DuckDB with
 * the loader's own reader and numbered as the loader numbers it. The reader and the numbering are
 * defined here once: the loader reads the file through `csvReader`, and its pass over rejected
 * rows reads it through `numberedRows`, as the view does.
 *
 * Numbering: record r (the r-th record DuckDB returns, in file order) is on line r + 1, moved by
 * the file's line map (`meta.raw_lines`: from record r on, add so many lines) when the file has
 * blank lines, values over several lines or malformed records (activities/csv-scan.ts).
 *
 * Not for values: only our own paths, hashes and contract names are written into the SQL; the
 * keys of extra columns (header text) are read from `meta.raw_files` by the view itself.
 */
import { CONTRACTS, contractFor } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import type { CsvScan } from './csv-scan.js';
import type { Warehouse } from './warehouse.js';

/** How the loader read a file: enough to read it again the same way. */
export interface ReadSpec {
  /** The archived copy, read where it lies. */
  path: string;
  /** Fields of the header (every column is read, by position). */
  fields: number;
  /** Contract columns: [position, warehouse column name]. */
  columns: [number, string][];
  /** Positions of extra columns, in the order of their keys (core/extra-columns.ts). */
  extras: number[];
  maxLineSize: number;
}

/**
 * The loader's CSV reader: every field as text, by position, malformed records set aside (into
 * `rejects` when given, else DuckDB's own temporary tables). Always with `store_rejects`, never
 * `ignore_errors`: after a stray quote DuckDB's reader recovers differently under the two (seen
 * with 1.5.6: `ignore_errors` also drops the good record after it), and the view must return
 * exactly the records the load read.
 */
export function csvReader(spec: ReadSpec, rejects?: { table: string; scan: string }): string {
  const positional = Array.from({ length: spec.fields }, (_, i) => `${lit(`c${i}`)}: 'VARCHAR'`).join(', ');
  const setAside = rejects ? `store_rejects = true, rejects_table = ${lit(rejects.table)}, rejects_scan = ${lit(rejects.scan)}` : 'store_rejects = true';
  return `read_csv(${lit(spec.path)}, header = true, all_varchar = true, columns = {${positional}},
              delim = ',', quote = '"', escape = '"', ${setAside},
              auto_detect = false, null_padding = false, max_line_size = ${spec.maxLineSize})`;
}

/** The contract columns of a read, under their warehouse names. */
export function pickedColumns(spec: ReadSpec): string {
  return spec.columns.map(([pos, name]) => `${q(`c${pos}`)} AS ${q(name)}`).join(', ');
}

/**
 * A file's rows as raw has them: file_sha256, line, every contract column of the list (NULL where
 * the file lacks it), extra_columns. `irregular`: the file has a line map.
 */
export function numberedRows(list: string, sha: string, spec: ReadSpec, irregular: boolean): string {
  const have = new Map(spec.columns.map(([pos, name]) => [name, pos]));
  const cols = Object.keys(contractFor(list).columns).map(snakeCase).map((name) => {
    const pos = have.get(name);
    return pos === undefined ? `NULL::VARCHAR AS ${q(name)}` : `${q(`c${pos}`)} AS ${q(name)}`;
  });
  const extras = spec.extras.length === 0
    ? 'NULL::MAP(VARCHAR, VARCHAR)'
    : `map((SELECT extra_keys FROM meta.raw_files WHERE sha256 = ${lit(sha)}), [${spec.extras.map((p) => q(`c${p}`)).join(', ')}])`;
  const read = `SELECT row_number() OVER () AS "$r", * FROM ${csvReader(spec)}`;
  const line = irregular ? '"$r" + 1 + m.add' : '"$r" + 1';
  const mapped = irregular
    ? `(${read}) ASOF JOIN (SELECT from_record, add FROM meta.raw_lines WHERE sha256 = ${lit(sha)}) m ON "$r" >= m.from_record`
    : `(${read})`;
  return `SELECT ${lit(sha)} AS file_sha256, (${line})::BIGINT AS line, ${cols.join(', ')}, ${extras} AS extra_columns FROM ${mapped}`;
}

/** The rows kept as rows, in the view's column order. */
function storedRows(list: string): string {
  const cols = Object.keys(contractFor(list).columns).map((h) => q(snakeCase(h)));
  return `SELECT file_sha256, line, ${cols.join(', ')}, extra_columns FROM raw_rows.${q(list)}`;
}

/** (Re)creates `raw.<list>` over the rows kept as rows and every file read once. */
export async function rebuildRawView(w: Warehouse, list: string): Promise<void> {
  const files = await w.rows<{ sha256: string; spec: string; irregular: boolean }>(
    'SELECT sha256, spec::VARCHAR AS spec, irregular FROM meta.raw_files WHERE list = $list ORDER BY load_order',
    { list },
  );
  const parts = [storedRows(list), ...files.map((f) => numberedRows(list, f.sha256, JSON.parse(f.spec) as ReadSpec, f.irregular))];
  await w.run(`CREATE OR REPLACE VIEW raw.${q(list)} AS\n${parts.join('\nUNION ALL\n')}`);
}

/** Every list's view (migrate: a new warehouse, or contract columns added). */
export async function rebuildRawViews(w: Warehouse): Promise<void> {
  for (const c of CONTRACTS.values()) await rebuildRawView(w, c.list);
}

/** Records a file read once, so the view reads it too (in the load's transaction; the caller rebuilds the view). */
export async function recordRawFile(w: Warehouse, list: string, sha: string, spec: ReadSpec, extraKeys: string[], irregular: boolean): Promise<void> {
  await w.run(
    `INSERT INTO meta.raw_files VALUES ($sha, $list, $spec::JSON, $keys::JSON::VARCHAR[], $irregular, nextval('meta.raw_file_seq'))`,
    { sha, list, spec: JSON.stringify(spec), keys: JSON.stringify(extraKeys), irregular },
  );
}

/** Forgets a file read once (an earlier attempt's record); true when there was one. */
export async function forgetRawFile(w: Warehouse, sha: string): Promise<boolean> {
  const [had] = await w.rows<{ n: string }>('SELECT count(*) AS n FROM meta.raw_files WHERE sha256 = $sha', { sha });
  await w.run('DELETE FROM meta.raw_files WHERE sha256 = $sha', { sha });
  await w.run('DELETE FROM meta.raw_lines WHERE sha256 = $sha', { sha });
  return had?.n !== '0';
}

/**
 * The file's line map when it is irregular (the scan's segments, the malformed records in the
 * temp table `csv_bad(duck_line)`): rows of (from_record, add) in `meta.raw_lines`, so record r
 * is on line r + 1 + add. Also leaves `csv_bad_lines(duck_line, phys)`, the physical line of each
 * malformed record. See activities/csv-scan.ts for P(k) and D(k); record k of the file is the
 * r-th record DuckDB returned plus the malformed records before it.
 */
export async function writeLineMap(w: Warehouse, sha: string, scan: CsvScan): Promise<void> {
  const segs = [{ fromRecord: 1, extraPhysical: 0, extraDuck: 0 }, ...scan.segments];
  const values = segs.map((s) => `(${s.fromRecord}, ${s.extraPhysical}, ${s.extraDuck})`).join(', ');
  await w.run(
    `CREATE OR REPLACE TEMP TABLE line_segments AS
     SELECT k::BIGINT AS k, p::BIGINT AS p, d::BIGINT AS d, (k + 1 + d)::BIGINT AS duck_start FROM (VALUES ${values}) t(k, p, d)`,
  );
  // Each malformed record: its ordinal k among all records, n-th among the malformed, and its physical line.
  await w.run(
    `CREATE OR REPLACE TEMP TABLE csv_bad_lines AS
     SELECT b.duck_line, b.duck_line - 1 - s.d AS k, b.duck_line - s.d + s.p AS phys,
            row_number() OVER (ORDER BY b.duck_line) AS n
     FROM csv_bad b ASOF JOIN line_segments s ON b.duck_line >= s.duck_start`,
  );
  // Where the map can change: the first record, the first good record after each malformed one,
  // the first good record at or after each segment's start. There, B = malformed records before
  // it and add = B + P(r + B).
  await w.run(
    `INSERT INTO meta.raw_lines
     SELECT $sha, x.r, x.b + s.p
     FROM (
       SELECT c.r, coalesce(b.n, 0) AS b
       FROM (
         SELECT DISTINCT r FROM (
           SELECT 1::BIGINT AS r
           UNION ALL SELECT k - n + 1 FROM csv_bad_lines
           UNION ALL SELECT s.k - (SELECT count(*) FROM csv_bad_lines b WHERE b.k < s.k) FROM line_segments s)
         WHERE r >= 1) c
       ASOF LEFT JOIN (SELECT k - n AS g, max(n) AS n FROM csv_bad_lines GROUP BY ALL) b ON c.r > b.g
     ) x ASOF JOIN line_segments s ON x.r + x.b >= s.k`,
    { sha },
  );
}
