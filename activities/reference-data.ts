/**
 * Reference data in the warehouse: schema `ref` with England and Wales bank holidays and the
 * working-day calendar (see sql/reference/calendar.sql for the tables and how to count working
 * days). Idempotent: every object is CREATE OR REPLACE'd, inside one transaction, so a failed
 * load leaves the previous reference tables as they were.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { runScript } from './warehouse.js';

/** Paths relative to the project root. */
export const BANK_HOLIDAYS_CSV = join('reference', 'bank-holidays-england-and-wales.csv');
export const CALENDAR_SQL = join('sql', 'reference', 'calendar.sql');
/** The working-days macro over the calendar (made again by every migrate). */
export const WORKING_DAYS_SQL = join('sql', 'reference', 'working_days.sql');

export async function loadReferenceData(conn: DuckDBConnection, projectRoot: string): Promise<void> {
  const sql = await readFile(join(projectRoot, CALENDAR_SQL), 'utf8');
  const params: Record<string, DuckDBValue> = {
    bank_holidays_csv: join(projectRoot, BANK_HOLIDAYS_CSV),
  };

  await conn.run('BEGIN TRANSACTION');
  try {
    await runScript(conn, sql, params);
    const check = await conn.runAndReadAll(
      'SELECT count(*) AS n, count(*) FILTER (WHERE isodow(date) > 5) AS weekend FROM ref.bank_holidays',
    );
    const [n, weekend] = check.getRows()[0] ?? [];
    if (!n) throw new Error(`${BANK_HOLIDAYS_CSV} loaded no rows`);
    if (weekend) {
      throw new Error(`${BANK_HOLIDAYS_CSV} lists ${String(weekend)} weekend date(s); list the substitute weekday instead`);
    }
    await loadWorkingDaysMacro(conn, projectRoot);
    await conn.run('COMMIT');
  } catch (err) {
    // Keep the original error; a failed ROLLBACK has nothing better to say.
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * (Re)makes `ref.working_days_between` over the calendar: with the calendar on its first load, and
 * by every migrate after (sql/reference/working_days.sql says why).
 */
export async function loadWorkingDaysMacro(conn: DuckDBConnection, projectRoot: string): Promise<void> {
  await runScript(conn, await readFile(join(projectRoot, WORKING_DAYS_SQL), 'utf8'), {});
}
