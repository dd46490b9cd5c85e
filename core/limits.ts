/**
 * The limits a single landing file is held to (`config/limits.json`), so that no one file — a
 * runaway export, a damaged file, a hostile one — can exhaust the worker's memory or time. A file
 * over a limit is rejected with a reason naming the limit (`limits.max_line_bytes`), never a
 * failed night. Pure: parsing and wording; reading the file is activities/limits-config.ts.
 *
 * Every key has a default, so the file may name only what a council changes; an unknown key is
 * an error (a misspelt limit that silently did not apply would be worse than none).
 */
import { z } from 'zod';

export const LIMITS_CONFIG = 'config/limits.json';

const MIB = 1024 ** 2;
const count = z.number().int().positive();

export const limitsConfig = z.strictObject({
  version: z.literal(1),
  /**
   * A CSV extract of 10 M rows is about 1 GiB, so 2 GiB leaves room for a large council while
   * refusing a runaway export.
   */
  max_csv_bytes: count.default(2 * 1024 * MIB),
  /** A QA workbook is a few hundred KB; 100 MB on disk is far beyond any real one. */
  max_xlsx_bytes: count.default(100 * MIB),
  /** Real audit workbooks unpack to a few MB; checked before any XML is parsed (zip bombs). */
  max_xlsx_unpacked_bytes: count.default(512 * MIB),
  /**
   * A workbook's shared strings and cell formats are held in memory while its sheets stream by
   * (about 3 bytes of memory per byte of XML for short texts); a real one holds a few MB.
   */
  max_xlsx_kept_part_bytes: count.default(64 * MIB),
  /** The longest record of a CSV (or row of a sheet, as CSV). Real records are under 1 KB. */
  max_line_bytes: count.default(1 * MIB),
  /** Columns in a header. The widest contract list has about 20; exports add a few more. */
  max_columns: count.default(1000),
  /** The highest row a sheet may hold, empty or not: Excel's own maximum. */
  max_sheet_rows: count.default(1_048_576),
  /** Cells holding a value in one sheet (empty cells cost nothing and are not counted). */
  max_sheet_cells: count.default(10_000_000),
  /**
   * Folder levels below the landing folder that the walk opens, looking for files that are not
   * where a source lives (`hr-old/2014/` is 2). A deeper folder is listed, not opened.
   */
  max_landing_depth: count.default(4),
  /**
   * Entries listed as ignored, one by one (files outside the source folders, empty or too-deep
   * folders, files of a kind their source folder does not take); past it, one entry says the rest
   * were not looked at. Each entry travels in the night's payloads, so this also keeps them small.
   */
  max_landing_entries: count.default(200),
});

export type Limits = z.infer<typeof limitsConfig>;
export type LimitName = Exclude<keyof Limits, 'version'>;

export const DEFAULT_LIMITS: Limits = limitsConfig.parse({ version: 1 });

/** Parses the file's text; errors, never a throw. */
export function parseLimits(text: string, file = LIMITS_CONFIG): { value?: Limits; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = limitsConfig.safeParse(json);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  return { value: parsed.data, errors: [] };
}

/** A byte count as a person reads it: "1 MB", "2048 MB", "512 KB" (binary units, rounded). */
export function sizeText(bytes: number): string {
  if (bytes >= MIB) return `${Math.round(bytes / MIB)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** How a limit is named in a reason: its value and where to change it. */
export function limitText(limits: Limits, name: LimitName): string {
  const v = limits[name];
  const shown = name.endsWith('_bytes') ? sizeText(v) : v.toLocaleString('en-GB');
  return `the ${shown} limit (limits.${name} in ${LIMITS_CONFIG})`;
}
