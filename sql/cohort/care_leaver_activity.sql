-- The care leavers of the newest care leavers extract dated on or before on_date, for
-- care_leavers_eet_pct and its drill-through: Activity Status without its lettered Annex A prefix
-- (null when blank), and in_eet when it starts with F (education, employment or training).
CREATE OR REPLACE MACRO cohort.care_leaver_activity(on_date) AS TABLE
SELECT child_unique_id, allocated_team, allocated_worker, activity_status,
       nullif(ref.without_letter_prefix(activity_status), '') AS activity,
       upper(ref.without_letter_prefix(activity_status)) LIKE 'F%' AS in_eet
FROM core.care_leavers_at(on_date::DATE);
