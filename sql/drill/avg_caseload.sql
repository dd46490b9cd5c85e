-- Drill-through for avg_caseload: every open CIN case at as_of allocated to a worker in post at
-- as_of (one row per child and worker), with the worker's summed in-post FTE. The KPI is distinct
-- children ÷ the summed FTE of the distinct workers listed here.
-- Child and worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.avg_caseload(as_of) AS TABLE
WITH in_post AS (
  SELECT worker_id, sum(fte) AS fte, min(role_start_date) AS role_start_date
  FROM core.workforce_at(as_of::DATE)
  WHERE cohort.open_at(role_start_date, role_end_date, as_of::DATE)
  GROUP BY worker_id
)
SELECT e.child_unique_id,
       e.allocated_worker,
       min(e.cin_start_date) AS cin_start_date,
       any_value(i.fte) AS worker_fte,
       true AS in_numerator
FROM core.children_in_need_at(as_of::DATE) e
JOIN in_post i ON i.worker_id = e.allocated_worker
WHERE cohort.open_at(e.cin_start_date, e.cin_closure_date, as_of::DATE)
GROUP BY e.child_unique_id, e.allocated_worker
ORDER BY e.allocated_worker, e.child_unique_id;
