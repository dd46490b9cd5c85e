/**
 * The cohort and drill macros (sql/cohort/, sql/drill/) are made again only when their files
 * differ from those they were last made from (meta.installed_sql): a quiet night does not remake
 * forty unchanged macros, and a release that changes one file remakes them all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installDrillMacros } from '../activities/compute.js';
import { migrate } from '../activities/migrate.js';
import { Warehouse } from '../activities/warehouse.js';

const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-drill-install-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('installing the cohort and drill macros', () => {
  it('makes them once, skips them while the files are unchanged, and makes them again when they differ', async () => {
    await Warehouse.with(join(dir, 'warehouse.duckdb'), async (w) => {
      await migrate(w);
      const has = async (): Promise<boolean> =>
        (await w.rows<{ n: number }>("SELECT count(*)::INTEGER AS n FROM duckdb_functions() WHERE schema_name = 'drill' AND function_name = 'agency_avg_stay_weeks'"))[0]!.n === 1;
      await installDrillMacros(w);
      expect(await has()).toBe(true);
      const [made] = await w.rows<{ part: string; sha256: string }>('SELECT part, sha256 FROM meta.installed_sql');
      expect(made).toEqual({ part: 'cohort, drill', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

      // Unchanged files: nothing is made again (a macro removed behind its back stays removed).
      await w.run('DROP MACRO TABLE drill.agency_avg_stay_weeks');
      await installDrillMacros(w);
      expect(await has()).toBe(false);

      // Made from other files (an earlier release): every macro is made again, and the record follows.
      await w.run("UPDATE meta.installed_sql SET sha256 = 'an earlier release' WHERE part = 'cohort, drill'");
      await installDrillMacros(w);
      expect(await has()).toBe(true);
      expect((await w.rows<{ sha256: string }>('SELECT sha256 FROM meta.installed_sql'))[0]!.sha256).toBe(made!.sha256);
    });
  });
});
