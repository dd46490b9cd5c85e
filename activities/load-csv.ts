/**
 * Load one archived CSV into `raw.<list>` (text as extracted, with line) and `core.<list>`
 * (typed rows that pass the contract), putting every rejected row in `meta.rejects` with its
 * line, column, value and reason. DuckDB reads and checks the rows; nothing row-sized crosses
 * into JavaScript. Idempotent: a retry first removes what an earlier attempt wrote for the file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { contractFor } from '../core/contracts/lists.js';
import { checkedSelect } from '../core/contracts/load-sql.js';
import { snakeCase } from '../core/contracts/naming.js';
import { quoteIdent as q, sqlLiteral as lit } from '../core/sql-text.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { matchHeader, readHeader } from './csv-header.js';
import type { Warehouse } from './warehouse.js';

/** Windows-1252 → UTF-8, streamed (DuckDB reads UTF-8; Excel on a council desktop writes 1252). */
async function transcode1252(from: string, to: string): Promise<void> {
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

async function looksBinary(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).includes(0);
  } finally {
    await fh.close();
  }
}

const CSV_ERROR_REASONS: Record<string, string> = {
  'TOO MANY COLUMNS': 'the line has more fields than the header: look for an unquoted comma in a value',
  'MISSING COLUMNS': 'the line has fewer fields than the header: the row is incomplete or wrapped onto two lines',
  'UNQUOTED VALUE': 'a value has a stray double quote: quote the whole value and double any quote inside it',
  'INVALID UNICODE': 'the line holds bytes that are not text in the file’s encoding',
  'LINE SIZE OVER MAXIMUM': 'the line is longer than any real record: the file is probably damaged',
};

export interface RecordedFile {
  file: FoundFile;
  runId: string;
}

/** Writes the meta.files row for a file (loaded or rejected whole). */
export async function recordFile(
  w: Warehouse,
  f: FoundFile,
  runId: string,
  r: Omit<LoadResult, 'sha256'>,
  columnsSeen: string[],
): Promise<void> {
  await w.run('DELETE FROM meta.files WHERE sha256 = $sha', { sha: f.sha256! });
  await w.run(
    `INSERT INTO meta.files VALUES ($sha, $source, $list, $name, $extract_date::DATE, $size, $raw, $enc, $status, $reason,
       $read, $loaded, $rejected, from_json($cols, '["VARCHAR"]'), nextval('meta.load_seq'), $run)`,
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
      reason: r.reason,
      read: r.rowsRead,
      loaded: r.rowsLoaded,
      rejected: r.rowsRejected,
      cols: JSON.stringify(columnsSeen.map(snakeCase)),
      run: runId,
    },
  );
}

async function clearFile(w: Warehouse, list: string, sha: string): Promise<void> {
  await w.run(`DELETE FROM raw.${q(list)} WHERE file_sha256 = $sha`, { sha });
  await w.run(`DELETE FROM core.${q(list)} WHERE file_sha256 = $sha`, { sha });
  await w.run('DELETE FROM meta.rejects WHERE file_sha256 = $sha', { sha });
}

export async function loadCsv(w: Warehouse, f: FoundFile, runId: string): Promise<LoadResult> {
  if (!f.rawPath || !f.sha256 || !f.list) throw new Error(`loadCsv called on a file that was not pulled: ${f.relPath}`);
  const contract = contractFor(f.list);
  const sha = f.sha256;
  const reject = async (reason: string): Promise<LoadResult> => {
    const r = { status: 'rejected' as const, reason, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
    await w.transaction(async () => {
      await clearFile(w, contract.list, sha);
      await recordFile(w, f, runId, r, []);
    });
    return { sha256: sha, ...r };
  };

  if (f.byteSize === 0) return reject('the file is empty (0 bytes): the extract did not run or was not copied completely');
  if (await looksBinary(f.rawPath)) return reject('not a text CSV (it holds binary data): is it a spreadsheet or zip saved with a .csv name?');

  let readPath = f.rawPath;
  const tmp = `${f.rawPath}.utf8.csv`;
  if (f.encoding === 'windows-1252') {
    await transcode1252(f.rawPath, tmp);
    readPath = tmp;
  }
  try {
    const header = await readHeader(readPath);
    if (!header) return await reject('the file has no header row (it is blank)');
    const match = matchHeader(contract, header);
    if ('reason' in match) return await reject(match.reason);

    const positional = match.positions.map((_, i) => `${lit(`c${i}`)}: 'VARCHAR'`).join(', ');
    const picked = match.positions.flatMap((h, i) => (h ? [`${q(`c${i}`)} AS ${q(snakeCase(h))}`] : []));
    const rejectsTable = `csv_rejects_${sha.slice(0, 16)}`;
    const scanTable = `csv_scans_${sha.slice(0, 16)}`;

    const result = await w.transaction(async () => {
      await clearFile(w, contract.list, sha);
      // Stage: every record as text, in file order. Malformed records go to the rejects table.
      await w.run(
        `CREATE OR REPLACE TEMP TABLE stage AS
         SELECT row_number() OVER () AS rec, ${picked.join(', ')}
         FROM read_csv($path, header = true, all_varchar = true, columns = {${positional}},
                       delim = ',', quote = '"', escape = '"', store_rejects = true,
                       rejects_table = ${lit(rejectsTable)}, rejects_scan = ${lit(scanTable)},
                       auto_detect = false, null_padding = false)`,
        { path: readPath },
      );
      const csvRejects = await w.rows<{ line: string; error_type: string; csv_line: string; error_message: string }>(
        `SELECT line, error_type, csv_line, error_message FROM ${q(rejectsTable)} ORDER BY line`,
      );
      // Line of a good record: rec + 1 (header), plus each malformed line at or before it.
      // Reject i (1-based, sorted) at line r_i sits before good record k iff r_i - i <= k.
      await w.run(`CREATE OR REPLACE TEMP TABLE bad_lines AS SELECT line::BIGINT - row_number() OVER (ORDER BY line::BIGINT) AS g, row_number() OVER (ORDER BY line::BIGINT) AS n FROM ${q(rejectsTable)}`);
      await w.run(
        `INSERT INTO raw.${q(contract.list)} BY NAME
         SELECT $sha AS file_sha256,
                s.rec + 1 + coalesce((SELECT max(n) FROM bad_lines b WHERE b.g <= s.rec), 0) AS line,
                s.* EXCLUDE (rec)
         FROM stage s`,
        { sha },
      );
      await w.run(
        `CREATE OR REPLACE TEMP TABLE checked AS ${checkedSelect(contract, match.present, `(SELECT * FROM raw.${q(contract.list)} WHERE file_sha256 = $sha)`)}`,
        { sha, extract_date: f.extractDate },
      );
      await w.run(
        `INSERT INTO core.${q(contract.list)} BY NAME
         SELECT $sha AS file_sha256, $extract_date::DATE AS extract_date, * EXCLUDE (problems) FROM checked WHERE len(problems) = 0`,
        { sha, extract_date: f.extractDate },
      );
      await w.run(
        `INSERT INTO meta.rejects
         SELECT $sha, $name, NULL, line, p.column, p.value, p.reason
         FROM (SELECT line, unnest(problems) AS p FROM checked WHERE len(problems) > 0)`,
        { sha, name: f.name },
      );
      for (const r of csvRejects) {
        await w.run('INSERT INTO meta.rejects VALUES ($sha, $name, NULL, $line, NULL, $raw, $reason)', {
          sha,
          name: f.name,
          line: Number(r.line),
          raw: r.csv_line,
          reason: CSV_ERROR_REASONS[r.error_type] ?? `the line could not be read as CSV: ${r.error_message}`,
        });
      }
      const [counts] = await w.rows<{ good: string; bad: string }>(
        'SELECT count(*) FILTER (WHERE len(problems) = 0) AS good, count(*) FILTER (WHERE len(problems) > 0) AS bad FROM checked',
      );
      const rowsLoaded = Number(counts?.good ?? 0);
      const rowsRejected = Number(counts?.bad ?? 0) + csvRejects.length;
      const r = { status: 'loaded' as const, reason: null, rowsRead: rowsLoaded + rowsRejected, rowsLoaded, rowsRejected };
      await recordFile(w, f, runId, r, [...match.present]);
      await w.run(`DROP TABLE IF EXISTS ${q(rejectsTable)}`);
      await w.run(`DROP TABLE IF EXISTS ${q(scanTable)}`);
      return r;
    });
    return { sha256: sha, ...result };
  } finally {
    if (readPath === tmp) await rm(tmp, { force: true });
  }
}
