-- Drill-through for cin_without_plan_6wk: every CIN episode open at as_of that started at least
-- 42 days before it and has no CIN plan on or before it; in_numerator when its Case Status (after
-- the code mappings) is not Looked after child or Child Protection plan — the children a manager
-- acts on. status_known is false for a status the KPI cannot classify (it withholds the figure).
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.cin_without_plan_6wk(as_of) AS TABLE
SELECT child_unique_id,
       allocated_worker,
       allocated_team,
       cin_start_date,
       as_of::DATE - cin_start_date AS days_open,
       cin_plan_start_date,
       case_status,
       NOT unknown_status AS status_known,
       counts AS in_numerator
FROM cohort.cin_episodes(as_of)
WHERE cohort.without_plan_6wk(cin_start_date, cin_closure_date, cin_plan_start_date, as_of::DATE)
ORDER BY cin_start_date, child_unique_id;
