-- Drill-through for care_leavers_eet_pct: every care leaver with an Activity Status in the newest
-- care_leavers extract dated on or before as_of; in_numerator when the status, without its
-- lettered Annex A prefix, starts with F.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.care_leavers_eet_pct(as_of) AS TABLE
SELECT child_unique_id,
       allocated_team,
       allocated_worker,
       activity_status,
       in_eet AS in_numerator
FROM cohort.care_leaver_activity(as_of)
WHERE activity IS NOT NULL
ORDER BY child_unique_id;
