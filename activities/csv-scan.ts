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
 *
 * Line endings. DuckDB's reader (strict mode) fails on the whole file when its records end in
 * both CRLF and LF, or a CR stands alone outside a quoted value ("the CSV Parser state machine
 * reached an invalid state"). The scan counts the record endings of each kind and finds the first
 * lone CR, so the loader can read a file of mixed endings as LF (activities/line-endings.ts) and
 * reject one with a lone CR in its own words, before DuckDB reads it.
 *
 * Limits. The scan stops, and says so (`overLimit`), at the first record longer than
 * `maxLineBytes` or at a header with more than `maxColumns` fields, so a damaged or hostile file
 * costs at most that much reading before it is rejected, and never reaches DuckDB. Blank lines
 * count towards the record after them, as DuckDB counts them (a megabyte of empty lines makes
 * DuckDB set the next record aside as over-long); blank lines at the end of a file do not.
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
  /** Record endings outside quoted values, blank lines included: CRLF, and LF alone. */
  lineEndings: { crlf: number; lf: number };
  /**
   * The first physical line holding a CR outside a quoted value that does not end the line (a CR
   * at the very end of a file whose lines all end in CRLF is taken for a cut CRLF); null when none.
   */
  loneCrLine: number | null;
  /**
   * The scan stopped at a limit (the other fields then describe only the bytes read): a record
   * longer than `maxLineBytes` (`line` is where it starts; `blankFrom`, when blank lines before it
   * count towards it, where they start), or a header with more than `maxColumns` fields.
   */
  overLimit: { limit: 'max_line_bytes'; line: number; blankFrom?: number } | { limit: 'max_columns'; line: 1 } | null;
}

export interface ScanOptions {
  chunkBytes?: number;
  /** Bytes a record may hold (its line break not counted). */
  maxLineBytes?: number;
  /** Fields the header may hold. */
  maxColumns?: number;
}

/** Counts the fields of one record fed in pieces (its bytes before its line feed), by the scan's rules. */
class FieldCounter {
  fields = 1;
  private inQuote = false;
  private quoteSeen = false;
  private fieldStart = true;

  feed(s: Buffer, from: number, to: number): this {
    for (let i = from; i < to; i++) {
      const b = s[i]!;
      if (this.inQuote) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (b === QUOTE) continue;
          this.inQuote = false;
        } else {
          if (b === QUOTE) this.quoteSeen = true;
          continue;
        }
      }
      if (b === COMMA) {
        this.fields++;
        this.fieldStart = true;
      } else if (b !== CR) {
        if (b === QUOTE && this.fieldStart) this.inQuote = true;
        this.fieldStart = false;
      }
    }
    return this;
  }
}

/** Line feeds in `buf` from `from` (inclusive) to `to` (exclusive). */
function countLf(buf: Buffer, from: number, to: number): number {
  let count = 0;
  for (let p = buf.indexOf(LF, from); p !== -1 && p < to; p = buf.indexOf(LF, p + 1)) count++;
  return count;
}

/** A line feed and the start of a blank line after it (LF, or CRLF). */
const BLANK_AFTER_LF = Buffer.from('\n\n');
const BLANK_CRLF_AFTER_LF = Buffer.from('\n\r\n');

/**
 * The run of whole records at the start of `span` (which holds no quote) that the scan can count
 * by their line feeds alone: none blank, every CR the first half of a CRLF, none longer than
 * `maxLineBytes`. How many, of which how many end in CRLF, where the run ends (after its last line
 * feed) and where its last record starts, as offsets in `span`; null when there is none.
 */
function plainRecords(span: Buffer, maxLineBytes: number): { count: number; crlf: number; end: number; lastStart: number } | null {
  if (span.length === 0 || span[0] === LF || span[0] === CR) return null; // a blank line or a CR first: the byte path
  // A window no longer than the limit and a line feed holds no record over it.
  let window = span.length > maxLineBytes + 1 ? span.subarray(0, maxLineBytes + 1) : span;
  for (const blank of [BLANK_AFTER_LF, BLANK_CRLF_AFTER_LF]) {
    const at = window.indexOf(blank);
    if (at !== -1) window = window.subarray(0, at + 1);
  }
  let crlf = 0;
  for (let cr = window.indexOf(CR); cr !== -1; cr = window.indexOf(CR, cr + 1)) {
    if (window[cr + 1] !== LF) {
      window = window.subarray(0, cr); // a CR that ends no line (or its LF is past the window): stop before it
      break;
    }
    crlf++;
  }
  const lastLf = window.lastIndexOf(LF);
  if (lastLf === -1) return null;
  // Every CR counted lies before a line feed of the window, so before or at lastLf - 1.
  return { count: countLf(window, 0, lastLf + 1), crlf, end: lastLf + 1, lastStart: window.lastIndexOf(LF, lastLf - 1) + 1 };
}

/**
 * The scan. Byte by byte for the header record; after it, the bytes between the structural ones
 * are skipped with `Buffer.indexOf` (memchr): a record costs a search for its line feed and for
 * the next quote, and a quoted value a search for its closing quote; a run of plain records
 * after a plain one (no quote, lone CR or blank line) costs only the count of its line feeds
 * (`plainRecords`). Field counts are only needed for the header and the last record, so the last
 * record's bytes are remembered (as slices of the chunks, not copies) and counted at the end.
 */
export async function scanCsv(path: string, opts: ScanOptions = {}): Promise<CsvScan> {
  const maxLineBytes = opts.maxLineBytes ?? Number.MAX_SAFE_INTEGER;
  const maxColumns = opts.maxColumns ?? Number.MAX_SAFE_INTEGER;
  let overLimit: CsvScan['overLimit'] = null;
  let bytes = 0;
  let hasNul = false;
  let line = 1; // physical line of the current byte
  let inQuote = false;
  let quoteOpenLine = 0;
  let quoteSeen = false; // in a quoted value, the previous byte was a quote (closing or first of "")
  let fieldStart = true;
  let recordEmpty = true; // nothing but CR since the record began
  let fields = 1; // counted for the header only
  let records = 0;
  let headerFields = 0;
  let lastRecordLine = 0;
  let recordLine = 1;
  let extraDuck = 0;
  let extraDuckAtStart = 0;
  let lastByte = -1;
  let first = true;
  const segments: LineSegment[] = [];
  let segP = 0;
  let segD = 0;
  // The current record starts at `recStart` in this chunk, or in an earlier chunk when `spanning`
  // holds the count of its earlier pieces.
  let recStart = 0;
  let chunkStart = 0; // file offset of the current chunk
  let recordAt = 0; // file offset where the current record starts
  let spanning: FieldCounter | null = null;
  // The last non-blank record ended so far: its field count, or where its bytes are (one chunk).
  let lastFields: number | null = null;
  let lastChunk: Buffer | null = null;
  let lastStart = 0;
  let lastEnd = 0;
  // Line endings, and CRs that end no line.
  let crlf = 0;
  let lfOnly = 0;
  let loneCrLine: number | null = null;
  let pendingCrLine = 0; // a CR (outside quotes) was the previous chunk's last byte, on this line
  let nextCr = -1; // the next CR at or after the unquoted bytes being read, in this chunk
  // A run of blank lines before the current record: where it starts (file offset, line), or -1.
  let runAt = -1;
  let runLine = 0;
  // The record before the current one was non-blank and on one line, so the current record has
  // the line offsets (P, D) of the last segment: a run of plain records needs no new segment.
  let plainBefore = false;

  const endRecord = (): boolean => {
    if (recordEmpty) {
      // A blank line: DuckDB skips it but counts it as a line.
      extraDuck++;
      return false;
    }
    records++;
    if (records === 1) headerFields = fields;
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
    return true;
  };

  /** After a record's line feed at `at` (the record was a blank line, or not): the next record starts at `at + 1`. */
  const newRecord = (at: number, blank: boolean): void => {
    if (!blank) runAt = -1;
    else if (runAt < 0) {
      runAt = recordAt;
      runLine = recordLine;
    }
    line++;
    recordLine = line;
    extraDuckAtStart = extraDuck;
    fieldStart = true;
    recordEmpty = true;
    spanning = null;
    recStart = at + 1;
    recordAt = chunkStart + at + 1;
  };

  /** Whether the byte before `at` (in this chunk or the one before) is a CR: a CRLF's CR is not part of the record. */
  const crBefore = (chunk: Buffer, at: number): boolean => (at > 0 ? chunk[at - 1] : lastByte) === CR;

  /** A line feed outside quotes at `at`: one more record ending of its kind. */
  const countEnding = (chunk: Buffer, at: number): void => {
    if (crBefore(chunk, at)) crlf++;
    else lfOnly++;
  };

  /** A CR outside quotes at `at`: lone unless a LF follows (perhaps in the next chunk). */
  const noteCr = (chunk: Buffer, at: number): void => {
    if (at + 1 === chunk.length) pendingCrLine = line;
    else if (chunk[at + 1] !== LF && loneCrLine === null) loneCrLine = line;
  };

  /**
   * Whether the record in progress is over the line limit with `end` (a file offset) as its end.
   * Where the record ends, the blank lines before it count towards it (named when they tip it over).
   */
  const tooLong = (end: number, recordEnds: boolean): boolean => {
    if (end - recordAt > maxLineBytes) overLimit = { limit: 'max_line_bytes', line: recordLine };
    else if (recordEnds && runAt >= 0 && !recordEmpty && end - runAt > maxLineBytes) overLimit = { limit: 'max_line_bytes', line: recordLine, blankFrom: runLine };
    return overLimit !== null;
  };

  reading: for await (const chunk of createReadStream(path, { highWaterMark: opts.chunkBytes ?? 1 << 20 }) as AsyncIterable<Buffer>) {
    let i = 0;
    chunkStart = bytes;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      recordAt = i;
    }
    recStart = i;
    bytes += chunk.length;
    if (!hasNul && chunk.includes(0)) hasNul = true;
    const n = chunk.length;
    let nextQuote = chunk.indexOf(QUOTE, i);
    if (nextQuote === -1) nextQuote = n;
    nextCr = -1;
    if (pendingCrLine > 0 && n > 0) {
      if (chunk[0] !== LF && loneCrLine === null) loneCrLine = pendingCrLine;
      pendingCrLine = 0;
    }

    while (i < n) {
      if (inQuote) {
        if (quoteSeen) {
          quoteSeen = false;
          if (chunk[i] === QUOTE) {
            i++; // "" inside quotes
            continue;
          }
          inQuote = false; // the previous quote closed the value; read on unquoted
          continue;
        }
        const close = chunk.indexOf(QUOTE, i);
        const end = close === -1 ? n : close;
        line += countLf(chunk, i, end);
        if (close === -1) {
          i = n;
          break;
        }
        quoteSeen = true;
        i = close + 1;
        continue;
      }

      if (records === 0) {
        // The header, byte by byte (it is where the field count matters).
        const b = chunk[i]!;
        if (b === LF) {
          if (tooLong(chunkStart + i - (crBefore(chunk, i) ? 1 : 0), true)) break reading;
          countEnding(chunk, i);
          const ended = endRecord();
          if (ended) lastFields = fields;
          newRecord(i, !ended);
        } else if (b === COMMA) {
          fields++;
          if (fields > maxColumns) {
            overLimit = { limit: 'max_columns', line: 1 };
            break reading;
          }
          fieldStart = true;
          recordEmpty = false;
        } else if (b !== CR) {
          if (b === QUOTE && fieldStart) {
            inQuote = true;
            quoteOpenLine = line;
          }
          fieldStart = false;
          recordEmpty = false;
        } else {
          noteCr(chunk, i);
        }
        i++;
        continue;
      }

      // Unquoted bytes up to the next line feed or quote, whichever comes first.
      if (nextQuote < i) {
        nextQuote = chunk.indexOf(QUOTE, i);
        if (nextQuote === -1) nextQuote = n;
      }
      // The common case, fast: a run of whole records with no quote, lone CR or blank line among
      // them is counted by its line feeds alone (they change no segment and no field count we keep).
      if (plainBefore && recordAt === chunkStart + i) {
        const run = plainRecords(chunk.subarray(i, nextQuote), maxLineBytes);
        if (run) {
          records += run.count;
          crlf += run.crlf;
          lfOnly += run.count - run.crlf;
          line += run.count - 1;
          lastRecordLine = line;
          lastFields = null;
          lastChunk = chunk;
          lastStart = i + run.lastStart;
          lastEnd = i + run.end - 1;
          newRecord(i + run.end - 1, false);
          i += run.end;
          continue;
        }
      }
      let lf = chunk.indexOf(LF, i);
      if (lf === -1) lf = n;
      const end = Math.min(lf, nextQuote);
      // CRs among these bytes: a CRLF's, or lone.
      if (nextCr < i) {
        nextCr = chunk.indexOf(CR, i);
        if (nextCr === -1) nextCr = n;
      }
      while (nextCr < end) {
        noteCr(chunk, nextCr);
        nextCr = chunk.indexOf(CR, nextCr + 1);
        if (nextCr === -1) nextCr = n;
      }
      // Only the last byte that is not CR decides fieldStart; any such byte makes the record non-blank.
      let last = end - 1;
      while (last >= i && chunk[last] === CR) last--;
      if (last >= i) {
        recordEmpty = false;
        fieldStart = chunk[last] === COMMA;
      }
      if (end === n) {
        i = n;
        break;
      }
      if (end === nextQuote) {
        if (fieldStart) {
          inQuote = true;
          quoteOpenLine = line;
        }
        fieldStart = false;
        recordEmpty = false;
        i = end + 1;
        continue;
      }
      // A line feed outside quotes ends the record.
      if (tooLong(chunkStart + lf - (crBefore(chunk, lf) ? 1 : 0), true)) break reading;
      countEnding(chunk, lf);
      const ended = endRecord();
      plainBefore = ended && line === recordLine;
      if (ended) {
        if (spanning) {
          lastFields = spanning.feed(chunk, recStart, lf).fields;
        } else {
          lastFields = null;
          lastChunk = chunk;
          lastStart = recStart;
          lastEnd = lf;
        }
      }
      newRecord(lf, !ended);
      i = lf + 1;
    }
    // The record in progress goes on into the next chunk: count what it has so far.
    // A record still going past the limit (a CR at the chunk's end may be half of a CRLF: not counted yet).
    if (n > 0 && tooLong(chunkStart + n - (chunk[n - 1] === CR ? 1 : 0), false)) break;
    if (records > 0 && recStart < n) spanning = (spanning ?? new FieldCounter()).feed(chunk, recStart, n);
    recStart = 0;
    if (n > 0) lastByte = chunk[n - 1]!;
  }
  const lineEndings = { crlf, lf: lfOnly };
  if (overLimit) {
    return { bytes, hasNul, records, headerFields: records > 0 ? headerFields : fields, lastRecordFields: 0, lastRecordLine: recordLine, endsWithNewline: false, openQuoteLine: null, segments, lineEndings, loneCrLine, overLimit };
  }
  // A CR at the very end: a cut CRLF in a file of CRLF lines, else lone.
  if (pendingCrLine > 0 && lfOnly > 0 && loneCrLine === null) loneCrLine = pendingCrLine;
  if (inQuote && quoteSeen) inQuote = false; // the file ended right after a closing quote
  const openQuoteLine = inQuote ? quoteOpenLine : null;
  const endsWithNewline = lastByte === LF;
  const pending = (): number => (records === 1 ? fields : (spanning?.fields ?? 1));
  let lastRecordFields = records === 0 ? 0 : (lastFields ?? new FieldCounter().feed(lastChunk!, lastStart, lastEnd).fields);
  if (!endsWithNewline && !inQuote) {
    if (endRecord()) lastRecordFields = pending();
  } else if (!endsWithNewline && inQuote) {
    records++;
    lastRecordFields = pending();
    lastRecordLine = recordLine;
  }
  return { bytes, hasNul, records, headerFields, lastRecordFields, lastRecordLine, endsWithNewline, openQuoteLine, segments, lineEndings, loneCrLine, overLimit };
}
