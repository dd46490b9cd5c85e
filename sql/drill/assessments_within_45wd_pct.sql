-- Drill-through for assessments_within_45wd_pct: every assessment authorised in the month ending
-- as_of, with its start and authorisation dates and the working days between them.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.assessments_within_45wd_pct(as_of) AS TABLE
SELECT child_unique_id,
       continuous_assessment_start_date,
       continuous_assessment_date_of_authorisation,
       working_days,
       within_45_working_days AS in_numerator
FROM cohort.authorised_assessments(as_of)
WHERE continuous_assessment_date_of_authorisation BETWEEN date_trunc('month', as_of::DATE)::DATE AND as_of::DATE
ORDER BY continuous_assessment_date_of_authorisation, child_unique_id;
