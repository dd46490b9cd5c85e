-- Drill-through for icpc_within_15wd_pct: every initial child protection conference held in the
-- month ending as_of on a section 47 row with a strategy discussion date, with the working days
-- between the two. (Conferences with a blank strategy discussion date are not in the cohort.)
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.icpc_within_15wd_pct(as_of) AS TABLE
SELECT s.child_unique_id,
       s.allocated_team,
       s.allocated_worker,
       s.strategy_discussion_initiating_section_47_enquiry_start_date,
       s.date_of_initial_child_protection_conference,
       ce.working_day_index - cs.working_day_index AS working_days,
       coalesce(ce.working_day_index - cs.working_day_index <= 15, false) AS in_numerator
FROM core.section_47_at(as_of::DATE) s
LEFT JOIN ref.calendar cs ON cs.date = s.strategy_discussion_initiating_section_47_enquiry_start_date
LEFT JOIN ref.calendar ce ON ce.date = s.date_of_initial_child_protection_conference
WHERE s.date_of_initial_child_protection_conference BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
  AND s.strategy_discussion_initiating_section_47_enquiry_start_date IS NOT NULL
ORDER BY s.date_of_initial_child_protection_conference, s.child_unique_id;
