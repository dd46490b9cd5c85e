/**
 * The CSV scan (activities/csv-scan.ts) skips ahead with Buffer.indexOf instead of reading every
 * byte in JavaScript. It must agree exactly with the byte-by-byte scan it replaced (kept below as
 * the reference): on the irregular files a council sends — quotes, "" escapes, values spanning
 * lines, blank and CR-only lines, CRLF, a BOM, truncation, unclosed quotes, NUL bytes — and with
 * every chunk boundary (chunks of 1 to 7 bytes as well as the default 1 MiB). And it stops at the
 * first record over the line limit, or a header over the column limit, wherever the chunks fall.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCsv, type CsvScan, type LineSegment } from '../activities/csv-scan.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** The byte-by-byte scan as it was before the fast path (the reference). */
async function referenceScan(path: string): Promise<CsvScan> {
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
  let crlf = 0;
  let lf = 0;
  let loneCrLine: number | null = null;
  let crLine = 0; // the previous byte was a CR outside quotes, on this line

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
      const afterCr = crLine > 0;
      if (afterCr && b !== LF && loneCrLine === null) loneCrLine = crLine;
      crLine = 0;
      if (b === LF) {
        if (afterCr) crlf++;
        else lf++;
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
        // part of CRLF, or lone
        crLine = line;
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
  // A CR at the very end: a cut CRLF in a file of CRLF lines, else lone.
  if (crLine > 0 && lf > 0 && loneCrLine === null) loneCrLine = crLine;
  const openQuoteLine = inQuote ? quoteOpenLine : null;
  const endsWithNewline = lastByte === LF;
  if (!endsWithNewline && !inQuote) endRecord();
  else if (!endsWithNewline && inQuote) {
    records++;
    lastRecordFields = fields;
    lastRecordLine = recordLine;
  }
  return { bytes, hasNul, records, headerFields, lastRecordFields, lastRecordLine, endsWithNewline, openQuoteLine, segments, lineEndings: { crlf, lf }, loneCrLine, overLimit: null };
}

const CASES: Record<string, string> = {
  plain: 'a,b,c\n1,2,3\n4,5,6\n',
  crlf: 'a,b,c\r\n1,2,3\r\n4,5,6\r\n',
  bom: '\uFEFFa,b\n1,2\n',
  'no final newline': 'a,b,c\n1,2,3\n4,5,6',
  truncated: 'a,b,c\n1,2,3\n4,5',
  'quoted values': 'a,b,c\n"x, y",2,"3"\n"say ""hi""",5,6\n',
  'value spanning lines': 'a,b,c\n"line one\nline two",2,3\n4,5,6\n',
  'blank lines': 'a,b\n\n1,2\n\r\n\n3,4\n\n',
  'blank lines before header': '\n\na,b\n1,2\n',
  'unclosed quote': 'a,b\n1,"2\n3,4\n',
  'stray quote mid-value': 'a,b\n1,5" tall\n3,4\n',
  'quote after CR': 'a,b\n1,\r"x\ny"\n3,4\n',
  'ends after closing quote': 'a,b\n1,"2"',
  'ends inside quotes after a quote': 'a,b\n1,"2""',
  'header only': 'a,b,c\n',
  'header only no newline': 'a,b,c',
  'quoted header': '"a\nx",b\n1,2\n',
  nul: 'a,b\n1,\u00002\n',
  'cr only lines': 'a,b\r\r\n1,2\r\n\r\r\n3,4\n',
  'quote then text': 'a,b\n"x"y,2\n3,4\n',
  empty: '',
};

function randomCsv(seed: number): string {
  let x = seed;
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const pieces = ['a', 'bc', ',', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'x y', '\n\n'];
  let s = rnd(2) ? 'h1,h2,h3\n' : '';
  const len = rnd(80);
  for (let i = 0; i < len; i++) s += pieces[rnd(pieces.length)];
  return s;
}

describe('the CSV scan', () => {
  it('agrees with the byte-by-byte reference on irregular files, at every chunk size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-scan-'));
    const inputs = { ...CASES };
    for (let k = 0; k < 300; k++) inputs[`random ${k}`] = randomCsv(k + 1);
    let checked = 0;
    for (const [name, text] of Object.entries(inputs)) {
      const path = join(dir, `${checked}.csv`);
      await writeFile(path, text);
      const want = await referenceScan(path);
      for (const chunkBytes of [1, 2, 3, 5, 7, 1 << 20]) {
        expect({ name, chunkBytes, scan: await scanCsv(path, { chunkBytes }) }).toEqual({ name, chunkBytes, scan: want });
      }
      checked++;
    }
    expect(checked).toBe(Object.keys(CASES).length + 300);
  });

  it('counts runs of plain records by their line feeds alone, agreeing with the byte path around every irregularity', async () => {
    // Mostly plain records (the fast path), in LF, CRLF or both, with a quote, a lone CR, a blank
    // line, a value spanning lines or a long record now and then. With 1-byte chunks no run is
    // ever whole, so every byte goes the byte path: the other chunk sizes must agree with it, under
    // line limits that cut the runs anywhere and that the long records break.
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-scan-'));
    const odd = ['"q, x",y', '', '\r', '"two\nlines",z', 'x\ry,z', 'long,' + 'l'.repeat(40), '"open'];
    let x = 7;
    const rnd = (n: number): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    let fastRuns = 0;
    for (let k = 0; k < 45; k++) {
      const ending = ['\n', '\r\n', 'mixed'][k % 3]!;
      const eol = (): string => (ending === 'mixed' ? (rnd(2) ? '\n' : '\r\n') : ending);
      let text = (rnd(4) === 0 ? eol() : '') + 'h1,h2' + eol();
      const rows = 20 + rnd(200);
      for (let r = 0; r < rows; r++) text += (rnd(12) === 0 ? odd[rnd(odd.length)] : `${r},v${rnd(1000)}`) + eol();
      if (rnd(4) === 0) text += 'last,no-newline';
      const path = join(dir, `${k}.csv`);
      await writeFile(path, text);
      expect({ k, scan: await scanCsv(path, { chunkBytes: 1 }) }).toEqual({ k, scan: await referenceScan(path) });
      for (const maxLineBytes of [undefined, 30, 12]) {
        const bytePath = await scanCsv(path, { chunkBytes: 1, maxLineBytes });
        for (const chunkBytes of [7, 64, 1000, 1 << 20]) {
          const scan = await scanCsv(path, { chunkBytes, maxLineBytes });
          // Stopped at a limit, the rest describes only the bytes read, which depend on the chunks.
          const seen = (r: CsvScan) => (r.overLimit ? r.overLimit : r);
          expect({ k, maxLineBytes, chunkBytes, scan: seen(scan) }).toEqual({ k, maxLineBytes, chunkBytes, scan: seen(bytePath) });
        }
        if (maxLineBytes === 30 && bytePath.overLimit) fastRuns++;
      }
    }
    // The long records did stop some scans (so the limit was tested inside runs, not only beside them).
    expect(fastRuns).toBeGreaterThan(5);
  });

  it('counts the records and lines of a large regular file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-scan-'));
    const path = join(dir, 'big.csv');
    const rows = Array.from({ length: 50_000 }, (_, i) => `C${i},"Team, ${i % 7}",01/02/2015,${i % 3 === 0 ? '"two\nlines"' : 'x'}`);
    await writeFile(path, `id,team,date,note\r\n${rows.join('\r\n')}\r\n`);
    const scan = await scanCsv(path, { chunkBytes: 4096 });
    expect(scan).toEqual(await referenceScan(path));
    expect(scan.records).toBe(50_001);
    expect(scan.lastRecordFields).toBe(4);
  });
});

describe('the scan stops at a limit', () => {
  const CASES: [name: string, text: string, limits: { maxLineBytes?: number; maxColumns?: number }, want: CsvScan['overLimit']][] = [
    ['a record one byte over', 'a,b\n1,2\n12345678901\n3,4\n', { maxLineBytes: 10 }, { limit: 'max_line_bytes', line: 3 }],
    ['a record exactly at the limit, CRLF not counted', 'a,b\r\n1234567890\r\n3,4\r\n', { maxLineBytes: 10 }, null],
    ['the header too long', 'aaaaaaaaaa,b\n1,2\n', { maxLineBytes: 10 }, { limit: 'max_line_bytes', line: 1 }],
    ['a long last record with no line break', 'a,b\n1,2\n' + 'x'.repeat(40), { maxLineBytes: 10 }, { limit: 'max_line_bytes', line: 3 }],
    ['a record spanning lines is measured whole, named by its first line', 'a,b\n\n"12\n34\n56\n78",9\n', { maxLineBytes: 10 }, { limit: 'max_line_bytes', line: 3 }],
    ['short lines inside a long quoted value', 'a,b\n1,"' + 'ab\n'.repeat(10) + '"\n', { maxLineBytes: 20 }, { limit: 'max_line_bytes', line: 2 }],
    ['a header over the column limit', 'a,b,c,d,e\n1,2,3,4,5\n', { maxColumns: 4 }, { limit: 'max_columns', line: 1 }],
    ['a header at the column limit', 'a,b,c,d\n1,2,3,4,5\n', { maxColumns: 4 }, null],
    ['a quoted comma is not a column', '"a,b",c,d,e\n1,2,3,4\n', { maxColumns: 4 }, null],
    ['only the header counts columns', 'a,b\n1,2,3,4,5,6\n', { maxColumns: 4 }, null],
  ];

  it('names the limit and the line, at every chunk size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-scan-'));
    for (const [k, [name, text, limits, want]] of CASES.entries()) {
      const path = join(dir, `${k}.csv`);
      await writeFile(path, text);
      for (const chunkBytes of [1, 2, 3, 5, 7, 1 << 20]) {
        expect({ name, chunkBytes, over: (await scanCsv(path, { chunkBytes, ...limits })).overLimit }).toEqual({ name, chunkBytes, over: want });
      }
      // Under limits it does not reach, the scan is the reference's.
      expect(await scanCsv(path, { maxLineBytes: 1000, maxColumns: 1000 })).toEqual(await referenceScan(path));
    }
  });

  it('reads no further than the limit: a 64 MiB line costs one chunk past it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-scan-'));
    const path = join(dir, 'long.csv');
    await writeFile(path, Buffer.concat([Buffer.from('a,b\n1,'), Buffer.alloc(64 << 20, 'x'), Buffer.from('\n')]));
    const scan = await scanCsv(path, { maxLineBytes: 1 << 20 });
    expect(scan.overLimit).toEqual({ limit: 'max_line_bytes', line: 2 });
    expect(scan.bytes).toBeLessThanOrEqual(3 << 20);
  });
});

describe('line endings the reader cannot take', () => {
  const CASES: [name: string, text: string, want: Pick<CsvScan, 'lineEndings' | 'loneCrLine'>][] = [
    ['LF lines', 'a,b\n1,2\n', { lineEndings: { crlf: 0, lf: 2 }, loneCrLine: null }],
    ['CRLF lines, a CRLF blank line', 'a,b\r\n\r\n1,2\r\n', { lineEndings: { crlf: 3, lf: 0 }, loneCrLine: null }],
    ['mixed: one CRLF line appended', 'a,b\n1,2\n3,4\r\n', { lineEndings: { crlf: 1, lf: 2 }, loneCrLine: null }],
    ['a CR alone in a record', 'a,b\n1,x\ry\n3,4\n', { lineEndings: { crlf: 0, lf: 3 }, loneCrLine: 2 }],
    ['a CR alone before a quote', 'a,b\r\n1,\r"x"\r\n', { lineEndings: { crlf: 2, lf: 0 }, loneCrLine: 2 }],
    ['CRs and line breaks inside quotes are text', 'a,b\n1,"x\ry\r\nz"\n', { lineEndings: { crlf: 0, lf: 2 }, loneCrLine: null }],
    ['CR-only lines', 'a,b\r1,2\r', { lineEndings: { crlf: 0, lf: 0 }, loneCrLine: 1 }],
    ['a CRLF file cut between CR and LF', 'a,b\r\n1,2\r', { lineEndings: { crlf: 1, lf: 0 }, loneCrLine: null }],
    ['an LF file ending in a CR', 'a,b\n1,2\r', { lineEndings: { crlf: 0, lf: 1 }, loneCrLine: 2 }],
  ];

  it('counts CRLF and LF record endings and finds the first lone CR, at every chunk size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-scan-'));
    for (const [k, [name, text, want]] of CASES.entries()) {
      const path = join(dir, `${k}.csv`);
      await writeFile(path, text);
      for (const chunkBytes of [1, 2, 3, 5, 7, 1 << 20]) {
        const { lineEndings, loneCrLine } = await scanCsv(path, { chunkBytes });
        expect({ name, chunkBytes, lineEndings, loneCrLine }).toEqual({ name, chunkBytes, ...want });
      }
    }
  });

  it('counts blank lines towards the record after them, not the blank lines at the end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-scan-'));
    const before = join(dir, 'before.csv');
    await writeFile(before, 'a,b\n1,2\n' + '\n'.repeat(12) + '3,4\n');
    const after = join(dir, 'after.csv');
    await writeFile(after, 'a,b\n1,2\n' + '\n'.repeat(40));
    for (const chunkBytes of [1, 3, 7, 1 << 20]) {
      expect((await scanCsv(before, { chunkBytes, maxLineBytes: 10 })).overLimit).toEqual({ limit: 'max_line_bytes', line: 15, blankFrom: 3 });
      expect((await scanCsv(before, { chunkBytes, maxLineBytes: 15 })).overLimit).toBeNull();
      expect((await scanCsv(after, { chunkBytes, maxLineBytes: 10 })).overLimit).toBeNull();
    }
  });
});
