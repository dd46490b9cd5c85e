/*---
{
  "id": "audits_completed_by_managers_pct",
  "title": "Audits scheduled for managers that were completed (%)",
  "summary": "Of the audits managers were due to carry out in the month, the share they completed.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 100,
  "amber": 90,
  "amber_strict": false,
  "basis": "month",
  "sources": { "audits/audits": ["scheduled_date", "completed_date", "auditor_role"] },
  "filters": { "audits/audits": { "auditor_role": ["Manager"] } },
  "reuse": { "lists_at_as_of": ["audits"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["scheduled_date"] },
  "definition": "Audits of any type scheduled in the month ending E with Auditor Role Manager: % with a Completed Date. A completion after E but on or before the as-of date counts for E; one after the as-of date has not happened. Auditor Role compares case-insensitively after the council's code mappings. Choice: period_start is the 1st of E's month. An Auditor Role that is not a known role (Manager, QA, Peer) might be a renamed manager role, so if any audit scheduled in the month carries one the figure is withheld, naming the code, how many audits carry it, the first scheduled date and the mapping that fixes it. Audits with a blank Auditor Role are left out and counted in the notes. Audit Type is not read, so a new audit type does not affect this figure."
}
---*/
WITH classified AS (  -- shared with the drill-through (sql/cohort/scheduled_audits.sql)
  SELECT scheduled_date AS scheduled, completed, auditor_role AS role, by_manager, role_unknown
  FROM cohort.scheduled_audits($as_of)
),
first_seen AS (
  SELECT lower(role) AS code, min(scheduled) AS first_scheduled FROM classified WHERE role_unknown GROUP BY lower(role)
),
cohort AS (
  SELECT p.period_end, c.*
  FROM ref.kpi_periods($as_of, $points_after) p
  JOIN classified c ON c.scheduled BETWEEN p.period_start AND p.period_end
),
unknown_codes AS (
  SELECT period_end, lower(role) AS code, min(role) AS shown, count(*) AS audits
  FROM cohort WHERE role_unknown
  GROUP BY period_end, lower(role)
),
unknown_by_period AS (
  SELECT u.period_end,
         list(ref.unknown_code_note('auditor_role', u.shown, u.audits, 'audit(s) scheduled',
                'the first scheduled on ' || strftime(f.first_scheduled, '%Y-%m-%d'), ['Manager', 'QA', 'Peer'])
              ORDER BY u.code) AS notes
  FROM unknown_codes u JOIN first_seen f ON f.code = u.code
  GROUP BY u.period_end
),
totals AS (
  SELECT period_end,
         count(*) FILTER (WHERE by_manager AND completed) AS done,
         count(*) FILTER (WHERE by_manager) AS scheduled,
         count(*) FILTER (WHERE role IS NULL) AS blank_role
  FROM cohort GROUP BY period_end
)
SELECT p.period_end,
       p.period_start,
       CASE WHEN u.notes IS NULL THEN coalesce(t.done, 0) END AS numerator,
       CASE WHEN u.notes IS NULL THEN coalesce(t.scheduled, 0) END AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN u.notes IS NOT NULL THEN ref.withheld_reason(u.notes)
            WHEN denominator = 0 THEN 'No audits were scheduled for managers in the month, so there is no completion rate to report.' END AS null_reason,
       CASE WHEN t.blank_role > 0
            THEN [t.blank_role::VARCHAR || ' audit(s) scheduled in the month have a blank Auditor Role and are left out.']
            ELSE []::VARCHAR[] END AS notes
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN totals t ON t.period_end = p.period_end
LEFT JOIN unknown_by_period u ON u.period_end = p.period_end
ORDER BY p.period_end
