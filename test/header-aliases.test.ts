/**
 * Header spellings (core/header-names.ts, config/header-aliases.json): the key a header is
 * compared by; the alias file checked against the contracts (a broken one stops the night at once,
 * non-retryably); a CSV with the current Ofsted spellings (`Age`, `Date of Referral`, `(Y/N)`,
 * doubled spaces, a line break in a header cell) loads; a header reason names an alias as a known
 * column name and never quotes another cell.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { describeHeader, matchHeader } from '../activities/csv-header.js';
import { readHeaderAliases } from '../activities/header-aliases-config.js';
import { contractFor } from '../core/contracts/lists.js';
import { headerKey, NAMES_ONLY, parseHeaderAliases } from '../core/header-names.js';
import { pullAndLoad, put, query, tempNight } from './helpers/landing.js';

describe('headerKey', () => {
  it('ignores case, spaces (line breaks, non-breaking), curly quotes, (Y/N) markers and doubled brackets', () => {
    expect(headerKey('  Date of\nReferral ')).toBe('date of referral');
    expect(headerKey('Date\u00a0of  referral')).toBe('date of referral');
    expect(headerKey("Was the child assessed as requiring LA children’s social care support?")).toBe(
      headerKey("Was the child assessed as requiring LA children's social care support?"),
    );
    expect(headerKey('Referral NFA? (Y/N)')).toBe(headerKey('Referral NFA?'));
    expect(headerKey('Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))')).toBe('unaccompanied asylum seeking child (uasc) within the last 12 months');
    expect(headerKey('Did the child accept a Return Interview after their last missing episode (Y/N)?')).toBe(
      headerKey('Did the child accept a Return Interview after their last missing episode?'),
    );
    // Words still count.
    expect(headerKey('Date of Referral')).not.toBe(headerKey('Date of Contact'));
  });
});

describe('the alias file', () => {
  it('the committed file parses, and maps Age to Age of Child (Years)', async () => {
    const names = await readHeaderAliases();
    expect(names.version).toBe(1);
    expect(names.aliases.get('Age of Child (Years)')).toContain('Age');
    const m = matchHeader(contractFor('referrals'), ['Child Unique ID', 'Age', 'Date of Referral', 'Referral Source', 'Referral NFA? (Y/N)'], names);
    expect('positions' in m && m.positions).toEqual(['Child Unique ID', 'Age of Child (Years)', 'Date of referral', 'Referral Source', 'Referral NFA?']);
  });

  it('is refused, with every problem named, when a column is unknown or a spelling would make one header two columns', () => {
    expect(parseHeaderAliases('{"version": 1, "columns": {"Age of Child (Years)": ["Age"]}}').errors).toEqual([]);
    expect(parseHeaderAliases('{"version": 2, "columns": {}}').errors).toEqual(['config/header-aliases.json: version: Invalid input: expected 1']);
    expect(parseHeaderAliases('{"version": 1, "columns": {}, "extra": 1}').errors).toEqual(['config/header-aliases.json: (top level): Unrecognized key: "extra"']);
    expect(parseHeaderAliases('not json').errors[0]).toMatch(/^config\/header-aliases\.json: not valid JSON/);
    expect(
      parseHeaderAliases(
        JSON.stringify({
          version: 1,
          columns: { 'Age of Chld (Years)': ['Age'], 'Date of referral': ['Referral Source'], Gender: ['Sex'], Ethnicity: ['sex'] },
        }),
      ).errors,
    ).toEqual([
      'config/header-aliases.json: columns."Age of Chld (Years)": no list has a column of that name (the names are in docs/data-dictionary.md, "header in the file")',
      'config/header-aliases.json: columns."Date of referral": "Referral Source" is already the name of the column "Referral Source" of referrals',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of referrals',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of assessments',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of children_in_need',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of child_protection',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of care_proceedings',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of case_closures',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of section_47',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of children_looked_after',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of care_leavers',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of contacts',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of early_help',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of adoption',
      'config/header-aliases.json: "sex" is given to both "Gender" and "Ethnicity", which are both columns of adopters',
    ]);
  });

  it('a broken file fails the night at once (non-retryable), a missing one means names only', async () => {
    const t = await tempNight();
    const bad = join(t.root, 'aliases.json');
    await writeFile(bad, '{"version": 1, "columns": {"Nope": ["x"]}}');
    const err = await readHeaderAliases(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, type: 'BadHeaderAliasesConfig' });
    expect((err as Error).message).toContain('columns."Nope": no list has a column of that name');
    expect(await readHeaderAliases(join(t.root, 'none.json'))).toBe(NAMES_ONLY);
  });
});

describe('header spellings in files', () => {
  it('a CSV with the current Ofsted headings loads through the aliases', async () => {
    const t = await tempNight();
    const header = ['Child Unique ID', 'Gender', 'Age', 'Date of  Referral', 'Referral Source', 'Referral NFA? (Y/N)', 'Number of Referrals in Last 12 Months ', 'Local Flag'];
    await put(t, 'case-system/referrals_2015-02-28.csv', `${header.join(',')}\nC1,a) Male,4,10/02/2015,Police,Y,1,x\n`);
    const n = await pullAndLoad(t, '2015-02-28');
    expect(n.loads.get('case-system/referrals_2015-02-28.csv')).toMatchObject({ status: 'loaded', rowsLoaded: 1, rowsRejected: 0 });
    expect(await query(t, 'SELECT age_of_child_years AS age, date_of_referral::VARCHAR AS d, referral_nfa AS nfa, number_of_referrals_in_last_12_months AS n FROM core.referrals')).toEqual([
      { age: '4', d: '2015-02-10', nfa: true, n: 1 },
    ]);
  });

  it('a header reason names aliases as known column names and counts, never quotes, other cells', async () => {
    const names = await readHeaderAliases();
    expect(describeHeader(['Age', 'C004733', '16/06/2005', 'Contact Date'], names)).toBe(
      'its first line has 4 cells: the column names "Age", "Contact Date"; 2 other cells are not column names of any list (not shown)',
    );
    // Without the alias file "Age" is not a column name, so it is not shown either.
    expect(describeHeader(['Age', 'C004733'])).toBe(
      'none of the 2 cells on its first line is a column name of any list, so the header line is probably missing (the first line is not shown: it may be a row of data)',
    );
  });
});
