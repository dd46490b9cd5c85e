/**
 * An Annex A workbook written by a script that knows nothing of our contracts
 * (test/helpers/annex_a_workbook.py: the current Ofsted headings of every list verbatim, values
 * chosen from the headings' words, a package laid out as openpyxl lays it out, relationship
 * targets written as absolute paths): every list sheet is recognised, every row is loaded or
 * rejected with a reason, and in every sheet rows loaded + rejected = rows in the sheet.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ANNEX_A_LISTS } from '../core/contracts/annex-a.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const ROWS = 6;

describe('an Annex A workbook with the current Ofsted headings, written elsewhere', () => {
  it('every list sheet is recognised and every row is loaded or rejected with a reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-ofsted-'));
    const path = join(dir, 'annex_a.xlsx');
    await promisify(execFile)('python3', ['test/helpers/annex_a_workbook.py', path, String(ROWS)]);
    const t = await tempNight();
    await put(t, 'case-system/annex_a_2015-03-31.xlsx', await readFile(path));
    const n = await pullAndLoad(t, '2015-03-31');
    expect(n.loads.get('case-system/annex_a_2015-03-31.xlsx')?.status).toBe('loaded');

    const sheets = await query<{ sheet: string; list: string | null; status: string; reason: string | null; rows_read: string; rows_loaded: string; rows_rejected: string; columns_unknown: string[] }>(
      t,
      'SELECT sheet, list, status, reason, rows_read, rows_loaded, rows_rejected, columns_unknown FROM meta.sheets ORDER BY sheet_index',
    );
    expect(sheets.map((s) => s.sheet)).toEqual(['Guidance', ...[...ANNEX_A_LISTS.keys()].map((k) => `List ${k}`)]);
    expect(sheets[0]).toMatchObject({ list: null, status: 'ignored' });
    for (const [k, table] of ANNEX_A_LISTS) {
      const s = sheets[k]!;
      // All eleven lists have contracts: every sheet loads.
      expect(CONTRACTS.has(table)).toBe(true);
      expect({ sheet: s.sheet, list: s.list, status: s.status, reason: s.reason }).toEqual({ sheet: `List ${k}`, list: table, status: 'loaded', reason: null });
      // Every row read, each loaded or rejected: the sheet's six rows.
      expect(Number(s.rows_read)).toBe(ROWS);
      expect(Number(s.rows_loaded) + Number(s.rows_rejected)).toBe(ROWS);
      const [core] = await query<{ n: string }>(t, `SELECT count(*) AS n FROM core."${table}" WHERE file_sha256 = $sha`, { sha: n.found[0]!.sha256! });
      expect(Number(core!.n)).toBe(Number(s.rows_loaded));
      const [bad] = await query<{ n: string; unexplained: string }>(
        t,
        "SELECT count(DISTINCT line) AS n, count(*) FILTER (WHERE reason IS NULL OR reason = '') AS unexplained FROM meta.rejects WHERE sheet = $sheet",
        { sheet: s.sheet },
      );
      expect({ rejectedRows: Number(bad!.n), unexplained: Number(bad!.unexplained) }).toEqual({ rejectedRows: Number(s.rows_rejected), unexplained: 0 });
      // Every heading is a column of the list (by name or alias): nothing left over.
      expect(s.columns_unknown).toEqual([]);
    }
    // The headings and values of a real Annex A load as they are: no row is rejected.
    expect(await query(t, 'SELECT sheet, line, column_name, reason FROM meta.rejects')).toEqual([]);
    // Ids written as numbers are their digits; "Age" is Age of Child (Years); `a) Yes` is a flag.
    expect(await query(t, 'SELECT line, child_unique_id, age_of_child_years AS age, referral_nfa AS nfa, allocated_worker FROM core.referrals ORDER BY line LIMIT 4')).toEqual([
      { line: '2', child_unique_id: '7961370', age: '-1', nfa: true, allocated_worker: '900' },
      { line: '3', child_unique_id: 'C012346', age: '3', nfa: false, allocated_worker: '901' },
      { line: '4', child_unique_id: '7961392', age: '4', nfa: true, allocated_worker: '902' },
      { line: '5', child_unique_id: 'C012348', age: '5', nfa: false, allocated_worker: '903' },
    ]);
  });
});
