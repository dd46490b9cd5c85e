-- Drill-through for cla_3plus_placements_pct: every child looked after at as_of with a recorded
-- Number of Placements in the Last 12 months (one row per child: the highest count on their rows
-- open at as_of; children whose every open row is blank are not in the cohort).
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.cla_3plus_placements_pct(as_of) AS TABLE
SELECT child_unique_id,
       min(date_started_to_be_looked_after) AS date_started_to_be_looked_after,
       any_value(allocated_team) AS allocated_team,
       any_value(allocated_worker) AS allocated_worker,
       max(number_of_placements_in_the_last_12_months) AS number_of_placements_in_the_last_12_months,
       max(number_of_placements_in_the_last_12_months) >= 3 AS in_numerator
FROM core.children_looked_after_at(as_of::DATE)
WHERE cohort.open_at(date_started_to_be_looked_after, date_ceased_to_be_looked_after, as_of::DATE)
GROUP BY child_unique_id
HAVING max(number_of_placements_in_the_last_12_months) IS NOT NULL
ORDER BY child_unique_id;
