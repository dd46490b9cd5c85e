-- The CIN episodes started on or before as_of, for cin_without_plan_6wk and its drill-through, with
-- Case Status after the council's code mappings: unknown_status for a status that is not a known
-- one (it withholds the figure); counts unless the child is looked after or on a child protection
-- plan (a blank status counts).
CREATE OR REPLACE MACRO cohort.cin_episodes(as_of) AS TABLE
SELECT child_unique_id, allocated_worker, allocated_team, cin_start_date, cin_closure_date, cin_plan_start_date, case_status,
       case_status IS NOT NULL AND lower(case_status) NOT IN
         ('looked after child', 'child protection plan', 'child in need plan', 'open assessment', 'closed episode') AS unknown_status,
       coalesce(lower(case_status) NOT IN ('looked after child', 'child protection plan'), true) AS counts
FROM (
  SELECT child_unique_id, allocated_worker, allocated_team, cin_start_date, cin_closure_date, cin_plan_start_date,
         ref.map_code('case_status', case_status) AS case_status
  FROM core.children_in_need_at(as_of::DATE)
  WHERE cin_start_date <= as_of::DATE
);
