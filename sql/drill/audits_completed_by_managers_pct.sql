-- Drill-through for audits_completed_by_managers_pct: every audit scheduled in the month ending
-- as_of with Auditor Role Manager (after the code mappings), plus any whose role cannot be
-- classified (role_known false: it withholds the figure); in_numerator when completed.
-- Child and worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.audits_completed_by_managers_pct(as_of) AS TABLE
SELECT audit_id, child_unique_id, worker_id, auditor_id, auditor_role, audit_type, scheduled_date, completed_date,
       NOT role_unknown AS role_known,
       completed AS in_numerator
FROM cohort.scheduled_audits(as_of)
WHERE scheduled_date BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
  AND (by_manager OR role_unknown)
ORDER BY scheduled_date, audit_id;
