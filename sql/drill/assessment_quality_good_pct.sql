-- Drill-through for assessment_quality_good_pct: every graded Assessment audit completed in the month ending as_of
-- (grade and type after the code mappings), plus graded audits whose type cannot be classified.
-- grade_known / type_known false mark the codes that withhold the figure.
-- Child and worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.assessment_quality_good_pct(as_of) AS TABLE
SELECT audit_id, child_unique_id, worker_id, auditor_id, auditor_role, audit_type, grade, completed_date,
       coalesce(NOT type_unknown, false) AS type_known,
       NOT grade_unknown AS grade_known,
       coalesce(of_type, false) AND good_or_better AS in_numerator
FROM cohort.audit_grades(as_of, 'Assessment')
WHERE completed_date BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
  AND (of_type OR type_unknown)
ORDER BY completed_date, audit_id;
