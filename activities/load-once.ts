/**
 * The checked load of a CSV read once, where it lies in the archive (issue 19): DuckDB reads the
 * file, types and checks every row and writes the good ones straight into `core.<list>`, in one
 * statement; nothing else holds the rows. `raw.<list>` reads the archived file again when asked
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
import { accountFor, collectMalformed, LOAD_TEMP_TABLES, rejectFailingRows, rejectMalformed } from './load-rejects.js';
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

  // The row_number() below is the record's place in the file only in insertion order (the default, stated).
  await w.run('SET preserve_insertion_order = true');
  return w.transaction(async () => {
    await o.target.clear();
    // The one read: record r on line r + 1 for now (moved below if the file is irregular).
    const stage = `(SELECT row_number() OVER () + 1 AS line, ${pickedColumns(spec)} FROM ${csvReader(spec, rejects)})`;
    const [ins] = await w.rows<{ Count: string }>(
      `INSERT INTO core.${list} BY NAME
       SELECT $sha AS file_sha256, $extract_date::DATE AS extract_date, * EXCLUDE (problems, ok)
       FROM (${checkedSelect(contract, match.present, stage)})
       WHERE ok`,
      params,
    );
    const rowsLoaded = Number(ins?.Count ?? 0);
    const csvRejected = await collectMalformed(w, rejects.table);
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
      const acrossRows = contract.rules.some((r) => r.kind === 'unique');
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
  });
}
