-- The assessments authorised on or before as_of, for assessments_within_45wd_pct and its
-- drill-through, with the working days from start to authorisation (ref.calendar; null when a date
-- is outside the calendar) and within_45_working_days (45 is in; a date outside the calendar is not).
CREATE OR REPLACE MACRO cohort.authorised_assessments(as_of) AS TABLE
SELECT a.child_unique_id,
       a.continuous_assessment_start_date,
       a.continuous_assessment_date_of_authorisation,
       ce.working_day_index - cs.working_day_index AS working_days,
       coalesce(ce.working_day_index - cs.working_day_index <= 45, false) AS within_45_working_days
FROM core.assessments_at(as_of::DATE) a
LEFT JOIN ref.calendar cs ON cs.date = a.continuous_assessment_start_date
LEFT JOIN ref.calendar ce ON ce.date = a.continuous_assessment_date_of_authorisation
WHERE a.continuous_assessment_date_of_authorisation <= as_of::DATE;
