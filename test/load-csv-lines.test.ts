/**
 * Line numbers on a file big enough for DuckDB to read in parallel (about 36 MB: several 8 MB
 * scan ranges and row groups). The loader numbers core rows (and raw rows kept as rows) from the
 * ids they were appended with (activities/load-once.ts, linesFromRowIds), which holds only if one INSERT … SELECT from
 * read_csv appends in file order. Every record here carries its own physical line in its ID, so
 * any row out of order, any gap or any shift after an irregular record shows as a mismatch.
 */
import { describe, expect, it } from 'vitest';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';
const RECORDS = 420_000;
const BROKEN_AT = 210_000; // this record has one field too many: rejected by the CSV reader
const SPANNING_AT = 315_000; // this record's team is a quoted value over two physical lines

/** The CSV text; each record's ID is `L` + the physical line it starts on. */
function bigReferrals(): string {
  const out: string[] = [HEADER];
  let line = 2; // physical line of the next record
  for (let k = 1; k <= RECORDS; k++) {
    const id = `L${line}`;
    const day = String((k % 28) + 1).padStart(2, '0');
    if (k === BROKEN_AT) {
      out.push(`${id},Male,WBRI,,,Team A,W1,${day}/01/2015,Police,N,extra`);
      line += 1;
    } else if (k === SPANNING_AT) {
      out.push(`${id},Male,WBRI,,,"Team\nA",W1,${day}/01/2015,Police,N`);
      line += 2;
    } else {
      out.push(`${id},Female,WBRI,,,Team A,W${k % 97},${day}/01/2015,Schools,Y`);
      line += 1;
    }
  }
  return out.join('\n') + '\n';
}

describe('line numbers of a file read in parallel', () => {
  it('every raw and core row has the physical line its record starts on, across two files', async () => {
    const t = await tempNight();
    // A small file first, so the big one's rows are appended after rows already committed.
    await put(t, 'case-system/referrals_2015-01-31.csv', `${HEADER}\nL2,Male,WBRI,,,T,W1,01/01/2015,Police,N\nL3,Male,WBRI,,,T,W1,02/01/2015,Police,N\n`);
    await pullAndLoad(t, '2015-01-31');
    await put(t, 'case-system/referrals_2015-02-28.csv', bigReferrals());
    const night = await pullAndLoad(t, '2015-02-28');
    // 420,000 records: one malformed (rejected by the reader), the rest loaded.
    expect(night.loads.get('case-system/referrals_2015-02-28.csv')).toMatchObject({ status: 'loaded', rowsRead: RECORDS, rowsLoaded: RECORDS - 1, rowsRejected: 1 });

    for (const table of ['raw.referrals', 'core.referrals']) {
      const [r] = await query<{ n: string; wrong: string; first: string; last: string }>(
        t,
        `SELECT count(*) AS n, count(*) FILTER (WHERE t.line <> substr(t.child_unique_id, 2)::BIGINT) AS wrong,
                min(t.line) AS first, max(t.line) AS last
         FROM ${table} t JOIN meta.files f ON f.sha256 = t.file_sha256
         WHERE f.extract_date = DATE '2015-02-28'`,
      );
      // Lines 2 … 420,002: the spanning record takes two lines, so the last record starts on line 420,002.
      expect(r, table).toEqual({ n: String(RECORDS - 1), wrong: '0', first: '2', last: String(RECORDS + 2) });
    }
    // The small file's rows keep lines 2 and 3.
    expect(await query(t, `SELECT child_unique_id, line FROM core.referrals r JOIN meta.files f ON f.sha256 = r.file_sha256 WHERE f.extract_date = DATE '2015-01-31' ORDER BY line`)).toEqual([
      { child_unique_id: 'L2', line: '2' },
      { child_unique_id: 'L3', line: '3' },
    ]);
    // The malformed record is reported on its own line.
    expect(await query(t, 'SELECT line, reason FROM meta.rejects')).toEqual([
      { line: String(BROKEN_AT + 1), reason: 'the line has more fields than the header: look for an unquoted comma in a value' },
    ]);
  }, 120_000);
});
