/**
 * Loads one pulled commentary file (core/commentary.ts: `commentary/<YYYY-MM>.csv|md`) into
 * `core.commentary`, its rejected rows into `meta.rejects` and the file into `meta.files`, in one
 * transaction. A file that cannot be read at all is rejected whole with the reason. The file is
 * small (pull refuses one over COMMENTARY_MAX_BYTES), so it is read whole; nothing of it leaves
 * this activity but counts.
 */
import { readFile } from 'node:fs/promises';
import { COMMENTARY_MAX_BYTES, parseCommentary, type KpiName } from '../core/commentary.js';
import type { FoundFile, LoadResult } from '../core/night.js';
import { shownName, shownReason } from '../core/shown-text.js';
import { recordFile } from './load-csv.js';
import type { Warehouse } from './warehouse.js';

async function clear(w: Warehouse, sha: string): Promise<void> {
  await w.run('DELETE FROM core.commentary WHERE file_sha256 = $sha', { sha });
  await w.run('DELETE FROM meta.rejects WHERE file_sha256 = $sha', { sha });
}

async function rejectWhole(w: Warehouse, f: FoundFile, runId: string, reason: string): Promise<LoadResult> {
  const r = { status: 'rejected' as const, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 };
  await w.transaction(async () => {
    await clear(w, f.sha256!);
    await recordFile(w, f, runId, r, [], reason);
  });
  return { sha256: f.sha256!, ...r };
}

/**
 * Windows-1252 text (Excel's "CSV (Comma delimited)" on a council desktop). Decoded in stream
 * mode: Node 20's one-shot `TextDecoder('windows-1252').decode` takes a Latin-1 fast path that
 * turns “ ” ’ € into C1 control characters (seen on v20.20); the streaming path maps them right.
 */
function decode1252(bytes: Buffer): string {
  const decoder = new TextDecoder('windows-1252');
  return decoder.decode(bytes, { stream: true }) + decoder.decode();
}

/** Why the bytes are not text commentary at all, or null. */
function bytesProblem(bytes: Buffer): string | null {
  if (bytes.length === 0) return 'the file is empty (0 bytes)';
  if (bytes.length > COMMENTARY_MAX_BYTES) return `the file is over the ${COMMENTARY_MAX_BYTES / 1024} KB limit for commentary`;
  if (bytes.includes(0)) return 'not a text file (it holds binary data): save the commentary as CSV or as plain text (.md)';
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'not a text file: it is a zip file, most likely an Excel workbook or Word document renamed; save it as CSV or plain text';
  return null;
}

export async function loadCommentary(w: Warehouse, f: FoundFile, runId: string, kpis: readonly KpiName[]): Promise<LoadResult> {
  if (!f.rawPath || !f.sha256) throw new Error(`loadCommentary called on a file that was not pulled: ${shownName(f.relPath)}`);
  const bytes = await readFile(f.rawPath);
  const bad = bytesProblem(bytes);
  if (bad) return rejectWhole(w, f, runId, bad);
  const text = f.encoding === 'windows-1252' ? decode1252(bytes) : new TextDecoder('utf-8').decode(bytes);
  const parsed = parseCommentary(f.name, text, kpis);
  if (parsed.fileProblem) return rejectWhole(w, f, runId, parsed.fileProblem);

  const rowsRejected = new Set(parsed.rejects.map((r) => r.line)).size;
  const r = { status: 'loaded' as const, rowsRead: parsed.rowsRead, rowsLoaded: parsed.entries.length, rowsRejected };
  await w.transaction(async () => {
    await clear(w, f.sha256!);
    for (const e of parsed.entries) {
      await w.run('INSERT INTO core.commentary VALUES ($sha, $line, $kpi, $role, $text)', { sha: f.sha256!, line: e.line, kpi: e.kpi, role: e.authorRole, text: e.text });
    }
    for (const x of parsed.rejects) {
      await w.run('INSERT INTO meta.rejects VALUES ($sha, $name, NULL, $line, $column, $value, $reason)', {
        sha: f.sha256!,
        name: f.name,
        line: x.line,
        column: x.column,
        value: x.rawValue,
        reason: shownReason(x.reason),
      });
    }
    await recordFile(w, f, runId, r, []);
  });
  return { sha256: f.sha256, ...r };
}
