/**
 * Reads an .xlsx workbook as a stream: sheet by sheet (by name), row by row, never the whole
 * workbook in memory, with a cap on the rows and the filled cells of each sheet. A sheet of a
 * million formatted empty rows costs a pass over its XML and nothing kept. Built on exceljs's
 * streaming reader (`stream.xlsx.WorkbookReader`), which keeps only the shared strings and
 * styles; check the package with activities/zip-guard.ts before opening it here.
 *
 * Used by the audit workbooks (activities/load-xlsx.ts); made to serve any sheet-per-list
 * workbook. Cell values are exceljs's: text, numbers (an id typed as a number comes back as the
 * number 7961370, whose text is "7961370"), booleans, Dates for date-formatted cells, formula
 * cells with their cached `result`, rich text, errors. Not for writing, and no merged-cell logic:
 * a merged range has its value in its first cell, as Excel's own CSV export gives it.
 *
 * Stopping early is cheap: leave a sheet's `rows()` (break) and the rest of that sheet is skipped
 * unparsed; leave the workbook and everything left is skipped and closed. Sheets come in the
 * order the package stores them (the workbook's order for files from Excel and LibreOffice).
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Limits } from '../core/limits.js';

export type CellValue = ExcelJS.CellValue;

export type SheetCaps = Pick<Limits, 'max_sheet_rows' | 'max_sheet_cells'>;

export interface SheetRow {
  /** The sheet's row number, as Excel shows it. */
  number: number;
  /** Column A first; an empty cell is null. Rows with no value at all are not yielded. */
  cells: CellValue[];
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
  /** The sheet's XML: a file stream (a sheet exceljs set aside in a temporary file) or an iterator over the zip entry. */
  iterator: { destroy(): void } | AsyncIterator<unknown>;
  parse(): AsyncIterator<{ eventType: string; value: unknown }[]>;
}

interface BookReader {
  properties?: { model?: { date1904?: boolean } };
  stream?: { destroy(): void };
  [Symbol.asyncIterator](): AsyncIterator<SheetReader>;
}

function hasValue(v: CellValue): boolean {
  return v !== null && v !== undefined && v !== '';
}

/**
 * Lets the rest of a sheet's XML go by without parsing it: a file stream is closed; an entry of
 * the zip is drained chunk by chunk (nothing kept), so exceljs can go on to the next entry.
 */
async function skipUnread(sheet: SheetReader): Promise<void> {
  const it = sheet.iterator;
  if ('destroy' in it && typeof it.destroy === 'function') {
    const file = it as unknown as Readable;
    if (!file.closed) {
      const closed = once(file, 'close');
      file.destroy();
      await closed;
    }
    return;
  }
  const chunks = it as AsyncIterator<unknown>;
  for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
    // drained
  }
}

class Sheet implements StreamedSheet {
  readonly name: string;
  private started = false;
  private finished = false;

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
        row.eachCell((cell, col) => {
          if (hasValue(cell.value)) values[col - 1] = cell.value;
        });
        if (values.length === 0) continue; // formatted but empty: nothing to yield
        let filled = 0;
        for (let i = 0; i < values.length; i++) {
          if (values[i] === undefined) values[i] = null;
          else filled++;
        }
        cells += filled;
        if (cells > this.caps.max_sheet_cells) throw new SheetOverLimit(this.name, 'max_sheet_cells', number);
        yield { number, cells: values };
      }
    }
    this.finished = true;
  }

  /** Whatever of the sheet was not read (all of it, or the rest after a break or a cap) goes by unparsed. */
  async skipRest(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await skipUnread(this.reader);
  }
}

/** The workbook's sheets, one after another; a sheet's rows must be read before the next sheet is asked for. */
export async function* streamWorkbook(path: string, caps: SheetCaps): AsyncGenerator<StreamedSheet> {
  const book = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // to tell date-formatted numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as BookReader;
  const sheets = book[Symbol.asyncIterator]();
  let current: Sheet | null = null;
  let done = false;
  try {
    for (;;) {
      const next = await sheets.next();
      if (next.done) {
        done = true;
        return;
      }
      current = new Sheet(next.value, caps, book.properties?.model?.date1904 === true);
      yield current;
      await current.skipRest();
      current = null;
    }
  } finally {
    if (!done) {
      // Left early (a cap, an error, or the caller is done): let the rest go by unparsed, so
      // exceljs removes its temporary files and no file stays open.
      try {
        await current?.skipRest();
        for (let next = await sheets.next(); !next.done; next = await sheets.next()) await skipUnread(next.value);
      } catch {
        // a damaged package fails again here; closing the file below is what matters
      } finally {
        book.stream?.destroy();
      }
    }
  }
}
