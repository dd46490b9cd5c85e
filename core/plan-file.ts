/**
 * Which improvement-plan tracker a night reads (`<landing>/plan/`). Pure: the name rule, and the
 * choice among the files pull found tonight. Not the figures (activities/improvement-plan.ts).
 *
 * - Any `.xlsx` or `.csv` name is a tracker. A date at the end of the name
 *   (`improvement_plan_2015-02-28.xlsx`) is the tracker's own date: a tracker dated after the
 *   as-of date waits for a later night, and no action in it may be completed after that date.
 *   An undated name is read as it is now, on every night.
 * - The tracker that counts on a night is, of the trackers in the landing folder tonight that
 *   loaded (not rejected whole, not waiting), the one whose name sorts last: dated copies of one
 *   tracker sort by their date, and a tracker taken out of the folder stops counting.
 */
import { isIsoDate } from './dates.js';
import type { FoundFile } from './night.js';

export const PLAN_LIST = 'plan_actions';

const DATED = /_(\d{4}-\d{2}-\d{2})\.(xlsx|csv)$/i;

/** What a plan file's name says: its list and date (null when undated), or why it cannot be used. */
export function classifyPlanName(name: string): { list: string; extractDate: string | null } | { reason: string } {
  if (name.startsWith('~$')) return { reason: 'an Excel lock file (the tracker was open when copied); it is not an improvement plan tracker' };
  const ext = /\.[^.]*$/.exec(name)?.[0].toLowerCase() ?? '';
  if (ext !== '.xlsx' && ext !== '.csv') return { reason: `an improvement plan tracker must be .xlsx or .csv, not "${ext || 'no extension'}"` };
  const date = DATED.exec(name)?.[1] ?? null;
  if (date !== null && !isIsoDate(date)) return { reason: `the date ${date} at the end of the file name is not a real date; write it as YYYY-MM-DD or leave it out` };
  return { list: PLAN_LIST, extractDate: date };
}

/**
 * Tonight's tracker among the files found: plan files new or already loaded tonight whose bytes
 * are recorded as loaded (`loaded`: sha256s of meta.files with status loaded), by name, last.
 */
export function tonightsPlanFile(found: readonly FoundFile[], loaded: ReadonlySet<string>): FoundFile | null {
  const candidates = found.filter(
    (f) => f.source === 'plan' && (f.status === 'new' || f.status === 'already_loaded') && f.sha256 !== null && loaded.has(f.sha256),
  );
  candidates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return candidates.at(-1) ?? null;
}
