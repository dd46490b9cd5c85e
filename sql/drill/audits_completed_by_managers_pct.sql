-- Drill-through for audits_completed_by_managers_pct: every audit scheduled in the month ending
-- as_of with Auditor Role Manager (after the code mappings), plus any whose role cannot be
-- classified (role_known false: it withholds the figure); in_numerator when completed.
-- Child and worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.audits_completed_by_managers_pct(as_of) AS TABLE
SELECT * FROM (
  SELECT audit_id, child_unique_id, worker_id, auditor_id,
         ref.map_code('auditor_role', auditor_role) AS auditor_role,
         audit_type, scheduled_date, completed_date,
         lower(ref.map_code('auditor_role', auditor_role)) IN ('manager', 'qa', 'peer') AS role_known,
         completed_date IS NOT NULL AS in_numerator
  FROM core.audits_at(as_of::DATE)
  WHERE scheduled_date BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
)
WHERE lower(auditor_role) = 'manager' OR NOT role_known
ORDER BY scheduled_date, audit_id;
