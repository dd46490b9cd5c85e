-- Drill-through for plo_avg_weeks: every care proceeding (one row per Proceedings ID) concluded in the
-- 12 months ending as_of, with its children, earliest issue date, latest final order, days (every concluded proceeding is in the average).
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.plo_avg_weeks(as_of) AS TABLE
WITH child_rows AS (
  SELECT proceedings_id, child_unique_id,
         date_application_issued AS issued,
         CASE WHEN date_of_final_order <= as_of::DATE THEN date_of_final_order END AS final_order
  FROM core.care_proceedings_at(as_of::DATE)
  WHERE date_application_issued <= as_of::DATE
),
concluded AS (
  SELECT proceedings_id, list(DISTINCT child_unique_id ORDER BY child_unique_id) AS children,
         min(issued) AS issued, max(final_order) AS concluded
  FROM child_rows
  GROUP BY proceedings_id
  HAVING count(final_order) = count(*)
)
SELECT c.proceedings_id,
       c.children AS child_unique_ids,
       c.issued AS date_application_issued,
       c.concluded AS date_of_final_order,
       c.concluded - c.issued AS days,
       round((c.concluded - c.issued) / 7, 1) AS weeks,
       true AS in_numerator
FROM concluded c, ref.kpi_periods(as_of) p
WHERE p.period_end = as_of::DATE AND c.concluded BETWEEN p.trailing_12m_start AND p.period_end
ORDER BY c.concluded, c.proceedings_id;
