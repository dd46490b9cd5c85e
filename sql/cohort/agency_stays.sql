-- Agency workers' roles that ended on or before as_of, for agency_avg_stay_weeks and its
-- drill-through, with the length of each stay in days (start to end).
CREATE OR REPLACE MACRO cohort.agency_stays(as_of) AS TABLE
SELECT worker_id, org_role, role_start_date, role_end_date,
       role_end_date - role_start_date AS days
FROM core.workforce_at(as_of::DATE)
WHERE agency_worker AND role_end_date <= as_of::DATE;
