/**
 * The loader computes three rules in cheaper forms than they are written (core/contracts/load-sql.ts):
 * a date's shape by GLOB rather than regex, the lettered prefix by GLOB and substring before the
 * regex, the space test before trim by LIKE. Each cheaper form must give the written form's value
 * for every text, so both are run in DuckDB over every string built from a small alphabet of the
 * pieces that matter (digits of each width, separators, whitespace of each kind, letters, brackets,
 * non-ASCII), in the places they matter: hundreds of thousands of values, all compared.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateSql, trimmed, withoutLetterPrefix, withoutLetterPrefixFast } from '../core/contracts/load-sql.js';

/** Every string of 0..maxPieces pieces (pieces may repeat), in a deterministic order. */
function strings(pieces: string[], maxPieces: number): string[] {
  let level = [''];
  const all = [''];
  for (let n = 1; n <= maxPieces; n++) {
    level = level.flatMap((s) => pieces.map((p) => s + p));
    for (const s of level) all.push(s);
  }
  return all;
}

/** Every concatenation of one choice from each list, in order. */
function product(...lists: string[][]): string[] {
  return lists.reduce<string[]>((acc, list) => acc.flatMap((s) => list.map((p) => s + p)), ['']);
}

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => conn.closeSync());

/** Values (as text, NULL as null) where the two expressions over `x` differ, for each of `values` and NULL. */
async function differences(values: string[], written: string, cheaper: string): Promise<[string | null, string | null, string | null][]> {
  await conn.run('CREATE OR REPLACE TABLE v (x VARCHAR)');
  const appender = await conn.createAppender('v');
  for (const x of values) {
    appender.appendVarchar(x);
    appender.endRow();
  }
  appender.appendNull();
  appender.endRow();
  appender.closeSync();
  const reader = await conn.runAndReadAll(
    `SELECT x, a::VARCHAR, b::VARCHAR FROM (SELECT x, ${written} AS a, ${cheaper} AS b FROM v) WHERE a IS DISTINCT FROM b`,
  );
  return reader.getRows() as [string | null, string | null, string | null][];
}

describe("the loader's cheaper forms give the rules' values", () => {
  it('dates: GLOB shapes then strptime, as the two regexes then strptime', async () => {
    const written = `CASE WHEN regexp_full_match(x, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') THEN try_strptime(x, '%d/%m/%Y')
      WHEN regexp_full_match(x, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_strptime(x, '%Y-%m-%d') END::DATE`;
    const around = ['', ' ', '\t', '\n', 'x', '0', '+'];
    const dayOrMonth = ['1', '01', '12', '31', '001', '', 'x', ' 1', '1 '];
    const sep = ['/', '-', ' ', ''];
    const year = ['2015', '20', '0020', '02015', '2', '', '201x', ' 2015'];
    const values = [
      ...product(around, dayOrMonth, sep, dayOrMonth, sep, year, around),
      ...product(around, year, sep, dayOrMonth, sep, dayOrMonth, around),
    ];
    expect(values.length).toBeGreaterThan(500_000);
    // The values reach real dates of both shapes, and near misses of each.
    const parsed = await conn.runAndReadAll(`SELECT ${dateSql("'1/12/2015'")}::VARCHAR, ${dateSql("'2015-12-01'")}::VARCHAR, ${dateSql("'1/12/20'")}::VARCHAR`);
    expect(parsed.getRows()).toEqual([['2015-12-01', '2015-12-01', null]]);
    expect(await differences(values, written, dateSql('x'))).toEqual([]);
  });

  it('lettered prefix: GLOB and substring first, as the regex', async () => {
    // RE2's \s is ASCII only: a no-break or thin space after the bracket stays in the value.
    const space = ['', ' ', '  ', '\t', '\n', '\r', '\f', '\v', ' \t', '\u00a0', '\u2009'];
    const values = product(space, ['a', 'Z', '1', 'é', 'ab', ''], [')', '', ':', '))'], space, ['Male', 'é', '', ')', 'b) No', ' x'], space);
    expect(await differences(values, withoutLetterPrefix('x'), withoutLetterPrefixFast('x'))).toEqual([]);
    const shown = await conn.runAndReadAll(`SELECT ${withoutLetterPrefixFast("'c) Child in need plan'")}, ${withoutLetterPrefixFast("'a)\tYes'")}`);
    expect(shown.getRows()).toEqual([['Child in need plan', 'Yes']]);
  });

  it('trimmed text: the LIKE space tests, as trim', async () => {
    // Space separators of each kind (NBSP, thin space, ideographic space), other non-ASCII, tab.
    const pieces = [' ', '\u00a0', '\u2009', '\u3000', '\u2019', 'é', 'x', '\t', '%', '_'];
    const values = strings(pieces, 5);
    expect(await differences(values, 'trim(x)', trimmed('x'))).toEqual([]);
  });
});
