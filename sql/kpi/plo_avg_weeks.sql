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
  "definition": "Care proceedings concluded in the trailing 12 months ending E: mean of (final order − application issued) in weeks (days ÷ 7), one row per Proceedings ID (earliest issue date, latest final order among its children; a proceeding is concluded only when every child row has a final order, and it concluded on the latest final order). Unit: application, as Cafcass counts. Green ≤ 26 weeks, amber < 30, red ≥ 30. Choice: period_start is the first day of the trailing 12 months (the day after E − 12 months). A final order dated after the as-of date has not happened. numerator holds the summed days (not published), denominator the number of proceedings."
}
---*/
WITH child_rows AS (
  SELECT proceedings_id,
         date_application_issued AS issued,
         CASE WHEN date_of_final_order <= $as_of THEN date_of_final_order END AS final_order
  FROM core.care_proceedings_at($as_of)
  WHERE date_application_issued <= $as_of
),
concluded AS (
  SELECT proceedings_id, min(issued) AS issued, max(final_order) AS concluded
  FROM child_rows
  GROUP BY proceedings_id
  HAVING count(final_order) = count(*)            -- every child row has a final order
)
SELECT p.period_end,
       p.trailing_12m_start AS period_start,
       sum(c.concluded - c.issued) AS numerator,
       count(c.proceedings_id) AS denominator,
       ref.div_round1(coalesce(numerator, 0), 7 * denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No care proceedings concluded in the 12 months, so there is no average duration to report.' END AS null_reason
FROM ref.kpi_periods($as_of) p
LEFT JOIN concluded c ON c.concluded BETWEEN p.trailing_12m_start AND p.period_end
GROUP BY p.period_end, p.trailing_12m_start
ORDER BY p.period_end
