/**
 * `csc-kpi query` reads the analysts' warehouse and nothing else (issue 12). Each hostile example
 * from the issue succeeded before: child ids copied to a file, /etc/passwd and /root read, the
 * night's working warehouse attached read-write and emptied, a published file overwritten. Each is
 * now refused with one line naming what and why, and leaves the disk as it was. Real DuckDB, the
 * real warehouse the night exports, the built CLI for the exit code.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { exportWarehouse } from '../activities/export-warehouse.js';
import { runQuery } from '../cli/commands/query.js';
import { projectPath } from '../core/project-root.js';
import { csvOf, runKpis } from './helpers/kpi-harness.js';

const run = promisify(execFile);
const DRILL = "SELECT child_unique_id, allocated_team, days_open, in_numerator FROM drill.cin_without_plan_6wk(DATE '2015-02-28') ORDER BY child_unique_id";

describe('csc-kpi query is read-only', () => {
  let home: string;
  let work: string;
  let published: string;
  const PUBLISHED = 'kpi,value\r\ncin_without_plan_6wk,1\r\n';

  beforeAll(async () => {
    // C1 open since 2015-01-01 (58 days at 2015-02-28), no plan → counted; C2 looked after → listed, not counted.
    // C3's team name starts with "=": a spreadsheet would run it as a formula.
    const r = await runKpis(
      {
        'case-system/children_in_need_2015-02-28.csv': csvOf('children_in_need', [
          { child_unique_id: 'C1', cin_start_date: '01/01/2015', case_status: 'Open assessment', allocated_worker: 'W1' },
          { child_unique_id: 'C2', cin_start_date: '01/01/2015', case_status: 'a) Looked after child', allocated_worker: 'W2' },
          { child_unique_id: 'C3', cin_start_date: '01/01/2015', case_status: 'Open assessment', allocated_worker: 'W3', allocated_team: '=HYPERLINK("http://x")' },
        ]),
      },
      '2015-02-28',
    );
    home = r.home;
    work = join(home, 'work', 'warehouse.duckdb');
    await exportWarehouse(r.warehouse, join(home, 'warehouse.duckdb'));
    r.warehouse.close();
    published = join(home, 'snapshots', '2015-02-28_x', 'public', 'metrics.csv');
    await mkdir(dirname(published), { recursive: true });
    await writeFile(published, PUBLISHED);
  });
  afterAll(async () => {
    await rm(dirname(home), { recursive: true, force: true });
  });

  const refused = (sql: string) => expect(runQuery(home, sql)).rejects;

  it('refuses COPY of child ids to a file, and writes nothing', async () => {
    const target = join(dirname(home), 'somewhere.csv');
    await refused(`COPY (SELECT child_unique_id FROM core.children_in_need) TO '${target}'`).toThrow(
      /^statement 1 refused: it reads or writes files outside the warehouse, which csc-kpi query never does \(Permission Error: .*somewhere\.csv.*\)\nNothing was run\.$/,
    );
    expect(existsSync(target)).toBe(false);
  });

  it("refuses read_csv('/etc/passwd') and glob('/root/*')", async () => {
    await refused("SELECT * FROM read_csv('/etc/passwd')").toThrow(/^statement 1 refused: it reads or writes files outside the warehouse.*\/etc\/passwd/);
    await refused("SELECT * FROM glob('/root/*')").toThrow(/^statement 1 refused: it reads or writes files outside the warehouse.*\/root\/\*/);
  });

  it("refuses ATTACH of the night's working warehouse read-write and the DELETE after it; the working warehouse keeps its rows", async () => {
    const count = async () => {
      const db = await DuckDBInstance.create(work, { access_mode: 'READ_ONLY' });
      const c = await db.connect();
      const n = Number((await c.runAndReadAll('SELECT count(*) FROM kpi.values')).getRows()[0]![0]);
      c.closeSync();
      db.closeSync();
      return n;
    };
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await refused(`ATTACH '${work}' AS w (READ_WRITE); DELETE FROM w.kpi.values`).toThrow(
      /^statement 1 \(ATTACH\) refused: it opens another database; csc-kpi query reads the analysts' warehouse only\nstatement 2: .*\nNothing was run\.$/,
    );
    await refused('DELETE FROM kpi.values').toThrow(/^statement 1 \(DELETE\) refused: it would change the warehouse, which is read-only\n/);
    expect(await count()).toBe(before);
  });

  it("refuses COPY over a snapshot's published metrics.csv, which keeps its bytes", async () => {
    const mtime = (await stat(published)).mtimeMs;
    await refused(`COPY (SELECT child_unique_id FROM core.children_in_need) TO '${published}'`).toThrow(/^statement 1 refused: it reads or writes files/);
    expect(await readFile(published, 'utf8')).toBe(PUBLISHED);
    expect((await stat(published)).mtimeMs).toBe(mtime);
  });

  it('refuses what DuckDB still allows on a locked read-only warehouse: LOAD, INSTALL, CREATE TEMP, SET, EXPLAIN', async () => {
    await refused('LOAD json').toThrow(/^statement 1 \(LOAD\) refused: it loads or installs a DuckDB extension\n/);
    await refused('INSTALL httpfs').toThrow(/^statement 1 \(LOAD\) refused: it loads or installs a DuckDB extension\n/);
    await refused('CREATE TEMP TABLE t AS SELECT * FROM core.children_in_need').toThrow(/^statement 1 \(CREATE\) refused: it would change the warehouse/);
    await refused('SET VARIABLE v = 1').toThrow(/^statement 1 \(SET\) refused: it changes a setting\n/);
    await refused('SET enable_external_access = true').toThrow(/^statement 1 \(SET\) refused: it changes a setting\n/);
    await refused('EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1').toThrow(/^statement 1 \(EXPLAIN\) refused: only SELECT statements run here\n/);
  });

  it('runs nothing when any statement is refused, and names each refused one on its own line', async () => {
    const target = join(dirname(home), 'x.csv');
    await refused(`SELECT 1; COPY core.children_in_need TO '${target}'; LOAD json`).toThrow(
      /^statement 2 refused: it reads or writes files .*\nstatement 3 \(LOAD\) refused: it loads or installs a DuckDB extension\nNothing was run\.$/,
    );
    expect(existsSync(target)).toBe(false);
    await refused('SELEC 1').toThrow(/^the SQL does not parse: Parser Error: syntax error at or near "SELEC"\nNothing was run\.$/);
  });

  it('reads a drill-through macro as a table, CSV (formula-safe) or JSON', async () => {
    expect(await runQuery(home, DRILL)).toBe(
      [
        'child_unique_id | allocated_team         | days_open | in_numerator',
        '----------------+------------------------+-----------+-------------',
        'C1              |                        | 58        | true',
        'C2              |                        | 58        | false',
        'C3              | =HYPERLINK("http://x") | 58        | true',
        '(3 rows)',
        '',
      ].join('\n'),
    );
    // The "=" team is prefixed with ' so a spreadsheet shows it as text (core/csv-safe.ts).
    expect(await runQuery(home, DRILL, 'csv')).toBe(
      '\uFEFFchild_unique_id,allocated_team,days_open,in_numerator\r\nC1,,58,true\r\nC2,,58,false\r\nC3,"\'=HYPERLINK(""http://x"")",58,true\r\n',
    );
    expect(JSON.parse(await runQuery(home, DRILL, 'json'))).toEqual([
      { child_unique_id: 'C1', allocated_team: null, days_open: 58, in_numerator: true },
      { child_unique_id: 'C2', allocated_team: null, days_open: 58, in_numerator: false },
      { child_unique_id: 'C3', allocated_team: '=HYPERLINK("http://x")', days_open: 58, in_numerator: true },
    ]);
  });

  it('keeps BIGINT and DECIMAL exact: numbers in JSON and CSV, a negative number not mistaken for a formula', async () => {
    const sql = "SELECT -3::BIGINT AS b, 12.50::DECIMAL(5,2) AS d, 9007199254740993::BIGINT AS big, '-x' AS t";
    expect(await runQuery(home, sql, 'csv')).toBe("\uFEFFb,d,big,t\r\n-3,12.5,9007199254740993,'-x\r\n");
    expect(await runQuery(home, sql, 'json')).toBe('[\n{"b":-3,"d":12.5,"big":"9007199254740993","t":"-x"}\n]\n');
    await expect(runQuery(home, 'SELECT 1; SELECT 2', 'csv')).rejects.toThrow(/--format csv prints one result: give one SELECT statement \(this SQL has 2\)/);
  });

  it('the CLI prints one line per refused statement, no stack trace, and exits 1', async () => {
    const cli = run(process.execPath, [projectPath('bin', 'csc-kpi.js'), 'query', "SELECT * FROM read_csv('/etc/passwd'); LOAD json", '--home', home], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    const failure = await cli.then(
      () => null,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    const lines = failure!.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^csc-kpi: statement 1 refused: it reads or writes files outside the warehouse/);
    expect(lines[1]).toBe('statement 2 (LOAD) refused: it loads or installs a DuckDB extension');
    expect(lines[2]).toBe('Nothing was run.');
    expect(failure!.stderr).not.toMatch(/\n\s+at /);
  });
});
