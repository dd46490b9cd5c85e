/**
 * Reads a CSV's header row and matches it to a contract: names compared case-insensitively after
 * trimming, any order, extra columns ignored. Says exactly what is missing when a file is not the
 * list it claims to be.
 */
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { ListContract } from '../core/contracts/lists.js';
import { columnMeta } from '../core/contracts/columns.js';

export interface HeaderMatch {
  /** For each position in the file, the contract header it carries, or null (extra column). */
  positions: (string | null)[];
  present: Set<string>;
}

const HEAD_BYTES = 256 * 1024;

/** The first record of a UTF-8 CSV, or null when the file has no header at all. */
export async function readHeader(path: string): Promise<string[] | null> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    let text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    if (end >= 0) text = text.slice(0, end);
    if (text.trim() === '') return null;
    const records = parse(text, { relax_column_count: true, relax_quotes: true }) as string[][];
    return records[0] ?? null;
  } finally {
    await fh.close();
  }
}

export function matchHeader(contract: ListContract, header: string[]): HeaderMatch | { reason: string } {
  const byKey = new Map(Object.keys(contract.columns).map((h) => [h.trim().toLowerCase(), h]));
  const positions: (string | null)[] = [];
  const present = new Set<string>();
  for (const cell of header) {
    const canonical = byKey.get(cell.trim().toLowerCase()) ?? null;
    if (canonical && present.has(canonical)) {
      return { reason: `the column "${canonical}" appears twice in the header; remove one` };
    }
    if (canonical) present.add(canonical);
    positions.push(canonical);
  }
  const missing = Object.entries(contract.columns)
    .filter(([h, s]) => columnMeta(s).required && !present.has(h))
    .map(([h]) => h);
  if (missing.length > 0) {
    const shown = header.slice(0, 8).map((h) => `"${h}"`).join(', ');
    return {
      reason: `not a ${contract.title} file: missing required column(s) ${missing.map((m) => `"${m}"`).join(', ')} (header starts ${shown}${header.length > 8 ? ', …' : ''})`,
    };
  }
  return { positions, present };
}
