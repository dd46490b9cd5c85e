-- The child protection plans started on or before as_of, for cp_repeat_plan_pct and its
-- drill-through: repeat_plan when Number of Previous Child Protection Plans is 1 or more (null
-- when it is blank: such plans are left out of the rate).
CREATE OR REPLACE MACRO cohort.cp_plans(as_of) AS TABLE
SELECT child_unique_id,
       child_protection_plan_start_date,
       number_of_previous_child_protection_plans,
       number_of_previous_child_protection_plans >= 1 AS repeat_plan
FROM core.child_protection_at(as_of::DATE)
WHERE child_protection_plan_start_date <= as_of::DATE;
