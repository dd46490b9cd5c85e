/**
 * The loader across nights: what the contract accepts (BOM, CRLF, case-insensitive headers with
 * spaces, extra columns, Annex A prefixes, Yes/No), loading the same folder twice changes
 * nothing, a newer extract changes only its list, an extract after as-of waits for its night,
 * a file rejected whole stays rejected with its reason, and every file found is accounted for
 * in metrics.json's data_quality.sources (built by the real build-metrics).
 */
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMetrics, usedFiles } from '../activities/build-metrics.js';
import { Warehouse } from '../activities/warehouse.js';
import { validateLanding, formatValidation } from '../activities/validate.js';
import { pullAndLoad, put, query, tempNight, type TempNight } from './helpers/landing.js';

const REF_HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';
const CIN_HEADER = ' child unique id ,CIN START DATE,cin closure date,Primary Need Code,Reason for Closure,Case Status,Local Notes';
const AUDIT_HEADER = 'Audit ID,Child Unique ID,Audit Type,Scheduled Date,Completed Date,Auditor ID,Auditor Role,Worker ID,Grade';
const auditCsv = (...rows: string[]) => [AUDIT_HEADER, ...rows].join('\n') + '\n';

async function fingerprint(t: TempNight): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['raw.referrals', 'core.referrals', 'core.children_in_need', 'core.workforce', 'meta.rejects']) {
    const [r] = await query<{ n: string; h: string }>(t, `SELECT count(*) AS n, coalesce(sum(hash(COLUMNS(*))::HUGEINT), 0)::VARCHAR AS h FROM ${table}`).catch(async () =>
      query<{ n: string; h: string }>(t, `SELECT count(*) AS n, sum(hash(t)::HUGEINT)::VARCHAR AS h FROM ${table} t`),
    );
    out[table] = `${r?.n}:${r?.h}`;
  }
  const files = await query<{ f: string }>(t, "SELECT string_agg(sha256 || status || rows_loaded, ',' ORDER BY sha256) AS f FROM meta.files");
  out['meta.files'] = files[0]?.f ?? '';
  return out;
}

describe('what the contract accepts', () => {
  it('UTF-8 BOM, CRLF, case-insensitive headers with spaces, extra columns, Annex A prefixes, Yes/No', async () => {
    const t = await tempNight();
    await put(t, 'case-system/referrals_2015-02-28.csv', '\uFEFF' + [REF_HEADER.replace('Child Unique ID', 'CHILD UNIQUE ID'), 'C1,F,W,,,T,W1,01/02/2015,Police,yes', 'C2,F,W,,,T,W1,2015-02-03,Police,NO'].join('\r\n') + '\r\n');
    await put(t, 'case-system/children_in_need_2015-02-28.csv', [CIN_HEADER, 'C1,01/01/2015,,N1,,c) Child in need plan,x', 'C2,01/01/2014,01/02/2014,N2,RC1,E) closed episode,y'].join('\n') + '\n');
    const n = await pullAndLoad(t, '2015-02-28');
    for (const r of n.loads.values()) expect(r).toMatchObject({ status: 'loaded', rowsRejected: 0, rowsLoaded: 2, rowsRead: 2 });
    expect(await query(t, 'SELECT child_unique_id, date_of_referral::VARCHAR AS d, referral_nfa, line FROM core.referrals ORDER BY line')).toEqual([
      { child_unique_id: 'C1', d: '2015-02-01', referral_nfa: true, line: '2' },
      { child_unique_id: 'C2', d: '2015-02-03', referral_nfa: false, line: '3' },
    ]);
    expect(await query(t, 'SELECT child_unique_id, case_status, primary_need_code, gender FROM core.children_in_need ORDER BY line')).toEqual([
      { child_unique_id: 'C1', case_status: 'Child in need plan', primary_need_code: 'N1', gender: null },
      { child_unique_id: 'C2', case_status: 'Closed episode', primary_need_code: 'N2', gender: null },
    ]);
  });
});

describe('across nights', () => {
  it('same folder twice changes nothing; a newer extract changes only its list; after-as-of waits; rejected stays rejected', async () => {
    const t = await tempNight();
    await cp('fixtures/sample/landing/hr', `${t.landing}/hr`, { recursive: true });
    await put(t, 'case-system/referrals_2015-01-31.csv', [REF_HEADER, 'C1,F,W,,,T,W1,01/01/2015,Police,N', 'C2,F,W,,,T,W1,31/02/2015,Police,N'].join('\n') + '\n');
    await put(t, 'case-system/children_in_need_2015-01-31.csv', [CIN_HEADER, 'C1,01/01/2015,,N1,,c) Child in need plan,x'].join('\n') + '\n');
    await put(t, 'case-system/child_protection_2015-01-31.csv', 'not,a,cp,file\n1,2,3,4\n');
    await put(t, 'case-system/referrals_2015-03-31.csv', [REF_HEADER, 'C1,F,W,,,T,W1,01/03/2015,Police,N'].join('\n') + '\n');

    const first = await pullAndLoad(t, '2015-02-28', 'run-1');
    expect(first.found.map((f) => [f.relPath, f.status])).toEqual([
      ['case-system/child_protection_2015-01-31.csv', 'new'],
      ['case-system/children_in_need_2015-01-31.csv', 'new'],
      ['case-system/referrals_2015-01-31.csv', 'new'],
      ['case-system/referrals_2015-03-31.csv', 'after_as_of'],
      ['hr/workforce_2015-01-31.csv', 'new'],
      ['hr/workforce_2015-02-28.csv', 'new'],
    ]);
    expect(first.loads.get('case-system/child_protection_2015-01-31.csv')).toMatchObject({ status: 'rejected' });
    const cpSha = first.found.find((f) => f.name === 'child_protection_2015-01-31.csv')!.sha256!;
    const [cpFile] = await query<{ reason: string }>(t, 'SELECT reason FROM meta.files WHERE sha256 = $sha', { sha: cpSha });
    const cpReason = cpFile!.reason;
    expect(cpReason).toMatch(/^not a Child protection plans \(Annex A list 7\) file: missing required column/);
    const before = await fingerprint(t);

    // Night 2, same as-of, same folder: nothing new, nothing changes; the bad file is rejected again
    // (its reason stays in meta.files, where publishing reads it, and out of the pull's payload).
    const second = await pullAndLoad(t, '2015-02-28', 'run-2');
    expect(second.loads.size).toBe(0);
    expect(second.found.find((f) => f.name === 'child_protection_2015-01-31.csv')).toMatchObject({ status: 'rejected', reason: null });
    expect(second.found.filter((f) => f.status === 'already_loaded')).toHaveLength(4);
    expect(await fingerprint(t)).toEqual(before);

    // Night 3: a newer referrals extract arrives; as of 2015-03-31 the March file is used too.
    await put(t, 'case-system/referrals_2015-02-28.csv', [REF_HEADER, 'C1,F,W,,,T,W1,01/01/2015,Police,N', 'C3,F,W,,,T,W1,01/02/2015,Police,Y'].join('\n') + '\n');
    const third = await pullAndLoad(t, '2015-03-31', 'run-3');
    expect([...third.loads.keys()].sort()).toEqual(['case-system/referrals_2015-02-28.csv', 'case-system/referrals_2015-03-31.csv']);
    const after = await fingerprint(t);
    expect(after['core.children_in_need']).toBe(before['core.children_in_need']);
    expect(after['core.workforce']).toBe(before['core.workforce']);
    expect(await query(t, "SELECT child_unique_id FROM core.referrals_at('2015-02-28'::DATE) ORDER BY line")).toEqual([{ child_unique_id: 'C1' }, { child_unique_id: 'C3' }]);
    expect(await query(t, "SELECT child_unique_id FROM core.referrals_at('2015-01-31'::DATE) ORDER BY line")).toEqual([{ child_unique_id: 'C1' }]);
    expect(await query(t, "SELECT count(*)::INT AS n FROM core.referrals_at('2015-03-31'::DATE)")).toEqual([{ n: 1 }]);

    // data_quality.sources through the real build-metrics: every file found, with status, used and counts.
    const metrics = await Warehouse.with(t.warehouse, (w) =>
      buildMetrics(w, { asOf: '2015-03-31', landing: t.landing, home: t.home, workflowId: 'wf', runId: 'run-3', createdAt: '2015-04-01T02:00:00Z', found: third.found }, 'snap', []),
    );
    expect(metrics.data_quality.sources.map((s) => [s.file, s.status, s.used, s.rows_loaded, s.rows_rejected])).toEqual([
      ['child_protection_2015-01-31.csv', 'rejected', false, 0, 0],
      ['children_in_need_2015-01-31.csv', 'already_loaded', true, 1, 0],
      ['referrals_2015-01-31.csv', 'already_loaded', false, 1, 1],
      ['referrals_2015-02-28.csv', 'loaded', false, 2, 0],
      ['referrals_2015-03-31.csv', 'loaded', true, 1, 0],
      ['workforce_2015-01-31.csv', 'already_loaded', false, 714, 0],
      ['workforce_2015-02-28.csv', 'already_loaded', true, 720, 0],
    ]);
    expect(metrics.data_quality.sources[0]!.reason).toBe(cpReason);
  });

  it('data_quality.sources `used`: an audit workbook edited in place counts once (its newest load), a file wholly superseded by a later one not at all', async () => {
    const t = await tempNight();
    const v1 = auditCsv('A1,C1,Case File,02/01/2015,10/01/2015,W1,Manager,W9,Good', 'A2,C2,Assessment,03/01/2015,,W1,Manager,W9,');
    const v2 = auditCsv('A1,C1,Case File,02/01/2015,10/01/2015,W1,Manager,W9,Good', 'A2,C2,Assessment,03/01/2015,20/02/2015,W1,Manager,W9,Inadequate', 'A4,C4,Case File,05/03/2015,,W2,QA,W9,');
    await put(t, 'audits/QA_audits_2015_Q1.csv', v1);
    await put(t, 'audits/QA_audits_2014_Q4.csv', auditCsv('A3,C3,Case File,01/12/2014,15/12/2014,W1,Peer,W9,Good'));
    // A copy holding only A3, which QA_audits_2014_Q4.csv (its name sorts later) also holds: none of its rows count.
    await put(t, 'audits/QA_audits_2014_Q3_copy.csv', auditCsv('A3,C3,Case File,01/12/2014,14/12/2014,W1,Peer,W9,Good'));
    const sources = async (asOf: string, runId: string, found: Awaited<ReturnType<typeof pullAndLoad>>['found']) =>
      (
        await Warehouse.with(t.warehouse, (w) =>
          buildMetrics(w, { asOf, landing: t.landing, home: t.home, workflowId: 'wf', runId, createdAt: `${asOf}T02:00:00Z`, found }, 'snap', []),
        )
      ).data_quality.sources.map((s) => [s.file, s.status, s.used, s.rows_loaded]);

    const first = await pullAndLoad(t, '2015-02-28', 'run-1');
    const v1Sha = first.found.find((f) => f.name === 'QA_audits_2015_Q1.csv')!.sha256!;
    expect(await sources('2015-02-28', 'run-1', first.found)).toEqual([
      ['QA_audits_2014_Q3_copy.csv', 'loaded', false, 1],
      ['QA_audits_2014_Q4.csv', 'loaded', true, 1],
      ['QA_audits_2015_Q1.csv', 'loaded', true, 2],
    ]);

    // The council edits the Q1 workbook in place: same name, new bytes. Tonight the folder holds
    // only the new version, so it alone is found; the old version's rows feed nothing any more.
    await put(t, 'audits/QA_audits_2015_Q1.csv', v2);
    const second = await pullAndLoad(t, '2015-03-31', 'run-2');
    const v2Sha = second.found.find((f) => f.name === 'QA_audits_2015_Q1.csv')!.sha256!;
    expect(v2Sha).not.toBe(v1Sha);
    expect(await sources('2015-03-31', 'run-2', second.found)).toEqual([
      ['QA_audits_2014_Q3_copy.csv', 'already_loaded', false, 1],
      ['QA_audits_2014_Q4.csv', 'already_loaded', true, 1],
      ['QA_audits_2015_Q1.csv', 'loaded', true, 3],
    ]);
    // The decision itself, old version included: only the newest load of the workbook is used.
    const used = await Warehouse.with(t.warehouse, (w) => usedFiles(w, '2015-03-31'));
    expect(used.has(v2Sha)).toBe(true);
    expect(used.has(v1Sha)).toBe(false);
    expect(await query(t, "SELECT audit_id, grade FROM core.audits_at('2015-03-31'::DATE) ORDER BY audit_id")).toEqual([
      { audit_id: 'A1', grade: 'Good' },
      { audit_id: 'A2', grade: 'Inadequate' },
      { audit_id: 'A3', grade: 'Good' },
      { audit_id: 'A4', grade: null },
    ]);

    // The council puts the Q1 workbook back as it was: bytes loaded on night 1, so it is found as
    // already loaded, and it counts as it is now (sources.md: every audit file in the folder).
    await put(t, 'audits/QA_audits_2015_Q1.csv', v1);
    const third = await pullAndLoad(t, '2015-03-31', 'run-3');
    expect(third.found.find((f) => f.name === 'QA_audits_2015_Q1.csv')).toMatchObject({ status: 'already_loaded', sha256: v1Sha });
    const usedThird = await Warehouse.with(t.warehouse, (w) => usedFiles(w, '2015-03-31'));
    expect([usedThird.has(v1Sha), usedThird.has(v2Sha)]).toEqual([true, false]);
    const audits = (asOf: string) =>
      query(t, `SELECT audit_id, grade, strftime(completed_date, '%d/%m/%Y') AS completed FROM core.audits_at($d::DATE) ORDER BY audit_id`, { d: asOf });
    expect(await audits('2015-03-31')).toEqual([
      { audit_id: 'A1', grade: 'Good', completed: '10/01/2015' },
      { audit_id: 'A2', grade: null, completed: null },
      { audit_id: 'A3', grade: 'Good', completed: '15/12/2014' },
    ]);

    // The 2014 Q4 workbook is taken out of the folder: it stops counting, and A3 now comes from
    // the copy, the only file left that holds it.
    await rm(join(t.landing, 'audits/QA_audits_2014_Q4.csv'));
    await pullAndLoad(t, '2015-03-31', 'run-4');
    expect((await audits('2015-03-31')).find((a) => a.audit_id === 'A3')).toEqual({ audit_id: 'A3', grade: 'Good', completed: '14/12/2014' });
  });

  it('validate reports the same without touching a warehouse, and prints no identifiers', async () => {
    const t = await tempNight();
    await put(t, 'case-system/referrals_2015-02-28.csv', [REF_HEADER, 'SECRET-CHILD,F,W,31/02/2010,,T,SECRET-WORKER,01/02/2015,Police,Maybe', 'C2,F,W,,,T,W1,01/02/2015,Police,N'].join('\n') + '\n');
    await put(t, 'hr/workforce_2015-02-28.csv', '');
    const files = await validateLanding({ landing: t.landing, asOf: '2015-02-28' });
    expect(files.map((f) => [f.file, f.status, f.rowsRead, f.rowsLoaded, f.rowsRejected])).toEqual([
      ['case-system/referrals_2015-02-28.csv', 'ok', 2, 1, 1],
      ['hr/workforce_2015-02-28.csv', 'rejected', 0, 0, 0],
    ]);
    const text = formatValidation(files);
    // No row value is printed, not even a non-identifier one such as a date of birth.
    expect(text).toContain('line 2, column “Date of Birth”: Date of Birth is not a real date');
    expect(text).not.toContain('31/02/2010');
    expect(text).toContain('the file is empty (0 bytes)');
    expect(text).not.toContain('SECRET');
  });
});
