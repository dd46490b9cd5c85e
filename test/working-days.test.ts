// Working-day counts on the ref calendar (spec/kpis.md "Periods": working days between two
// dates = days after the start, up to and including the end, that are not Saturday, Sunday or
// an England and Wales bank holiday). Real in-memory DuckDB, real reference files.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { BANK_HOLIDAYS_CSV, CALENDAR_SQL, loadReferenceData } from '../activities/reference-data.js';
import { projectPath, projectRoot } from '../core/project-root.js';

let inst: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  inst = await DuckDBInstance.create(':memory:');
  conn = await inst.connect();
  await loadReferenceData(conn, projectRoot());
});

afterAll(() => {
  conn.closeSync();
  inst.closeSync();
});

async function rows(sql: string, values?: Record<string, string>): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql, values)).getRowObjectsJson();
}

/** Both ways: the documented join on ref.calendar, and the ref.working_days_between macro. */
async function workingDays(start: string, end: string): Promise<number> {
  const [viaJoin] = await rows(
    `SELECT ce.working_day_index - cs.working_day_index AS n
     FROM ref.calendar cs, ref.calendar ce
     WHERE cs.date = CAST($start AS DATE) AND ce.date = CAST($end AS DATE)`,
    { start, end },
  );
  const [viaMacro] = await rows(
    'SELECT ref.working_days_between(CAST($start AS DATE), CAST($end AS DATE)) AS n',
    { start, end },
  );
  expect(viaMacro?.n).toBe(viaJoin?.n);
  return Number(viaJoin?.n);
}

describe('working days between two dates', () => {
  it('counts 45 working days across Easter 2014', async () => {
    // Start Thu 2014-03-20 (not counted). Running count of working days after it:
    //   Fri 21 Mar                                  1
    //   24–28 Mar (5)                               6
    //   31 Mar–4 Apr (5)                           11
    //   7–11 Apr (5)                               16
    //   14–17 Apr (4; Fri 18 Good Friday)          20
    //   22–25 Apr (4; Mon 21 Easter Monday)        24
    //   28 Apr–2 May (5)                           29
    //   6–9 May (4; Mon 5 early May bank holiday)  33
    //   12–16 May (5)                              38
    //   19–23 May (5)                              43
    //   Mon 26 May spring bank holiday             43
    //   Tue 27 May                                 44
    //   Wed 28 May                                 45  ← the 45th working day
    //   Thu 29 May                                 46
    expect(await workingDays('2014-03-20', '2014-05-26')).toBe(43);
    expect(await workingDays('2014-03-20', '2014-05-27')).toBe(44);
    expect(await workingDays('2014-03-20', '2014-05-28')).toBe(45);
    expect(await workingDays('2014-03-20', '2014-05-29')).toBe(46);
  });

  it('skips Christmas 2014 and New Year 2015', async () => {
    // Start Fri 2014-12-19. Mon 22 (1), Tue 23 (2), Wed 24 (3), Thu 25 Christmas, Fri 26 Boxing
    // Day, Mon 29 (4), Tue 30 (5), Wed 31 (6), Thu 1 Jan New Year's Day, Fri 2 Jan (7),
    // Mon 5 Jan (8).
    expect(await workingDays('2014-12-19', '2015-01-02')).toBe(7);
    expect(await workingDays('2014-12-19', '2015-01-05')).toBe(8);
  });

  it('skips the 2015 Boxing Day substitute (Mon 28 Dec)', async () => {
    // Thu 24 Dec 2015 → Tue 29 Dec: Fri 25 Christmas, Sat, Sun, Mon 28 substitute; Tue 29 (1).
    expect(await workingDays('2015-12-24', '2015-12-29')).toBe(1);
  });

  it('counts Friday → Monday as 1', async () => {
    // Fri 2014-03-21 → Mon 2014-03-24: Sat, Sun not counted; Mon counts.
    expect(await workingDays('2014-03-21', '2014-03-24')).toBe(1);
    // Fri 2014-05-23 → Tue 2014-05-27 over the spring bank holiday Monday: only Tue counts.
    expect(await workingDays('2014-05-23', '2014-05-26')).toBe(0);
    expect(await workingDays('2014-05-23', '2014-05-27')).toBe(1);
  });

  it('starts on a bank holiday', async () => {
    // Good Friday 2014-04-18 → Tue 22 Apr: Sat, Sun, Easter Monday excluded; Tue counts.
    expect(await workingDays('2014-04-18', '2014-04-22')).toBe(1);
    // Christmas Day 2014 (Thu) → Mon 29 Dec: Boxing Day Fri, Sat, Sun excluded; Mon counts.
    expect(await workingDays('2014-12-25', '2014-12-29')).toBe(1);
    // Start on a Saturday: 2014-03-22 → Mon 24 = 1.
    expect(await workingDays('2014-03-22', '2014-03-24')).toBe(1);
  });

  it('is 0 on the same day, and negative when the end is before the start', async () => {
    expect(await workingDays('2014-03-20', '2014-03-20')).toBe(0);
    expect(await workingDays('2014-04-18', '2014-04-18')).toBe(0);
    expect(await workingDays('2014-05-28', '2014-03-20')).toBe(-45);
  });

  it('counts whole years: 2014 has 253 working days, 2012 has 252', async () => {
    // 2014: 365 days, starts Wed → 52 weeks + 1 weekday → 104 weekend days; 365 − 104 − 8 = 253.
    expect(await workingDays('2013-12-31', '2014-12-31')).toBe(253);
    // 2012: 366 days, starts Sun → 52 weeks + Sun + Mon → 105 weekend days; 366 − 105 − 9 = 252.
    expect(await workingDays('2011-12-31', '2012-12-31')).toBe(252);
  });

  it('gives NULL from the macro outside the calendar or for a NULL date', async () => {
    const [r] = await rows(
      "SELECT ref.working_days_between(DATE '2004-12-31', DATE '2014-01-01') AS a, ref.working_days_between(NULL, DATE '2014-01-01') AS b",
    );
    expect(r).toEqual({ a: null, b: null });
  });
});

describe('ref.bank_holidays', () => {
  async function countIn(year: number): Promise<number> {
    const [r] = await rows('SELECT count(*) AS n FROM ref.bank_holidays WHERE year(date) = CAST($year AS INTEGER)', {
      year: String(year),
    });
    return Number(r?.n);
  }

  it('has 8 in an ordinary year and the one-off extra days', async () => {
    expect(await countIn(2014)).toBe(8);
    expect(await countIn(2015)).toBe(8); // Boxing Day Sat 26 Dec → Mon 28 Dec substitute
    expect(await countIn(2011)).toBe(9); // royal wedding 29 Apr
    expect(await countIn(2012)).toBe(9); // spring bank holiday moved to 4 Jun + diamond jubilee 5 Jun
    expect(await countIn(2020)).toBe(8); // early May moved to Fri 8 May (VE day), no extra day
    expect(await countIn(2022)).toBe(10); // platinum jubilee 3 Jun + state funeral 19 Sep
    expect(await countIn(2023)).toBe(9); // coronation 8 May
  });

  it('lists 2014 exactly as GOV.UK does', async () => {
    const r = await rows("SELECT strftime(date, '%Y-%m-%d') AS d FROM ref.bank_holidays WHERE year(date) = 2014 ORDER BY date");
    expect(r.map((x) => x.d)).toEqual([
      '2014-01-01', '2014-04-18', '2014-04-21', '2014-05-05',
      '2014-05-26', '2014-08-25', '2014-12-25', '2014-12-26',
    ]);
  });

  it('moves the one-off days correctly', async () => {
    const r = await rows(
      `SELECT strftime(date, '%Y-%m-%d') AS d FROM ref.bank_holidays
       WHERE date IN ('2011-04-29', '2012-05-28', '2012-06-04', '2012-06-05', '2020-05-04', '2020-05-08',
                      '2022-05-30', '2022-06-02', '2022-06-03', '2022-09-19', '2023-05-08')
       ORDER BY date`,
    );
    // 2012-05-28, 2020-05-04 and 2022-05-30 are the usual dates that were moved away.
    expect(r.map((x) => x.d)).toEqual([
      '2011-04-29', '2012-06-04', '2012-06-05', '2020-05-08',
      '2022-06-02', '2022-06-03', '2022-09-19', '2023-05-08',
    ]);
  });

  it('covers 2010–2030 and marks every bank holiday as a non-working day', async () => {
    const [r] = await rows(
      `SELECT min(bh.date)::VARCHAR AS first, max(bh.date)::VARCHAR AS last,
              count(*) FILTER (WHERE c.is_working_day OR c.date IS NULL) AS bad
       FROM ref.bank_holidays bh LEFT JOIN ref.calendar c USING (date)`,
    );
    expect(r).toEqual({ first: '2010-01-01', last: '2030-12-26', bad: '0' });
  });
});

describe('ref.calendar', () => {
  it('spans 2005-01-01..2035-12-31 with a running working-day index', async () => {
    const [r] = await rows(
      `SELECT count(*) AS n, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last,
              count(*) FILTER (WHERE working_day_index <> running) AS bad
       FROM (SELECT *, sum(is_working_day::INTEGER) OVER (ORDER BY date) AS running FROM ref.calendar)`,
    );
    // 2005..2035 is 31 years with 7 leap years (2008, 2012, … 2032): 31 × 365 + 7 = 11322 days.
    expect(r).toEqual({ n: '11322', first: '2005-01-01', last: '2035-12-31', bad: '0' });
  });
});

describe('loadReferenceData', () => {
  it('can run again (idempotent) and matches the CSV row count', async () => {
    await loadReferenceData(conn, projectRoot());
    const csvLines = (await readFile(projectPath(BANK_HOLIDAYS_CSV), 'utf8')).trim().split('\n').length - 1;
    const [r] = await rows('SELECT count(*) AS n FROM ref.bank_holidays');
    expect(Number(r?.n)).toBe(csvLines);
  });

  it('rolls back and keeps the previous tables when a load fails', async () => {
    // A project whose bank-holiday file lists a Saturday (2015-12-26) instead of its substitute:
    // the tables are replaced, the check fails, and the transaction must restore the old ones.
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-ref-'));
    try {
      await mkdir(join(root, 'sql', 'reference'), { recursive: true });
      await mkdir(join(root, 'reference'));
      await copyFile(projectPath(CALENDAR_SQL), join(root, CALENDAR_SQL));
      await writeFile(join(root, BANK_HOLIDAYS_CSV), 'date,title\n2015-12-25,Christmas Day\n2015-12-26,Boxing Day\n');
      await expect(loadReferenceData(conn, root)).rejects.toThrow(/weekend/);
      expect(await workingDays('2014-03-20', '2014-05-28')).toBe(45);
      const [r] = await rows('SELECT count(*) AS n FROM ref.bank_holidays');
      expect(Number(r?.n)).toBeGreaterThan(100);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails when the project root has no reference files', async () => {
    await expect(loadReferenceData(conn, join(tmpdir(), 'csc-kpi-no-such-root'))).rejects.toThrow();
  });
});
