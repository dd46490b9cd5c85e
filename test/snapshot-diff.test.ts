/**
 * `csc-kpi snapshots diff`: two nights whose referral extracts differ by a few past rows. The diff
 * names the restated months of re_referral_12m_pct and the source rows that moved them by file
 * and line, never by child. Also list and show, and an empty diff for a re-run on the same data.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readKpiCatalogue } from '../activities/kpi-files.js';
import { restatementRows } from '../activities/snapshot-restatements.js';
import { loadSnapshot, register } from '../cli/commands/snapshots.js';
import { readEnvConfig } from '../core/env-config.js';
import { diffSnapshots, formatDiff, isEmptyDiff, periodWindow, restatementKey } from '../core/snapshot-diff.js';
import { runNight, writeReferrals } from './helpers/snapshot-night.js';

// The January extract (line = row + 1; the header is line 1):
//   2 C1 10/10/2014 · 3 C1 20/11/2014 · 4 C2 05/11/2014 · 5 C3 15/12/2014 · 6 C4 12/01/2015
// The February extract restates the past: line 5 now says C3 was referred on 25/11/2014 (a
// corrected date), line 7 adds a late-recorded C2 referral on 01/12/2014; line 8 is February's.
//   2 C1 10/10/2014 · 3 C1 20/11/2014 · 4 C2 05/11/2014 · 5 C3 25/11/2014 · 6 C4 12/01/2015
//   7 C2 01/12/2014 · 8 C5 10/02/2015
// re_referral_12m_pct (another referral of the same child in the 12 months before):
//   Nov 2014  A: C1 20/11 (re: 10/10), C2 05/11 → 1/2 = 50      B: + C3 25/11 → 1/3 = 33.3
//   Dec 2014  A: C3 15/12 → 0/1 = 0                           B: C2 01/12 (re: 05/11) → 1/1 = 100
//   Oct 2014 (0/1) and Jan 2015 (0/1) are unchanged.
const JAN: [string, string][] = [
  ['C1', '10/10/2014'],
  ['C1', '20/11/2014'],
  ['C2', '05/11/2014'],
  ['C3', '15/12/2014'],
  ['C4', '12/01/2015'],
];
const FEB: [string, string][] = [
  ['C1', '10/10/2014'],
  ['C1', '20/11/2014'],
  ['C2', '05/11/2014'],
  ['C3', '25/11/2014'],
  ['C4', '12/01/2015'],
  ['C2', '01/12/2014'],
  ['C5', '10/02/2015'],
];

const CHILD_ID = /\bC[1-5]\b/;

describe('snapshot diff and restatements', () => {
  let home: string;
  let A: string;
  let B: string;
  let C: string;

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-diff-'));
    const landing = join(root, 'landing');
    home = join(root, 'home');
    await writeReferrals(landing, '2015-01-31', JAN);
    A = (await runNight({ home, landing, asOf: '2015-01-31', runId: 'run-jan-0001', createdAt: '2015-02-01T02:00:00.000Z' })).snapshotId;
    await writeReferrals(landing, '2015-02-28', FEB);
    B = (await runNight({ home, landing, asOf: '2015-02-28', runId: 'run-feb-0002', createdAt: '2015-03-01T02:00:00.000Z' })).snapshotId;
    // A re-run of the same night on the same files: nothing new is published, B stands (C === B).
    C = (await runNight({ home, landing, asOf: '2015-02-28', runId: 'run-feb-0003', createdAt: '2015-03-01T05:00:00.000Z' })).snapshotId;
  });

  it('names the restated months and the rows that moved them, by file and line', async () => {
    const dir = join(home, 'snapshots');
    const a = await loadSnapshot(dir, A, null);
    const b = await loadSnapshot(dir, B, null);
    const d = diffSnapshots(a, b);

    expect(d.restatements).toEqual([
      { kpi: 're_referral_12m_pct', title: 'Re-referrals within 12 months (%)', period_end: '2014-11-30', before: { value: 50, numerator: 1, denominator: 2 }, after: { value: 33.3, numerator: 1, denominator: 3 }, definition_changed: false },
      { kpi: 're_referral_12m_pct', title: 'Re-referrals within 12 months (%)', period_end: '2014-12-31', before: { value: 0, numerator: 0, denominator: 1 }, after: { value: 100, numerator: 1, denominator: 1 }, definition_changed: false },
    ]);
    expect(d.sources).toEqual([{ source: 'case-system/referrals', before: ['referrals_2015-01-31.csv'], after: ['referrals_2015-02-28.csv'] }]);
    expect(d.current.find((c) => c.kpi === 're_referral_12m_pct')).toMatchObject({ before: { period_end: '2015-01-31', value: 0 }, after: { period_end: '2015-02-28', value: 0 } });

    const rows = await restatementRows(join(home, 'warehouse.duckdb'), a.manifest, b.manifest, d.restatements, await readKpiCatalogue());
    const at = (period_end: string) => rows.get(restatementKey({ kpi: 're_referral_12m_pct', period_end }));
    // November: only the corrected row now dated 25/11/2014 falls in the month.
    expect(at('2014-11-30')?.rows.map((r) => [r.file, r.line, r.side])).toEqual([['referrals_2015-02-28.csv', 5, 'after']]);
    // December: the old line 5 (15/12/2014) left it; the late-recorded line 7 (01/12/2014) joined it.
    expect(at('2014-12-31')?.rows.map((r) => [r.file, r.line, r.side])).toEqual([
      ['referrals_2015-01-31.csv', 5, 'before'],
      ['referrals_2015-02-28.csv', 7, 'after'],
    ]);
    expect(at('2014-12-31')?.rows[0]?.dates).toEqual({ date_of_referral: '2014-12-15' });

    const text = formatDiff(d, rows);
    expect(text).toContain('re_referral_12m_pct 2014-11-30: 50 (1/2) → 33.3 (1/3)');
    expect(text).toContain('moved by referrals_2015-02-28.csv line 5 (referrals; new or changed in B; dated by date_of_referral)');
    // The row's own dates stay in the warehouse: the terminal names the column, not the value.
    expect(text).not.toContain('2014-11-25');
    expect(text).toContain('moved by referrals_2015-01-31.csv line 5 (referrals; in A, gone or changed in B; dated by date_of_referral)');
    expect(text).not.toContain('2014-12-15');
    expect(text).not.toMatch(CHILD_ID);
  });

  it('a re-run on the same files publishes nothing new (B stands) and has an empty diff', async () => {
    expect(C).toBe(B);
    const dir = join(home, 'snapshots');
    const d = diffSnapshots(await loadSnapshot(dir, B, null), await loadSnapshot(dir, C, null));
    expect(isEmptyDiff(d)).toBe(true);
    expect(formatDiff(d)).toContain('no differences');
  });

  describe('the CLI', () => {
    const out: string[] = [];
    afterEach(() => {
      vi.restoreAllMocks();
      out.length = 0;
    });
    async function cli(...args: string[]): Promise<string> {
      return cliWith({}, ...args);
    }
    /** The CLI with these environment settings, as cli/main.ts reads them. */
    async function cliWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });
      const program = new Command('csc-kpi').exitOverride();
      register(program, pino({ level: 'silent' }), readEnvConfig(env));
      await program.parseAsync(['node', 'csc-kpi', ...args]);
      vi.restoreAllMocks();
      return out.join('');
    }

    it('lists snapshots newest first and marks latest', async () => {
      const text = await cli('snapshots', 'list', '--home', home);
      const ids = text.split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s+/)[0]);
      expect(ids).toEqual([B, A]);
      expect(text.split('\n')[2]).toMatch(/\*$/);
      // Without --home, CSC_KPI_HOME is the home (the worker's, in its container).
      out.length = 0;
      expect(await cliWith({ CSC_KPI_HOME: home }, 'snapshots', 'list')).toBe(text);
    });

    it('shows the metric table and the report path', async () => {
      const text = await cli('snapshots', 'show', 'latest', '--home', home);
      expect(text).toMatch(/re_referral_12m_pct\s+0\s+0\s+1\s+22\s+green\s+yes/);
      expect(text).toContain(join(home, 'snapshots', C, 'report.html'));
    });

    it('diffs with the moved rows and no child identifiers', async () => {
      const text = await cli('snapshots', 'diff', A, B, '--home', home);
      expect(text).toContain('Restatements (past periods whose figure changed): 2');
      expect(text).toContain('referrals_2015-02-28.csv line 7');
      expect(text).not.toMatch(CHILD_ID);
    });
  });
});

describe('periodWindow', () => {
  it('gives the month, the trailing 12 months (E minus 12 months excluded, clamped) or everything up to E', () => {
    expect(periodWindow('month', '2015-02-28')).toEqual({ from: '2015-02-01', to: '2015-02-28' });
    expect(periodWindow('trailing_12_months', '2013-02-28')).toEqual({ from: '2012-02-29', to: '2013-02-28' });
    expect(periodWindow('trailing_12_months', '2016-02-29')).toEqual({ from: '2015-03-01', to: '2016-02-29' });
    expect(periodWindow('at_date', '2015-02-28')).toEqual({ from: null, to: '2015-02-28' });
  });
});
