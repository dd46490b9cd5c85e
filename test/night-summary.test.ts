/** The summary `csc-kpi run` prints: one line per KPI, values in one column however long the id. */
import { describe, expect, it } from 'vitest';
import { formatNightSummary } from '../cli/summary.js';

describe('night summary', () => {
  it('lines the values up under the longest KPI id', () => {
    const kpi = (id: string, value: number | null) => ({ kpi: id, value, periodEnd: '2015-02-28', definitionVersion: 'sha256:x' });
    const text = formatNightSummary({
      asOf: '2015-02-28',
      snapshotId: 's',
      published: true,
      snapshotPath: '/home/snapshots/s',
      filesLoaded: 1,
      filesRejected: 0,
      rowsLoaded: 2,
      rowsRejected: 0,
      kpis: [kpi('avg_caseload', 10.4), kpi('care_leavers_suitable_accommodation_pct', 88), kpi('audits_good_or_better_pct', null)],
    });
    const lines = text.split('\n').filter((l) => l.includes('period ending'));
    expect(lines).toHaveLength(3);
    // 'care_leavers_suitable_accommodation_pct' is 39 characters: every value starts after it and one space.
    expect(lines.map((l) => l.indexOf('period ending'))).toEqual([2 + 39 + 1 + 20 + 1, 2 + 39 + 1 + 20 + 1, 2 + 39 + 1 + 20 + 1]);
    expect(lines[1]).toContain('care_leavers_suitable_accommodation_pct 88 ');
    expect(lines[2]).toContain('withheld / no value');
  });
});
