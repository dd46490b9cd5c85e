-- Drill-through for agency_rate_fte_pct: every workforce row in post at as_of with its FTE;
-- in_numerator for agency rows, in_denominator for all.
-- Worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.agency_rate_fte_pct(as_of) AS TABLE
SELECT worker_id, org_role, agency_worker, fte, role_start_date, role_end_date,
       agency_worker AS in_numerator,
       true AS in_denominator
FROM core.workforce_at(as_of::DATE)
WHERE cohort.open_at(role_start_date, role_end_date, as_of::DATE)
ORDER BY worker_id, role_start_date;
