/**
 * A CSV whose lines end in both CRLF and LF — a council's file edited by hand, or two exports
 * joined — is read as if every line ended in LF: DuckDB's reader fails on the whole file when the
 * two are mixed, so the loader reads a copy with each CRLF made a LF (the archive keeps the bytes
 * as they came). The scan (activities/csv-scan.ts) says when a file is mixed, and rejects a file
 * holding a CR that ends no line before this is ever needed.
 *
 * Every CRLF is changed, inside quoted values too: a line break typed into a cell then reads as a
 * LF. Removing only bytes keeps every record on its physical lines, so line numbers stand.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const CR = 0x0d;

/** The bytes with each CR that comes right before a LF taken out. */
function dropCrBeforeLf(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = b.indexOf('\r\n', 0, 'latin1'); at !== -1; at = b.indexOf('\r\n', at + 2, 'latin1')) {
    parts.push(b.subarray(from, at));
    from = at + 1;
  }
  if (from === 0) return b;
  parts.push(b.subarray(from));
  return Buffer.concat(parts);
}

/** Copies `from` to `to` with every CRLF made a LF, streamed (a CR at a chunk's end waits for the next byte). */
export async function crlfToLf(from: string, to: string): Promise<void> {
  let heldCr = false;
  await pipeline(
    createReadStream(from),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        let b = heldCr ? Buffer.concat([Buffer.from([CR]), chunk]) : chunk;
        heldCr = b.length > 0 && b[b.length - 1] === CR;
        if (heldCr) b = b.subarray(0, b.length - 1);
        done(null, dropCrBeforeLf(b));
      },
      flush(done) {
        done(null, heldCr ? Buffer.from([CR]) : null);
      },
    }),
    createWriteStream(to),
  );
}
