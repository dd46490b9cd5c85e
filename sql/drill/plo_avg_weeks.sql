-- Drill-through for plo_avg_weeks: every care proceeding (one row per Proceedings ID) concluded in the
-- 12 months ending as_of, with its children, earliest issue date, latest final order, days (every concluded proceeding is in the average).
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.plo_avg_weeks(as_of) AS TABLE
SELECT c.proceedings_id,
       c.child_unique_ids,
       c.issued AS date_application_issued,
       c.concluded AS date_of_final_order,
       c.days,
       round(c.days / 7, 1) AS weeks,
       true AS in_numerator
FROM cohort.concluded_proceedings(as_of) c, ref.kpi_periods(as_of) p
WHERE p.period_end = as_of::DATE AND c.concluded BETWEEN p.trailing_12m_start AND p.period_end
ORDER BY c.concluded, c.proceedings_id;
