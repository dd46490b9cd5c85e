/**
 * One contract per source list (spec: shared/spec/sources.md). This file is the single source
 * of truth for column names, types, codes and row rules; the loader, the DuckDB tables, the
 * JSON Schemas and the data dictionary are all derived from it.
 */
import { z } from 'zod';
import { col } from './columns.js';
import type { SourceKind } from '../source-folders.js';

/** The source folders are defined once, in core/source-folders.ts. */
export type { SourceKind } from '../source-folders.js';

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

/** Annex A's disability column (lists 4–10): a lettered code or Yes/No as recorded, so kept as text. */
const childDisability = () => col.text('Whether the child has a disability, as recorded (Annex A; not used by any KPI).');

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
      'Number of Referrals in Last 12 Months': col.count('Referrals of this child in the 12 months before this one, as extracted (Annex A).'),
    },
    rules: [],
  },
  {
    source: 'case-system',
    list: 'assessments',
    title: 'Assessments (Annex A list 4)',
    columns: {
      ...commonCaseSystem,
      'Does the Child have a Disability': childDisability(),
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
      'Does the Child have a Disability': childDisability(),
      'CIN Start Date': col.date('Start of the CIN episode.', { required: true, notAfterExtract: true }),
      // sources.md: a closure date after the extract date is a row error (it has not happened yet).
      'CIN Closure Date': col.date('End of the CIN episode (blank while open).', { notAfterExtract: true }),
      'Primary Need Code': col.code('Primary need code N0–N9.', ['N0', 'N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8', 'N9']),
      'Reason for Closure': col.code('Reason for closure RC1–RC9.', ['RC1', 'RC2', 'RC3', 'RC4', 'RC5', 'RC6', 'RC7', 'RC8', 'RC9']),
      'Case Status': col.code('Case status as recorded now (Annex A a–e).', CASE_STATUSES),
      'CIN Plan Start Date': col.date('Local extension: date the child in need plan started (blank if none).', { notAfterExtract: true }),
      'Date Child Was Last Seen': col.date('Date the child was last seen by a social worker (Annex A).'),
    },
    rules: [{ kind: 'not_before', column: 'CIN Closure Date', notBefore: 'CIN Start Date' }],
  },
  {
    source: 'case-system',
    list: 'child_protection',
    title: 'Child protection plans (Annex A list 7)',
    columns: {
      ...commonCaseSystem,
      'Does the Child have a Disability': childDisability(),
      'Child Protection Plan Start Date': col.date('Start of the CP plan.', { required: true, notAfterExtract: true }),
      'Child Protection Plan End Date': col.date('End of the CP plan (blank while open).'),
      'Number of Previous Child Protection Plans': col.count('Previous CP plans this child has had (blank = unknown).'),
      'Initial Category of Abuse': col.text('Initial category of abuse.'),
      'Latest Category of Abuse': col.text('Latest category of abuse.'),
      'Date of the Last Statutory Visit': col.date('Date of the last statutory visit (Annex A).'),
      'Was the Child Seen Alone?': col.text('Whether the child was seen alone at the last visit, as recorded (Annex A).'),
      'Date of latest review conference': col.date('Date of the latest review conference (Annex A).'),
      'Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)': col.text(
        'Emergency protection order or police protection in the last six months, as recorded (Annex A).',
      ),
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
  // ---- Annex A lists 5, 8 and 9 (issue 15; headings from annex-a-headers.md). Typed conservatively:
  // dates, counts and (Y/N) flags as such; every other heading text, kept as written.
  {
    source: 'case-system',
    list: 'section_47',
    title: 'Section 47 enquiries (Annex A list 5)',
    columns: {
      ...commonCaseSystem,
      'Does the Child have a Disability': childDisability(),
      // Blank is allowed: icpc_within_15wd_pct reads only "rows with a strategy discussion date".
      'Strategy discussion initiating Section 47 Enquiry Start Date': col.date('Date of the strategy discussion that started the section 47 enquiry.', {
        headerRequired: true,
        notAfterExtract: true,
      }),
      'Was an Initial Child Protection Conference deemed unnecessary?': col.flag('The enquiry decided no initial child protection conference was needed.', { headerRequired: true }),
      'Date of Initial Child Protection Conference': col.date('Date the initial child protection conference was held (blank if none).', { headerRequired: true }),
      'Did the Initial Child Protection Conference Result in a Child Protection Plan': col.flag('The conference put the child on a child protection plan.', {
        headerRequired: true,
      }),
      'Number of Section 47 Enquiries in the last 12 months': col.count('Earlier section 47 enquiries about this child in the 12 months, as extracted.'),
      'Number of ICPCs in the last 12 months': col.count('Earlier initial child protection conferences for this child in the 12 months, as extracted.'),
    },
    // The conference follows the strategy discussion that started the enquiry: one before it is a row error.
    rules: [{ kind: 'not_before', column: 'Date of Initial Child Protection Conference', notBefore: 'Strategy discussion initiating Section 47 Enquiry Start Date' }],
  },
  {
    source: 'case-system',
    list: 'children_looked_after',
    title: 'Children looked after (Annex A list 8)',
    columns: {
      ...commonCaseSystem,
      'Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)': col.flag('Unaccompanied asylum-seeking child at some time in the last 12 months.'),
      'Does the Child have a Disability': childDisability(),
      'Date Started to be Looked After': col.date('Start of this period of care.', { required: true, notAfterExtract: true }),
      "Child's Category of Need": col.text('Category of need as recorded (N1–N8, with or without words).'),
      'Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)': col.flag(
        'Second or later period of care within the last 12 months.',
      ),
      'Start date of current legal status': col.date('Start of the current legal status.', { notAfterExtract: true }),
      "Child's Legal Status": col.text('Legal status code as recorded (C1, C2, E1, J1, L1, V2 …).'),
      'Date of Latest Statutory Review': col.date('Date of the latest statutory review.'),
      'Date of Last Social Work Visit': col.date('Date of the last social work visit.'),
      'What is the permanence plan for this child?': col.text('Permanence plan as recorded.'),
      'Date of Last IRO Visit / Contact to the Child': col.date('Date of the last visit or contact by the independent reviewing officer.'),
      'Date of Last Health Assessment': col.date('Date of the last health assessment.'),
      'Date of Last Dental Check': col.date('Date of the last dental check.'),
      'Number of Placements in the Last 12 months': col.count('Placements in the 12 months before the extract date, as recorded (blank = unknown).', { headerRequired: true }),
      'Date Ceased to be Looked After': col.date('End of this period of care (blank while looked after).', { headerRequired: true }),
      'Reason Ceased to be Looked After': col.text('Reason the period of care ended, as recorded.'),
      'Start Date of Most Recent Placement': col.date('Start of the current or last placement.', { notAfterExtract: true }),
      'Placement Type': col.text('Placement type as recorded.'),
      'Placement Provider': col.text('Placement provider as recorded.'),
      'Placement postcode': col.text('Postcode of the placement (it locates the child: sensitive, never leaves the warehouse).', { identifier: true }),
      'URN of Placement': col.text('Ofsted unique reference number of the placement.'),
      'Placement Location': col.text('In or out of the local authority’s area, as recorded.'),
      'LA of Placement': col.text('Local authority the placement is in.'),
      'Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months': col.count('Missing episodes in the last 12 months.'),
      'Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months': col.count('Absences in the last 12 months.'),
      'Was the child offered a Return Interview after their last missing episode (Y/N)?': col.flag('A return interview was offered after the last missing episode.'),
      'Did the child accept a Return Interview after their last missing episode (Y/N)?': col.flag('The child accepted the return interview.'),
    },
    rules: [{ kind: 'not_before', column: 'Date Ceased to be Looked After', notBefore: 'Date Started to be Looked After' }],
  },
  {
    source: 'case-system',
    list: 'care_leavers',
    title: 'Care leavers (Annex A list 9)',
    columns: {
      ...commonCaseSystem,
      'Does the Child have a Disability': childDisability(),
      'Eligibility Category': col.text('Relevant, former relevant, qualifying or eligible, as recorded.'),
      'LA in Touch': col.text('Whether the local authority is in touch, as recorded (Yes, No, Refused, Died …).'),
      'Type of Accommodation': col.text('Type of accommodation as recorded (a code and words, e.g. `U: Independent living`).'),
      'Suitability of Accommodation': col.code('Suitable or Unsuitable, as recorded (other values kept; see the KPI).', ['Suitable', 'Unsuitable'], { headerRequired: true }),
      // Text, kept as written: the code leads the value (`F1: Full time in higher education`) and
      // the KPI reads its first letter (F full time, P part time, G not in education, employment or training).
      'Activity Status': col.text('Education, employment or training activity as recorded, code first (F… full time, P… part time, G… NEET).', {
        headerRequired: true,
      }),
    },
    rules: [],
  },
  // Annex A lists 1, 2, 10 and 11 (sources.md v2, "the Annex A workbook"; headings as annex-a-headers.md).
  {
    source: 'case-system',
    list: 'contacts',
    title: 'Contacts (Annex A list 1)',
    columns: {
      ...commonCaseSystem,
      'Date of Contact': col.date('Date the contact was received.', { required: true, notAfterExtract: true }),
      'Contact Source': col.text('Who made the contact, as recorded.', { headerRequired: true }),
    },
    rules: [],
  },
  {
    source: 'case-system',
    list: 'early_help',
    title: 'Early help assessments (Annex A list 2)',
    columns: {
      ...commonCaseSystem,
      'Assessment start date': col.date('Date the early help assessment started.', { required: true, notAfterExtract: true }),
      'Assessment completion date': col.date('Date the early help assessment was completed (blank while open).', { headerRequired: true }),
      'Organisation completing assessment': col.text('Organisation that completed the assessment.', { headerRequired: true }),
    },
    rules: [{ kind: 'not_before', column: 'Assessment completion date', notBefore: 'Assessment start date' }],
  },
  {
    source: 'case-system',
    list: 'adoption',
    title: 'Children with an adoption decision (Annex A list 10)',
    columns: {
      ...commonCaseSystem,
      'Family identifier': col.text('The adoptive family (the same identifier as in list 11).', { identifier: true }),
      'Does the Child have a Disability': childDisability(),
      'Date the Child Entered Care': col.date('Date the child entered care.', { required: true, notAfterExtract: true }),
      'Date of Decision that Child Should be Placed for Adoption': col.date('Date of the decision that the child should be placed for adoption.'),
      'Date of Placement Order': col.date('Date of the placement order.'),
      'Date of Matching Child and Prospective Adopters': col.date('Date the child was matched with prospective adopters.'),
      'Date Placed for Adoption': col.date('Date the child was placed for adoption.'),
      'Date of Adoption Order': col.date('Date of the adoption order (blank until one is made).', { headerRequired: true }),
      'Date of Decision that Child Should No Longer be Placed for Adoption': col.date('Date of the decision that the child should no longer be placed for adoption.'),
      'Reason Why Child No Longer Placed for Adoption': col.text('Why the child is no longer to be placed for adoption, as recorded.'),
      'Date the child was placed for fostering in FFA or concurrent planning placement': col.date(
        'Date the child was placed in a fostering for adoption or concurrent planning placement.',
      ),
    },
    rules: [{ kind: 'not_before', column: 'Date of Adoption Order', notBefore: 'Date the Child Entered Care' }],
  },
  {
    source: 'case-system',
    list: 'adopters',
    title: 'Adopters (Annex A list 11)',
    // One row per prospective adopter, not per child: no Child Unique ID and none of the child's columns.
    columns: {
      'Individual adopter identifier': col.text('The adopter’s identifier (sensitive: never leaves the warehouse).', { required: true, identifier: true }),
      'Family identifier': col.text('The adoptive family (the same identifier as in list 10).', { identifier: true }),
      Gender: col.text('Gender as recorded.'),
      Ethnicity: col.text('Ethnicity code as recorded.'),
      Disability: col.text('Whether the adopter has a disability, as recorded.'),
      'Is the (prospective) adopter fostering for adoption?': col.text('Whether the adopter is fostering for adoption, as recorded.'),
      'Date enquiry received': col.date('Date the adopter’s enquiry was received.', { required: true, notAfterExtract: true }),
      'Date Stage 1 started': col.date('Date stage 1 started.'),
      'Date Stage 1 ended': col.date('Date stage 1 ended.'),
      'Date Stage 2 started': col.date('Date stage 2 started.'),
      'Date Stage 2 ended': col.date('Date stage 2 ended.'),
      'Date application submitted': col.date('Date the application was submitted.'),
      'Date application approved': col.date('Date the application was approved.'),
      'Date adopter matched with child(ren)': col.date('Date the adopter was matched with a child or children.'),
      'Date child/children placed with adopter(s)': col.date('Date the child or children were placed with the adopter.'),
      'No. of children placed': col.count('Children placed with the adopter.'),
      'Date of Adoption Order': col.date('Date of the adoption order.'),
      'Date of leaving adoption process': col.date('Date the adopter left the adoption process.'),
      'Reason for leaving adoption process': col.text('Why the adopter left the adoption process, as recorded.'),
    },
    rules: [
      { kind: 'not_before', column: 'Date Stage 1 ended', notBefore: 'Date Stage 1 started' },
      { kind: 'not_before', column: 'Date Stage 2 ended', notBefore: 'Date Stage 2 started' },
    ],
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
