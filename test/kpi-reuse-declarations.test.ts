/**
 * Every KPI's reuse declaration (metadata `reuse`, core/kpi-reuse.ts) is policed here by the rule
 * reuse must never break: a night that copies points gets exactly the figures of a night that
 * computes all 25. Night 1 is the sample as of 28 February 2015, night 2 is 1 March; between them,
 * in turn:
 *   - a fact dated between the two nights, for every date column of every list the catalogue reads
 *     that may post-date its extract (every row of the list given 1 March 2015 in that column, as
 *     if the files said so);
 *   - a new extract of each list, dated 1 March, holding every other row of tonight's (for audits,
 *     a new audit file of new audits);
 *   - a late extract of each list, dated 31 December 2014, before every extract the sample has
 *     (tonight's extract is unchanged: only a KPI reading every extract, or each point's own, sees it).
 * A declaration that leaves out a cut-off column, a list, or that a list is read whole, lets its
 * KPI copy a point that moved, and the figures differ. So that one change cannot hide another,
 * a night changes at most one column or list that any one KPI reads. Each case also checks which
 * KPIs reused 24 points, from their declarations, so it cannot pass by computing everything.
 */
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { Warehouse } from '../activities/warehouse.js';
import { datesThatCanBeLater, reusability, type Reusability } from '../core/kpi-reuse.js';
import { quoteIdent as q } from '../core/sql-text.js';
import { pullAndLoad, put, type TempNight } from './helpers/landing.js';
import { compute, copyNight, removeNight, removeNights, reuseAndCheck, SAMPLE, sampleNight } from './helpers/reuse-night.js';

const NIGHT_1 = '2015-02-28';
const NIGHT_2 = '2015-03-01';

const defs = await readKpiCatalogue();
const plans = new Map(defs.map((d) => [d.meta.id, reusability(d)] as const));
/** The lists each KPI reads, by its sources (not by its reuse declaration, which is what is tested). */
const readsOf = defs.map((d) => Object.keys(d.meta.sources).map((k) => k.replace(/^.*\//, '')));
const listsRead = [...new Set(readsOf.flat())].sort();

/** Groups changes into nights so that no KPI reads two of the lists changed on one night. */
function nightsOf<T extends { list: string }>(changes: T[]): T[][] {
  const nights: T[][] = [];
  for (const c of changes) {
    const clash = (x: T) => x.list === c.list || readsOf.some((lists) => lists.includes(x.list) && lists.includes(c.list));
    const night = nights.find((n) => !n.some(clash));
    if (night) night.push(c);
    else nights.push([c]);
  }
  return nights;
}

/** Points each reusable KPI should copy on night 2: none when the change touches what it declares it reads, else the 24 month ends. */
function expectedReuse(touched: (plan: Extract<Reusability, { reusable: true }>) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kpi, plan] of plans) if (plan.reusable) out[kpi] = touched(plan) ? 0 : 24;
  return out;
}

const dateNights = nightsOf(listsRead.flatMap((list) => datesThatCanBeLater(list).map((column) => ({ list, column }))));
const newExtractNights = nightsOf(listsRead.map((list) => ({ list })));
const lateExtractNights = nightsOf(listsRead.filter((l) => l !== 'audits').map((list) => ({ list })));

let loaded: TempNight;
let computed: TempNight;
beforeAll(async () => {
  loaded = await sampleNight();
  computed = await copyNight(loaded);
  await compute(computed, NIGHT_1, 'night-1', true);
}, 120_000);
afterAll(removeNights);

/** Night 2 on a copy of `from` after `change`, reusing and in full; returns the points each KPI reused. */
async function secondNight(from: TempNight, label: string, change: (t: TempNight) => Promise<void>): Promise<Record<string, number>> {
  const t = await copyNight(from);
  try {
    await change(t);
    return await reuseAndCheck(t, NIGHT_2, label);
  } finally {
    await removeNight(t);
  }
}

/** The sample's file of a list: tonight's extract (28 February), January's, or (audits) the CSV export. */
async function sampleFile(list: string, date: string): Promise<{ source: string; text: string }> {
  const source = list === 'workforce' ? 'hr' : list === 'audits' ? 'audits' : 'case-system';
  const name = list === 'audits' ? 'peer_audits_export.csv' : `${list}_${date}.csv`;
  expect(await readdir(`${SAMPLE}/${source}`)).toContain(name);
  return { source, text: await readFile(`${SAMPLE}/${source}/${name}`, 'utf8') };
}

/** The header and every other record (CRLF or LF as the file has it). */
function everyOtherRow(text: string, edit: (line: string) => string = (l) => l): string {
  const [header, ...rows] = text.replace(/\r?\n$/, '').split(/\r?\n/);
  return [header, ...rows.filter((_, i) => i % 2 === 0).map(edit)].join('\n') + '\n';
}

describe('every reuse declaration holds: a night that reuses gets the figures of one that computes everything', () => {
  it('the changes cover every list the catalogue reads and every date column of it that may post-date its extract', () => {
    expect(listsRead).toEqual([
      'assessments', 'audits', 'care_leavers', 'care_proceedings', 'case_closures', 'child_protection', 'children_in_need',
      'children_looked_after', 'referrals', 'section_47', 'workforce',
    ]);
    expect(dateNights.flat()).toHaveLength(listsRead.reduce((n, l) => n + datesThatCanBeLater(l).length, 0));
    // avg_caseload reads children in need and the workforce: never changed on the same night.
    for (const night of [...dateNights, ...newExtractNights, ...lateExtractNights]) {
      expect(night.filter((c) => c.list === 'children_in_need' || c.list === 'workforce').map((c) => c.list).length).toBeLessThanOrEqual(1);
    }
  });

  it.each(dateNights.map((n) => [n.map((c) => `${c.list}.${c.column}`).join(', '), n] as const))(
    'a fact dated between the two nights in %s',
    async (label, night) => {
      const r = await secondNight(loaded, label, async (t) => {
        await Warehouse.with(t.warehouse, async (w) => {
          for (const c of night) await w.run(`UPDATE core.${q(c.list)} SET ${q(c.column)} = $d::DATE`, { d: NIGHT_2 });
        });
        await compute(t, NIGHT_1, 'night-1', true);
      });
      // For audits Completed Date always counts: core.audits_at(d) cuts it off at d.
      expect(r).toEqual(
        expectedReuse((p) => night.some((c) => p.lists.includes(c.list) && (p.cutoffColumns.includes(c.column) || (c.list === 'audits' && c.column === 'completed_date')))),
      );
    },
    120_000,
  );

  it.each(newExtractNights.map((n) => [n.map((c) => c.list).join(', '), n] as const))(
    'a new extract of %s on the second night',
    async (label, night) => {
      const r = await secondNight(computed, label, async (t) => {
        for (const { list } of night) {
          const { source, text } = await sampleFile(list, NIGHT_1);
          if (list === 'audits') await put(t, 'audits/zz_new_audits.csv', everyOtherRow(text, (l) => `N${l}`));
          else await put(t, `${source}/${list}_${NIGHT_2}.csv`, everyOtherRow(text));
        }
        await pullAndLoad(t, NIGHT_2);
      });
      expect(r).toEqual(expectedReuse((p) => p.readsFileList || night.some((c) => p.lists.includes(c.list))));
    },
    120_000,
  );

  it.each(lateExtractNights.map((n) => [n.map((c) => c.list).join(', '), n] as const))(
    'a late extract of %s, dated before every other',
    async (label, night) => {
      const r = await secondNight(computed, label, async (t) => {
        for (const { list } of night) {
          const { source, text } = await sampleFile(list, '2015-01-31');
          await put(t, `${source}/${list}_2014-12-31.csv`, everyOtherRow(text));
        }
        await pullAndLoad(t, NIGHT_2);
      });
      expect(r).toEqual(expectedReuse((p) => p.readsFileList || night.some((c) => p.wholeLists.includes(c.list))));
    },
    120_000,
  );
});
