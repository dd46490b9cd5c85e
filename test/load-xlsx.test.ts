/**
 * Audit workbooks: a workbook saved by LibreOffice (real spreadsheet software) loads to exactly
 * the rows of the CSV it came from; Excel dates in both date systems and as serial numbers,
 * formula cells and merged title rows; Audit IDs in two files are reported, the later-named
 * file's row used.
 */
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { excelSerialToIso } from '../activities/load-xlsx.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const AUDIT_HEADER = ['Audit ID', 'Child Unique ID', 'Audit Type', 'Scheduled Date', 'Completed Date', 'Auditor ID', 'Auditor Role', 'Worker ID', 'Grade'];
const COLS = 'audit_id, child_unique_id, audit_type, scheduled_date::VARCHAR AS scheduled, completed_date::VARCHAR AS completed, auditor_id, auditor_role, worker_id, grade';

describe('excelSerialToIso', () => {
  it('1900 system with its phantom 29 Feb 1900, and the 1904 system', () => {
    expect(excelSerialToIso(1, false)).toBe('1900-01-01');
    expect(excelSerialToIso(59, false)).toBe('1900-02-28');
    expect(excelSerialToIso(60, false)).toBeNull(); // 29/02/1900 never happened
    expect(excelSerialToIso(61, false)).toBe('1900-03-01');
    expect(excelSerialToIso(42063, false)).toBe('2015-02-28');
    expect(excelSerialToIso(42063.75, false)).toBe('2015-02-28'); // 18:00 the same day
    expect(excelSerialToIso(40601, true)).toBe('2015-02-28'); // 1904 system: 1462 days fewer
    expect(excelSerialToIso(0, false)).toBeNull();
  });
});

describe('audit workbooks', () => {
  it('a LibreOffice-saved workbook loads exactly the rows of its CSV', async () => {
    const t = await tempNight();
    await put(t, 'audits/a_libreoffice.xlsx', await readFile('fixtures/libreoffice/audits_libreoffice.xlsx'));
    await put(t, 'audits/b_libreoffice.csv', await readFile('fixtures/libreoffice/audits_libreoffice.csv'));
    const n = await pullAndLoad(t, '2015-02-28');
    const x = n.loads.get('audits/a_libreoffice.xlsx')!;
    const c = n.loads.get('audits/b_libreoffice.csv')!;
    expect(x.status).toBe('loaded');
    expect(x.rowsRead).toBeGreaterThan(50);
    expect({ ...x, sha256: '' }).toEqual({ ...c, sha256: '' });
    const fromXlsx = await query(t, `SELECT line, ${COLS} FROM core.audits WHERE file_sha256 = $sha ORDER BY line`, { sha: x.sha256! });
    const fromCsv = await query(t, `SELECT line, ${COLS} FROM core.audits WHERE file_sha256 = $sha ORDER BY line`, { sha: c.sha256! });
    expect(fromXlsx).toEqual(fromCsv);
    // Every ID is in both files: the CSV's name sorts last, so its rows are used and each duplicate reported.
    const [dups] = await query<{ n: string; kept: string }>(t, 'SELECT count(*) AS n, min(kept_file) AS kept FROM meta.audit_duplicates');
    expect(Number(dups!.n)).toBe(x.rowsLoaded);
    expect(dups!.kept).toBe('b_libreoffice.csv');
    const notes = await query<{ file_name: string; reason: string }>(t, "SELECT file_name, reason FROM meta.files WHERE source = 'audits' ORDER BY file_name");
    expect(notes).toEqual([
      { file_name: 'a_libreoffice.xlsx', reason: `${x.rowsLoaded} Audit ID(s) here also appear in b_libreoffice.csv, whose rows are used instead` },
      { file_name: 'b_libreoffice.csv', reason: `${x.rowsLoaded} Audit ID(s) here also appear in earlier-named audit files; the rows in this file are used` },
    ]);
  });

  it('merged title rows, formula cells, dates as Date, serial number and text, 1904 date system', async () => {
    const t = await tempNight();
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    wb.addWorksheet('Guidance').addRow(['Fill in one row per audit']);
    const ws = wb.addWorksheet('Audits');
    ws.mergeCells(1, 1, 1, 10);
    ws.getCell(1, 1).value = 'Case file audits 2015 Q1';
    ws.getRow(3).values = [...AUDIT_HEADER, 'Days Late'];
    ws.getRow(4).values = ['A1', 'C1', 'Case File', new Date(Date.UTC(2015, 0, 5)), new Date(Date.UTC(2015, 0, 9)), 'X1', 'QA', 'W1', 'Good', { formula: 'E4-D4', result: 4 }];
    ws.getRow(5).values = [{ formula: '"A"&"2"', result: 'A2' }, 'C2', 'Assessment', '05/01/2015', 40578, 'X1', 'Peer', 'W2', { formula: 'IF(1,"Inadequate")', result: 'Inadequate' }];
    ws.getRow(7).values = ['A3', 'C3', 'Case File', '2015-01-05', null, 'X2', 'Manager', 'W3', null];
    await put(t, 'audits/QA_2015_Q1.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const n = await pullAndLoad(t, '2015-02-28');
    expect(n.loads.get('audits/QA_2015_Q1.xlsx')).toMatchObject({ status: 'loaded', rowsRead: 3, rowsLoaded: 3, rowsRejected: 0 });
    expect(await query(t, `SELECT line, ${COLS} FROM core.audits ORDER BY line`)).toEqual([
      { line: '4', audit_id: 'A1', child_unique_id: 'C1', audit_type: 'Case File', scheduled: '2015-01-05', completed: '2015-01-09', auditor_id: 'X1', auditor_role: 'QA', worker_id: 'W1', grade: 'Good' },
      // 40578 in the 1904 system is 2015-02-05 (in the 1900 system it would be 2011-02-04)
      { line: '5', audit_id: 'A2', child_unique_id: 'C2', audit_type: 'Assessment', scheduled: '2015-01-05', completed: '2015-02-05', auditor_id: 'X1', auditor_role: 'Peer', worker_id: 'W2', grade: 'Inadequate' },
      { line: '7', audit_id: 'A3', child_unique_id: 'C3', audit_type: 'Case File', scheduled: '2015-01-05', completed: null, auditor_id: 'X2', auditor_role: 'Manager', worker_id: 'W3', grade: null },
    ]);
  });
});
