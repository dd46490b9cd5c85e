/*---
{
  "id": "assessments_within_45wd_pct",
  "title": "Assessments authorised within 45 working days (%)",
  "summary": "Of the assessments signed off (authorised) in the month, the share signed off within 45 working days of starting, the national timescale.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 85,
  "amber": 75,
  "amber_strict": false,
  "basis": "month",
  "sources": { "case-system/assessments": ["continuous_assessment_start_date", "continuous_assessment_date_of_authorisation"] },
  "reuse": { "lists_at_as_of": ["assessments"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["continuous_assessment_date_of_authorisation"] },
  "definition": "Assessments authorised in the month ending E: % authorised within 45 working days of the Continuous Assessment Start Date. Working days = days after the start, up to and including the authorisation date, that are not Saturday, Sunday or an England and Wales bank holiday (ref.calendar); within means ≤ 45. Choice: period_start is the 1st of E's month. Every assessment row counts (a child can have several assessments). A date outside the working-day calendar (2005–2035) cannot be counted and is treated as not within 45 working days, with a note."
}
---*/
-- Shared with the drill-through (sql/cohort/authorised_assessments.sql).
WITH authorised AS (
  SELECT continuous_assessment_date_of_authorisation AS authorised, working_days, within_45_working_days
  FROM cohort.authorised_assessments($as_of)
)
SELECT p.period_end,
       p.period_start,
       count(a.authorised) FILTER (WHERE a.within_45_working_days) AS numerator,
       count(a.authorised) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No assessments were authorised in the month, so there is no rate to report.' END AS null_reason,
       CASE WHEN count(a.authorised) FILTER (WHERE a.working_days IS NULL) > 0
            THEN [(count(a.authorised) FILTER (WHERE a.working_days IS NULL))::VARCHAR
                  || ' assessment(s) have a date outside the working-day calendar and are counted as not within 45 working days.']
            ELSE []::VARCHAR[] END AS notes
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN authorised a ON a.authorised BETWEEN p.period_start AND p.period_end
GROUP BY p.period_end, p.period_start
ORDER BY p.period_end
