-- The initial child protection conferences in tonight's section 47 extract as of as_of (rows with a
-- conference date), for icpc_within_15wd_pct and its drill-through, with the working days from the
-- strategy discussion (ref.calendar; null when a date is outside the calendar or the strategy
-- discussion date is blank) and within_15_working_days (15 is in).
CREATE OR REPLACE MACRO cohort.initial_conferences(as_of) AS TABLE
SELECT s.child_unique_id,
       s.allocated_team,
       s.allocated_worker,
       s.strategy_discussion_initiating_section_47_enquiry_start_date,
       s.date_of_initial_child_protection_conference,
       ce.working_day_index - cs.working_day_index AS working_days,
       coalesce(ce.working_day_index - cs.working_day_index <= 15, false) AS within_15_working_days
FROM core.section_47_at(as_of::DATE) s
LEFT JOIN ref.calendar cs ON cs.date = s.strategy_discussion_initiating_section_47_enquiry_start_date
LEFT JOIN ref.calendar ce ON ce.date = s.date_of_initial_child_protection_conference
WHERE s.date_of_initial_child_protection_conference IS NOT NULL;
