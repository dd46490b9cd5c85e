/*---
{
  "id": "plo_within_26_weeks_pct",
  "title": "Care proceedings concluded within 26 weeks (%)",
  "summary": "Of the care proceedings that finished in the last 12 months, the share that finished within 26 weeks of the council's application to court.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 75,
  "amber": 60,
  "amber_strict": false,
  "basis": "trailing_12_months",
  "sources": { "case-system/care_proceedings": ["proceedings_id", "date_application_issued", "date_of_final_order"] },
  "reuse": { "lists_at_as_of": ["care_proceedings"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["date_application_issued", "date_of_final_order"] },
  "definition": "Care proceedings concluded in the trailing 12 months ending E, one row per Proceedings ID (earliest issue date, latest final order among its children; concluded only when every child row has a final order): % with (final order − issue) ≤ 182 days. Choice: period_start is the first day of the trailing 12 months. 182 days is in, 183 days is out. A final order dated after the as-of date has not happened."
}
---*/
-- One row per concluded proceeding, shared with the other PLO KPI and the drill-throughs
-- (sql/cohort/concluded_proceedings.sql).
SELECT p.period_end,
       p.trailing_12m_start AS period_start,
       count(c.proceedings_id) FILTER (WHERE c.within_26_weeks) AS numerator,
       count(c.proceedings_id) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No care proceedings concluded in the 12 months, so there is no rate to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN cohort.concluded_proceedings($as_of) c ON c.concluded BETWEEN p.trailing_12m_start AND p.period_end
GROUP BY p.period_end, p.trailing_12m_start
ORDER BY p.period_end
