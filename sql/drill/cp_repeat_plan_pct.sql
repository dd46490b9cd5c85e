-- Drill-through for cp_repeat_plan_pct: every CP plan starting in the 12 months ending as_of with
-- Number of Previous Child Protection Plans recorded (plans with it blank are not in the cohort).
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.cp_repeat_plan_pct(as_of) AS TABLE
SELECT c.child_unique_id,
       c.child_protection_plan_start_date,
       c.number_of_previous_child_protection_plans,
       c.repeat_plan AS in_numerator
FROM cohort.cp_plans(as_of) c, ref.kpi_periods(as_of) p
WHERE p.period_end = as_of::DATE
  AND c.child_protection_plan_start_date BETWEEN p.trailing_12m_start AND p.period_end
  AND c.number_of_previous_child_protection_plans IS NOT NULL
ORDER BY c.child_protection_plan_start_date, c.child_unique_id;
