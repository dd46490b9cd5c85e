-- Drill-through for closures_signoff_pct: every case closed in the month ending as_of (one row per
-- Case ID and Closure Date) with its children, who closed it and the manager sign-off.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.closures_signoff_pct(as_of) AS TABLE
SELECT case_id,
       list(DISTINCT child_unique_id ORDER BY child_unique_id) AS child_unique_ids,
       closure_date,
       min(closed_by) AS closed_by,
       min(manager_sign_off_date) FILTER (WHERE manager_sign_off_date <= as_of::DATE) AS manager_sign_off_date,
       coalesce(bool_or(manager_sign_off_date <= as_of::DATE), false) AS in_numerator
FROM core.case_closures_at(as_of::DATE)
WHERE closure_date BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
GROUP BY case_id, closure_date
ORDER BY closure_date, case_id;
