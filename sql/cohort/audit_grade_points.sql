-- The trend points of an audit-grade KPI (the audits of kpi_type completed in the month ending E,
-- cohort.audit_grades): numerator (graded Good or Outstanding), denominator (graded), value; when
-- an audit of the month carries a grade or type the KPI cannot classify, numerator and
-- denominator are null and `withheld` is the reason, naming each code, how many audits carry it,
-- the month the first was completed and the mapping that fixes it; `notes` counts the audits of
-- the month with a blank Audit Type. The KPI adds its own words for an empty month.
CREATE OR REPLACE MACRO cohort.audit_grade_points(as_of, points_after, kpi_type) AS TABLE
WITH relevant AS (
  SELECT completed_date AS completed, audit_type, grade, of_type, type_unknown, good_or_better, grade_unknown
  FROM cohort.audit_grades(as_of, kpi_type)
),
first_seen AS (  -- first completed date (on or before D) of each unknown code among these audits
  SELECT 'grade' AS column_name, lower(grade) AS code, min(completed) AS first_completed
  FROM relevant WHERE grade_unknown AND (of_type OR type_unknown) GROUP BY lower(grade)
  UNION ALL
  SELECT 'audit_type', lower(audit_type), min(completed) FROM relevant WHERE type_unknown GROUP BY lower(audit_type)
),
cohort AS (
  SELECT p.period_end, r.*
  FROM ref.kpi_periods(as_of, points_after) p
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
       CASE WHEN u.notes IS NOT NULL THEN ref.withheld_reason(u.notes) END AS withheld,
       CASE WHEN t.blank_type > 0
            THEN [t.blank_type::VARCHAR || ' graded audit(s) completed in the month have a blank Audit Type and are left out.']
            ELSE []::VARCHAR[] END AS notes
FROM ref.kpi_periods(as_of, points_after) p
LEFT JOIN totals t ON t.period_end = p.period_end
LEFT JOIN unknown_by_period u ON u.period_end = p.period_end;
