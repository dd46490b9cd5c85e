/**
 * Files that make DuckDB's CSV reader throw ("CSV Parser state machine reached an invalid state")
 * used to fail the whole night, non-retryably. Found by hand and by fuzzing the reader: lines
 * ending in both CRLF and LF (a generated LF file with one CRLF line appended; a CRLF header over LF
 * rows; CRLF blank lines in an LF file) and a CR alone inside a record of an LF file. In a CRLF
 * file a lone CR splits its record in two instead; quotes in odd places alone never made it throw
 * (they are row rejects); and a run of empty lines longer than its line size made it set the next
 * good record aside as over-long. Fuzzing random files the checks let through found no other
 * throw.
 *
 * Now (activities/csv-scan.ts, activities/load-csv.ts): a file of mixed endings loads, every row at
 * its physical line; the others are rejected whole with a reason in our words naming the line; and
 * any DuckDB error that still reaches the read becomes a whole-file reject, never a failure. The
 * night on a real Temporal server is in test/landing-night.test.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { contractFor } from '../core/contracts/lists.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { matchHeader, readHeader } from '../activities/csv-header.js';
import { scanCsv } from '../activities/csv-scan.js';
import { loadRowsOrReject } from '../activities/load-csv.js';
import { migrate } from '../activities/migrate.js';
import { fileFacts } from '../activities/pull.js';
import { Warehouse } from '../activities/warehouse.js';
import type { FoundFile } from '../core/night.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const AS_OF = '2015-02-28';
const HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';
/** Record k (from 1): child `L<its physical line>`, so a row at the wrong line shows. */
const row = (line: number, team = 'Team A') => `L${line},F,WBRI,,,${team},W1,01/02/2015,Police,N`;
const lfRows = (from: number, n: number) => Array.from({ length: n }, (_, k) => row(from + k));

/** The files, each as a council might send it. */
const MIXED_APPENDED = [HEADER, ...lfRows(2, 3000)].join('\n') + '\n' + row(3002) + '\r\n';
const CRLF_HEADER_LF_ROWS = HEADER + '\r\n' + lfRows(2, 50).join('\n') + '\n';
const CRLF_BLANKS_IN_LF = [HEADER, row(2), '\r', '\r', row(5)].join('\n') + '\n';
const LONE_CR = [HEADER, row(2), row(3).replace('Team A', 'Team\rA'), row(4)].join('\n') + '\n';
const CR_ONLY = [HEADER, row(2), row(3)].join('\r') + '\r';
const CR_BEFORE_QUOTE = [HEADER, row(2), row(3).replace('Team A', '\r"Team A"'), row(4)].join('\r\n') + '\r\n';
const ODD_QUOTES = [HEADER, row(2, '"Team ""A"" East"'), row(3, 'Team "A'), row(4, '"Team" A'), row(5)].join('\n') + '\n';

/** DuckDB's own reader, as the loader calls it, on `text`: the error it throws, or null. */
async function duckdbThrows(text: string, dir: string): Promise<string | null> {
  const path = join(dir, 'probe.csv');
  await writeFile(path, text);
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    const cols = HEADER.split(',').map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
    await conn.run(
      `SELECT count(*) FROM read_csv('${path}', header = true, all_varchar = true, columns = {${cols}}, delim = ',', quote = '"', escape = '"',
         store_rejects = true, auto_detect = false, null_padding = false)`,
    );
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

const STATE_MACHINE = 'Invalid Input Error: The CSV Parser state machine reached an invalid state.';
const REF = 'case-system/referrals_2015-02-28.csv';
const CONTROL = 'case-system/children_in_need_2015-02-28.csv';
const CIN = 'Child Unique ID,CIN Start Date,CIN Closure Date,Primary Need Code,Reason for Closure,Case Status\nC1,01/01/2015,,N1,,c) Child in need plan\n';

async function load(text: string) {
  const t = await tempNight();
  await put(t, REF, text);
  await put(t, CONTROL, CIN);
  const n = await pullAndLoad(t, AS_OF);
  // The night goes on: the other file of the night loads whatever happened to this one.
  expect(n.loads.get(CONTROL)).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
  const [rec] = await query<{ status: string; reason: string | null }>(t, 'SELECT status, reason FROM meta.files WHERE file_name = $n', { n: 'referrals_2015-02-28.csv' });
  return { t, n, load: n.loads.get(REF)!, rec: rec! };
}

describe('files that made DuckDB’s CSV reader throw', () => {
  it('each of them does make the reader throw (so the cases below are the real thing)', async () => {
    const t = await tempNight();
    for (const text of [MIXED_APPENDED, CRLF_HEADER_LF_ROWS, CRLF_BLANKS_IN_LF, LONE_CR]) expect(await duckdbThrows(text, t.root)).toBe(STATE_MACHINE);
    // A CR alone in a CRLF file does not throw, but splits its record in two (rows miscounted);
    // quotes in odd places alone are rows the reader sets aside.
    for (const text of [CR_BEFORE_QUOTE, ODD_QUOTES]) expect(await duckdbThrows(text, t.root)).toBeNull();
  });

  it('lines ending in both CRLF and LF load: every row, at its physical line, with its text unchanged', async () => {
    const appended = await load(MIXED_APPENDED);
    expect(appended.load).toMatchObject({ status: 'loaded', rowsRead: 3001, rowsLoaded: 3001, rowsRejected: 0 });
    const [r] = await query<{ n: string; wrong: string; last: string; cr: string }>(
      appended.t,
      `SELECT count(*) AS n, count(*) FILTER (WHERE line <> substr(child_unique_id, 2)::BIGINT) AS wrong, max(line) AS last,
              count(*) FILTER (WHERE contains(referral_nfa, chr(13))) AS cr FROM raw.referrals`,
    );
    expect(r).toEqual({ n: '3001', wrong: '0', last: '3002', cr: '0' });

    expect((await load(CRLF_HEADER_LF_ROWS)).load).toMatchObject({ status: 'loaded', rowsRead: 50, rowsLoaded: 50, rowsRejected: 0 });
    const blanks = await load(CRLF_BLANKS_IN_LF);
    expect(blanks.load).toMatchObject({ status: 'loaded', rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
    expect(await query(blanks.t, 'SELECT child_unique_id, line FROM core.referrals ORDER BY line')).toEqual([
      { child_unique_id: 'L2', line: '2' },
      { child_unique_id: 'L5', line: '5' },
    ]);
    // The archive keeps the bytes as they came.
    const f = appended.n.found.find((x) => x.relPath === REF)!;
    expect((await fileFacts(f.rawPath!)).sha256).toBe(f.sha256);
  });

  it('a CR that ends no line, and CR-only lines: rejected whole, the line named, in our own words', async () => {
    const lone = await load(LONE_CR);
    expect(lone.load).toMatchObject({ status: 'rejected', rowsLoaded: 0 });
    expect(lone.rec).toEqual({
      status: 'rejected',
      reason:
        'line 3 holds a carriage-return character (CR) that does not end the line, outside any quoted value, so a CSV reader cannot tell where that record ends: delete the character (or put the value in double quotes) and save the file again',
    });
    expect((await load(CR_BEFORE_QUOTE)).rec.reason).toMatch(/^line 3 holds a carriage-return character \(CR\)/);
    expect((await load(CR_ONLY)).rec).toEqual({
      status: 'rejected',
      reason: 'the lines of the file end with a carriage return (CR) alone, an old Mac format, not CRLF or LF: save it again as CSV (comma delimited) or CSV UTF-8',
    });
    // A CR inside a quoted value is text, not a line break: the file loads.
    const quoted = await load([HEADER, row(2, '"Team\rA"'), row(3)].join('\n') + '\n');
    expect(quoted.load).toMatchObject({ status: 'loaded', rowsLoaded: 2, rowsRejected: 0 });
    expect(await query(quoted.t, "SELECT allocated_team = 'Team' || chr(13) || 'A' AS kept FROM core.referrals WHERE line = 2")).toEqual([{ kept: true }]);
  });

  it('quotes in odd places: the record the reader cannot read is rejected at its line, the others load', async () => {
    const odd = await load(ODD_QUOTES);
    expect(odd.load).toMatchObject({ status: 'loaded', rowsRead: 4, rowsLoaded: 3, rowsRejected: 1 });
    expect(await query(odd.t, 'SELECT line, reason FROM meta.rejects ORDER BY line')).toEqual([
      { line: '4', reason: 'a value has a stray double quote: quote the whole value and double any quote inside it' },
    ]);
    // A quote inside an unquoted value is text; "" inside a quoted one is a quote.
    expect(await query(odd.t, 'SELECT line, allocated_team FROM core.referrals WHERE line < 4 ORDER BY line')).toEqual([
      { line: '2', allocated_team: 'Team "A" East' },
      { line: '3', allocated_team: 'Team "A' },
    ]);
  });

  it('a run of empty lines longer than a record may be: rejected whole, not the next good row set aside as over-long', async () => {
    // 1.1 MB of empty lines (over the 1 MB record limit) between lines 3 and 1,153,436.
    const blank = 1_153_433;
    const r = await load([HEADER, row(2), ''.padEnd(blank, '\n') + row(3 + blank), row(4 + blank)].join('\n') + '\n');
    expect(r.rec).toEqual({
      status: 'rejected',
      reason: `lines 3 to ${2 + blank} are blank: with line ${3 + blank} after them that is more than the 1 MB limit (limits.max_line_bytes in config/limits.json) for one record, as a CSV reader counts it; so many empty lines mean a damaged file: delete them or export it again`,
    });
    // Empty lines at the end of a file are no record's: the file loads.
    expect((await load([HEADER, row(2)].join('\n') + '\n'.repeat(blank + 1))).load).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
  });

  it('a DuckDB reader error that reaches the read is a whole-file reject in our words, never a failure', async () => {
    // The read step on its own, given the files the checks would have kept from it.
    for (const text of [MIXED_APPENDED, LONE_CR, CRLF_BLANKS_IN_LF]) {
      const t = await tempNight();
      const path = await put(t, REF, text);
      const facts = await fileFacts(path);
      const f: FoundFile = {
        source: 'case-system', list: 'referrals', relPath: REF, name: 'referrals_2015-02-28.csv', sha256: facts.sha256, extractDate: AS_OF,
        byteSize: facts.byteSize, rawPath: path, encoding: 'utf-8', status: 'new', reason: null,
      };
      const header = (await readHeader(path)) as string[];
      const match = matchHeader(contractFor('referrals'), header);
      if ('reason' in match) throw new Error(match.reason);
      const scan = await scanCsv(path);
      await Warehouse.with(t.warehouse, async (w) => {
        await migrate(w);
        const r = await loadRowsOrReject(w, f, 'run-1', path, { limits: DEFAULT_LIMITS }, { scan, header, match });
        expect(r).toEqual({ sha256: facts.sha256, status: 'rejected', rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 });
        expect(await w.rows('SELECT status, reason, rows_loaded FROM meta.files')).toEqual([
          {
            status: 'rejected',
            reason:
              'the CSV reader could not read the records of this file (a stray double quote, an unusual line break or a damaged record confuses it), so none of its rows were loaded: open it in a text editor to look for the odd line, or export it again',
            rows_loaded: '0',
          },
        ]);
        // Nothing half-loaded is left, and the warehouse goes on working.
        expect(await w.rows('SELECT (SELECT count(*) FROM raw.referrals) AS r, (SELECT count(*) FROM core.referrals) AS c')).toEqual([{ r: '0', c: '0' }]);
      });
    }
  });
});
