-- Drill-through for icpc_within_15wd_pct: every initial child protection conference held in the
-- month ending as_of on a section 47 row with a strategy discussion date, with the working days
-- between the two. (Conferences with a blank strategy discussion date are not in the cohort.)
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.icpc_within_15wd_pct(as_of) AS TABLE
SELECT child_unique_id,
       allocated_team,
       allocated_worker,
       strategy_discussion_initiating_section_47_enquiry_start_date,
       date_of_initial_child_protection_conference,
       working_days,
       within_15_working_days AS in_numerator
FROM cohort.initial_conferences(as_of)
WHERE date_of_initial_child_protection_conference BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
  AND strategy_discussion_initiating_section_47_enquiry_start_date IS NOT NULL
ORDER BY date_of_initial_child_protection_conference, child_unique_id;
