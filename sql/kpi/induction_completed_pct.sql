/*---
{
  "id": "induction_completed_pct",
  "title": "Inductions completed within 30 days of starting (%)",
  "summary": "Of the social work staff who started in the last 12 months, the share who completed their induction within 30 days of starting.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 100,
  "amber": 90,
  "amber_strict": false,
  "basis": "trailing_12_months",
  "sources": { "hr/workforce": ["role_start_date", "induction_completed_date"] },
  "reuse": { "lists_at_as_of": ["workforce"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["induction_completed_date", "role_start_date"] },
  "definition": "Rows with Role Start Date in the trailing 12 months ending E: % with an Induction Completed Date no later than 30 days after the start (start + 30 days counts, + 31 does not; an induction before the start counts). An induction dated after E but on or before the as-of date counts for E; one after the as-of date has not happened. Choice: period_start is the first day of the trailing 12 months. Every role row counts, agency and employed, whatever its Org Role; a starter whose 30 days have not yet run out and who has no induction yet counts as not completed."
}
---*/
-- Shared with the drill-through (sql/cohort/role_starts.sql).
WITH starters AS (
  SELECT role_start_date AS started, inducted FROM cohort.role_starts($as_of)
)
SELECT p.period_end,
       p.trailing_12m_start AS period_start,
       count(s.started) FILTER (WHERE s.inducted) AS numerator,
       count(s.started) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'Nobody started a role in the 12 months, so there is no induction rate to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN starters s ON s.started BETWEEN p.trailing_12m_start AND p.period_end
GROUP BY p.period_end, p.trailing_12m_start
ORDER BY p.period_end
