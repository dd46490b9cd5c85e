/**
 * `csc-kpi query` on the analysts' warehouse: read-only, prints a drill-through as a table. The
 * warehouse is the one the night exports after publishing (activities/export-warehouse.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportWarehouse } from '../activities/export-warehouse.js';
import { formatTable, runQuery } from '../cli/commands/query.js';
import { csvOf, runKpis } from './helpers/kpi-harness.js';

describe('csc-kpi query', () => {
  it('prints the children behind cin_without_plan_6wk from a read-only warehouse, and refuses writes', async () => {
    // C1 open since 2015-01-01 (58 days at 2015-02-28), no plan → in the count; C2 looked after → listed, not counted.
    const run = await runKpis(
      {
        'case-system/children_in_need_2015-02-28.csv': csvOf('children_in_need', [
          { child_unique_id: 'C1', cin_start_date: '01/01/2015', case_status: 'Open assessment', allocated_worker: 'W1' },
          { child_unique_id: 'C2', cin_start_date: '01/01/2015', case_status: 'a) Looked after child', allocated_worker: 'W2' },
        ]),
      },
      '2015-02-28',
    );
    try {
      await exportWarehouse(run.warehouse, join(run.home, 'warehouse.duckdb'));
      const out = await runQuery(
        run.home,
        "SELECT child_unique_id, cin_start_date, days_open, case_status, in_numerator FROM drill.cin_without_plan_6wk(DATE '2015-02-28')",
      );
      expect(out).toBe(
        [
          'child_unique_id | cin_start_date | days_open | case_status        | in_numerator',
          '----------------+----------------+-----------+--------------------+-------------',
          'C1              | 2015-01-01     | 58        | Open assessment    | true',
          'C2              | 2015-01-01     | 58        | Looked after child | false',
          '(2 rows)',
          '',
        ].join('\n'),
      );
      await expect(runQuery(run.home, 'DELETE FROM kpi.values')).rejects.toThrow(/read-only/i);
      await expect(runQuery(join(run.home, 'nowhere'), 'SELECT 1')).rejects.toThrow(/No warehouse at/);
    } finally {
      await run.close();
    }
  });

  it('formats NULL as an empty cell and lists as JSON', () => {
    expect(formatTable(['a', 'b'], [[null, ['x', 'y']]])).toBe('a | b\n--+----------\n  | ["x","y"]\n(1 row)\n');
  });
});
