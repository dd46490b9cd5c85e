/**
 * A real night on a real Temporal dev server over a landing folder holding everything issue 13
 * item 3 and the loader bug are about: files that are not where a source lives, semicolon and tab
 * files, a file of an unknown list, a file whose lines end in both CRLF and LF (which used to fail
 * the whole night non-retryably, "CSV Parser state machine reached an invalid state"), and the
 * other files that made DuckDB's reader throw. The night completes, the snapshot publishes, and
 * metrics.json accounts for every file.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { workflowsPath } from '../cli/worker.js';
import { startOrJoinNight } from '../cli/run-night.js';
import { metricsFile } from '../core/metrics-contract.js';
import { startTemporal, uniqueQueue } from './helpers/temporal-env.js';
import { put, type TempNight } from './helpers/landing.js';

const AS_OF = '2015-02-28';
const REF_HEADER = 'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';
const ref = (id: string, date: string, team = 'Team A') => `${id},F,WBRI,,,${team},W1,${date},Police,N`;
const CIN_HEADER = 'Child Unique ID,CIN Start Date,CIN Closure Date,Primary Need Code,Reason for Closure,Case Status';

describe('a night over a landing folder with everything in it', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes and publishes, every file accounted for; the mixed-endings file loads, the others are rejected or ignored', async () => {
    const root = await mkdtemp(join(tmpdir(), 'csc-kpi-landing-night-'));
    const t: TempNight = { root, landing: join(root, 'landing'), home: join(root, 'home'), warehouse: '' };
    // 2,000 referrals in February 2015, LF, with one CRLF line appended: 2,001 rows.
    const rows = Array.from({ length: 2000 }, (_, i) => ref(`C${i}`, `${String((i % 28) + 1).padStart(2, '0')}/02/2015`));
    await put(t, 'case-system/referrals_2015-02-28.csv', [REF_HEADER, ...rows].join('\n') + '\n' + ref('C9999', '28/02/2015') + '\r\n');
    await put(t, 'hr/workforce_2015-02-28.csv', 'Worker ID,Org Role,Agency Worker,FTE,Role Start Date\nW1,5,N,1,01/01/2014\n');
    // Files DuckDB's reader threw on, or miscounted.
    await put(t, 'case-system/children_in_need_2015-02-28.csv', [CIN_HEADER, 'C1,01/01/2015,,N1,,c) Child in need\rplan', 'C2,01/01/2015,,N1,,c) Child in need plan'].join('\n') + '\n');
    await put(t, 'case-system/assessments_2015-02-28.csv', 'Child Unique ID,Continuous Assessment Start Date\rC1,01/01/2015\r');
    await put(t, 'case-system/case_closures_2015-02-28.csv', 'Child Unique ID;Case ID;Closure Date\nC1;K1;01/02/2015\n');
    await put(t, 'case-system/care_proceedings_2015-02-28.csv', 'Child Unique ID\tProceedings ID\tDate Application Issued\nC1\tP1\t01/02/2015\n');
    await put(t, 'case-system/placements_2015-02-28.csv', 'Child Unique ID,Placement Start\nC1,01/01/2015\n');
    // Not where a source lives.
    await put(t, 'notes.txt', 'chase HR\n');
    await put(t, 'hr-old/workforce_2015-01-31.csv', 'x\n');
    await put(t, 'Case-System/referrals_2015-01-31.csv', 'x\n');
    await put(t, 'audits/summary.pdf', '%PDF-1.4\n');

    const taskQueue = uniqueQueue('landing-night');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities: createActivities() });
    const result = await worker.runUntil(() => startOrJoinNight(env.client, { asOf: AS_OF, landing: t.landing, home: t.home }, taskQueue));

    expect(result).toMatchObject({ published: true, filesLoaded: 2, filesRejected: 5, rowsLoaded: 2002, rowsRejected: 0 });
    const m = metricsFile.parse(JSON.parse(await readFile(join(t.home, 'snapshots', 'latest', 'metrics.json'), 'utf8')));
    expect(m.snapshot_id).toBe(result.snapshotId);
    expect(m.data_quality.sources.map((s) => [s.source, s.file, s.status, s.rows_loaded])).toEqual([
      ['case-system/assessments', 'assessments_2015-02-28.csv', 'rejected', 0],
      ['case-system/care_proceedings', 'care_proceedings_2015-02-28.csv', 'rejected', 0],
      ['case-system/case_closures', 'case_closures_2015-02-28.csv', 'rejected', 0],
      ['case-system/children_in_need', 'children_in_need_2015-02-28.csv', 'rejected', 0],
      ['case-system', 'placements_2015-02-28.csv', 'rejected', 0],
      ['case-system/referrals', 'referrals_2015-02-28.csv', 'loaded', 2001],
      ['hr/workforce', 'workforce_2015-02-28.csv', 'loaded', 1],
      ['Case-System/', 'referrals_2015-01-31.csv', 'ignored', 0],
      ['audits/', 'summary.pdf', 'ignored', 0],
      ['hr-old/', 'workforce_2015-01-31.csv', 'ignored', 0],
      ['landing folder', 'notes.txt', 'ignored', 0],
    ]);
    const reason = (file: string) => m.data_quality.sources.find((s) => s.file === file)?.reason;
    expect(reason('children_in_need_2015-02-28.csv')).toMatch(/^line 2 holds a carriage-return character \(CR\)/);
    expect(reason('assessments_2015-02-28.csv')).toMatch(/^the lines of the file end with a carriage return \(CR\) alone/);
    expect(reason('case_closures_2015-02-28.csv')).toBe('the file is separated by semicolons (;), not commas: export it as CSV (comma delimited)');
    expect(reason('care_proceedings_2015-02-28.csv')).toBe('the file is separated by tabs, not commas: export it as CSV (comma delimited)');
    for (const s of m.data_quality.sources.filter((x) => x.status === 'ignored')) expect(s).toMatchObject({ sha256: null, used: false, age_days: null, stale: null });
    // The file of an unknown list is in the archive, byte for byte.
    const placements = m.data_quality.sources.find((s) => s.file === 'placements_2015-02-28.csv')!;
    expect(await readFile(join(t.home, 'raw', 'case-system', `${placements.sha256}.csv`), 'utf8')).toBe('Child Unique ID,Placement Start\nC1,01/01/2015\n');
    // The report says in its body that four items were not read, and its data-team appendix names
    // each with its folder and reason.
    const report = await readFile(join(t.home, 'snapshots', 'latest', 'report.html'), 'utf8');
    expect(report).toContain('4 items in the landing folder are not where a source belongs, so they were not read; the data team has the list.');
    expect(report).toContain(
      '<tr><th scope="row">notes.txt</th><td>landing folder</td><td>not known</td><td>Not read (not where a source lives): it is in the landing folder itself, not in a source folder',
    );
  }, 120_000);
});
