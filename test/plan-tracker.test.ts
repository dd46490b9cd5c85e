/**
 * The improvement plan tracker as a source (issue 17): a workbook the way a council keeps one
 * (title rows above the header, Excel dates, a guidance sheet, other spellings of the headers)
 * loads exactly the actions of the same tracker saved as CSV; a workbook without the plan's
 * columns is rejected in words that name them; bad names are rejected with the fix.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { classifyPlanName } from '../core/plan-file.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const COLS = `action_id, area, recommendation, action, owner, due_date::VARCHAR AS due, status, completed_date::VARCHAR AS completed, evidence, linked_kpi`;

/** The same four actions, as a council's CSV export: aliases for four headers, UK dates. */
const CSV = [
  'Ref,Theme,Recommendation,Action,Lead,Target Date,Status,Date Completed,Evidence,KPI',
  'FD-01,Front door,Strengthen the front door,Daily MASH triage,Head of MASH,31/01/2015,Complete,15/01/2015,MASH minutes,cin_without_plan_6wk',
  'FD-02,Front door,Strengthen the front door,"Thresholds, agreed with partners",Head of MASH,31/03/2015,In progress,,,',
  'WF-01,Workforce,Stable workforce,Recruit permanent social workers,Head of HR,28/02/2015,Complete – awaiting sign-off,27/02/2015,Offer letters,agency_rate_fte_pct',
  'QA-01,Quality assurance,Audit quality,Assessment audit tool,Head of QA,30/11/2014,Blocked,,,assessment_quality_good_pct',
].join('\r\n');

async function trackerWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Read me').addRow(['Update the tracker monthly; one row per action.']);
  const ws = wb.addWorksheet('Action plan');
  ws.mergeCells(1, 1, 1, 10);
  ws.getCell(1, 1).value = 'Ofsted improvement plan — progress tracker';
  ws.getRow(3).values = ['Ref', 'Theme', 'Recommendation', 'Action', 'Lead', 'Target Date', 'Status', 'Date Completed', 'Evidence', 'KPI'];
  const d = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
  const rows: (string | Date | null)[][] = [
    ['FD-01', 'Front door', 'Strengthen the front door', 'Daily MASH triage', 'Head of MASH', d('2015-01-31'), 'Complete', d('2015-01-15'), 'MASH minutes', 'cin_without_plan_6wk'],
    ['FD-02', 'Front door', 'Strengthen the front door', 'Thresholds, agreed with partners', 'Head of MASH', d('2015-03-31'), 'In progress', null, null, null],
    ['WF-01', 'Workforce', 'Stable workforce', 'Recruit permanent social workers', 'Head of HR', d('2015-02-28'), 'Complete – awaiting sign-off', d('2015-02-27'), 'Offer letters', 'agency_rate_fte_pct'],
    ['QA-01', 'Quality assurance', 'Audit quality', 'Assessment audit tool', 'Head of QA', d('2014-11-30'), 'Blocked', null, null, 'assessment_quality_good_pct'],
  ];
  rows.forEach((r, i) => {
    const row = ws.getRow(i + 4);
    r.forEach((v, j) => {
      if (v === null) return;
      row.getCell(j + 1).value = v;
      if (v instanceof Date) row.getCell(j + 1).numFmt = 'dd/mm/yyyy';
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('the improvement plan tracker as a source', () => {
  it('a workbook (title rows, Excel dates, other header spellings) loads exactly the actions of its CSV', async () => {
    const t = await tempNight();
    await put(t, 'plan/a_tracker_2015-02-28.xlsx', await trackerWorkbook());
    await put(t, 'plan/b_tracker_2015-02-28.csv', CSV);
    const n = await pullAndLoad(t, '2015-02-28');
    const x = n.loads.get('plan/a_tracker_2015-02-28.xlsx')!;
    const c = n.loads.get('plan/b_tracker_2015-02-28.csv')!;
    expect(x).toMatchObject({ status: 'loaded', rowsRead: 4, rowsLoaded: 4, rowsRejected: 0 });
    expect(c).toMatchObject({ status: 'loaded', rowsRead: 4, rowsLoaded: 4, rowsRejected: 0 });
    const fromXlsx = await query(t, `SELECT ${COLS} FROM core.plan_actions WHERE file_sha256 = $sha ORDER BY action_id`, { sha: x.sha256 });
    const fromCsv = await query(t, `SELECT ${COLS} FROM core.plan_actions WHERE file_sha256 = $sha ORDER BY action_id`, { sha: c.sha256 });
    expect(fromXlsx).toEqual(fromCsv);
    expect(fromCsv[3]).toEqual({
      action_id: 'WF-01',
      area: 'Workforce',
      recommendation: 'Stable workforce',
      action: 'Recruit permanent social workers',
      owner: 'Head of HR',
      due: '2015-02-28',
      status: 'Complete – awaiting sign-off',
      completed: '2015-02-27',
      evidence: 'Offer letters',
      linked_kpi: 'agency_rate_fte_pct',
    });
    // The workbook's rows are its sheet rows (the header is on row 3).
    const lines = await query<{ line: string }>(t, 'SELECT line FROM core.plan_actions WHERE file_sha256 = $sha ORDER BY line', { sha: x.sha256 });
    expect(lines.map((l) => Number(l.line))).toEqual([4, 5, 6, 7]);
    const [files] = await query<{ n: string }>(t, "SELECT count(*) AS n FROM meta.files WHERE source = 'plan' AND list = 'plan_actions' AND extract_date = DATE '2015-02-28'");
    expect(Number(files!.n)).toBe(2);
  });

  it('a workbook without the plan columns, and a CSV of another list, are rejected naming what is missing', async () => {
    const t = await tempNight();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['Area', 'Action', 'Owner']);
    await put(t, 'plan/tracker.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    await put(t, 'plan/tracker.csv', 'Area,Action,Owner\nFront door,Triage,Head of MASH\n');
    const n = await pullAndLoad(t, '2015-02-28');
    const reasons = await query<{ file_name: string; reason: string }>(t, "SELECT file_name, reason FROM meta.files WHERE source = 'plan' ORDER BY file_name");
    expect(reasons).toEqual([
      {
        file_name: 'tracker.csv',
        reason:
          'not a Plan tracker (the improvement plan, one row an action) file: missing required column(s) "Action ID", "Status"; its first line has 3 cells: the column names "Area", "Action", "Owner"',
      },
      {
        file_name: 'tracker.xlsx',
        reason: 'no sheet has the improvement plan columns (looked at the first 20 rows of “Sheet1” for a header with 2 required columns such as “Action ID” and “Status”)',
      },
    ]);
    expect([...n.loads.values()].map((l) => l.status)).toEqual(['rejected', 'rejected']);
  });

  it('names: .xlsx or .csv, any name; a date at the end is the tracker’s own and must be real', () => {
    expect(classifyPlanName('Improvement plan tracker.xlsx')).toEqual({ list: 'plan_actions', extractDate: null });
    expect(classifyPlanName('improvement_plan_2015-02-28.CSV')).toEqual({ list: 'plan_actions', extractDate: '2015-02-28' });
    expect(classifyPlanName('plan_2015-02-30.xlsx')).toEqual({ reason: 'the date 2015-02-30 at the end of the file name is not a real date; write it as YYYY-MM-DD or leave it out' });
    expect(classifyPlanName('plan.xls')).toEqual({ reason: 'an improvement plan tracker must be .xlsx or .csv, not ".xls"' });
    expect(classifyPlanName('~$plan.xlsx')).toEqual({ reason: 'an Excel lock file (the tracker was open when copied); it is not an improvement plan tracker' });
  });
});
