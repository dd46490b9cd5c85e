-- Drill-through for closures_signoff_pct: every case closed in the month ending as_of (one row per
-- Case ID and Closure Date) with its children, who closed it and the manager sign-off.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.closures_signoff_pct(as_of) AS TABLE
SELECT case_id,
       child_unique_ids,
       closure_date,
       closed_by,
       manager_sign_off_date,
       coalesce(signed_off, false) AS in_numerator
FROM cohort.case_closures(as_of)
WHERE closure_date BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
ORDER BY closure_date, case_id;
