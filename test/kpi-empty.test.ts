/** Every KPI on an empty landing folder: no cohort anywhere → value null with a reason; the count KPI is 0. */
import { expect, it } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { runKpis } from './helpers/kpi-harness.js';

it('publishes null with a reason for every empty cohort, and 0 for the count KPI', async () => {
  const run = await runKpis({}, '2015-02-28');
  try {
    for (const d of await readKpiCatalogue()) {
      for (const p of await run.series(d.meta.id)) {
        if (d.meta.measure === 'count') {
          expect(p, d.meta.id).toMatchObject({ value: 0, null_reason: null });
        } else {
          expect(p.value, d.meta.id).toBeNull();
          expect(p.null_reason, d.meta.id).toMatch(/^(No|Nobody) .+, so there is no .+ to report\.$/);
        }
      }
    }
  } finally {
    await run.close();
  }
});
