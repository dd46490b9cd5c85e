-- Drill-through for assessments_within_45wd_pct: every assessment authorised in the month ending
-- as_of, with its start and authorisation dates and the working days between them.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.assessments_within_45wd_pct(as_of) AS TABLE
SELECT a.child_unique_id,
       a.continuous_assessment_start_date,
       a.continuous_assessment_date_of_authorisation,
       ce.working_day_index - cs.working_day_index AS working_days,
       coalesce(ce.working_day_index - cs.working_day_index <= 45, false) AS in_numerator
FROM core.assessments_at(as_of::DATE) a
LEFT JOIN ref.calendar cs ON cs.date = a.continuous_assessment_start_date
LEFT JOIN ref.calendar ce ON ce.date = a.continuous_assessment_date_of_authorisation
WHERE a.continuous_assessment_date_of_authorisation BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
ORDER BY a.continuous_assessment_date_of_authorisation, a.child_unique_id;
