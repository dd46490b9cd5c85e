-- The improvement plan's figures from plan_now (sql/plan/plan_actions.sql): one row for the whole
-- plan (is_total), then one per area in the order the tracker first lists them.
-- A count is withheld (NULL) when an action it would count cannot be judged (an unknown status,
-- core/plan.ts); slipped is NULL when there is no earlier plan to compare with ($compared false).
-- % complete: ref.div_round1, 1 dp, half away from zero, exact.
SELECT grouping(area) = 1 AS is_total,
       area,
       count(*) AS actions,
       CASE WHEN coalesce(bool_and(complete IS NOT NULL), true) THEN count_if(complete) END AS complete,
       CASE WHEN coalesce(bool_and(overdue IS NOT NULL), true) THEN count_if(overdue) END AS overdue,
       CASE WHEN $compared THEN count_if(slipped_due OR slipped_status) END AS slipped,
       CASE WHEN coalesce(bool_and(complete IS NOT NULL), true) THEN ref.div_round1(100 * count_if(complete), count(*)) END AS pct_complete
FROM plan_now
GROUP BY GROUPING SETS ((area), ())
ORDER BY is_total DESC, min(area_first_line);
