/**
 * Every KPI with nothing to count. Lists present but empty (header only): no cohort anywhere →
 * value null with a reason; the count KPI is 0. No list at all (spec kpis.md v2, freshness): every
 * figure null with the reason that its data is missing — never "no referrals were received", and
 * never a count of 0.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { columnMeta } from '../core/contracts/columns.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { snakeCase } from '../core/contracts/naming.js';
import { csvOf, runKpis, runKpisOnLanding } from './helpers/kpi-harness.js';

/**
 * One row per list, every date on 1 or 2 January 2000: long before any trend point's window and
 * closed, ended or completed by then, so no KPI has a cohort (a full extract is never empty, so
 * header-only files would be rejected).
 */
function longAgoLists(asOf: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const c of CONTRACTS.values()) {
    const row: Record<string, string> = {};
    for (const [header, schema] of Object.entries(c.columns)) {
      const m = columnMeta(schema);
      const value =
        m.kind === 'date' ? (m.required ? '01/01/2000' : '02/01/2000')
        : !m.required ? undefined
        : m.kind === 'code' ? m.codes?.[0]
        : m.kind === 'flag' ? 'N'
        : m.kind === 'org_role' ? '5'
        : m.kind === 'fte' ? '1'
        : m.kind === 'count' ? '0'
        : 'X1';
      if (value !== undefined) row[snakeCase(header)] = value;
    }
    const name = c.source === 'audits' ? 'audits/QA_audits_2000.csv' : `${c.source}/${c.list}_${asOf}.csv`;
    files[name] = csvOf(c.list, [row]);
  }
  return files;
}

describe('KPIs with nothing to count', () => {
  it('lists present but empty: null with a reason for every empty cohort, and 0 for the count KPI', async () => {
    const run = await runKpis(longAgoLists('2015-02-28'), '2015-02-28');
    try {
      for (const d of await readKpiCatalogue()) {
        for (const p of await run.series(d.meta.id)) {
          if (d.meta.measure === 'count') {
            expect(p, d.meta.id).toMatchObject({ value: 0, null_reason: null });
          } else {
            expect(p.value, d.meta.id).toBeNull();
            // Care leavers have no dates to put them long ago: the one row is in the cohort, its Activity
            // Status and Suitability blank ("Every care leaver … has a blank …"). Points before the
            // extract have no care leavers extract at all: missing data, said as such.
            expect(p.null_reason, d.meta.id).toMatch(/^(No|Nobody|Every) .+, so there is no .+ to report\.$/);
          }
        }
      }
    } finally {
      await run.close();
    }
  });

  it('no extract of a list on or before as-of: every figure reading it is null with that reason, the count KPI too', async () => {
    // Every extract is dated after as-of (left for a later night) and there is no audit workbook: nothing is on hand.
    const files = Object.entries(longAgoLists('2015-03-31')).filter(([name]) => !name.startsWith('audits/'));
    const landing = await mkdtemp(join(tmpdir(), 'csc-kpi-nothing-'));
    for (const [name, text] of files) {
      await mkdir(dirname(join(landing, name)), { recursive: true });
      await writeFile(join(landing, name), text);
    }
    const run = await runKpisOnLanding(landing, '2015-02-28');
    try {
      for (const d of await readKpiCatalogue()) {
        for (const p of await run.series(d.meta.id)) {
          expect({ value: p.value, numerator: p.numerator, denominator: p.denominator }, d.meta.id).toEqual({ value: null, numerator: null, denominator: null });
          expect(p.null_reason, d.meta.id).toMatch(/^No .+ has been loaded .+, so this figure cannot be worked out\. It is missing data, not a zero\./);
        }
      }
      expect((await run.point('re_referral_12m_pct')).null_reason).toBe(
        'No referrals extract dated on or before 28 February 2015 has been loaded (case-system/referrals_<YYYY-MM-DD>.csv), so this figure cannot be worked out. It is missing data, not a zero.',
      );
      expect((await run.point('cin_without_plan_6wk')).null_reason).toMatch(/^No children in need extract dated on or before 28 February 2015/);
      expect((await run.point('audits_good_or_better_pct')).null_reason).toMatch(/^No audit workbook has been loaded/);
    } finally {
      await run.close();
      await rm(landing, { recursive: true, force: true });
    }
  });
});
