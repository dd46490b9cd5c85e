/*---
{
  "id": "plo_avg_weeks",
  "title": "Average duration of care proceedings (weeks)",
  "summary": "How long care proceedings took on average, from the council's application to the court's final order, for proceedings that finished in the last 12 months. The national expectation is 26 weeks.",
  "unit": "weeks",
  "measure": "average",
  "polarity": "lower",
  "target": 26,
  "amber": 30,
  "amber_strict": true,
  "basis": "trailing_12_months",
  "sources": { "case-system/care_proceedings": ["proceedings_id", "date_application_issued", "date_of_final_order"] },
  "reuse": { "lists_at_as_of": ["care_proceedings"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["date_application_issued", "date_of_final_order"] },
  "definition": "Care proceedings concluded in the trailing 12 months ending E: mean of (final order − application issued) in weeks (days ÷ 7), one row per Proceedings ID (earliest issue date, latest final order among its children; a proceeding is concluded only when every child row has a final order, and it concluded on the latest final order). Unit: application, as Cafcass counts. Green ≤ 26 weeks, amber < 30, red ≥ 30. Choice: period_start is the first day of the trailing 12 months (the day after E − 12 months). A final order dated after the as-of date has not happened. numerator holds the summed days (not published), denominator the number of proceedings."
}
---*/
-- One row per concluded proceeding, shared with the other PLO KPI and the drill-throughs
-- (sql/cohort/concluded_proceedings.sql).
SELECT p.period_end,
       p.trailing_12m_start AS period_start,
       sum(c.days) AS numerator,
       count(c.proceedings_id) AS denominator,
       ref.div_round1(coalesce(numerator, 0), 7 * denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No care proceedings concluded in the 12 months, so there is no average duration to report.' END AS null_reason
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN cohort.concluded_proceedings($as_of) c ON c.concluded BETWEEN p.trailing_12m_start AND p.period_end
GROUP BY p.period_end, p.trailing_12m_start
ORDER BY p.period_end
