-- Drill-through for agency_avg_stay_weeks: every agency row that ended in the 12 months ending
-- as_of, with its start, end and length in days and weeks.
-- Worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.agency_avg_stay_weeks(as_of) AS TABLE
SELECT s.worker_id, s.org_role, s.role_start_date, s.role_end_date,
       s.days,
       round(s.days / 7, 1) AS weeks,
       true AS in_numerator
FROM cohort.agency_stays(as_of) s, ref.kpi_periods(as_of) p
WHERE p.period_end = as_of::DATE
  AND s.role_end_date BETWEEN p.trailing_12m_start AND p.period_end
ORDER BY s.role_end_date, s.worker_id;
