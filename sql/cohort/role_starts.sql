-- The roles started on or before as_of, for induction_completed_pct and its drill-through: the
-- induction date if on or before as_of (one after as_of has not happened), and inducted when it is
-- no later than 30 days after the role started.
CREATE OR REPLACE MACRO cohort.role_starts(as_of) AS TABLE
SELECT worker_id, org_role, agency_worker, role_start_date,
       coalesce(induction_completed_date <= as_of::DATE AND induction_completed_date <= role_start_date + 30, false) AS inducted,
       CASE WHEN induction_completed_date <= as_of::DATE THEN induction_completed_date END AS induction_completed_date
FROM core.workforce_at(as_of::DATE)
WHERE role_start_date <= as_of::DATE;
