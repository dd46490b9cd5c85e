/**
 * Reads an .xlsx workbook as a stream: sheet by sheet (by name), row by row, never the whole
 * workbook in memory, with a cap on the rows and the filled cells of each sheet. A sheet of a
 * million formatted empty rows costs a pass over its XML and nothing kept. Built on exceljs's
 * streaming readers (its workbook reader for the shared parts, its worksheet reader for each
 * sheet), keeping only the shared strings and styles; the zip entries are read from their places
 * in the file by our own code (activities/zip-guard.ts reads the directory), since exceljs's own
 * pass over the zip loses the parts after the sheets when six or more sheets come before them.
 * Check the package with activities/zip-guard.ts before opening it here.
 *
 * Used by the audit workbooks (activities/load-xlsx.ts); made to serve any sheet-per-list
 * workbook. Cell values are exceljs's: text, numbers (an id typed as a number comes back as the
 * number 7961370, whose text is "7961370"), booleans, Dates for date-formatted cells, formula
 * cells with their cached `result`, rich text, errors. Not for writing, and no merged-cell logic:
 * a merged range has its value in its first cell, as Excel's own CSV export gives it.
 *
 * Stopping early is cheap: leave a sheet's `rows()` (break) and the rest of that sheet is skipped
 * unparsed; leave the workbook and everything left is skipped and closed. Sheets come in the
 * workbook's order (the tabs as Excel shows them).
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { Limits } from '../core/limits.js';
import { readCentralDirectory, type ZipEntry } from './zip-guard.js';

export type CellValue = ExcelJS.CellValue;

export type SheetCaps = Pick<Limits, 'max_sheet_rows' | 'max_sheet_cells'>;

export interface SheetRow {
  /** The sheet's row number, as Excel shows it. */
  number: number;
  /** Column A first; an empty cell is null. Rows with no value at all are not yielded. */
  cells: CellValue[];
  /**
   * The number format of each number cell that has one (by column, A = 0), e.g. `0000000`: an id
   * typed as a number shows (and Excel's CSV export writes) its leading zeros through it.
   */
  numFmts?: (string | undefined)[];
}

export interface StreamedSheet {
  name: string;
  /** Whether the workbook counts serial dates from 1904 (Mac Excel) rather than 1900. */
  date1904: boolean;
  /** The sheet's rows, in order; can be read once. Throws `SheetOverLimit` at a cap. */
  rows(): AsyncGenerator<SheetRow>;
}

/** A sheet went past one of its caps; nothing after that row was read. */
export class SheetOverLimit extends Error {
  constructor(
    readonly sheet: string,
    readonly limit: keyof SheetCaps,
    /** The row where the cap was passed. */
    readonly row: number,
  ) {
    super(`sheet "${sheet}" is over ${limit} at row ${row}`);
  }
}

/** The parts of exceljs's (untyped) streaming sheet reader this module relies on. */
interface SheetReader {
  name: string;
  /** The sheet's XML: the inflating stream of its zip entry. */
  iterator: Readable;
  parse(): AsyncIterator<{ eventType: string; value: unknown }[]>;
}

/** The parts of exceljs's (untyped) streaming workbook reader used to read the workbook's shared parts. */
interface BookReader {
  options: Record<string, unknown>;
  model?: { sheets?: { name: string; id: number; rId: string }[] };
  workbookRels?: { Id: string; Target: string; Type?: string }[];
  properties?: { model?: { date1904?: boolean } };
  sharedStrings?: unknown[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
}

type WorksheetReaderClass = new (o: { workbook: BookReader; id: number; iterator: Readable; options: Record<string, unknown> }) => SheetReader;
const WorksheetReader = createRequire(import.meta.url)('exceljs/lib/stream/xlsx/worksheet-reader.js') as WorksheetReaderClass;

/** A part of the package could not be read as the workbook says it should be. */
class DamagedPackage extends Error {}

/**
 * One zip entry's bytes, inflated, as a stream: read straight from its place in the file, so parts
 * are read in the order the workbook needs them, whatever order the writer stored them in.
 */
async function partStream(path: string, e: ZipEntry): Promise<Readable> {
  const fh = await open(path, 'r');
  let start: number;
  try {
    const local = Buffer.alloc(30);
    await fh.read(local, 0, 30, e.localOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new DamagedPackage('a zip entry is missing');
    start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (e.compressed === 0) return Readable.from([]);
  const raw = createReadStream(path, { start, end: start + e.compressed - 1 });
  if (e.method === 0) return raw;
  if (e.method !== 8) throw new DamagedPackage(`zip method ${e.method}`);
  const inflate = createInflateRaw();
  raw.on('error', (err) => inflate.destroy(err));
  inflate.on('close', () => raw.destroy());
  (inflate as Readable & { source?: Readable }).source = raw;
  return raw.pipe(inflate);
}

/** The zip path of a part named by a relationship target of xl/workbook.xml. */
function partPath(target: string): string {
  const parts: string[] = [];
  for (const seg of (target.startsWith('/') ? target.slice(1) : `xl/${target}`).split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

function hasValue(v: CellValue): boolean {
  return v !== null && v !== undefined && v !== '';
}

/**
 * Lets the rest of a sheet's XML go by unparsed: its part's stream is closed, and the file under
 * it; a stream read to its end is waited for until its file is closed too.
 */
async function skipUnread(sheet: SheetReader): Promise<void> {
  for (const stream of [sheet.iterator, (sheet.iterator as Readable & { source?: Readable }).source]) {
    if (!stream || stream.closed) continue;
    const closed = once(stream, 'close');
    if (!stream.readableEnded) stream.destroy();
    await closed;
  }
}

class Sheet implements StreamedSheet {
  readonly name: string;
  private started = false;

  constructor(
    private readonly reader: SheetReader,
    private readonly caps: SheetCaps,
    readonly date1904: boolean,
  ) {
    this.name = reader.name;
  }

  async *rows(): AsyncGenerator<SheetRow> {
    if (this.started) throw new Error(`the rows of sheet "${this.name}" can be read only once`);
    this.started = true;
    // Driven by hand (not for-await): leaving early must not end exceljs's iterator over the XML,
    // which would leave the entry's remaining bytes to pile up in memory; skipRest drains them.
    const events = this.reader.parse();
    let cells = 0;
    let lastRow = 0;
    for (;;) {
      const next = await events.next();
      if (next.done) break;
      for (const { eventType, value } of next.value) {
        if (eventType !== 'row') continue;
        const row = value as ExcelJS.Row;
        const number = Number.isFinite(row.number) ? row.number : lastRow + 1;
        lastRow = number;
        if (number > this.caps.max_sheet_rows) throw new SheetOverLimit(this.name, 'max_sheet_rows', number);
        const values: CellValue[] = [];
        let numFmts: (string | undefined)[] | undefined;
        row.eachCell((cell, col) => {
          if (!hasValue(cell.value)) return;
          values[col - 1] = cell.value;
          if (typeof cell.value === 'number' && cell.numFmt) (numFmts ??= [])[col - 1] = cell.numFmt;
        });
        if (values.length === 0) continue; // formatted but empty: nothing to yield
        let filled = 0;
        for (let i = 0; i < values.length; i++) {
          if (values[i] === undefined) values[i] = null;
          else filled++;
        }
        cells += filled;
        if (cells > this.caps.max_sheet_cells) throw new SheetOverLimit(this.name, 'max_sheet_cells', number);
        yield numFmts ? { number, cells: values, numFmts } : { number, cells: values };
      }
    }
  }

  /** Whatever of the sheet was not read (all of it, or the rest after a break or a cap) goes by unparsed. */
  async skipRest(): Promise<void> {
    await skipUnread(this.reader);
  }
}

/**
 * The workbook's sheets in the workbook's own order (the tabs as Excel shows them), one after
 * another; a sheet's rows must be read before the next sheet is asked for. The shared parts
 * (relationships, workbook, shared strings, cell formats) are read first, each from its place in
 * the package, then each sheet straight from its zip entry: nothing is set aside in temporary
 * files, whichever order the writer stored the parts in (Excel stores the workbook first;
 * ExcelJS, openpyxl and others store it after the sheets). Chart sheets are not worksheets and
 * are not given. Check the package with activities/zip-guard.ts first.
 */
export async function* streamWorkbook(path: string, caps: SheetCaps): AsyncGenerator<StreamedSheet> {
  const entries = await readCentralDirectory(path);
  if ('reason' in entries) throw new DamagedPackage(entries.reason);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const part = async (name: string): Promise<Readable | null> => {
    const e = byName.get(name);
    return e ? partStream(path, e) : null;
  };
  const book = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // to tell date-formatted numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as BookReader;
  const rels = await part('xl/_rels/workbook.xml.rels');
  if (rels) await book._parseRels(rels);
  const workbook = await part('xl/workbook.xml');
  if (!workbook) throw new DamagedPackage('no xl/workbook.xml');
  await book._parseWorkbook(workbook);
  const strings = await part('xl/sharedStrings.xml');
  if (strings) for await (const _ of book._parseSharedStrings(strings)) void _;
  book.sharedStrings ??= [];
  const styles = await part('xl/styles.xml');
  if (styles) await book._parseStyles(styles);
  const date1904 = book.properties?.model?.date1904 === true;

  for (const s of book.model?.sheets ?? []) {
    const rel = book.workbookRels?.find((r) => r.Id === s.rId);
    if (!rel || !/(^|\/)worksheets\//.test(rel.Target)) continue; // a chart sheet, or no part
    const e = byName.get(partPath(rel.Target));
    if (!e) throw new DamagedPackage('a sheet part is missing');
    const reader = new WorksheetReader({ workbook: book, id: s.id, iterator: await partStream(path, e), options: book.options });
    reader.name = s.name;
    const current = new Sheet(reader, caps, date1904);
    try {
      yield current;
    } finally {
      // Whatever of it was not read goes by unparsed, and its file is closed, however we leave.
      await current.skipRest();
    }
  }
}
