/**
 * Checks an .xlsx package before any XML in it is parsed: it must be a zip with a workbook part,
 * and what it unpacks to must be of a believable size. The sizes the central directory declares
 * are checked first (cheap), then every entry is inflated to nowhere with a running byte count,
 * so a package that lies about its sizes is caught too. A workbook bomb (a few KB that unpack to
 * gigabytes) is refused without being held in memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { DEFAULT_LIMITS, limitText, sizeText, type Limits } from '../core/limits.js';
/** Sheet XML compresses 5–20×; an entry over 1 MiB unpacked that compresses more than 200× is not a spreadsheet. */
export const MAX_ENTRY_RATIO = 200;
const RATIO_FLOOR = 1024 ** 2;

export interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  uncompressed: number;
  localOffset: number;
}

const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** The entries of a zip's central directory, or the reason the file is not a readable zip. */
export async function readCentralDirectory(path: string): Promise<ZipEntry[] | { reason: string }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    if (head.equals(OLE)) {
      return { reason: 'not an .xlsx workbook: it is an old-style .xls file or a password-protected workbook; remove the password and save it as “Excel Workbook (.xlsx)”' };
    }
    if (head.readUInt32LE(0) !== 0x04034b50) return { reason: 'not an .xlsx workbook (it is not a zip package): save it from Excel as “Excel Workbook (.xlsx)”' };
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return { reason: 'the workbook is damaged or cut short (its zip directory is missing): copy or save it again' };
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) return { reason: 'the workbook is a ZIP64 package (over 4 GB unpacked): far beyond any audit workbook' };
    if (cdOffset + cdSize > size) return { reason: 'the workbook is damaged or cut short (its zip directory points past the end): copy or save it again' };
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) return { reason: 'the workbook is damaged (its zip directory is unreadable): copy or save it again' };
      const nameLen = cd.readUInt16LE(p + 28);
      entries.push({
        name: cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
        method: cd.readUInt16LE(p + 10),
        compressed: cd.readUInt32LE(p + 20),
        uncompressed: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/**
 * A zip entry's name as a reason may show it: the names Excel writes (`xl/worksheets/sheet1.xml`)
 * as they are; any other is file content, so it is not shown.
 */
function partName(name: string): string {
  return /^(?:(?:xl|docProps|_rels|customXml)\/[A-Za-z0-9_./-]{1,80}|\[Content_Types\]\.xml)$/.test(name) ? name : '(a part whose name is not shown)';
}

function tooBig(what: string): string {
  return `the workbook ${what}: not a real audit workbook (a “zip bomb” or a damaged file), so it was not opened`;
}

/** Null when the package may be opened; otherwise why not. The unpacked size is limits.max_xlsx_unpacked_bytes. */
/**
 * The parts a streaming read keeps whole in memory while it reads the sheets (the sheets
 * themselves stream): every shared string, every cell format. Held to their own, smaller limit.
 */
const KEPT_PARTS: Record<string, string> = {
  'xl/sharedStrings.xml': 'table of texts (xl/sharedStrings.xml)',
  'xl/styles.xml': 'table of cell formats (xl/styles.xml)',
};

export async function checkXlsxPackage(path: string, limits: Pick<Limits, 'max_xlsx_unpacked_bytes' | 'max_xlsx_kept_part_bytes'> = DEFAULT_LIMITS): Promise<string | null> {
  const maxUnpacked = limits.max_xlsx_unpacked_bytes;
  const keptTooBig = (e: ZipEntry, size: string): string =>
    `the workbook's ${KEPT_PARTS[e.name]} unpacks to ${size}, over ${limitText({ ...DEFAULT_LIMITS, ...limits }, 'max_xlsx_kept_part_bytes')}: far more text or formats than any audit workbook; copy the audits into a new workbook and save it again`;
  const entries = await readCentralDirectory(path);
  if ('reason' in entries) return entries.reason;
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
    return 'not an Excel workbook: the package has no xl/workbook.xml (a Word or other zip file renamed .xlsx?); save the audits from Excel as .xlsx';
  }
  let declared = 0;
  for (const e of entries) {
    declared += e.uncompressed;
    if (KEPT_PARTS[e.name] && e.uncompressed > limits.max_xlsx_kept_part_bytes) return keptTooBig(e, sizeText(e.uncompressed));
    if (e.uncompressed > RATIO_FLOOR && e.uncompressed > MAX_ENTRY_RATIO * Math.max(e.compressed, 1)) {
      return tooBig(`part ${partName(e.name)} unpacks ${Math.round(e.uncompressed / Math.max(e.compressed, 1))}× (${e.uncompressed} bytes from ${e.compressed})`);
    }
  }
  if (declared > maxUnpacked) return tooBig(`unpacks to ${sizeText(declared)}, over ${limitText({ ...DEFAULT_LIMITS, ...limits }, 'max_xlsx_unpacked_bytes')}`);
  // Do not trust the declared sizes: inflate each entry, counting, and stop at the limit.
  let actual = 0;
  const fh = await open(path, 'r');
  try {
    for (const e of entries) {
      if (e.method !== 8 && e.method !== 0) return `the workbook uses zip compression method ${e.method}, which Excel does not write; save it again from Excel`;
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, e.localOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) return 'the workbook is damaged (a zip entry is missing): copy or save it again';
      const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (e.compressed === 0) continue;
      const kept = KEPT_PARTS[e.name] ? limits.max_xlsx_kept_part_bytes : Infinity;
      const budget = Math.min(maxUnpacked - actual, Math.max(RATIO_FLOOR, MAX_ENTRY_RATIO * e.compressed), kept);
      const n = e.method === 0 ? e.compressed : await inflatedSize(path, start, e.compressed, budget);
      if (n > kept) return keptTooBig(e, `more than ${sizeText(kept)}`);
      if (n > budget) return tooBig(`part ${partName(e.name)} unpacks to over ${budget} bytes although it declares ${e.uncompressed}`);
      actual += n;
    }
  } finally {
    await fh.close();
  }
  return null;
}

/** Bytes the raw-deflate stream at [start, start+len) inflates to, stopping once over `budget`. */
async function inflatedSize(path: string, start: number, len: number, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const src = createReadStream(path, { start, end: start + len - 1 });
    const inflate = createInflateRaw();
    const stop = () => {
      src.destroy();
      inflate.destroy();
      resolve(n);
    };
    inflate.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > budget) stop();
    });
    inflate.on('end', () => resolve(n));
    inflate.on('error', () => reject(new Error('the workbook is damaged (a part does not unpack)')));
    src.on('error', reject);
    src.pipe(inflate);
  });
}
