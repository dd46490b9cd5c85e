/**
 * Writes .xlsx packages from sheet XML produced piece by piece, for tests that need workbooks
 * no spreadsheet program would write quickly: millions of formatted empty rows, cells beyond a
 * cap. A minimal zip (deflate, no data descriptors) of the parts a workbook needs; inline
 * strings, so no shared-strings part. Generated at test time, never committed.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createDeflateRaw, crc32 } from 'node:zlib';

export interface SheetSource {
  name: string;
  /** The rows of `<sheetData>`, in pieces (a generator, so a large sheet is never one string). */
  rows: () => Iterable<string>;
}

const esc = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
export function columnLetters(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

/** One row of inline-string (or numeric) cells. */
export function rowXml(r: number, values: (string | number | null)[]): string {
  const cells = values
    .map((v, i) => {
      if (v === null) return '';
      const ref = `${columnLetters(i + 1)}${r}`;
      return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
    })
    .join('');
  return `<row r="${r}">${cells}</row>`;
}

/** A formatted row with nothing in it (style 1 is a yellow fill). */
export function emptyStyledRow(r: number): string {
  return `<row r="${r}" s="1" customFormat="1"/>`;
}

function* parts(sheet: SheetSource): Iterable<string> {
  yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  let buf = '';
  for (const piece of sheet.rows()) {
    buf += piece;
    if (buf.length >= 1 << 16) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}</sheetData></worksheet>`;
}

export interface PackageOptions {
  /**
   * Put an (empty) shared-strings part before the sheets, as some writers do: exceljs then parses
   * the sheets straight from the zip instead of setting them aside in temporary files first.
   */
  sharedStringsFirst?: boolean;
}

export async function writeXlsx(path: string, sheets: SheetSource[], opts: PackageOptions = {}): Promise<void> {
  const rel = (id: number, type: string, target: string) =>
    `<Relationship Id="rId${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/>`;
  const entries: { name: string; parts: Iterable<string> }[] = [
    {
      name: '[Content_Types].xml',
      parts: [
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
          sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
          '</Types>',
      ],
    },
    {
      name: '_rels/.rels',
      parts: [`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rel(1, 'officeDocument', 'xl/workbook.xml')}</Relationships>`],
    },
    {
      name: 'xl/workbook.xml',
      parts: [
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
          sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
          '</sheets></workbook>',
      ],
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      parts: [
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          sheets.map((_, i) => rel(i + 1, 'worksheet', `worksheets/sheet${i + 1}.xml`)).join('') +
          rel(sheets.length + 1, 'styles', 'styles.xml') +
          '</Relationships>',
      ],
    },
    {
      name: 'xl/styles.xml',
      parts: [
        '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
          '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills>' +
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf fillId="2" applyFill="1"/></cellXfs></styleSheet>',
      ],
    },
    ...(opts.sharedStringsFirst
      ? [{ name: 'xl/sharedStrings.xml', parts: ['<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'] }]
      : []),
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, parts: parts(s) })),
  ];

  const out = createWriteStream(path);
  let offset = 0;
  const put = async (b: Buffer): Promise<void> => {
    offset += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  const central: Buffer[] = [];
  for (const e of entries) {
    const deflate = createDeflateRaw();
    const compressed: Buffer[] = [];
    deflate.on('data', (c: Buffer) => compressed.push(c));
    const ended = once(deflate, 'end');
    let crc = 0;
    let size = 0;
    for (const piece of e.parts) {
      const b = Buffer.from(piece, 'utf8');
      crc = crc32(b, crc);
      size += b.length;
      if (!deflate.write(b)) await once(deflate, 'drain');
    }
    deflate.end();
    await ended;
    const data = Buffer.concat(compressed);
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const at = offset;
    await put(local);
    await put(name);
    await put(data);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc >>> 0, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(at, 42);
    central.push(dir, name);
  }
  const cd = Buffer.concat(central);
  const cdAt = offset;
  await put(cd);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(cdAt, 16);
  await put(end);
  out.end();
  await once(out, 'finish');
}
