/**
 * Workbooks saved by real spreadsheet software: LibreOffice Calc, headless (Debian's
 * libreoffice-calc-nogui, installed by scripts/install-system-deps.sh). A CSV converts to a
 * one-sheet workbook, as a council officer's "open the CSV, save as .xlsx" would; a flat ODS
 * document (`.fods`, XML we write) converts to a workbook of several sheets with typed cells.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Converts `input` to .xlsx in `outDir` with soffice; returns the workbook's bytes. A profile of
 * its own per call, so parallel test files never share (and lock) one.
 */
export async function sofficeToXlsx(input: string, outDir: string, infilter?: string): Promise<Buffer> {
  const profile = await mkdtemp(join(tmpdir(), 'csc-kpi-soffice-'));
  try {
    await run(
      'soffice',
      [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', ...(infilter ? [`--infilter=${infilter}`] : []), '--convert-to', 'xlsx', '--outdir', outDir, input],
      { timeout: 180_000 },
    );
    return await readFile(join(outDir, `${basename(input, extname(input))}.xlsx`));
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** A cell of a flat ODS sheet. */
export type OdsCell =
  | null
  | string
  | number
  | { date: string } // an ISO date, shown dd/mm/yyyy
  | { id: number; digits: number }; // a number shown with leading zeros (format 0000000)

const esc = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function cellXml(c: OdsCell): string {
  if (c === null) return '<table:table-cell/>';
  if (typeof c === 'string') return `<table:table-cell office:value-type="string"><text:p>${esc(c)}</text:p></table:table-cell>`;
  if (typeof c === 'number') return `<table:table-cell office:value-type="float" office:value="${c}"><text:p>${c}</text:p></table:table-cell>`;
  if ('date' in c) return `<table:table-cell table:style-name="ceDate" office:value-type="date" office:date-value="${c.date}"><text:p>${c.date}</text:p></table:table-cell>`;
  return `<table:table-cell table:style-name="cePadded${c.digits}" office:value-type="float" office:value="${c.id}"><text:p>${String(c.id).padStart(c.digits, '0')}</text:p></table:table-cell>`;
}

/** A flat ODS document of the given sheets (rows of cells; a row of nulls is an empty row). */
export function fodsDocument(sheets: { name: string; rows: OdsCell[][] }[]): string {
  const digits = [...new Set(sheets.flatMap((s) => s.rows.flat()).flatMap((c) => (c !== null && typeof c === 'object' && 'digits' in c ? [c.digits] : [])))];
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <number:date-style style:name="NDate"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
 <style:style style:name="ceDate" style:family="table-cell" style:data-style-name="NDate"/>
 ${digits.map((d) => `<number:number-style style:name="NPad${d}"><number:number number:decimal-places="0" number:min-integer-digits="${d}"/></number:number-style><style:style style:name="cePadded${d}" style:family="table-cell" style:data-style-name="NPad${d}"/>`).join('\n ')}
</office:automatic-styles>
<office:body><office:spreadsheet>
${sheets.map((s) => `<table:table table:name="${esc(s.name)}">\n${s.rows.map((r) => `<table:table-row>${r.map(cellXml).join('')}</table:table-row>`).join('\n')}\n</table:table>`).join('\n')}
</office:spreadsheet></office:body></office:document>
`;
}
