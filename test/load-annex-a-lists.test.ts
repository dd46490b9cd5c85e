/**
 * The contracts of Annex A lists 5 (section_47), 8 (children_looked_after) and 9 (care_leavers) as
 * CSVs named after their tables: the columns the spec requires must be in the header (a missing
 * one rejects the file, naming it) though some may be blank; the row rules reject a row with its
 * line, column and reason; every other heading of annex-a-headers.md loads, typed.
 */
import { describe, expect, it } from 'vitest';
import { contractFor } from '../core/contracts/lists.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

const header = (list: string) => Object.keys(contractFor(list).columns);

/** A CSV with every contract column; each row gives only some, by header name. */
function csv(list: string, rows: Record<string, string>[]): string {
  const h = header(list);
  return [h.map((c) => (/[,"]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','), ...rows.map((r) => h.map((c) => r[c] ?? '').join(','))].join('\n') + '\n';
}

describe('Annex A lists 5, 8 and 9 as CSVs', () => {
  it('every heading of annex-a-headers.md is a column (Age as the common `Age of Child (Years)`)', () => {
    const common = ['Child Unique ID', 'Gender', 'Ethnicity', 'Date of Birth', 'Age of Child (Years)', 'Allocated Team', 'Allocated Worker'];
    expect(header('section_47')).toEqual([
      ...common,
      'Does the Child have a Disability',
      'Strategy discussion initiating Section 47 Enquiry Start Date',
      'Was an Initial Child Protection Conference deemed unnecessary?',
      'Date of Initial Child Protection Conference',
      'Did the Initial Child Protection Conference Result in a Child Protection Plan',
      'Number of Section 47 Enquiries in the last 12 months',
      'Number of ICPCs in the last 12 months',
    ]);
    expect(header('care_leavers')).toEqual([
      ...common,
      'Does the Child have a Disability',
      'Eligibility Category',
      'LA in Touch',
      'Type of Accommodation',
      'Suitability of Accommodation',
      'Activity Status',
    ]);
    expect(header('children_looked_after')).toHaveLength(common.length + 27);
  });

  it('section_47: a blank strategy discussion loads; a conference before it, a strategy date after the extract, a bad flag or count are row errors', async () => {
    const t = await tempNight();
    const S = 'Strategy discussion initiating Section 47 Enquiry Start Date';
    const I = 'Date of Initial Child Protection Conference';
    const U = 'Was an Initial Child Protection Conference deemed unnecessary?';
    await put(
      t,
      'case-system/section_47_2015-02-28.csv',
      csv('section_47', [
        { 'Child Unique ID': 'S1', [S]: '02/02/2015', [I]: '23/02/2015', [U]: 'b) No' }, // line 2: loads
        { 'Child Unique ID': 'S2', [S]: '', [I]: '20/02/2015', [U]: 'No' }, //                line 3: loads (no strategy date)
        { 'Child Unique ID': 'S3', [S]: '10/02/2015', [I]: '09/02/2015' }, //                line 4: conference before strategy
        { 'Child Unique ID': 'S4', [S]: '01/03/2015' }, //                                    line 5: strategy after the extract date
        { 'Child Unique ID': 'S5', [S]: '02/02/2015', [U]: 'maybe' }, //                      line 6: not a flag
        { 'Child Unique ID': 'S6', [S]: '02/02/2015', 'Number of ICPCs in the last 12 months': '1.5' }, // line 7: not a whole number
        { 'Child Unique ID': '', [S]: '02/02/2015' }, //                                      line 8: no child
      ]),
    );
    const n = await pullAndLoad(t, '2015-02-28');
    expect([...n.loads.values()][0]).toMatchObject({ status: 'loaded', rowsRead: 7, rowsLoaded: 2, rowsRejected: 5 });
    expect(await query(t, 'SELECT line, column_name, reason FROM meta.rejects ORDER BY line')).toEqual([
      { line: '4', column_name: I, reason: `${I} is before ${S}` },
      { line: '5', column_name: S, reason: `${S} is after the file's extract date 28/02/2015; check the date or the file name` },
      { line: '6', column_name: U, reason: `${U} must be Y or N (Yes/No)` },
      { line: '7', column_name: 'Number of ICPCs in the last 12 months', reason: 'Number of ICPCs in the last 12 months must be a whole number of 0 or more (or blank if unknown)' },
      { line: '8', column_name: 'Child Unique ID', reason: 'Child Unique ID is blank but required' },
    ]);
    expect(await query(t, 'SELECT child_unique_id, strategy_discussion_initiating_section_47_enquiry_start_date::VARCHAR AS s, was_an_initial_child_protection_conference_deemed_unnecessary AS u FROM core.section_47 ORDER BY line')).toEqual([
      { child_unique_id: 'S1', s: '2015-02-02', u: false },
      { child_unique_id: 'S2', s: null, u: false },
    ]);
  });

  it('children_looked_after: ceased before started, a blank start and a start after the extract are row errors; ceased after the extract is kept', async () => {
    const t = await tempNight();
    const START = 'Date Started to be Looked After';
    const CEASED = 'Date Ceased to be Looked After';
    const N = 'Number of Placements in the Last 12 months';
    await put(
      t,
      'case-system/children_looked_after_2015-02-28.csv',
      csv('children_looked_after', [
        { 'Child Unique ID': 'L1', [START]: '01/01/2014', [N]: '3', 'Placement postcode': 'AB1 2CD', 'Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)': 'a) Yes' },
        { 'Child Unique ID': 'L2', [START]: '01/01/2014', [CEASED]: '05/03/2015', [N]: '' }, // ceased after the extract: kept
        { 'Child Unique ID': 'L3', [START]: '01/01/2014', [CEASED]: '31/12/2013' },
        { 'Child Unique ID': 'L4', [START]: '' },
        { 'Child Unique ID': 'L5', [START]: '01/03/2015' },
        { 'Child Unique ID': 'L6', [START]: '01/01/2014', 'Start Date of Most Recent Placement': '02/03/2015' },
      ]),
    );
    const n = await pullAndLoad(t, '2015-02-28');
    expect([...n.loads.values()][0]).toMatchObject({ status: 'loaded', rowsRead: 6, rowsLoaded: 2, rowsRejected: 4 });
    expect(await query(t, 'SELECT line, column_name FROM meta.rejects ORDER BY line')).toEqual([
      { line: '4', column_name: CEASED },
      { line: '5', column_name: START },
      { line: '6', column_name: START },
      { line: '7', column_name: 'Start Date of Most Recent Placement' },
    ]);
    expect(
      await query(t, `SELECT child_unique_id, number_of_placements_in_the_last_12_months AS n, unaccompanied_asylum_seeking_child_uasc_within_the_last_12_months_y_n AS uasc FROM core.children_looked_after ORDER BY line`),
    ).toEqual([
      { child_unique_id: 'L1', n: 3, uasc: true },
      { child_unique_id: 'L2', n: null, uasc: null },
    ]);
  });

  it('a file without a column the spec requires is rejected whole, naming it; blank cells in it are not row errors', async () => {
    const t = await tempNight();
    const h = header('care_leavers').filter((c) => c !== 'Activity Status');
    await put(t, 'case-system/care_leavers_2015-02-28.csv', [h.join(','), h.map((c) => (c === 'Child Unique ID' ? 'K1' : '')).join(',')].join('\n') + '\n');
    await put(t, 'case-system/care_leavers_2015-01-31.csv', csv('care_leavers', [{ 'Child Unique ID': 'K1', 'Suitability of Accommodation': 'a) Suitable' }, { 'Child Unique ID': 'K2' }]));
    const n = await pullAndLoad(t, '2015-02-28');
    const feb = n.loads.get('case-system/care_leavers_2015-02-28.csv')!;
    expect(feb.status).toBe('rejected');
    const [rec] = await query<{ reason: string }>(t, 'SELECT reason FROM meta.files WHERE sha256 = $sha', { sha: feb.sha256 });
    expect(rec!.reason).toMatch(/^not a Care leavers \(Annex A list 9\) file: missing required column\(s\) "Activity Status";/);
    expect(n.loads.get('case-system/care_leavers_2015-01-31.csv')).toMatchObject({ status: 'loaded', rowsLoaded: 2, rowsRejected: 0 });
    expect(await query(t, 'SELECT child_unique_id, suitability_of_accommodation AS s, activity_status AS a FROM core.care_leavers ORDER BY line')).toEqual([
      { child_unique_id: 'K1', s: 'Suitable', a: null },
      { child_unique_id: 'K2', s: null, a: null },
    ]);
  });
});
