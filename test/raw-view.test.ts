/**
 * raw.<list> as a view over the archived files (issue 19) shows exactly the rows, lines and extra
 * columns that the loader kept as a table before: each night is loaded twice, once as the night
 * does it (a UTF-8 CSV read once where it lies, activities/load-once.ts) and once keeping every
 * CSV's rows as text first (`keepRows`, the path every CSV took before), and the two warehouses'
 * raw, core, meta.rejects and meta.files are compared row for row. The files: the committed
 * sample landing folder, the rejects corpus's row-level cases (test/rejects-corpus.test.ts 27–42,
 * 45), and one file with every irregularity at once.
 */
import { cp } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../activities/load-file.js';
import { migrate } from '../activities/migrate.js';
import { pullSources } from '../activities/pull.js';
import { Warehouse } from '../activities/warehouse.js';
import { CONTRACTS } from '../core/contracts/lists.js';
import { projectPath } from '../core/project-root.js';
import { put, tempNight, type TempNight } from './helpers/landing.js';

const AS_OF = '2015-02-28';
const REF = 'case-system/referrals_2015-02-28.csv';
const REF_HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';
const G1 = 'G1,F,WBRI,01/01/2010,5,Team A,W1,01/02/2015,Police,N';
const G2 = 'G2,M,WBRI,01/01/2011,4,Team A,W1,2015-02-02,School,Y';
const refs = (...rows: string[]) => [REF_HEADER, ...rows].join('\n') + '\n';
const CP = 'case-system/child_protection_2015-02-28.csv';
const CP_HEADER =
  'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Child Protection Plan Start Date,Child Protection Plan End Date,Number of Previous Child Protection Plans,Initial Category of Abuse,Latest Category of Abuse';
const cps = (...rows: string[]) => [CP_HEADER, ...rows].join('\n') + '\n';
const HR = 'hr/workforce_2015-02-28.csv';
const HR_HEADER = 'Worker ID,Org Role,Agency Worker,FTE,Role Start Date,Role End Date,Reason for Leaving,Team,Induction Completed Date';
const hrs = (...rows: string[]) => [HR_HEADER, ...rows].join('\n') + '\n';
const AUD = 'audits/peer_audits.csv';
const AUDIT_HEADER = 'Audit ID,Child Unique ID,Audit Type,Scheduled Date,Completed Date,Auditor ID,Auditor Role,Worker ID,Grade';
const audit = (id: string, child = 'C1') => `${id},${child},Case File,01/01/2015,10/01/2015,A1,QA,W1,Good`;

/** The rejects corpus's row-level cases, by number. */
const CORPUS: Record<string, Record<string, string | Buffer>> = {
  '27 impossible date': { [REF]: refs(G1, 'B1,F,WBRI,01/01/2010,5,T,W1,31/02/2015,Police,N', G2) },
  '28 US date': { [REF]: refs('B1,F,WBRI,05/13/2010,5,T,W1,01/02/2015,Police,N', G1, G2) },
  '29 two-digit year': { [REF]: refs(G1, G2, 'B1,F,WBRI,01/01/2010,5,T,W1,05/02/15,Police,N') },
  '30 after the extract date': { [REF]: refs(G1, G2, 'B1,F,WBRI,01/01/2010,5,T,W1,01/03/2015,Police,N') },
  '31 blank id': { [REF]: refs(G1, G2, '  ,F,WBRI,01/01/2010,5,T,W1,01/02/2015,Police,N') },
  '32 flag Maybe': { [REF]: refs(G1, 'B1,F,WBRI,01/01/2010,5,T,W1,01/02/2015,Police,Maybe', G2) },
  '33 CP plans not whole': { [CP]: cps('G1,F,W,,,T,W1,01/01/2015,,0,Neglect,Neglect', 'B1,F,W,,,T,W1,01/01/2015,,1.5,Neglect,Neglect', 'B2,F,W,,,T,W1,01/01/2015,,-1,Neglect,Neglect') },
  '34 CP plan ends before it starts': { [CP]: cps('G1,F,W,,,T,W1,01/01/2015,02/01/2015,0,Neglect,Neglect', 'B1,F,W,,,T,W1,01/01/2015,31/12/2014,0,Neglect,Neglect') },
  '35–37 HR': { [HR]: hrs('G1,5,N,1,01/01/2014,,,T,', 'B1,5,N,0,01/01/2014,,,T,', 'B2,5 Senior Manager,N,1,01/01/2014,,,T,', 'B3,1,Agency,1,01/03/2015,,,T,') },
  '38 unquoted comma': { [REF]: refs(G1, 'B1,F,WBRI,01/01/2010,5,Team A, East,W1,01/02/2015,Police,N', G2) },
  '39 fields missing': { [REF]: refs(G1, 'B1,F,WBRI,01/01/2010', G2) },
  '40 stray quote': { [REF]: refs(G1, 'B1,F,WBRI,01/01/2010,5,"Team "A" East",W1,01/02/2015,Police,N', G2) },
  '41 blank lines and a spanning value': {
    [REF]: [REF_HEADER, 'G1,F,WBRI,01/01/2010,5,"Team A', 'East",W1,01/02/2015,Police,N', '', 'B1,F,WBRI,01/01/2010,5,T', '', 'B2,F,WBRI,01/01/2010,5,T,W1,30/02/2015,Police,N', G2].join('\r\n') + '\r\n',
  },
  '42 Audit ID repeated': { [AUD]: [AUDIT_HEADER, audit('A1'), audit('A2'), audit('A1', 'C9')].join('\n') + '\n' },
  '45 Windows-1252': {
    [REF]: Buffer.from([...refs('G1,F,WBRI,01/01/2010,5,Team £ “East”,W1,01/02/2015,Police,N', 'B1,F,WBRI,01/01/2010,5,T,W1,29/02/2015,Police,N')].map((ch) => ({ '£': 0xa3, '“': 0x93, '”': 0x94 })[ch] ?? ch.charCodeAt(0))),
  },
};

/**
 * Everything at once in a file read in parallel by DuckDB: extra columns, malformed records,
 * blank lines, values over two lines, rows failing checks and a repeated ID (a rule across rows),
 * before and after one another.
 */
function everything(): Record<string, string> {
  const rows = [`${AUDIT_HEADER},Local Notes,`];
  for (let i = 1; i <= 60_000; i++) {
    const id = i % 9_973 === 0 ? 'A7' : `A${i}`; // repeats of A7: every one after the first rejected
    if (i % 7_919 === 0) rows.push(`${id},C1,Case File`); // fields missing: malformed
    else if (i % 5_003 === 0) rows.push(`${id},C1,Case File,01/01/2015,10/01/2015,A1,QA,W1,Good,"note over`, `two lines",x`);
    else if (i % 4_001 === 0) rows.push('', `${id},C1,Case File,31/02/2015,10/01/2015,A1,QA,W1,Good,n,x`); // blank line, then an impossible date
    else rows.push(`${id},C${i % 300},Case File,01/01/2015,10/01/2015,A1,QA,W${i % 40},Good,note ${i},`);
  }
  return { [AUD]: rows.join('\n') + '\n' };
}

/** Pulls and loads the landing folder into a fresh warehouse, every CSV's rows kept as text first when `keepRows`. */
async function loaded(setup: (t: TempNight) => Promise<void>, keepRows: boolean): Promise<TempNight> {
  const t = await tempNight();
  await setup(t);
  await Warehouse.with(t.warehouse, async (w) => {
    await migrate(w);
    const found = await pullSources(w, { asOf: AS_OF, landing: t.landing, home: t.home });
    for (const f of found.filter((x) => x.status === 'new')) await loadFile(w, f, 'test-run', { keepRows });
  });
  return t;
}

/** What a warehouse holds of the night, by table, rows in a fixed order. */
async function contents(t: TempNight): Promise<Record<string, unknown[]>> {
  return Warehouse.with(t.warehouse, async (w) => {
    const out: Record<string, unknown[]> = {};
    for (const c of CONTRACTS.values()) {
      out[`raw.${c.list}`] = await w.rows(`SELECT * FROM raw."${c.list}" ORDER BY file_sha256, line`);
      out[`core.${c.list}`] = await w.rows(`SELECT * FROM core."${c.list}" ORDER BY file_sha256, line`);
    }
    out['meta.rejects'] = await w.rows('SELECT * FROM meta.rejects ORDER BY ALL');
    out['meta.files'] = await w.rows('SELECT * EXCLUDE (load_seq, raw_path) FROM meta.files ORDER BY sha256');
    out['meta.sheets'] = await w.rows('SELECT * FROM meta.sheets ORDER BY ALL');
    return out;
  });
}

/** Rows of the CSV lists kept as rows (raw_rows), by list. */
async function keptRows(t: TempNight): Promise<Record<string, string>> {
  return Warehouse.with(t.warehouse, async (w) => {
    const out: Record<string, string> = {};
    for (const c of CONTRACTS.values()) {
      const [r] = await w.rows<{ n: string }>(`SELECT count(*) AS n FROM raw_rows."${c.list}"`);
      if (r?.n !== '0') out[c.list] = r!.n;
    }
    return out;
  });
}

async function expectSameBothWays(setup: (t: TempNight) => Promise<void>): Promise<{ once: TempNight; kept: TempNight; got: Record<string, unknown[]> }> {
  const once = await loaded(setup, false);
  const kept = await loaded(setup, true);
  const got = await contents(once);
  const want = await contents(kept);
  for (const table of Object.keys(want)) expect(got[table], table).toEqual(want[table]);
  return { once, kept, got };
}

describe('raw as a view over the archived files', () => {
  it('shows the sample night as the rows kept as text did; the UTF-8 CSVs are not stored twice', async () => {
    const { once, kept, got } = await expectSameBothWays((t) => cp(projectPath('fixtures', 'sample', 'landing'), t.landing, { recursive: true }));
    // The sample is not empty: every case-system list has raw rows with lines, and the workbooks' sheets are there too.
    for (const list of ['referrals', 'assessments', 'children_in_need', 'child_protection', 'children_looked_after', 'care_leavers', 'workforce', 'audits']) {
      expect(got[`raw.${list}`]!.length, list).toBeGreaterThan(0);
      expect(got[`raw.${list}`]!.length, list).toBeGreaterThanOrEqual(got[`core.${list}`]!.length);
    }
    // Read once: only the rows that need a copy or come from a workbook are stored as text.
    const stored = await keptRows(once);
    // (the audit, improvement-plan and Annex A workbooks, and files read through a copy rather than
    // where they lie, as the workforce extracts are).
    expect(Object.keys(stored).filter((l) => !['audits', 'workforce', 'plan_actions', 'contacts', 'adoption', 'adopters'].includes(l))).toEqual([]);
    expect(Number((await keptRows(kept)).referrals)).toBe(got['raw.referrals']!.length);
  }, 120_000);

  for (const [name, files] of Object.entries(CORPUS)) {
    it(`rejects corpus ${name}: the same raw rows, lines, core rows and rejects`, async () => {
      await expectSameBothWays(async (t) => {
        for (const [rel, content] of Object.entries(files)) await put(t, rel, content);
      });
    });
  }

  it('a large file with extra columns, malformed records, blank lines, values over two lines and a repeated ID', async () => {
    const { once, got } = await expectSameBothWays(async (t) => {
      for (const [rel, content] of Object.entries(everything())) await put(t, rel, content);
    });
    // 60,000 records: 7 malformed (every 7,919th), 14 impossible dates (every 4,001st, less the one that is a repeat's turn), 5 repeats of A7.
    const [f] = got['meta.files'] as { rows_read: string; rows_loaded: string; rows_rejected: string }[];
    expect(f).toMatchObject({ rows_read: '60000' });
    expect(Number(f!.rows_loaded) + Number(f!.rows_rejected)).toBe(60_000);
    expect(Number(f!.rows_rejected)).toBeGreaterThan(20);
    // Extra columns come from the view, by header.
    expect((got['raw.audits'] as { extra_columns: unknown }[]).some((r) => r.extra_columns !== null)).toBe(true);
    expect(await keptRows(once)).toEqual({});
  }, 120_000);
});
