/*---
{
  "id": "assessment_quality_good_pct",
  "title": "Assessment audits graded good or better (%)",
  "summary": "Of the audits of assessments completed in the month, the share that judged the assessment good or outstanding.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 100,
  "amber": 80,
  "amber_strict": false,
  "basis": "month",
  "sources": { "audits/audits": ["audit_type", "completed_date", "grade"] },
  "filters": { "audits/audits": { "audit_type": ["Assessment"] } },
  "reuse": { "lists_at_as_of": ["audits"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": [] },
  "definition": "Assessment audits completed in the month ending E with a grade: % graded Good or Outstanding. Grades and audit types compare case-insensitively after the council's code mappings (config/code-mappings.json). If any audit of the cohort carries a grade not on the known scale (Outstanding, Good, Requires Improvement, Inadequate), the figure is withheld: value, numerator and denominator null, and the reason names each new code, how many audits carry it, the month the first of them was completed and the mapping that fixes it. An audit completed after the as-of date is not completed. Choice: period_start is the 1st of E's month. An audit whose Audit Type is not a known type (Case File, Assessment) might be a renamed Assessment audit, so a graded one completed in the month withholds the figure the same way; audits with a blank Audit Type are left out and counted in the notes. Completed audits with a blank grade are not in the cohort (the definition reads: with a grade)."
}
---*/
-- The month's graded Assessment audits and their figures are shared with the other audit-grade KPI
-- and the drill-through (sql/cohort/audit_grades.sql, sql/cohort/audit_grade_points.sql).
SELECT period_end,
       period_start,
       numerator,
       denominator,
       value,
       coalesce(withheld, CASE WHEN denominator = 0 THEN 'No graded Assessment audits were completed in the month, so there is no rate to report.' END) AS null_reason,
       notes
FROM cohort.audit_grade_points($as_of, $points_after, 'Assessment')
ORDER BY period_end
