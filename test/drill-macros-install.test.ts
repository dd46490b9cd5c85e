/**
 * The cohort and drill macros (sql/cohort/, sql/drill/) are made again only when their files
 * differ from those they were last made from (meta.installed_sql): a quiet night does not remake
 * forty unchanged macros, and a release that changes one file remakes them all.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installDrillMacros, sqlFilesSha256 } from '../activities/compute.js';
import { migrate } from '../activities/migrate.js';
import { Warehouse } from '../activities/warehouse.js';
import { projectPath } from '../core/project-root.js';

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
      // The record is of every cohort and drill file, by name and text.
      const files: string[] = [];
      for (const folder of ['cohort', 'drill']) {
        for (const f of (await readdir(projectPath('sql', folder))).filter((x) => x.endsWith('.sql')).sort()) files.push(`${folder}/${f}`);
      }
      const texts = await Promise.all(files.map((rel) => readFile(projectPath('sql', ...rel.split('/')), 'utf8')));
      expect(files.length).toBeGreaterThan(30);
      expect(made).toEqual({ part: 'cohort, drill', sha256: sqlFilesSha256(files, texts) });
      // One character of one file's text is another record.
      expect(sqlFilesSha256(files, [texts[0]! + ' ', ...texts.slice(1)])).not.toBe(made!.sha256);

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
