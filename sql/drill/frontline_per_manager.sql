-- Drill-through for frontline_per_manager: every in-post row at as_of with Org Role 3 (first-line
-- manager: in_denominator) or 4–5 (frontline: in_numerator), with its FTE.
-- Worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.frontline_per_manager(as_of) AS TABLE
SELECT worker_id, org_role, agency_worker, fte, role_start_date, role_end_date, team,
       org_role IN (4, 5) AS in_numerator,
       org_role = 3 AS in_denominator
FROM core.workforce_at(as_of::DATE)
WHERE org_role IN (3, 4, 5)
  AND cohort.open_at(role_start_date, role_end_date, as_of::DATE)
ORDER BY org_role, worker_id;
