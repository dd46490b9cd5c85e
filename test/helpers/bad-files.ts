/**
 * Small good rows for the bad-file tests (test/bounded-files.test.ts, test/bounded-night.test.ts):
 * referrals and audits that pass their contracts, so a good file loads beside each bad one.
 * Synthetic ids only.
 */
export const REF_HEADER =
  'Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Allocated Team,Allocated Worker,Date of referral,Referral Source,Referral NFA?';

/** `n` referral records (as CSV lines) for children C<from>, C<from+1>, …, referred on 1 February 2015. */
export function referralRows(from: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `C${from + i},F,WBRI,,,Team A,W1,01/02/2015,Police,N`);
}

export const AUDIT_HEADER = ['Audit ID', 'Child Unique ID', 'Audit Type', 'Scheduled Date', 'Completed Date', 'Auditor ID', 'Auditor Role', 'Worker ID', 'Grade'];

export const GOOD_AUDIT_ROWS: string[][] = [
  ['A1', 'C1', 'Case File', '05/01/2015', '09/01/2015', 'X1', 'QA', 'W1', 'Good'],
  ['A2', 'C2', 'Assessment', '05/01/2015', '12/01/2015', 'X1', 'Peer', 'W2', 'Inadequate'],
  ['A3', 'C3', 'Case File', '06/01/2015', '', 'X2', 'Manager', 'W3', ''],
];
