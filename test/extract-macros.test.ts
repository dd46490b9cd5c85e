/**
 * The macros that read tonight's rows are SQL files (sql/views/list_at.sql, audits_at.sql,
 * extracts.sql), installed by migrate: `core.<list>_at(d)` for every extract list from one
 * template, `core.audits_at(d)` with the audit completion cut-off, `meta.extracts_up_to(d)` that
 * numbers a list's extracts newest first. Checked on a migrated warehouse holding a few
 * extracts per list, written straight into meta.files and the core tables.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../activities/migrate.js';
import { Warehouse } from '../activities/warehouse.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { fillSqlTemplate, quoteIdent as q } from '../core/sql-text.js';

// Audits are additive (core.audits_at); the plan tracker is chosen from the landing folder, not by date.
const EXTRACT_LISTS = [...CONTRACTS.values()].filter((c) => c.source !== 'audits' && c.source !== 'plan').map((c) => c.list);

let w: Warehouse;
let seq = 0;

async function file(f: { sha: string; list: string; name: string; date: string | null; source?: string; status?: string }): Promise<void> {
  await w.run(
    `INSERT INTO meta.files BY NAME SELECT $sha AS sha256, $source AS source, $list AS list, $name AS file_name, $date::DATE AS extract_date,
       0 AS byte_size, $status AS status, 1 AS rows_read, 1 AS rows_loaded, 0 AS rows_rejected, $seq AS load_seq`,
    { sha: f.sha, source: f.source ?? 'case-system', list: f.list, name: f.name, date: f.date, status: f.status ?? 'loaded', seq: ++seq },
  );
}

async function row(list: string, sha: string, line: number, extra: Record<string, string | null> = {}): Promise<void> {
  const cols = Object.keys(extra);
  await w.run(
    `INSERT INTO core.${q(list)} (file_sha256, line${cols.map((c) => `, ${q(c)}`).join('')}) VALUES ($sha, $line${cols.map((_, i) => `, $v${i}`).join('')})`,
    { sha, line, ...Object.fromEntries(cols.map((c, i) => [`v${i}`, extra[c] ?? null])) },
  );
}

beforeAll(async () => {
  w = await Warehouse.open(join(await mkdtemp(join(tmpdir(), 'csc-kpi-extract-macros-')), 'w.duckdb'));
  await migrate(w);
  // Every list: an old extract (January) and tonight's (the i-th of February), one row each, and
  // one dated after as-of that must wait. Dates differ by list, so a macro reading another
  // list's choice would pick a file of the wrong list and find none of its own rows.
  for (const [i, list] of EXTRACT_LISTS.entries()) {
    const day = String(i + 1).padStart(2, '0');
    await file({ sha: `${list}-jan`, list, name: `${list}_2015-01-31.csv`, date: '2015-01-31' });
    await file({ sha: `${list}-feb`, list, name: `${list}_2015-02-${day}.csv`, date: `2015-02-${day}` });
    await file({ sha: `${list}-apr`, list, name: `${list}_2015-04-30.csv`, date: '2015-04-30' });
    for (const sha of [`${list}-jan`, `${list}-feb`, `${list}-apr`]) await row(list, sha, 2);
  }
  // Referrals on 28 February twice: the name that sorts last counts; a rejected file never does.
  await file({ sha: 'referrals-feb-a', list: 'referrals', name: 'referrals_2015-02-28.csv', date: '2015-02-28' });
  await file({ sha: 'referrals-feb-b', list: 'referrals', name: 'referrals_2015-02-28_v2.csv', date: '2015-02-28' });
  await file({ sha: 'referrals-mar-bad', list: 'referrals', name: 'referrals_2015-03-31.csv', date: '2015-03-31', status: 'rejected' });
  for (const sha of ['referrals-feb-a', 'referrals-feb-b']) await row('referrals', sha, 2);
});

afterAll(() => w.close());

describe('core.<list>_at(d), one SQL file for every list', () => {
  it('is installed by migrate for every extract list, and for audits only as core.audits_at', async () => {
    const macros = await w.rows<{ name: string }>(
      "SELECT DISTINCT function_name AS name FROM duckdb_functions() WHERE schema_name = 'core' AND function_type = 'table_macro' ORDER BY 1",
    );
    expect(macros.map((m) => m.name)).toEqual([...EXTRACT_LISTS.map((l) => `${l}_at`), 'audits_at', 'audits_changed_between'].sort());
  });

  it('reads, for each list, exactly the file meta.extracts_at(d) names for that list', async () => {
    for (const asOf of ['2015-01-31', '2015-03-15']) {
      for (const list of EXTRACT_LISTS) {
        const [chosen] = await w.rows<{ sha256: string }>('SELECT sha256 FROM meta.extracts_at($d::DATE) WHERE list = $list', { d: asOf, list });
        const read = await w.rows<{ sha: string }>(`SELECT DISTINCT file_sha256 AS sha FROM core.${q(`${list}_at`)}($d::DATE)`, { d: asOf });
        expect({ list, asOf, read: read.map((r) => r.sha) }).toEqual({ list, asOf, read: [chosen!.sha256] });
      }
    }
    // By hand, for the lists with a story: January's on 31 January; in March the February extract,
    // and for referrals the 28 February copy whose name sorts last (not the rejected March file).
    const at = async (list: string, d: string) => (await w.rows<{ sha: string }>(`SELECT DISTINCT file_sha256 AS sha FROM core.${q(`${list}_at`)}($d::DATE)`, { d })).map((r) => r.sha);
    expect(await at('referrals', '2015-01-31')).toEqual(['referrals-jan']);
    expect(await at('referrals', '2015-03-31')).toEqual(['referrals-feb-b']);
    expect(await at('workforce', '2015-03-31')).toEqual(['workforce-feb']);
    expect(await at('workforce', '2014-12-31')).toEqual([]);
  });
});

describe('meta.extracts_up_to(d)', () => {
  it("numbers each list's extracts that count newest first: 1 is tonight's (meta.extracts_at), 2 the one before", async () => {
    expect(
      await w.rows("SELECT file_name, recency::INT AS recency FROM meta.extracts_up_to('2015-03-31'::DATE) WHERE list = 'referrals' ORDER BY recency"),
    ).toEqual([
      { file_name: 'referrals_2015-02-28_v2.csv', recency: 1 },
      { file_name: 'referrals_2015-02-01.csv', recency: 2 },
      { file_name: 'referrals_2015-01-31.csv', recency: 3 },
    ]);
    const [tonight] = await w.rows<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT * EXCLUDE (recency) FROM meta.extracts_up_to('2015-03-31'::DATE) WHERE recency = 1
                                  EXCEPT SELECT * FROM meta.extracts_at('2015-03-31'::DATE))`,
    );
    expect(tonight!.n).toBe('0');
  });
});

describe('core.audits_at(d): the audit completion cut-off', () => {
  beforeAll(async () => {
    await file({ sha: 'audits-q1', source: 'audits', list: 'audits', name: 'QA_2015_Q1.csv', date: null });
    await w.run("INSERT INTO meta.audit_files_in_folder VALUES ('audits-q1')");
    const audit = (id: string, completed: string | null, grade: string | null) => ({ audit_id: id, completed_date: completed, grade });
    await row('audits', 'audits-q1', 2, audit('A1', '2015-01-20', 'Good'));
    await row('audits', 'audits-q1', 3, audit('A2', '2015-02-10', 'Outstanding'));
    await row('audits', 'audits-q1', 4, audit('A3', '2015-02-28', 'Inadequate'));
    await row('audits', 'audits-q1', 5, audit('A4', null, null));
  });

  it('blanks a completion dated after d, and its grade', async () => {
    expect(await w.rows("SELECT audit_id, completed_date::VARCHAR AS c, grade FROM core.audits_at('2015-02-10'::DATE) ORDER BY audit_id")).toEqual([
      { audit_id: 'A1', c: '2015-01-20', grade: 'Good' },
      { audit_id: 'A2', c: '2015-02-10', grade: 'Outstanding' },
      { audit_id: 'A3', c: null, grade: null },
      { audit_id: 'A4', c: null, grade: null },
    ]);
  });

  it('core.audits_changed_between(D1, D2) is the audits completed after D1 and on or before D2, nothing else', async () => {
    const changed = async (d1: string, d2: string) =>
      (await w.rows<{ id: string }>('SELECT audit_id AS id FROM core.audits_changed_between($d1::DATE, $d2::DATE) ORDER BY 1', { d1, d2 })).map((r) => r.id);
    expect(await changed('2015-01-31', '2015-02-27')).toEqual(['A2']);
    expect(await changed('2015-02-10', '2015-02-28')).toEqual(['A3']);
    expect(await changed('2015-01-19', '2015-03-31')).toEqual(['A1', 'A2', 'A3']);
    expect(await changed('2015-02-28', '2015-03-31')).toEqual([]);
  });
});

describe('fillSqlTemplate', () => {
  it('quotes identifiers and literals, and refuses a placeholder without a value, a value without a placeholder, a stray {{', () => {
    expect(fillSqlTemplate("SELECT * FROM core.{{t}} WHERE list = {{'t'}}", { t: `o"d'd` })).toBe(`SELECT * FROM core."o""d'd" WHERE list = 'o"d''d'`);
    expect(() => fillSqlTemplate('SELECT {{a}}', {})).toThrow('SQL placeholder {{a}} has no value');
    expect(() => fillSqlTemplate('SELECT {{a}}', { a: 'x', b: 'y' })).toThrow('SQL template has no placeholder for b');
    expect(() => fillSqlTemplate('SELECT {{ a }}', { a: 'x' })).toThrow('that is not a placeholder');
    expect(() => fillSqlTemplate('SELECT {{constructor}}', {})).toThrow('has no value');
  });
});
