-- The audits scheduled on or before as_of, as known on as_of (core.audits_at: a completion after
-- as_of has not happened), for audits_completed_by_managers_pct and its drill-through. Auditor
-- Role after the council's code mappings: by_manager for Manager; role_unknown for a role that is
-- not a known one (Manager, QA, Peer), which might be a renamed manager role and withholds the
-- figure; a blank role is neither.
CREATE OR REPLACE MACRO cohort.scheduled_audits(as_of) AS TABLE
SELECT audit_id, child_unique_id, worker_id, auditor_id, auditor_role, audit_type, scheduled_date, completed_date,
       completed_date IS NOT NULL AS completed,
       lower(auditor_role) = 'manager' AS by_manager,
       lower(auditor_role) NOT IN ('manager', 'qa', 'peer') AS role_unknown
FROM (
  SELECT audit_id, child_unique_id, worker_id, auditor_id,
         ref.map_code('auditor_role', auditor_role) AS auditor_role,
         audit_type, scheduled_date, completed_date
  FROM core.audits_at(as_of::DATE)
  WHERE scheduled_date <= as_of::DATE
);
