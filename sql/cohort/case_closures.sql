-- The cases closed on or before as_of, one row per Case ID and Closure Date (its children's rows
-- together), for closures_signoff_pct and its drill-through: who closed it, the manager sign-off
-- on or before as_of (one after as_of has not happened), and signed_off when any of its rows has one.
CREATE OR REPLACE MACRO cohort.case_closures(as_of) AS TABLE
SELECT case_id,
       list(DISTINCT child_unique_id ORDER BY child_unique_id) AS child_unique_ids,
       closure_date,
       min(closed_by) AS closed_by,
       bool_or(manager_sign_off_date <= as_of::DATE) AS signed_off,
       min(manager_sign_off_date) FILTER (WHERE manager_sign_off_date <= as_of::DATE) AS manager_sign_off_date
FROM core.case_closures_at(as_of::DATE)
WHERE closure_date <= as_of::DATE
GROUP BY case_id, closure_date;
