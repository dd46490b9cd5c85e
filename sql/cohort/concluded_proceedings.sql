-- Care proceedings concluded on or before as_of, one row per Proceedings ID, for the PLO KPIs and
-- their drill-throughs: issued on the earliest application date of its child rows, concluded on
-- the latest final order, and only once every child row has a final order on or before as_of (a
-- final order dated after as_of has not happened). days: issue to conclusion; within_26_weeks:
-- 182 days or fewer (182 is in, 183 is out).
CREATE OR REPLACE MACRO cohort.concluded_proceedings(as_of) AS TABLE
WITH child_rows AS (
  SELECT proceedings_id, child_unique_id,
         date_application_issued AS issued,
         CASE WHEN date_of_final_order <= as_of::DATE THEN date_of_final_order END AS final_order
  FROM core.care_proceedings_at(as_of::DATE)
  WHERE date_application_issued <= as_of::DATE
)
SELECT proceedings_id,
       list(DISTINCT child_unique_id ORDER BY child_unique_id) AS child_unique_ids,
       min(issued) AS issued,
       max(final_order) AS concluded,
       max(final_order) - min(issued) AS days,
       max(final_order) - min(issued) <= 182 AS within_26_weeks
FROM child_rows
GROUP BY proceedings_id
HAVING count(final_order) = count(*);            -- every child row has a final order
