-- The employed (non-agency) roles started on or before as_of, for turnover_rate_fte_pct and its
-- drill-through: a leaver is a role that ended in the 12 months, the denominator the roles in post
-- (cohort.open_at) at the period's end.
CREATE OR REPLACE MACRO cohort.employed_roles(as_of) AS TABLE
SELECT worker_id, org_role, fte, role_start_date, role_end_date, reason_for_leaving
FROM core.workforce_at(as_of::DATE)
WHERE NOT agency_worker AND role_start_date <= as_of::DATE;
