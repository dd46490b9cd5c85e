-- A CIN episode (cohort.cin_episodes) open on on_date that started at least 42 days before it and
-- has no CIN plan on or before it: the children cin_without_plan_6wk counts on that date.
CREATE OR REPLACE MACRO cohort.without_plan_6wk(cin_start_date, cin_closure_date, cin_plan_start_date, on_date) AS
  cin_start_date <= on_date - 42
  AND (cin_closure_date IS NULL OR cin_closure_date > on_date)
  AND (cin_plan_start_date IS NULL OR cin_plan_start_date > on_date);
