/**
 * Annex A workbooks saved by LibreOffice Calc (soffice --headless --convert-to xlsx), not by the
 * library we read with: a CSV opened and saved as a workbook (its sheet named after the file,
 * `List 3`; ids that look like numbers become number cells, so LibreOffice drops their leading
 * zeros, and UK dates become date cells), and a workbook of several sheets with a title row, typed
 * cells (ids as numbers, as text with leading zeros, and as numbers shown through a 0000000
 * format), date cells and a guidance sheet. In every sheet rows loaded + rejected = rows in it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fodsDocument, sofficeToXlsx } from './helpers/libreoffice.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

describe('Annex A workbooks saved by LibreOffice', () => {
  it('a CSV opened in LibreOffice and saved as a workbook: one sheet, named after the file, is list 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-lo-'));
    const csv = join(dir, 'List 3.csv');
    await writeFile(
      csv,
      [
        'Child Unique ID,Gender,Date of Birth,Age,Date of Referral,Referral Source,Referral NFA?,Number of Referrals in Last 12 Months',
        '0012345,a) Male,01/05/2010,4,10/02/2015,1B) Police,N,0',
        '7961370,b) Female,,-1,11/02/2015,5A) School,Y,2',
        'C000003,b) Female,29/02/2011,3,12/02/2015,5A) School,N,1',
        '',
      ].join('\r\n'),
    );
    // Comma-separated, "-quoted, UTF-8, from line 1, UK locale (so 10/02/2015 is 10 February).
    const book = await sofficeToXlsx(csv, dir, 'CSV:44,34,76,1,,2057');
    const t = await tempNight();
    await put(t, 'case-system/annex_a_2015-02-28.xlsx', book);
    const n = await pullAndLoad(t, '2015-02-28');
    // 3 rows: 2 loaded + 1 rejected (29/02/2011 never happened; LibreOffice left it as text).
    expect(n.loads.get('case-system/annex_a_2015-02-28.xlsx')).toMatchObject({ status: 'loaded', rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    expect(await query(t, 'SELECT sheet, list, status, rows_read, rows_loaded, rows_rejected FROM meta.sheets')).toEqual([
      { sheet: 'List 3', list: 'referrals', status: 'loaded', rows_read: '3', rows_loaded: '2', rows_rejected: '1' },
    ]);
    expect(
      await query(t, 'SELECT line, child_unique_id, date_of_birth::VARCHAR AS dob, age_of_child_years AS age, date_of_referral::VARCHAR AS referred, referral_nfa AS nfa, number_of_referrals_in_last_12_months AS n12 FROM core.referrals ORDER BY line'),
    ).toEqual([
      // LibreOffice read 0012345 as the number 12345: the zeros are gone from the workbook itself.
      { line: '2', child_unique_id: '12345', dob: '2010-05-01', age: '4', referred: '2015-02-10', nfa: false, n12: 0 },
      { line: '3', child_unique_id: '7961370', dob: null, age: '-1', referred: '2015-02-11', nfa: true, n12: 2 },
    ]);
    expect(await query(t, 'SELECT sheet, line, column_name FROM meta.rejects')).toEqual([{ sheet: 'List 3', line: '4', column_name: 'Date of Birth' }]);
  }, 240_000);

  it('a workbook of several sheets: title row, ids as numbers, as text and zero-padded, date cells, a guidance sheet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csc-kpi-lo-'));
    const fods = join(dir, 'annex.fods');
    await writeFile(
      fods,
      fodsDocument([
        { name: 'Read me', rows: [['Annex A return'], ['One sheet per list.']] },
        {
          name: 'List 1 - Contacts',
          rows: [
            ['Annex A List 1: contacts'],
            [null],
            ['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age', 'Date of Contact', 'Contact Source'],
            [7961370, 'a) Male', 'WBRI', { date: '2010-05-01' }, 4, { date: '2015-02-02' }, '1B) Police'],
            ['0012345', 'b) Female', 'WIRI', null, 3, { date: '2015-02-03' }, '5A) School'],
            [{ id: 42, digits: 7 }, 'b) Female', 'WIRI', null, 3, { date: '2015-03-03' }, '5A) School'],
          ],
        },
        {
          name: 'List 6',
          rows: [
            ['Child Unique ID', 'Age', 'Does the Child have a Disability', 'CIN Start Date', 'Primary Need Code', 'Date Child Was Last Seen', 'CIN Closure Date', 'Reason for Closure', 'Case Status', 'Allocated Team', 'Allocated Worker'],
            [7961370, 4, 'b) No', { date: '2014-11-01' }, 'N1', { date: '2015-02-20' }, null, null, 'c) Child in need plan', 'Team A', 901],
            ['0012345', 3, 'a) Yes', { date: '2014-12-01' }, 'N2', null, { date: '2015-01-10' }, 'RC1', 'e) Closed episode', 'Team B', 'W02'],
          ],
        },
        {
          name: 'List 11',
          rows: [
            ['Individual adopter identifier', 'Family identifier', 'Gender', 'Date enquiry received', 'No. of children placed'],
            [301, 55, 'b) Female', { date: '2014-01-10' }, 1],
          ],
        },
      ]),
    );
    const book = await sofficeToXlsx(fods, dir);
    const t = await tempNight();
    await put(t, 'case-system/annex_a_2015-02-28.xlsx', book);
    const n = await pullAndLoad(t, '2015-02-28');
    expect(n.loads.get('case-system/annex_a_2015-02-28.xlsx')).toMatchObject({ status: 'loaded', rowsRead: 6, rowsLoaded: 5, rowsRejected: 1 });
    expect(await query(t, 'SELECT sheet, list, status, header_row, rows_read, rows_loaded, rows_rejected FROM meta.sheets ORDER BY sheet_index')).toEqual([
      { sheet: 'Read me', list: null, status: 'ignored', header_row: null, rows_read: '0', rows_loaded: '0', rows_rejected: '0' },
      { sheet: 'List 1 - Contacts', list: 'contacts', status: 'loaded', header_row: 3, rows_read: '3', rows_loaded: '2', rows_rejected: '1' },
      { sheet: 'List 6', list: 'children_in_need', status: 'loaded', header_row: 1, rows_read: '2', rows_loaded: '2', rows_rejected: '0' },
      { sheet: 'List 11', list: 'adopters', status: 'loaded', header_row: 1, rows_read: '1', rows_loaded: '1', rows_rejected: '0' },
    ]);
    expect(await query(t, 'SELECT line, child_unique_id, date_of_birth::VARCHAR AS dob, date_of_contact::VARCHAR AS contact FROM core.contacts ORDER BY line')).toEqual([
      { line: '4', child_unique_id: '7961370', dob: '2010-05-01', contact: '2015-02-02' },
      { line: '5', child_unique_id: '0012345', dob: null, contact: '2015-02-03' },
    ]);
    // The zero-padded id is read as Excel and LibreOffice show it (0000042); its contact is after the extract date.
    expect(await query(t, 'SELECT sheet, line, column_name, reason FROM meta.rejects')).toEqual([
      { sheet: 'List 1 - Contacts', line: '6', column_name: 'Date of Contact', reason: "Date of Contact is after the file's extract date 28/02/2015; check the date or the file name" },
    ]);
    expect(await query(t, "SELECT raw_value FROM meta.rejects")).toEqual([{ raw_value: '2015-03-03' }]);
    expect(await query(t, "SELECT child_unique_id FROM raw.contacts WHERE line = 6")).toEqual([{ child_unique_id: '0000042' }]);
    expect(
      await query(t, 'SELECT child_unique_id, does_the_child_have_a_disability AS dis, cin_start_date::VARCHAR AS start, date_child_was_last_seen::VARCHAR AS seen, case_status, allocated_worker FROM core.children_in_need ORDER BY line'),
    ).toEqual([
      { child_unique_id: '7961370', dis: 'b) No', start: '2014-11-01', seen: '2015-02-20', case_status: 'Child in need plan', allocated_worker: '901' },
      { child_unique_id: '0012345', dis: 'a) Yes', start: '2014-12-01', seen: null, case_status: 'Closed episode', allocated_worker: 'W02' },
    ]);
    expect(await query(t, 'SELECT individual_adopter_identifier AS id, date_enquiry_received::VARCHAR AS d FROM core.adopters')).toEqual([{ id: '301', d: '2014-01-10' }]);
  }, 240_000);
});
