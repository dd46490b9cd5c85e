/**
 * (d) The spec's two layers and nothing else: how close to bare DuckDB any pipeline can come
 * while keeping `raw` (every value as text, with its line; spec outputs.md "The warehouse") and
 * `core` (typed). Per CSV, as bare does it (bench/bare.ts): `read_csv` as text into a raw table
 * (`raw_rows`, where the loader keeps rows when it must) with lines from the appended rows' ids,
 * then raw → core with the same typed casts as (b), then the same KPI SQL. Since issue 19 the
 * night keeps raw as a view and writes each row once: (d) is the floor of the two-write design it
 * replaced, kept for continuity (`ratio_10m_d` = (a) ÷ (d)).
 *
 * Not in it, though the night does them: hashing and archiving, the CSV scan, any check of a
 * value against the contract, rejects, baselines, snapshots, Temporal. So (d) ÷ (b) is a floor
 * for (a) ÷ (b): what the two layers cost before any validation.
 */
import { matchHeader, readHeader } from '../activities/csv-header.js';
import { columnMeta } from '../core/contracts/columns.js';
import { contractFor } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import { dateFormat, head, textToTyped, timeBaseline, type BareResult } from './bare.js';
import type { Dataset } from './dataset.js';

/** The typed value of a raw column, as (b) types it (the types (b)'s CSV reader casts, by a cast). */
function typed(list: string, header: string, format: string): string {
  const meta = columnMeta(contractFor(list).columns[header]!);
  const c = q(snakeCase(header));
  if (meta.duckdbType === 'VARCHAR') return c;
  return textToTyped(meta.duckdbType, c, format) ?? `TRY_CAST(${c} AS ${meta.duckdbType})`;
}

export async function layers(data: Dataset): Promise<BareResult> {
  return timeBaseline(data, 'layers', async (w, f) => {
    const { list, path, sha } = f;
    const header = await readHeader(path);
    if (!Array.isArray(header)) throw new Error(`${f.rel}: no readable header`);
    const match = matchHeader(contractFor(list), header);
    if ('reason' in match) throw new Error(`${f.rel}: ${match.reason}`);
    const records = await head(path);
    const positional = header.map((_, i) => `${lit(`c${i}`)}: 'VARCHAR'`).join(', ');
    const picked = match.positions.flatMap((h, i) => (h ? [{ header: h, pos: i }] : []));
    // Lines as the loader numbers them: from the appended rows' ids, in the insert's transaction.
    await w.transaction(async () => {
      await w.run(
        `INSERT INTO raw_rows.${q(list)} BY NAME
         SELECT $sha AS file_sha256, 0 AS line, ${picked.map((p) => `${q(`c${p.pos}`)} AS ${q(snakeCase(p.header))}`).join(', ')}
         FROM read_csv($path, header = true, all_varchar = true, columns = {${positional}}, auto_detect = false)`,
        { sha, path },
      );
      await w.run(
        `UPDATE raw_rows.${q(list)} SET line = rowid - (SELECT min(rowid) FROM raw_rows.${q(list)} WHERE file_sha256 = $sha) + 2 WHERE file_sha256 = $sha`,
        { sha },
      );
    });
    const [ins] = await w.rows<{ Count: string }>(
      `INSERT INTO core.${q(list)} BY NAME
       SELECT file_sha256, $extract_date::DATE AS extract_date, line,
              ${picked.map((p) => `${typed(list, p.header, dateFormat(records, p.pos))} AS ${q(snakeCase(p.header))}`).join(', ')}
       FROM raw_rows.${q(list)} WHERE file_sha256 = $sha`,
      { sha, extract_date: f.extractDate },
    );
    return Number(ins?.Count ?? 0);
  });
}
