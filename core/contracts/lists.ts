/**
 * One contract per source list (spec: shared/spec/sources.md). This file is the single source
 * of truth for column names, types, codes and row rules; the loader, the DuckDB tables, the
 * JSON Schemas and the data dictionary are all derived from it.
 */
import { z } from 'zod';
import { col } from './columns.js';

export type SourceKind = 'case-system' | 'hr' | 'audits' | 'plan';

/** A rule across two columns of one row: `column` must not be before `notBefore`. */
export interface OrderRule {
  kind: 'not_before';
  column: string;
  notBefore: string;
}

/** A column whose value must not repeat within one file: the second and later rows are row errors. */
export interface UniqueRule {
  kind: 'unique';
  column: string;
}

export type RowRule = OrderRule | UniqueRule;

export interface ListContract {
  source: SourceKind;
  /** File prefix and `core` table name. */
  list: string;
  title: string;
  columns: Record<string, z.ZodType>;
  rules: RowRule[];
  /** Other spellings a header may give a column (matched like the name itself): contract column → aliases. */
  aliases?: Record<string, readonly string[]>;
  /** Words for a workbook's reasons: what its sheet and each row are ("audit" when not given). */
  workbook?: { sheet: string; row: string };
}

const commonCaseSystem = {
  'Child Unique ID': col.text('The child’s identifier in the case system (sensitive: never leaves the warehouse).', { required: true, identifier: true }),
  Gender: col.text('Gender as recorded.'),
  Ethnicity: col.text('Ethnicity code as recorded.'),
  'Date of Birth': col.date('Date of birth (blank if unborn or unknown).'),
  'Age of Child (Years)': col.text('Age in years as extracted; -1 for an unborn child. Not used by any KPI.'),
  'Allocated Team': col.text('Team the case is allocated to, as recorded now.'),
  'Allocated Worker': col.text('Worker ID of the allocated worker, as recorded now (same id as HR `Worker ID`).', { identifier: true }),
};

export const CASE_STATUSES = [
  'Looked after child',
  'Child Protection plan',
  'Child in need plan',
  'Open assessment',
  'Closed episode',
] as const;

export const AUDIT_GRADES = ['Outstanding', 'Good', 'Requires Improvement', 'Inadequate'] as const;
export const AUDIT_TYPES = ['Case File', 'Assessment'] as const;
export const AUDITOR_ROLES = ['Manager', 'QA', 'Peer'] as const;

/**
 * An improvement-plan action's status, in order of progress: a move to an earlier one is a slip
 * (core/plan.ts). `Complete – awaiting sign-off` is written with an en dash; a hyphen is read as one.
 */
export const PLAN_STATUSES = ['Not started', 'Blocked', 'In progress', 'Complete – awaiting sign-off', 'Complete'] as const;

const lists: ListContract[] = [
  {
    source: 'case-system',
    list: 'referrals',
    title: 'Referrals (Annex A list 3)',
    columns: {
      ...commonCaseSystem,
      'Date of referral': col.date('Date the referral was received.', { required: true, notAfterExtract: true }),
      'Referral Source': col.text('Who made the referral.'),
      'Referral NFA?': col.flag('Referral closed with no further action.'),
    },
    rules: [],
  },
  {
    source: 'case-system',
    list: 'assessments',
    title: 'Assessments (Annex A list 4)',
    columns: {
      ...commonCaseSystem,
      'Continuous Assessment Start Date': col.date('Date the assessment started.', { required: true, notAfterExtract: true }),
      'Continuous Assessment Date of Authorisation': col.date('Date the assessment was authorised (blank while open).'),
      'Child Seen During Continuous Assessment': col.flag('Child seen during the assessment.'),
      "Was the child assessed as requiring LA children's social care support?": col.flag(
        'Outcome: child assessed as needing children’s social care support.',
      ),
    },
    rules: [{ kind: 'not_before', column: 'Continuous Assessment Date of Authorisation', notBefore: 'Continuous Assessment Start Date' }],
  },
  {
    source: 'case-system',
    list: 'children_in_need',
    title: 'Children in need (Annex A list 6)',
    columns: {
      ...commonCaseSystem,
      'CIN Start Date': col.date('Start of the CIN episode.', { required: true, notAfterExtract: true }),
      // sources.md: a closure date after the extract date is a row error (it has not happened yet).
      'CIN Closure Date': col.date('End of the CIN episode (blank while open).', { notAfterExtract: true }),
      'Primary Need Code': col.code('Primary need code N0–N9.', ['N0', 'N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8', 'N9']),
      'Reason for Closure': col.code('Reason for closure RC1–RC9.', ['RC1', 'RC2', 'RC3', 'RC4', 'RC5', 'RC6', 'RC7', 'RC8', 'RC9']),
      'Case Status': col.code('Case status as recorded now (Annex A a–e).', CASE_STATUSES),
      'CIN Plan Start Date': col.date('Local extension: date the child in need plan started (blank if none).', { notAfterExtract: true }),
    },
    rules: [{ kind: 'not_before', column: 'CIN Closure Date', notBefore: 'CIN Start Date' }],
  },
  {
    source: 'case-system',
    list: 'child_protection',
    title: 'Child protection plans (Annex A list 7)',
    columns: {
      ...commonCaseSystem,
      'Child Protection Plan Start Date': col.date('Start of the CP plan.', { required: true, notAfterExtract: true }),
      'Child Protection Plan End Date': col.date('End of the CP plan (blank while open).'),
      'Number of Previous Child Protection Plans': col.count('Previous CP plans this child has had (blank = unknown).'),
      'Initial Category of Abuse': col.text('Initial category of abuse.'),
      'Latest Category of Abuse': col.text('Latest category of abuse.'),
    },
    rules: [{ kind: 'not_before', column: 'Child Protection Plan End Date', notBefore: 'Child Protection Plan Start Date' }],
  },
  {
    source: 'case-system',
    list: 'care_proceedings',
    title: 'Care proceedings (local list)',
    columns: {
      ...commonCaseSystem,
      'Proceedings ID': col.text('One application to court; several children can share it.', { required: true, identifier: true }),
      'Date Application Issued': col.date('Date the care application was issued.', { required: true, notAfterExtract: true }),
      'Date of Final Order': col.date('Date of the final order for this child (blank while open).'),
      'Final Order Type': col.text('Type of final order.'),
    },
    rules: [{ kind: 'not_before', column: 'Date of Final Order', notBefore: 'Date Application Issued' }],
  },
  {
    source: 'case-system',
    list: 'case_closures',
    title: 'Case closures (local list)',
    columns: {
      ...commonCaseSystem,
      'Case ID': col.text('The case closed.', { required: true, identifier: true }),
      'Closure Date': col.date('Date the case was closed.', { required: true, notAfterExtract: true }),
      'Closed By': col.text('Worker who closed it.', { identifier: true }),
      'Manager Sign-off Date': col.date('Date a manager signed off the closure (blank if not signed off).'),
      'Signed Off By': col.text('Manager who signed off.', { identifier: true }),
    },
    // No order rule on the sign-off: sources.md makes only "an end or closure date before its start" a row error.
    rules: [],
  },
  {
    source: 'hr',
    list: 'workforce',
    title: 'Social-work workforce (HR, DfE census shape)',
    columns: {
      'Worker ID': col.text('Worker identifier, same as the case system’s `Allocated Worker`.', { required: true, identifier: true }),
      'Org Role': col.orgRole('1 Senior Manager … 6 Qualified Without Cases.', { required: true }),
      'Agency Worker': col.flag('Paid through an agency or self-employed.', { required: true }),
      FTE: col.fte('Contracted hours ÷ standard hours, 0 < FTE ≤ 1.5.', { required: true }),
      'Role Start Date': col.date('Start of this role.', { required: true, notAfterExtract: true }),
      'Role End Date': col.date('End of this role (blank while in post).'),
      'Reason for Leaving': col.text('Reason for leaving.'),
      Team: col.text('Team.'),
      'Induction Completed Date': col.date('Date induction was completed (blank if not done).'),
    },
    rules: [{ kind: 'not_before', column: 'Role End Date', notBefore: 'Role Start Date' }],
  },
  {
    source: 'audits',
    list: 'audits',
    title: 'Case-file audits (QA workbooks)',
    columns: {
      'Audit ID': col.text('Audit identifier, unique per audit.', { required: true, identifier: true }),
      'Child Unique ID': col.text('The child whose case was audited.', { required: true, identifier: true }),
      'Audit Type': col.code('Case File or Assessment.', AUDIT_TYPES),
      'Scheduled Date': col.date('Date the audit was due.'),
      'Completed Date': col.date('Date completed (blank if not completed).'),
      'Auditor ID': col.text('Who audited.', { identifier: true }),
      'Auditor Role': col.code('Manager, QA or Peer.', AUDITOR_ROLES),
      'Worker ID': col.text('The worker whose case was audited.', { identifier: true }),
      Grade: col.code('Ofsted scale grade (blank if not completed). Unknown grades are kept, not rejected.', AUDIT_GRADES),
    },
    // Within one file an Audit ID names one audit: a repeat is a row error on the later row.
    // Across files, core.audits_at takes the file whose name sorts last (meta.audit_duplicates).
    rules: [{ kind: 'unique', column: 'Audit ID' }],
  },
  {
    source: 'plan',
    list: 'plan_actions',
    title: 'Plan tracker (the improvement plan, one row an action)',
    columns: {
      'Action ID': col.text('The action’s reference in the plan, unique within the tracker (e.g. FD-03).', { required: true }),
      Area: col.text('The area of improvement the action belongs to (e.g. Front door, Workforce).'),
      Recommendation: col.text('The recommendation the action answers.'),
      Action: col.text('What will be done.'),
      Owner: col.text('Who leads the action, as a role (never published in public/).'),
      'Due Date': col.date('When the action is due.'),
      Status: col.code('Where the action stands. Unknown statuses are kept and reported, never guessed (a code mapping can name one).', PLAN_STATUSES, {
        required: true,
      }),
      // Completed after the tracker's own date has not happened yet: a row error, as a CIN closure date is.
      'Completed Date': col.date('When the action was completed (blank while it is not).', { notAfterExtract: true }),
      Evidence: col.text('What shows the action is done (kept in the warehouse; never published).'),
      'Linked KPI': col.text('The id of the KPI the action is meant to move (e.g. closures_signoff_pct), or blank.'),
    },
    // One tracker names an action once: a repeated Action ID is a row error on the later row.
    rules: [{ kind: 'unique', column: 'Action ID' }],
    workbook: { sheet: 'improvement plan', row: 'action' },
    aliases: {
      'Action ID': ['Action Ref', 'Action Reference', 'Action No', 'Action Number', 'Ref'],
      Area: ['Theme', 'Improvement Area', 'Area of Improvement'],
      Recommendation: ['Ofsted Recommendation'],
      Action: ['Action Description'],
      Owner: ['Lead', 'Action Owner', 'Lead Officer', 'Responsible Officer'],
      'Due Date': ['Target Date', 'Deadline', 'Due', 'Date Due'],
      Status: ['Action Status'],
      'Completed Date': ['Date Completed', 'Completion Date', 'Date of Completion'],
      Evidence: ['Evidence of Impact', 'Evidence of Completion'],
      'Linked KPI': ['KPI', 'Linked Measure', 'KPI ID'],
    },
  },
];

export const CONTRACTS: ReadonlyMap<string, ListContract> = new Map(lists.map((c) => [c.list, c]));

export const CASE_SYSTEM_LISTS = lists.filter((c) => c.source === 'case-system').map((c) => c.list);

export function contractFor(list: string): ListContract {
  const c = CONTRACTS.get(list);
  if (!c) throw new Error(`no contract for list ${list}`);
  return c;
}

/** The typed row of a list as a zod object (for JSON Schema and documentation). */
export function rowSchema(c: ListContract): z.ZodObject {
  return z.object(c.columns);
}
