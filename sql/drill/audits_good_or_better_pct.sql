-- Drill-through for audits_good_or_better_pct: every graded Case File audit completed in the month ending as_of
-- (grade and type after the code mappings), plus graded audits whose type cannot be classified.
-- grade_known / type_known false mark the codes that withhold the figure.
-- Child and worker ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.audits_good_or_better_pct(as_of) AS TABLE
SELECT * FROM (
  SELECT audit_id, child_unique_id, worker_id, auditor_id, auditor_role,
         ref.map_code('audit_type', audit_type) AS audit_type,
         ref.map_code('grade', grade) AS grade,
         completed_date,
         coalesce(lower(ref.map_code('audit_type', audit_type)) IN ('case file', 'assessment'), false) AS type_known,
         lower(ref.map_code('grade', grade)) IN ('outstanding', 'good', 'requires improvement', 'inadequate') AS grade_known,
         coalesce(lower(ref.map_code('audit_type', audit_type)) = 'case file', false)
           AND lower(ref.map_code('grade', grade)) IN ('outstanding', 'good') AS in_numerator
  FROM core.audits_at(as_of::DATE)
  WHERE completed_date BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE AND grade IS NOT NULL
)
WHERE lower(audit_type) = 'case file' OR NOT type_known AND audit_type IS NOT NULL
ORDER BY completed_date, audit_id;
