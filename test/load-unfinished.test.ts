/**
 * A CSV is loaded in two transactions (activities/load-once.ts, activities/load-csv.ts): its rows,
 * then their lines and its meta.files row. A load that stops between the two leaves rows that
 * belong to no recorded file; meta.loads_in_progress names it, and the next migrate removes those
 * rows even when the file has left the landing folder (the next day's extract replaced it).
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../activities/load-file.js';
import { migrate } from '../activities/migrate.js';
import { pullSources } from '../activities/pull.js';
import { Warehouse, type Params } from '../activities/warehouse.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const t = await tempNight();
afterAll(() => rm(t.root, { recursive: true, force: true }));

const HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?,Number of Referrals in Last 12 Months';
const rows = (n: number, from: number) => Array.from({ length: n }, (_, i) => `C${from + i},Female,WBRI,01/02/2010,5,Team A,W1,0${1 + (i % 9)}/01/2015,Police,N,0`).join('\n');

const count = async (sql: string) => Number((await query<{ n: number }>(t, `SELECT count(*)::INTEGER AS n FROM ${sql}`))[0]!.n);

describe('a load that stopped between its two transactions', () => {
  it('leaves no marker when it finishes, in either path (read once, kept as text)', async () => {
    await put(t, 'case-system/referrals_2015-01-31.csv', `${HEADER}\n${rows(3, 1)}\n`);
    // Windows-1252 bytes (a pound sign): kept as text in raw_rows first.
    await put(
      t,
      'hr/workforce_2015-01-31.csv',
      Buffer.from('Worker ID,Org Role,Agency Worker,FTE,Role Start Date,Role End Date,Reason for Leaving,Team,Induction Completed Date\nW1,4 Social Worker,N,1.0,01/01/2014,,,Caf\xe9 Team,15/01/2014\n', 'latin1'),
    );
    // Each load notes itself as begun with its first transaction (seen from the statements run).
    const marked: unknown[] = [];
    const run = Warehouse.prototype.run;
    Warehouse.prototype.run = async function (this: Warehouse, sql: string, params?: Params) {
      if (sql.startsWith('INSERT OR REPLACE INTO meta.loads_in_progress')) marked.push(params?.list);
      return run.call(this, sql, params);
    };
    const { loads } = await pullAndLoad(t, '2015-01-31').finally(() => (Warehouse.prototype.run = run));
    expect([...loads.values()].map((r) => r.status)).toEqual(['loaded', 'loaded']);
    expect(marked.sort()).toEqual(['referrals', 'workforce']);
    expect(await query(t, "SELECT list, encoding FROM meta.files ORDER BY list")).toEqual([
      { list: 'referrals', encoding: 'utf-8' },
      { list: 'workforce', encoding: 'windows-1252' },
    ]);
    expect(await count('meta.loads_in_progress')).toBe(0);
    expect(await count('core.referrals')).toBe(3);
  });

  it('has its rows removed by the next migrate, though the file has left the landing folder', async () => {
    // As the first transaction leaves it: a second file's rows in core and raw_rows, its marker, no meta.files row.
    await Warehouse.with(t.warehouse, async (w) => {
      await w.run(
        `INSERT INTO core.referrals (file_sha256, extract_date, line, child_unique_id, date_of_referral)
         SELECT '${'f'.repeat(64)}', DATE '2015-02-28', range + 2, 'C' || range, DATE '2015-02-01' FROM range(4)`,
      );
      await w.run(`INSERT INTO meta.loads_in_progress VALUES ('${'f'.repeat(64)}', 'referrals')`);
    });
    expect(await count('core.referrals')).toBe(7);
    await Warehouse.with(t.warehouse, (w) => migrate(w));
    expect(await count('core.referrals')).toBe(3);
    expect(await count('meta.loads_in_progress')).toBe(0);
    // The finished file's rows and record stand.
    expect(await count("meta.files WHERE list = 'referrals' AND status = 'loaded'")).toBe(1);
  });

  it('is cleared by a retry of the same load, and a file never tried before deletes nothing', async () => {
    await put(t, 'case-system/referrals_2015-03-31.csv', `${HEADER}\n${rows(2, 100)}\n`);
    await put(t, 'case-system/referrals_2015-04-30.csv', `${HEADER}\n${rows(1, 200)}\n`);
    const deletes: string[] = [];
    const run = Warehouse.prototype.run;
    const loaded = await Warehouse.with(t.warehouse, async (w) => {
      await migrate(w);
      const found = (await pullSources(w, { asOf: '2015-04-30', landing: t.landing, home: t.home })).filter((f) => f.status === 'new');
      const referrals = found.find((f) => f.extractDate === '2015-03-31')!;
      // As a first attempt that stopped after its first transaction leaves it (no migrate between:
      // the activity is retried in the same worker): five rows of the file in core, its marker.
      await w.run(
        `INSERT INTO core.referrals (file_sha256, extract_date, line, child_unique_id, date_of_referral)
         SELECT $sha, DATE '2015-03-31', range + 2, 'C' || range, DATE '2015-03-01' FROM range(5)`,
        { sha: referrals.sha256! },
      );
      await w.run('INSERT INTO meta.loads_in_progress VALUES ($sha, $list)', { sha: referrals.sha256!, list: 'referrals' });
      Warehouse.prototype.run = async function (this: Warehouse, sql: string, params?: Params) {
        if (sql.startsWith('DELETE FROM core.')) deletes.push(`${sql.split(' ')[2]} ${params?.sha === referrals.sha256 ? 'retried file' : 'new file'}`);
        return run.call(this, sql, params);
      };
      const out: [string | null | undefined, number][] = [];
      for (const f of found) out.push([f.extractDate, (await loadFile(w, f, 'retry')).rowsLoaded]);
      return out;
    }).finally(() => (Warehouse.prototype.run = run));
    expect(new Map(loaded)).toEqual(new Map([['2015-03-31', 2], ['2015-04-30', 1]]));
    // The earlier attempt's five rows are gone; the file's two rows are in.
    expect(await count(`core.referrals WHERE extract_date = DATE '2015-03-31'`)).toBe(2);
    expect(deletes).toEqual(['core."referrals" retried file']);
  });

  it('a load run again after it finished (its completion lost, so the step is retried) replaces its rows, never doubles them', async () => {
    await put(t, 'case-system/referrals_2015-05-31.csv', `${HEADER}\n${rows(4, 300)}\n`);
    const again = await Warehouse.with(t.warehouse, async (w) => {
      await migrate(w);
      const found = (await pullSources(w, { asOf: '2015-05-31', landing: t.landing, home: t.home })).filter((f) => f.status === 'new');
      expect(found.map((f) => f.extractDate)).toEqual(['2015-05-31']);
      const first = await loadFile(w, found[0]!, 'first');
      // Finished: its record is in meta.files and no marker is left, so only meta.files says it was tried.
      expect(Number((await w.rows<{ n: string }>('SELECT count(*) AS n FROM meta.loads_in_progress'))[0]!.n)).toBe(0);
      return [first.rowsLoaded, (await loadFile(w, found[0]!, 'first')).rowsLoaded];
    });
    expect(again).toEqual([4, 4]);
    expect(await count(`core.referrals WHERE extract_date = DATE '2015-05-31'`)).toBe(4);
    expect(await count(`meta.files WHERE extract_date = DATE '2015-05-31'`)).toBe(1);
  });
});
