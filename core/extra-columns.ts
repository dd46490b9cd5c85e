/**
 * A file's columns that no contract column matches. sources.md: "unknown extra columns are kept in
 * raw but ignored" — so they are kept, in `raw.<list>.extra_columns` (a MAP from a key per column
 * to the cell's text), listed in `meta.files.columns_seen` after the contract columns, and named
 * to the data officer ("2 extra columns kept but not used: …"). Header names may be shown; no
 * cell below them ever is. Pure: no IO.
 *
 * A key is the header as written, trimmed. A blank header is `column N` (N its position, from 1);
 * a key already taken — by an earlier extra column, or by a warehouse column name of the list
 * (`cin_plan_start_date` written that way is not the contract's `CIN Plan Start Date`) — gets
 * ` (column N)`. So every key is unique, and none reads as a contract column in `columns_seen`.
 */
import type { ListContract } from './contracts/lists.js';
import { snakeCase } from './contracts/naming.js';
import { shownName } from './shown-text.js';

export interface ExtraColumn {
  /** Position in the file's header, from 0. */
  position: number;
  key: string;
}

/** How a workbook's sheet, written as CSV, names a blank header cell (activities/load-xlsx.ts). */
const SHEET_BLANK = /^__blank_\d+$/;

/** The warehouse column names of a list (snake_case), which no extra column's key may be. */
export function listColumnNames(contract: ListContract): Set<string> {
  return new Set(Object.keys(contract.columns).map(snakeCase));
}

/**
 * The extra columns of a header: every position `positions` leaves unmatched (null), except
 * `skip` (a workbook sheet's own row-number column).
 */
export function extraColumns(contract: ListContract, header: readonly string[], positions: readonly (string | null)[], skip?: number): ExtraColumn[] {
  const taken = listColumnNames(contract);
  const out: ExtraColumn[] = [];
  header.forEach((cell, position) => {
    if (positions[position] !== null || position === skip) return;
    const name = cell.trim();
    let key = name === '' || SHEET_BLANK.test(name) ? `column ${position + 1}` : name;
    if (taken.has(key)) key = `${key} (column ${position + 1})`;
    taken.add(key);
    out.push({ position, key });
  });
  return out;
}

/** The extra columns recorded in a file's `meta.files.columns_seen`: whatever is not a column of its list. */
export function extraColumnsSeen(contract: ListContract, columnsSeen: readonly string[]): string[] {
  const own = listColumnNames(contract);
  return columnsSeen.filter((c) => !own.has(c));
}

const NAMES_SHOWN = 10;

/** "2 extra columns kept but not used: “Local Notes”, “Team”", or null when there are none. */
export function extraColumnsText(keys: readonly string[]): string | null {
  if (keys.length === 0) return null;
  const shown = keys.slice(0, NAMES_SHOWN).map((k) => `“${shownName(k)}”`).join(', ');
  const more = keys.length > NAMES_SHOWN ? `, and ${keys.length - NAMES_SHOWN} more` : '';
  return `${keys.length} extra column${keys.length === 1 ? '' : 's'} kept but not used: ${shown}${more}`;
}
