/**
 * The streaming workbook reader (activities/xlsx-stream.ts): sheets by name, rows with their
 * sheet row numbers and exceljs values (an id typed as a number keeps its digits), blank and
 * formatted-empty rows skipped, the row and cell caps, and stopping early — whether exceljs read
 * the sheets from temporary files or straight from the zip — leaves no file open.
 */
import { readdir } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { SheetOverLimit, streamWorkbook, type CellValue, type SheetCaps } from '../activities/xlsx-stream.js';
import { emptyStyledRow, rowXml, writeXlsx } from './helpers/xlsx-package.js';

const BIG: SheetCaps = { max_sheet_rows: 1_048_576, max_sheet_cells: 10_000_000 };

async function readAll(path: string, caps = BIG): Promise<Record<string, { number: number; cells: CellValue[] }[]>> {
  const out: Record<string, { number: number; cells: CellValue[] }[]> = {};
  for await (const sheet of streamWorkbook(path, caps)) {
    out[sheet.name] = [];
    for await (const row of sheet.rows()) out[sheet.name]!.push(row);
  }
  return out;
}

async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

describe('the streaming workbook reader', () => {
  it('gives each sheet by name with its rows, values as exceljs reads them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-xlsx-'));
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('List 1').addRows([['ID', 'Date', 'Sum'], [7961370, new Date(Date.UTC(2015, 0, 5)), { formula: 'A2+1', result: 7961371 }]]);
    const two = wb.addWorksheet('List 2');
    two.getRow(2).values = ['A1', null, 'x'];
    two.getRow(5).values = ['A2'];
    two.getRow(6).getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } }; // formatted, empty
    const path = join(dir, 'lists.xlsx');
    await wb.xlsx.writeFile(path);

    const read = await readAll(path);
    expect(Object.keys(read)).toEqual(['List 1', 'List 2']);
    expect(read['List 1']).toEqual([
      { number: 1, cells: ['ID', 'Date', 'Sum'] },
      { number: 2, cells: [7961370, new Date(Date.UTC(2015, 0, 5)), { formula: 'A2+1', result: 7961371 }] },
    ]);
    expect(String(read['List 1']![1]!.cells[0])).toBe('7961370'); // never "7961370.0"
    expect(read['List 2']).toEqual([
      { number: 2, cells: ['A1', null, 'x'] },
      { number: 5, cells: ['A2'] },
    ]);
  });

  it('reads every sheet, in the workbook’s order, of a package that stores the workbook part after many sheets (ExcelJS, openpyxl)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-xlsx-'));
    const wb = new ExcelJS.Workbook();
    const names = ['Guidance', ...Array.from({ length: 11 }, (_, i) => `List ${i + 1}`)];
    for (const [i, name] of names.entries()) wb.addWorksheet(name).addRows([['Child Unique ID'], [1000 + i]]);
    // Reorder the tabs: the workbook's order is no longer the order of the parts in the zip.
    (wb.getWorksheet('Guidance') as ExcelJS.Worksheet & { orderNo: number }).orderNo = 99;
    const path = join(dir, 'eleven.xlsx');
    await wb.xlsx.writeFile(path);
    const read = await readAll(path);
    expect(Object.keys(read)).toEqual([...names.slice(1), 'Guidance']);
    expect(read['List 11']).toEqual([
      { number: 1, cells: ['Child Unique ID'] },
      { number: 2, cells: [1011] },
    ]);
  });

  it('stops a sheet at its row cap (counted by row number, empty rows included) and at its cell cap (filled cells only)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-xlsx-'));
    const path = join(dir, 'caps.xlsx');
    await writeXlsx(path, [
      {
        name: 'Audits',
        *rows() {
          yield rowXml(1, ['a', 'b', 'c']);
          for (let r = 2; r <= 1000; r++) yield emptyStyledRow(r);
          yield rowXml(1001, ['d', 'e', 'f']);
          yield rowXml(1002, ['g', null, 'h']);
        },
      },
    ]);
    const caught = async (caps: SheetCaps): Promise<unknown> => readAll(path, caps).then(() => null, (e: unknown) => e);
    expect(Object.values(await readAll(path, { max_sheet_rows: 1002, max_sheet_cells: 8 }))[0]!.map((r) => r.number)).toEqual([1, 1001, 1002]);
    const rows = await caught({ max_sheet_rows: 999, max_sheet_cells: 100 });
    expect(rows).toBeInstanceOf(SheetOverLimit);
    expect(rows).toMatchObject({ sheet: 'Audits', limit: 'max_sheet_rows', row: 1000 });
    // 3 + 3 filled cells by row 1001, 8 by row 1002: the 1000 formatted empty rows cost nothing.
    expect(await caught({ max_sheet_rows: 2000, max_sheet_cells: 7 })).toMatchObject({ sheet: 'Audits', limit: 'max_sheet_cells', row: 1002 });
  });

  it('skips what the caller leaves unread and leaves no file open, from temporary files or straight from the zip', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-xlsx-'));
    const sheets = ['One', 'Two', 'Three'].map((name, s) => ({
      name,
      *rows() {
        for (let r = 1; r <= 20_000; r++) yield rowXml(r, [`${name}-${r}`, r * 10 + s]);
      },
    }));
    for (const sharedStringsFirst of [false, true]) {
      const path = join(dir, `three-${sharedStringsFirst}.xlsx`);
      await writeXlsx(path, sheets, { sharedStringsFirst });
      const before = await openFds();
      for (let k = 0; k < 3; k++) {
        // First rows of each sheet only.
        const firsts: CellValue[] = [];
        for await (const sheet of streamWorkbook(path, BIG)) {
          for await (const row of sheet.rows()) {
            firsts.push(row.cells[0]!);
            break;
          }
        }
        expect(firsts).toEqual(['One-1', 'Two-1', 'Three-1']);
        // The first sheet's first rows, then leave the workbook altogether.
        for await (const sheet of streamWorkbook(path, BIG)) {
          let n = 0;
          for await (const row of sheet.rows()) if (++n === 3) expect(row.cells).toEqual(['One-3', 30]);
          break;
        }
        // A cap in the middle of the first sheet: the others are never parsed.
        const capped = await (async () => {
          for await (const sheet of streamWorkbook(path, { max_sheet_rows: 15_000, max_sheet_cells: 1e9 })) {
            for await (const row of sheet.rows()) void row;
          }
        })().catch((e: unknown) => e);
        expect(capped).toMatchObject({ sheet: 'One', limit: 'max_sheet_rows', row: 15_001 });
      }
      expect(await openFds()).toBe(before);
    }
  });
});
