-- The graded audits of one audit type as known on as_of, for the audit-grade KPIs and their
-- drill-throughs (assessment_quality_good_pct: 'Assessment'; audits_good_or_better_pct: 'Case File').
-- Every audit completed on or before as_of with a grade (core.audits_at: a completion after as_of
-- has not happened), grade and type after the council's code mappings, except audits of the other
-- known type: those of kpi_type, those whose type is blank (left out, counted in the notes) and
-- those whose type is not a known one (it might be kpi_type renamed: they withhold the figure).
-- grade_unknown: a grade not on the known scale (it withholds the figure too).
CREATE OR REPLACE MACRO cohort.audit_grades(as_of, kpi_type) AS TABLE
SELECT *,
       lower(audit_type) = lower(kpi_type) AS of_type,
       lower(audit_type) NOT IN ('case file', 'assessment') AS type_unknown,
       lower(grade) IN ('outstanding', 'good') AS good_or_better,
       lower(grade) NOT IN ('outstanding', 'good', 'requires improvement', 'inadequate') AS grade_unknown
FROM (
  SELECT audit_id, child_unique_id, worker_id, auditor_id, auditor_role,
         ref.map_code('audit_type', audit_type) AS audit_type,
         ref.map_code('grade', grade) AS grade,
         completed_date
  FROM core.audits_at(as_of::DATE)
  WHERE completed_date IS NOT NULL AND grade IS NOT NULL
)
WHERE audit_type IS NULL OR lower(audit_type) = lower(kpi_type) OR lower(audit_type) NOT IN ('case file', 'assessment');
