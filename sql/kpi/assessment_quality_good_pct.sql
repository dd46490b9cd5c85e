/*---
{
  "id": "assessment_quality_good_pct",
  "title": "Assessment audits graded good or better (%)",
  "summary": "Of the audits of assessments completed in the month, the share that judged the assessment good or outstanding.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "higher",
  "target": 100,
  "amber": 80,
  "amber_strict": false,
  "basis": "month",
  "sources": { "audits/audits": ["audit_type", "completed_date", "grade"] },
  "filters": { "audits/audits": { "audit_type": ["Assessment"] } },
  "definition": "Assessment audits completed in the month ending E with a grade: % graded Good or Outstanding. Grades and audit types compare case-insensitively after the council's code mappings (config/code-mappings.json). If any audit of the cohort carries a grade not on the known scale (Outstanding, Good, Requires Improvement, Inadequate), the figure is withheld: value, numerator and denominator null, and the reason names each new code, how many audits carry it, the month the first of them was completed and the mapping that fixes it. An audit completed after the as-of date is not completed. Choice: period_start is the 1st of E's month. An audit whose Audit Type is not a known type (Case File, Assessment) might be a renamed Assessment audit, so a graded one completed in the month withholds the figure the same way; audits with a blank Audit Type are left out and counted in the notes. Completed audits with a blank grade are not in the cohort (the definition reads: with a grade)."
}
---*/
WITH audits AS (
  SELECT completed_date AS completed,
         ref.map_code('audit_type', audit_type) AS audit_type,
         ref.map_code('grade', grade) AS grade
  FROM core.audits_at($as_of)
  WHERE completed_date IS NOT NULL AND grade IS NOT NULL
),
relevant AS (  -- this KPI's type, plus graded audits whose type is blank or cannot be classified
  SELECT completed, audit_type, grade,
         lower(audit_type) = 'assessment' AS of_type,
         lower(audit_type) NOT IN ('case file', 'assessment') AS type_unknown,
         lower(grade) IN ('outstanding', 'good') AS good_or_better,
         lower(grade) NOT IN ('outstanding', 'good', 'requires improvement', 'inadequate') AS grade_unknown
  FROM audits
  WHERE audit_type IS NULL OR lower(audit_type) <> 'case file'
),
first_seen AS (  -- first completed date (on or before D) of each unknown code among these audits
  SELECT 'grade' AS column_name, lower(grade) AS code, min(completed) AS first_completed
  FROM relevant WHERE grade_unknown AND (of_type OR type_unknown) GROUP BY lower(grade)
  UNION ALL
  SELECT 'audit_type', lower(audit_type), min(completed) FROM relevant WHERE type_unknown GROUP BY lower(audit_type)
),
cohort AS (
  SELECT p.period_end, r.*
  FROM ref.kpi_periods($as_of) p
  JOIN relevant r ON r.completed BETWEEN p.period_start AND p.period_end
),
unknown_codes AS (
  SELECT period_end, column_name, code, min(shown) AS shown, count(*) AS audits
  FROM (
    SELECT period_end, 'grade' AS column_name, lower(grade) AS code, grade AS shown FROM cohort WHERE grade_unknown AND (of_type OR type_unknown)
    UNION ALL
    SELECT period_end, 'audit_type', lower(audit_type), audit_type FROM cohort WHERE type_unknown
  )
  GROUP BY period_end, column_name, code
),
unknown_by_period AS (
  SELECT u.period_end,
         list(ref.unknown_code_note(u.column_name, u.shown, u.audits, 'audit(s)',
                -- The month, not the day: an audit's completion date is a value from a source row (custody).
                'the first completed in ' || strftime(f.first_completed, '%B %Y'),
                CASE u.column_name WHEN 'grade' THEN ['Outstanding', 'Good', 'Requires Improvement', 'Inadequate']
                                   ELSE ['Case File', 'Assessment'] END)
              ORDER BY u.column_name DESC, u.code) AS notes
  FROM unknown_codes u
  JOIN first_seen f ON f.column_name = u.column_name AND f.code = u.code
  GROUP BY u.period_end
),
totals AS (
  SELECT period_end,
         count(*) FILTER (WHERE of_type AND good_or_better) AS good,
         count(*) FILTER (WHERE of_type) AS graded,
         count(*) FILTER (WHERE audit_type IS NULL) AS blank_type
  FROM cohort GROUP BY period_end
)
SELECT p.period_end,
       p.period_start,
       CASE WHEN u.notes IS NULL THEN coalesce(t.good, 0) END AS numerator,
       CASE WHEN u.notes IS NULL THEN coalesce(t.graded, 0) END AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN u.notes IS NOT NULL THEN ref.withheld_reason(u.notes)
            WHEN denominator = 0 THEN 'No graded Assessment audits were completed in the month, so there is no rate to report.' END AS null_reason,
       CASE WHEN t.blank_type > 0
            THEN [t.blank_type::VARCHAR || ' graded audit(s) completed in the month have a blank Audit Type and are left out.']
            ELSE []::VARCHAR[] END AS notes
FROM ref.kpi_periods($as_of) p
LEFT JOIN totals t ON t.period_end = p.period_end
LEFT JOIN unknown_by_period u ON u.period_end = p.period_end
ORDER BY p.period_end
