/*---
{
  "id": "cp_repeat_plan_pct",
  "title": "Child protection plans that are repeat plans (%)",
  "summary": "Of the child protection plans that started in the last 12 months, the share for a child who had been on a plan before.",
  "unit": "percent",
  "measure": "percentage",
  "polarity": "lower",
  "target": 20,
  "amber": 25,
  "amber_strict": false,
  "basis": "trailing_12_months",
  "sources": { "case-system/child_protection": ["child_protection_plan_start_date", "number_of_previous_child_protection_plans"] },
  "reuse": { "lists_at_as_of": ["child_protection"], "lists_whole": [], "point_extract_lists": [], "reads_file_list": false, "cutoff_columns": ["child_protection_plan_start_date"] },
  "definition": "CP plans starting in the trailing 12 months ending E with Number of Previous Child Protection Plans recorded: % where it is ≥ 1. Plans with it blank are left out and counted in the figure's notes. Choice: period_start is the first day of the trailing 12 months (the day after E − 12 months, so the window ending 2013-02-28 starts 2012-02-29). Every plan row counts; the recorded count is taken as extracted, not recomputed from earlier plans in the list."
}
---*/
-- Shared with the drill-through (sql/cohort/cp_plans.sql).
WITH plans AS (
  SELECT child_protection_plan_start_date AS started,
         number_of_previous_child_protection_plans AS previous,
         repeat_plan
  FROM cohort.cp_plans($as_of)
)
SELECT p.period_end,
       p.trailing_12m_start AS period_start,
       count(c.started) FILTER (WHERE c.repeat_plan) AS numerator,
       count(c.started) FILTER (WHERE c.previous IS NOT NULL) AS denominator,
       ref.div_round1(100 * numerator, denominator) AS value,
       CASE WHEN denominator = 0 THEN
         CASE WHEN count(c.started) = 0 THEN 'No child protection plans started in the 12 months, so there is no rate to report.'
              ELSE 'Every child protection plan that started in the 12 months has Number of Previous Child Protection Plans blank, so there is no rate to report.' END
       END AS null_reason,
       CASE WHEN count(c.started) FILTER (WHERE c.previous IS NULL) > 0
            THEN [(count(c.started) FILTER (WHERE c.previous IS NULL))::VARCHAR
                  || ' plan(s) starting in the 12 months have Number of Previous Child Protection Plans blank and are left out.']
            ELSE []::VARCHAR[] END AS notes
FROM ref.kpi_periods($as_of, $points_after) p
LEFT JOIN plans c ON c.started BETWEEN p.trailing_12m_start AND p.period_end
GROUP BY p.period_end, p.trailing_12m_start
ORDER BY p.period_end
