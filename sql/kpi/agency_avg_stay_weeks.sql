/*---
{
  "id": "agency_avg_stay_weeks",
  "title": "Average stay of agency social workers (weeks)",
  "summary": "How long agency social workers stayed on average, counting those who left in the last 12 months. Longer stays mean more stable teams for children.",
  "unit": "weeks",
  "measure": "average",
  "polarity": "higher",
  "target": null,
  "amber": null,
  "amber_strict": false,
  "basis": "trailing_12_months",
  "sources": { "hr/workforce": ["agency_worker", "role_start_date", "role_end_date"] },
  "reuse": { "lists_at_as_of": ["workforce"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["role_end_date"] },
  "definition": "Agency rows with Role End Date in the trailing 12 months ending E: mean (end − start) in weeks (days ÷ 7). No target: status none. Choice: period_start is the first day of the trailing 12 months. Each role row is one stay (a worker with two agency rows ending in the window is two stays). A Role End Date after the as-of date has not happened. numerator holds the summed days (not published), denominator the number of stays."
}
---*/
-- Shared with the drill-through (sql/cohort/agency_stays.sql).
WITH stays AS (
  SELECT role_end_date AS ended, days FROM cohort.agency_stays($as_of)
)
SELECT p.period_end,
       p.trailing_12m_start AS period_start,
       sum(s.days) AS numerator,
       count(s.ended) AS denominator,
       ref.div_round1(coalesce(numerator, 0), 7 * denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No agency worker left in the 12 months, so there is no average stay to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN stays s ON s.ended BETWEEN p.trailing_12m_start AND p.period_end
GROUP BY p.period_end, p.trailing_12m_start
ORDER BY p.period_end
