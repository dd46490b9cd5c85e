-- Drill-through for turnover_rate_fte_pct: every employed (non-agency) row that either ended in
-- the 12 months ending as_of (in_numerator: a leaver) or is in post at as_of (in_denominator).
-- Worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.turnover_rate_fte_pct(as_of) AS TABLE
SELECT * FROM (
  SELECT w.worker_id, w.org_role, w.fte, w.role_start_date, w.role_end_date, w.reason_for_leaving,
         coalesce(w.role_end_date BETWEEN p.trailing_12m_start AND p.period_end, false) AS in_numerator,
         cohort.open_at(w.role_start_date, w.role_end_date, p.period_end) AS in_denominator
  FROM cohort.employed_roles(as_of) w, ref.kpi_periods(as_of) p
  WHERE p.period_end = as_of::DATE
)
WHERE in_numerator OR in_denominator
ORDER BY worker_id, role_start_date;
