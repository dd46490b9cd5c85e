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
  "definition": "Care proceedings concluded in the trailing 12 months ending E, one row per Proceedings ID (earliest issue date, latest final order among its children; concluded only when every child row has a final order): % with (final order − issue) ≤ 182 days. Choice: period_start is the first day of the trailing 12 months. 182 days is in, 183 days is out. A final order dated after the as-of date has not happened."
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
       count(c.proceedings_id) FILTER (WHERE c.concluded - c.issued <= 182) AS numerator,
       count(c.proceedings_id) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN 'No care proceedings concluded in the 12 months, so there is no rate to report.' END AS null_reason
FROM ref.kpi_periods($as_of) p
LEFT JOIN concluded c ON c.concluded BETWEEN p.trailing_12m_start AND p.period_end
GROUP BY p.period_end, p.trailing_12m_start
ORDER BY p.period_end
