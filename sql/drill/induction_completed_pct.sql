-- Drill-through for induction_completed_pct: every role that started in the 12 months ending
-- as_of, with its induction date and whether it was no later than 30 days after the start.
-- Worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.induction_completed_pct(as_of) AS TABLE
SELECT w.worker_id, w.org_role, w.agency_worker, w.role_start_date, w.induction_completed_date,
       w.inducted AS in_numerator
FROM cohort.role_starts(as_of) w, ref.kpi_periods(as_of) p
WHERE p.period_end = as_of::DATE AND w.role_start_date BETWEEN p.trailing_12m_start AND p.period_end
ORDER BY w.role_start_date, w.worker_id;
