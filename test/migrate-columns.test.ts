/**
 * A column added to a list's contract reaches a warehouse made before it: migrate adds it, empty,
 * to that list's raw and core tables, and rows loaded before keep their values. The older
 * warehouse here also predates raw as a view (issue 19): its raw table's rows move to raw_rows,
 * where raw.<list> shows them.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../activities/migrate.js';
import { Warehouse } from '../activities/warehouse.js';
import { query, tempNight } from './helpers/landing.js';

describe('migrate', () => {
  it('adds a contract column an older warehouse lacks to raw and core, keeping the rows', async () => {
    const t = await tempNight();
    await Warehouse.with(t.warehouse, async (w) => {
      await migrate(w);
      // The layout before Annex A's headings were added to list 3.
      await w.run('ALTER TABLE core.referrals DROP COLUMN number_of_referrals_in_last_12_months');
      // raw.referrals a table, as before issue 19.
      await w.run('DROP VIEW raw.referrals');
      await w.run('CREATE TABLE raw.referrals AS SELECT * EXCLUDE (number_of_referrals_in_last_12_months) FROM raw_rows.referrals');
      await w.run('DROP TABLE raw_rows.referrals');
      await w.run("INSERT INTO core.referrals (file_sha256, extract_date, line, child_unique_id) VALUES ('f', DATE '2015-01-31', 2, 'C1')");
      await w.run("INSERT INTO raw.referrals (file_sha256, line, child_unique_id) VALUES ('f', 2, 'C1')");
      await migrate(w);
    });
    const cols = `SELECT table_schema || '.' || data_type AS t FROM information_schema.columns
                  WHERE table_name = 'referrals' AND column_name = 'number_of_referrals_in_last_12_months' ORDER BY 1`;
    expect(await query(t, cols)).toEqual([{ t: 'core.INTEGER' }, { t: 'raw.VARCHAR' }, { t: 'raw_rows.VARCHAR' }]);
    expect(await query(t, "SELECT table_schema, table_type FROM information_schema.tables WHERE table_name = 'referrals' ORDER BY 1")).toEqual([
      { table_schema: 'core', table_type: 'BASE TABLE' },
      { table_schema: 'raw', table_type: 'VIEW' },
      { table_schema: 'raw_rows', table_type: 'BASE TABLE' },
    ]);
    expect(await query(t, 'SELECT child_unique_id, line, number_of_referrals_in_last_12_months AS n FROM raw.referrals')).toEqual([{ child_unique_id: 'C1', line: '2', n: null }]);
    expect(await query(t, 'SELECT child_unique_id, number_of_referrals_in_last_12_months AS n FROM core.referrals')).toEqual([{ child_unique_id: 'C1', n: null }]);
  });
});
