/**
 * The order a children's services scorecard reads in (issue 14), for the committee report: the
 * child's journey from the front door to care, then the courts, the workforce that does the work,
 * and the quality assurance that checks it. Each group lists its KPIs by id in the order they are
 * shown, including KPIs not yet in the catalogue (issue 15's Annex A measures), so a new KPI file
 * slots into its place without touching the report. A KPI no group names is shown under "Other
 * measures" at the end, never dropped. Pure.
 */

export interface ScorecardGroup {
  /** Stable anchor for the report (`#group-<id>`). */
  id: string;
  title: string;
  kpis: readonly string[];
}

export const SCORECARD_GROUPS: readonly ScorecardGroup[] = [
  { id: 'front-door', title: 'Front door and assessment', kpis: ['re_referral_12m_pct', 'assessments_within_45wd_pct'] },
  {
    id: 'cin-cp',
    title: 'Child in need and child protection',
    kpis: ['cin_without_plan_6wk', 'icpc_within_15wd_pct', 'cp_repeat_plan_pct'],
  },
  {
    id: 'in-care',
    title: 'Children in care and care leavers',
    kpis: ['cla_3plus_placements_pct', 'care_leavers_eet_pct', 'care_leavers_suitable_accommodation_pct'],
  },
  { id: 'courts', title: 'Courts', kpis: ['plo_avg_weeks', 'plo_within_26_weeks_pct'] },
  {
    id: 'workforce',
    title: 'Workforce',
    kpis: ['avg_caseload', 'agency_rate_fte_pct', 'agency_avg_stay_weeks', 'turnover_rate_fte_pct', 'frontline_per_manager', 'induction_completed_pct'],
  },
  {
    id: 'quality',
    title: 'Quality assurance',
    kpis: ['closures_signoff_pct', 'audits_completed_by_managers_pct', 'audits_good_or_better_pct', 'assessment_quality_good_pct'],
  },
];

export const OTHER_GROUP: ScorecardGroup = { id: 'other', title: 'Other measures', kpis: [] };

/**
 * The rows in scorecard order, grouped: each group's rows in the group's order, groups with no
 * row left out, rows of KPIs no group names last under {@link OTHER_GROUP} in the order given.
 */
export function groupedInScorecardOrder<R extends { kpi: string }>(rows: readonly R[]): { group: ScorecardGroup; rows: R[] }[] {
  const out: { group: ScorecardGroup; rows: R[] }[] = [];
  for (const group of SCORECARD_GROUPS) {
    const mine = group.kpis.flatMap((id) => rows.filter((r) => r.kpi === id));
    if (mine.length > 0) out.push({ group, rows: mine });
  }
  const named = new Set(SCORECARD_GROUPS.flatMap((g) => g.kpis));
  const other = rows.filter((r) => !named.has(r.kpi));
  if (other.length > 0) out.push({ group: OTHER_GROUP, rows: other });
  return out;
}
