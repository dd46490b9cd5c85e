/**
 * One streaming pass over a CSV's bytes that tells the loader what DuckDB's reader does not:
 * where every record starts (physical line), whether the file ends mid-record (truncated or an
 * unclosed quote), and whether it holds NUL bytes. RFC 4180 as DuckDB reads it: a quote opens a
 * quoted value only at the start of a field; `""` inside quotes is a quote; blank lines are not
 * records. Not a parser: no values are kept.
 *
 * Line numbers. Record k (1-based, header excluded, blank lines not counted) starts on physical
 * line k + 1 + P(k), where P(k) counts the blank lines and the newlines inside quoted values
 * before it. DuckDB's reject `line` for the same record is k + 1 + D(k), where D(k) counts only
 * the blank lines (it does not count newlines inside quotes). Both offsets change only at an
 * irregularity, so the scan keeps a short list of segments rather than one entry per record.
 */
import { createReadStream } from 'node:fs';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** From record `fromRecord` on (until the next segment), P and D as defined above. */
export interface LineSegment {
  fromRecord: number;
  extraPhysical: number;
  extraDuck: number;
}

export interface CsvScan {
  bytes: number;
  hasNul: boolean;
  /** Non-blank records including the header. */
  records: number;
  /** Fields in the header record. */
  headerFields: number;
  /** Fields in the last record (0 when there is none). */
  lastRecordFields: number;
  lastRecordLine: number;
  endsWithNewline: boolean;
  /** A quoted value was still open at the end of the file, opened on this physical line. */
  openQuoteLine: number | null;
  /** Segments of the record → line mapping; empty when every record is one line and no line is blank. */
  segments: LineSegment[];
}

export async function scanCsv(path: string): Promise<CsvScan> {
  let bytes = 0;
  let hasNul = false;
  let line = 1; // physical line of the current byte
  let inQuote = false;
  let quoteOpenLine = 0;
  let quoteSeen = false; // in a quoted value, the previous byte was a quote (closing or first of "")
  let fieldStart = true;
  let recordEmpty = true; // nothing but CR since the record began
  let fields = 1;
  let records = 0;
  let headerFields = 0;
  let lastRecordFields = 0;
  let lastRecordLine = 0;
  let recordLine = 1;
  let extraDuck = 0;
  let extraDuckAtStart = 0;
  let lastByte = -1;
  let first = true;
  const segments: LineSegment[] = [];
  let segP = 0;
  let segD = 0;

  const endRecord = (): void => {
    if (recordEmpty) {
      // A blank line: DuckDB skips it but counts it as a line.
      extraDuck++;
      return;
    }
    records++;
    if (records === 1) headerFields = fields;
    lastRecordFields = fields;
    lastRecordLine = recordLine;
    // recordLine = records + P  (records counts the header as record 1, data record k is records - 1)
    const k = records - 1;
    const p = recordLine - records;
    const d = extraDuckAtStart;
    if (k >= 1 && (p !== segP || d !== segD)) {
      segments.push({ fromRecord: k, extraPhysical: p, extraDuck: d });
      segP = p;
      segD = d;
    }
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let i = 0;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    bytes += chunk.length;
    if (!hasNul && chunk.includes(0)) hasNul = true;
    const n = chunk.length;
    for (; i < n; i++) {
      const b = chunk[i]!;
      if (inQuote) {
        if (quoteSeen) {
          quoteSeen = false;
          if (b === QUOTE) continue; // "" inside quotes
          inQuote = false; // the previous quote closed the value; handle b below as unquoted
        } else if (b === QUOTE) {
          quoteSeen = true;
          continue;
        } else {
          if (b === LF) {
            line++;
          }
          continue;
        }
      }
      if (b === LF) {
        endRecord();
        line++;
        recordLine = line;
        extraDuckAtStart = extraDuck;
        fieldStart = true;
        recordEmpty = true;
        fields = 1;
      } else if (b === COMMA) {
        fields++;
        fieldStart = true;
        recordEmpty = false;
      } else if (b === CR) {
        // part of CRLF, or ignored
      } else {
        if (b === QUOTE && fieldStart) {
          inQuote = true;
          quoteOpenLine = line;
        }
        fieldStart = false;
        recordEmpty = false;
      }
    }
    if (n > 0) lastByte = chunk[n - 1]!;
  }
  if (inQuote && quoteSeen) inQuote = false; // the file ended right after a closing quote
  const openQuoteLine = inQuote ? quoteOpenLine : null;
  const endsWithNewline = lastByte === LF;
  if (!endsWithNewline && !inQuote) endRecord();
  else if (!endsWithNewline && inQuote) {
    records++;
    lastRecordFields = fields;
    lastRecordLine = recordLine;
  }
  return { bytes, hasNul, records, headerFields, lastRecordFields, lastRecordLine, endsWithNewline, openQuoteLine, segments };
}
