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
import { diffSnapshots, formatDiff, isEmptyDiff, MOVED_ROWS_SHOWN, periodWindow, restatementKey, type DiffManifest, type MovedRow, type Side } from '../core/snapshot-diff.js';
import { SCHEMA_VERSION, type MetricsFile } from '../core/metrics-contract.js';
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
    expect(d.sources).toEqual([{ source: 'case-system/referrals', added: ['referrals_2015-02-28.csv'], removed: ['referrals_2015-01-31.csv'] }]);
    // January (C4 12/01, 0/1) and February (C5 10/02, 0/1) are both 0 (0/1), green: the same figure
    // in a new period is not a change (issue 14: "38.5 → 38.5" was listed as one).
    expect(d.current.find((c) => c.kpi === 're_referral_12m_pct')).toBeUndefined();
    expect(d.unchanged).toBeGreaterThan(0);
    expect(d.current.every((c) => !c.before || !c.after || c.before.value !== c.after.value || c.before.numerator !== c.after.numerator || c.before.denominator !== c.after.denominator || c.before.status !== c.after.status)).toBe(true);

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
    expect(text).toContain(`Snapshot diff\n  A: ${A}, as of 31 January 2015\n  B: ${B}, as of 28 February 2015\n`);
    expect(text).toContain('Source files used (+ in B only, − in A only): 1 added, 1 removed\n  case-system/referrals: + referrals_2015-02-28.csv, − referrals_2015-01-31.csv\n');
    expect(text).not.toMatch(/re_referral_12m_pct.*: 0 \(0\/1\).* → 0 \(0\/1\)/);
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
      out.length = 0;
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

    it('shows a snapshot named by its as-of date: the newest of that date', async () => {
      const text = await cli('snapshots', 'show', '2015-02-28', '--home', home);
      // B and C are both as of 28 February; C, the re-run, was made later.
      expect(text.split('\n')[0]).toMatch(new RegExp(`^snapshot ${C}: as of 2015-02-28`));
      expect(await cli('snapshots', 'show', '2015-01-31', '--home', home)).toMatch(new RegExp(`^snapshot ${A}:`));
      await expect(cli('snapshots', 'show', '2015-03-31', '--home', home)).rejects.toThrow(/no snapshot as of 2015-03-31/);
    });

    it('diffs snapshots named by their as-of dates', async () => {
      const text = await cli('snapshots', 'diff', '2015-01-31', '2015-02-28', '--home', home);
      expect(text).toContain(`  A: ${A}, as of 31 January 2015\n  B: ${C}, as of 28 February 2015\n`);
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

describe('what a diff lists (pure)', () => {
  type Row = MetricsFile['metrics'][number];
  type Point = MetricsFile['series'][number];
  const row = (kpi: string, basis: Row['basis'], period_start: string, period_end: string, value: number, numerator: number | null, denominator: number | null, status: Row['status']): Row => ({
    kpi,
    title: kpi,
    period_start,
    period_end,
    value,
    numerator,
    denominator,
    unit: '%',
    polarity: 'higher',
    target: 50,
    status,
    definition_version: `sha256:${'0'.repeat(64)}`,
    baseline: null,
    comparable_with_previous: true,
    basis,
    stale: false,
    notes: [],
    commentary: null,
  });
  const point = (kpi: string, period_end: string, value: number, provisional = false): Point => ({ kpi, period_end, value, numerator: value, denominator: 100, provisional, status: provisional ? 'none' : 'green' });
  const side = (id: string, asOf: string, metrics: Row[], series: Point[], sources: DiffManifest['sources'] = []): Side => ({
    metrics: { schema_version: SCHEMA_VERSION, snapshot_id: id, as_of: asOf, created_at: `${asOf}T05:00:00.000Z`, metrics, series, baseline_events: [], data_quality: { sources: [], gaps: [] } },
    manifest: { snapshot_id: id, sources, kpi_definitions: {} },
  });

  // As of 1 March and of 15 March a month KPI's headline is February on both sides; the as-of
  // points (1 March, 15 March) are month to date. At 1 and 15 March the state KPI is 12 both times.
  const A = side(
    'A',
    '2015-03-01',
    [row('month_pct', 'month', '2015-02-01', '2015-02-28', 40, 40, 100, 'red'), row('state_n', 'at_date', '2015-03-01', '2015-03-01', 12, 12, 100, 'red')],
    [point('month_pct', '2015-01-31', 35), point('month_pct', '2015-02-28', 40), point('month_pct', '2015-03-01', 10, true), point('state_n', '2015-02-28', 11), point('state_n', '2015-03-01', 12)],
  );
  const B = side(
    'B',
    '2015-03-15',
    [row('month_pct', 'month', '2015-02-01', '2015-02-28', 42, 42, 100, 'red'), row('state_n', 'at_date', '2015-03-15', '2015-03-15', 12, 12, 100, 'red')],
    [point('month_pct', '2015-01-31', 35), point('month_pct', '2015-02-28', 42), point('month_pct', '2015-03-15', 20, true), point('state_n', '2015-02-28', 11), point('state_n', '2015-03-15', 12)],
  );

  it('compares headline with headline, each side in its own period; the same figure later is unchanged', () => {
    const d = diffSnapshots(A, B);
    expect(d.current.map((c) => c.kpi)).toEqual(['month_pct']);
    expect(d.unchanged).toBe(1);
    // February is both sides' headline: a current change, not also a restatement; provisional points are neither.
    expect(d.restatements).toEqual([]);
    const text = formatDiff(d);
    expect(text).toContain('  A: A, as of 1 March 2015\n  B: B, as of 15 March 2015\n');
    expect(text).toContain('Current values changed: 1 (1 unchanged)\n  month_pct (February 2015): 40 (40/100) [red] → 42 (42/100) [red]\n');
  });

  it('labels each side with its own period when the headline moved', () => {
    const later = side('C', '2015-03-31', [row('month_pct', 'month', '2015-03-01', '2015-03-31', 44, 44, 100, 'red'), row('state_n', 'at_date', '2015-03-31', '2015-03-31', 13, 13, 100, 'red')], []);
    const text = formatDiff(diffSnapshots(B, later));
    expect(text).toContain('  month_pct: 42 (42/100) [red], February 2015 → 44 (44/100) [red], March 2015\n');
    expect(text).toContain('  state_n: 12 (12/100) [red], at 15 March 2015 → 13 (13/100) [red], at 31 March 2015\n');
  });

  it('lists the source files added and removed, not every file of a list', () => {
    const sha = (n: number) => n.toString(16).padStart(64, '0');
    const audits = (names: [string, number][]) => names.map(([file, n]) => ({ file, source: 'audits/audits', sha256: sha(n), extract_date: null }));
    const before = audits([['QA_2014_Q3.xlsx', 1], ['QA_2014_Q4.xlsx', 2], ['peer.csv', 3]]);
    const after = audits([['QA_2014_Q3.xlsx', 1], ['QA_2014_Q4.xlsx', 2], ['peer.csv', 4], ['QA_2015_Q1.xlsx', 5]]);
    const d = diffSnapshots(side('A', '2015-03-01', [], [], before), side('B', '2015-03-15', [], [], after));
    expect(d.sources).toEqual([{ source: 'audits/audits', added: ['QA_2015_Q1.xlsx', 'peer.csv'], removed: ['peer.csv'] }]);
    expect(formatDiff(d)).toContain('  audits/audits: + QA_2015_Q1.xlsx, + peer.csv (same name, new contents)\n');
  });

  it(`lists at most ${MOVED_ROWS_SHOWN} moved rows under a restatement and counts the rest`, () => {
    const d = diffSnapshots(A, side('B', '2015-03-15', A.metrics.metrics, A.metrics.series.map((p) => (p.period_end === '2015-01-31' ? { ...p, value: 36, numerator: 36 } : p))));
    expect(d.restatements.map((r) => `${r.kpi} ${r.period_end}`)).toEqual(['month_pct 2015-01-31']);
    const moved: MovedRow[] = Array.from({ length: 25 }, (_, i) => ({ list: 'referrals', file: 'referrals_2015-03-15.csv', line: i + 2, side: 'after', dates: { date_of_referral: '2015-01-10' } }));
    const text = formatDiff(d, new Map([[restatementKey(d.restatements[0]!), { rows: moved, outside: [], note: null }]]));
    expect(text.match(/moved by referrals_2015-03-15\.csv line/g)).toHaveLength(MOVED_ROWS_SHOWN);
    expect(text).toContain('    … and 5 more rows like these\n');
    expect(text).not.toContain('2015-01-10');
  });
});
