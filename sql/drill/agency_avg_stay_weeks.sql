-- Drill-through for agency_avg_stay_weeks: every agency row that ended in the 12 months ending
-- as_of, with its start, end and length in days and weeks.
-- Worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.agency_avg_stay_weeks(as_of) AS TABLE
SELECT w.worker_id, w.org_role, w.role_start_date, w.role_end_date,
       w.role_end_date - w.role_start_date AS days,
       round((w.role_end_date - w.role_start_date) / 7, 1) AS weeks,
       true AS in_numerator
FROM core.workforce_at(as_of::DATE) w, ref.kpi_periods(as_of) p
WHERE p.period_end = as_of::DATE AND w.agency_worker
  AND w.role_end_date BETWEEN p.trailing_12m_start AND p.period_end
ORDER BY w.role_end_date, w.worker_id;
