/**
 * Local authority codes, read one way everywhere: the old 3-digit code (`302`, DfE's `old_la_code`)
 * and the new 9-character ONS code (`E09000003`, `new_la_code`). The council says its own in
 * `CSC_KPI_LA_CODE` or config/council.json (core/council-config.ts), a region names each of its
 * councils' in region.json (core/region-config.ts), and the benchmark files and the statistical
 * neighbour model give them as they come (core/ees-cells.ts, core/statistical-neighbours.ts).
 * Pure: no IO.
 */
import { z } from 'zod';

export const LA_CODE_RULE = 'an LA code: 3 digits (old, e.g. "302") or E and 8 digits (new, e.g. "E09000003")';

/**
 * An LA code as configuration gives it (council.json, region.json, CSC_KPI_LA_CODE): a number is an
 * old code (`82` is `082`), text is trimmed and upper-cased; English councils only, so a new code
 * starts with E.
 */
export const laCode = z
  .union([z.string(), z.number().int().min(0).max(999)])
  .transform((v) => (typeof v === 'number' ? String(v).padStart(3, '0') : v.trim().toUpperCase()))
  .pipe(z.string().regex(/^(\d{3}|E\d{8})$/, LA_CODE_RULE));

/** An old LA code as the files write it (`302`, `302.0` from a spreadsheet, `82` for 082) in its 3-digit form; null if none. */
export function oldLaCode(text: string | null | undefined): string | null {
  const t = (text ?? '').trim().replace(/\.0+$/, '');
  return /^\d{1,3}$/.test(t) ? t.padStart(3, '0') : null;
}

/** A new (ONS/GSS) LA code as the files write it, upper case; null if the text is not one. */
export function newLaCode(text: string | null | undefined): string | null {
  const t = (text ?? '').trim().toUpperCase();
  return /^[EWSN]\d{8}$/.test(t) ? t : null;
}
