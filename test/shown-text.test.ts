/**
 * The custody rule for text that leaves the warehouse (core/shown-text.ts), pure, and its SQL twin
 * `ref.shown_code` on a real DuckDB.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CODE_NOT_SHOWN,
  REASON_MAX_CHARS,
  NAME_MAX_CHARS,
  codeLabels,
  isShowableCode,
  shownCode,
  shownLibraryError,
  shownName,
  shownReason,
} from '../core/shown-text.js';
import { codesChangedEvent } from '../core/baseline-detect.js';
import { Warehouse } from '../activities/warehouse.js';
import { migrate } from '../activities/migrate.js';

const CODES = ['Requires Improvement to be Good', 'Good', 'N9', 'RC10', 'C004733', 'C0MARKER4733', '16/06/2005', '2005-06-16', 'W0121', 'a\u001b[31mb', 'x'.repeat(61)];

describe('shown text', () => {
  it('caps a reason at 300 characters and makes control characters visible', () => {
    // The reason main published for a 200 MB line with no newline was 262 250 characters long.
    const huge = `the line could not be read as CSV: ${'C0MARKER4733,'.repeat(20_000)}`;
    const shown = shownReason(huge);
    expect(Array.from(shown)).toHaveLength(REASON_MAX_CHARS);
    expect(shown.endsWith('…')).toBe(true);
    expect(shownReason('bad \u001b[2J name\r\nnext')).toBe('bad \\u001b[2J name\\u000d\\u000anext');
    expect(shownReason('short and plain')).toBe('short and plain');
  });

  it('shows a file name with its escapes, bidi overrides and line breaks made visible, capped', () => {
    expect(shownName('referrals\u001b[31m_2015-02-28.csv')).toBe('referrals\\u001b[31m_2015-02-28.csv');
    expect(shownName('exe.\u202ecod_2015.csv')).toBe('exe.\\u202ecod_2015.csv');
    expect(shownName('C1 csi \u009b2J')).toBe('C1 csi \\u009b2J');
    expect(Array.from(shownName('a'.repeat(500)))).toHaveLength(NAME_MAX_CHARS);
    expect(shownName('QA audits Q1 (final).xlsx')).toBe('QA audits Q1 (final).xlsx');
  });

  it('shows a code value only when it looks like a code: short, printable, at most two digits', () => {
    expect(CODES.filter(isShowableCode)).toEqual(['Requires Improvement to be Good', 'Good', 'N9', 'RC10']);
    expect(shownCode('C0MARKER4733')).toBe(CODE_NOT_SHOWN);
    expect(shownCode('Good')).toBe('Good');
  });

  it('labels hidden codes apart, so counts keyed by label do not collide', () => {
    expect([...codeLabels(['Good', 'C2', '16/06/2005', 'C004733', 'Good']).entries()]).toEqual([
      ['Good', 'Good'],
      ['C2', 'C2'],
      ['16/06/2005', `${CODE_NOT_SHOWN} #1`],
      ['C004733', `${CODE_NOT_SHOWN} #2`],
    ]);
    expect(codeLabels(['C004733']).get('C004733')).toBe(CODE_NOT_SHOWN);
  });

  it('a baseline event about a new code names a code but never an identifier typed into the column', () => {
    const e = codesChangedEvent('audits_good_or_better_pct', 'audits/audits', 'grade', {
      effectivePeriod: '2015-01',
      newCodes: [
        { key: 'requires improvement to be good', code: 'Requires Improvement to be Good', rows: 3, first: '2015-01-10' },
        { key: 'c0marker4733', code: 'C0MARKER4733', rows: 1, first: '2015-01-12' },
      ],
      vanished: [],
      oldCodes: ['Good', 'Outstanding'],
      codesNow: ['C0MARKER4733', 'Good', 'Requires Improvement to be Good'],
      compared: 'audit months before 2015-01 with 2015-01 onwards',
    });
    const text = JSON.stringify(e.evidence);
    expect(text).not.toContain('C0MARKER4733');
    expect(e.evidence.new_codes).toEqual(['Requires Improvement to be Good', CODE_NOT_SHOWN]);
    expect(e.evidence.rows_with_new_code).toEqual({ 'Requires Improvement to be Good': 3, [CODE_NOT_SHOWN]: 1 });
    expect(e.evidence.summary).toContain('new code "Requires Improvement to be Good" in 3 rows since 2015-01-10');
  });

  it('a library error leaves as its first line with quoted parts blanked, never the row it quotes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-shown-'));
    const csv = join(root, 'bad.csv');
    await writeFile(csv, 'a,b\n1,2\nC0MARKER4733,16/06/2005,extra\n');
    const errors = await Warehouse.with(join(root, 'w.duckdb'), async (w) => {
      const caught: unknown[] = [];
      await w.run("SELECT CAST('C0MARKER4733' AS INTEGER)").catch((e: unknown) => caught.push(e));
      await w.run(`SELECT * FROM read_csv($p, header = true, delim = ',', auto_detect = false, columns = {a: 'INTEGER', b: 'INTEGER'})`, { p: csv }).catch((e: unknown) => caught.push(e));
      return caught;
    });
    expect(errors).toHaveLength(2);
    for (const err of errors) {
      expect((err as Error).message).toMatch(/C0MARKER4733/); // what the library said
      const shown = shownLibraryError(err);
      expect(shown).not.toMatch(/C0MARKER4733|16\/06\/2005/);
      expect(shown).toMatch(/Error/);
      expect(shown).not.toContain('\n');
    }
    const zodErr = z.object({ grade: z.enum(['Good']) }).safeParse({ grade: 'C0MARKER4733' }).error!;
    expect(shownLibraryError(zodErr)).toBe('ZodError: 1 value(s) do not match their contract, at grade');
    const fsErr = Object.assign(new Error("EACCES: permission denied, open '/landing/x\u001b.csv'"), { code: 'EACCES', syscall: 'open', path: '/landing/x\u001b.csv' });
    expect(shownLibraryError(fsErr)).toBe('EACCES on open of /landing/x\\u001b.csv');
  });

  it('ref.shown_code in SQL agrees with the TypeScript rule, and a withheld note describes a hidden value', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-shown-'));
    await Warehouse.with(join(root, 'w.duckdb'), async (w) => {
      await migrate(w);
      for (const code of CODES) {
        const [r] = await w.rows<{ s: string | null }>('SELECT ref.shown_code($c) AS s', { c: code });
        expect(r!.s, code).toBe(isShowableCode(code) ? code : null);
      }
      const note = async (code: string) =>
        (await w.rows<{ n: string }>(
          "SELECT ref.unknown_code_note('grade', $c, 2, 'audit(s)', 'the first completed on 2015-01-10', ['Outstanding', 'Good', 'Requires Improvement', 'Inadequate']) AS n",
          { c: code },
        ))[0]!.n;
      expect(await note('Requires Improvement to be Good')).toBe(
        '"Requires Improvement to be Good" is not a known grade (known: Outstanding, Good, Requires Improvement, Inadequate): 2 audit(s) in this period carry it, the first completed on 2015-01-10. To count it, add {"column": "grade", "from": "Requires Improvement to be Good", "to": "Requires Improvement"} to config/code-mappings.json.',
      );
      expect(await note('C0MARKER4733')).toBe(
        'An unrecognised value (not shown: it looks like an identifier or a date, not a code) is in grade (known: Outstanding, Good, Requires Improvement, Inadequate): 2 audit(s) in this period carry it, the first completed on 2015-01-10. It was probably typed into the wrong column: correct it in the source system.',
      );
    });
  });
});
