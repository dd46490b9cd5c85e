/**
 * The benchmark loader's scratch files: the rows it keeps, written as a CSV of its own (every
 * value quoted, null as an empty field) and read into DuckDB in one statement, as the workbook
 * loader does with a sheet. Also the one place the benchmark tables of a file are cleared and its
 * record written, so a retried load starts clean and every outcome is recorded the same way.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { sqlLiteral as lit } from '../core/sql-text.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { recordFile } from './load-csv.js';
import type { Warehouse } from './warehouse.js';

export class ScratchCsv {
  rows = 0;
  private constructor(private readonly out: WriteStream) {}

  static async open(path: string, header: readonly string[]): Promise<ScratchCsv> {
    const csv = new ScratchCsv(createWriteStream(path, { encoding: 'utf8' }));
    await csv.write(header);
    csv.rows = 0;
    return csv;
  }

  /** One record; null is an empty (unquoted) field, which DuckDB reads as NULL. */
  async write(values: readonly (string | number | null)[]): Promise<void> {
    const line = values.map((v) => (v === null ? '' : `"${String(v).replaceAll('"', '""')}"`)).join(',') + '\n';
    this.rows++;
    if (!this.out.write(line)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

export type BenchmarkKind = 'ees' | 'statistical_neighbours' | 'ignored' | 'rejected';

/** Removes what an earlier attempt loaded from the file. */
export async function clearBenchmarkFile(w: Warehouse, sha: string): Promise<void> {
  await w.run('DELETE FROM core.benchmark_values WHERE file_sha256 = $sha', { sha });
  await w.run('DELETE FROM core.statistical_neighbours WHERE file_sha256 = $sha', { sha });
  await w.run('DELETE FROM meta.rejects WHERE file_sha256 = $sha', { sha });
}

/** meta.files (status, counts, reason) and meta.benchmark_files (what it is, under which map). */
export async function recordBenchmarkFile(
  w: Warehouse,
  f: FoundFile,
  runId: string,
  o: { result: Omit<LoadResult, 'sha256'>; kind: BenchmarkKind; mapVersion: string; columns: string[]; reason: string | null },
): Promise<void> {
  await recordFile(w, f, runId, o.result, o.columns, o.reason);
  await w.run('INSERT OR REPLACE INTO meta.benchmark_files VALUES ($sha, $kind, $map)', { sha: f.sha256!, kind: o.kind, map: o.mapVersion });
}

/** A benchmark file not loaded at all: rejected (unusable) or ignored (nothing we read), with the reason. */
export async function benchmarkFileNotLoaded(
  w: Warehouse,
  f: FoundFile,
  runId: string,
  o: { status: 'rejected' | 'ignored'; mapVersion: string; reason: string; columns?: string[] },
): Promise<LoadResult> {
  const result = { status: o.status, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
  await w.transaction(async () => {
    await clearBenchmarkFile(w, f.sha256!);
    await recordBenchmarkFile(w, f, runId, { result, kind: o.status, mapVersion: o.mapVersion, columns: o.columns ?? [], reason: o.reason });
  });
  return { sha256: f.sha256!, ...result };
}

/** The file's records one by one, with the physical line each starts on (header = line 1). */
export async function* csvRecords(path: string): AsyncGenerator<{ cells: string[]; line: number }> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, info: true, raw: true, skip_empty_lines: true }));
  for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
    // `info.lines` is the line the record ends on; its raw text may carry the blank lines before it
    // and its own line break, which are not newlines inside it.
    const inside = r.raw.replace(/^[\r\n]+/, '').replace(/\r?\n?$/, '');
    const newlines = (inside.match(/\n/g) ?? []).length;
    yield { cells: r.record, line: r.info.lines - newlines };
  }
}

/** read_csv of one of our scratch files (`$path`), its columns typed as given. */
export function scratchReader(columns: Record<string, string>): string {
  return `read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
                   columns = {${Object.entries(columns).map(([k, t]) => `${lit(k)}: ${lit(t)}`).join(', ')}})`;
}

/** The scratch file of rejects (line, column_name, raw_value, reason) into meta.rejects. */
export async function insertRejects(w: Warehouse, f: FoundFile, path: string, sheet: string | null = null): Promise<void> {
  await w.run(
    `INSERT INTO meta.rejects SELECT $sha, $name, $sheet, line, column_name, raw_value, reason
     FROM ${scratchReader({ line: 'BIGINT', column_name: 'VARCHAR', raw_value: 'VARCHAR', reason: 'VARCHAR' })}`,
    { sha: f.sha256!, name: f.name, sheet, path },
  );
}
