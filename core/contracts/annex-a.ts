/**
 * Ofsted's Annex A workbook (sources.md v2): one sheet a list, `List 1` … `List 11`, delivered as
 * `case-system/annex_a_<YYYY-MM-DD>.xlsx`. Which sheet is which list, and what the file is called.
 * Pure: the loader is activities/load-annex-a.ts.
 */

/** The list (file prefix) of an Annex A workbook in `FoundFile.list` and `meta.files.list`: not a table. */
export const ANNEX_A_WORKBOOK = 'annex_a';

/** Annex A's list numbers and the `core` table each loads into. */
export const ANNEX_A_LISTS: ReadonlyMap<number, string> = new Map([
  [1, 'contacts'],
  [2, 'early_help'],
  [3, 'referrals'],
  [4, 'assessments'],
  [5, 'section_47'],
  [6, 'children_in_need'],
  [7, 'child_protection'],
  [8, 'children_looked_after'],
  [9, 'care_leavers'],
  [10, 'adoption'],
  [11, 'adopters'],
]);

/** `annex_a_2015-02-28.xlsx` (any case): the extract date, or null when the name is not a workbook's. */
export function annexAWorkbookDate(fileName: string): string | null {
  return /^annex_a_(\d{4}-\d{2}-\d{2})\.xlsx$/i.exec(fileName)?.[1] ?? null;
}

/**
 * The list number a sheet's name reads: `List 3`, `list 3`, `LIST  10`, `List 3 - Referrals`,
 * `List3`, ` List 03 `. The name must start with "List" (after spaces); words may follow the number.
 * Null for any other name (`Guidance`, `Annex A`, `Lists`).
 */
export function sheetListNumber(sheetName: string): number | null {
  const m = /^list\s*(\d+)(?!\d)/i.exec(sheetName.trim());
  return m ? Number(m[1]) : null;
}
