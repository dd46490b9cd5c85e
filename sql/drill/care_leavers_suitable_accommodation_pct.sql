-- Drill-through for care_leavers_suitable_accommodation_pct: every care leaver with a Suitability
-- of Accommodation in the newest care_leavers extract dated on or before as_of (after the
-- council's code mappings); in_numerator when it is Suitable.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.care_leavers_suitable_accommodation_pct(as_of) AS TABLE
SELECT child_unique_id,
       allocated_team,
       allocated_worker,
       type_of_accommodation,
       suitability_of_accommodation,
       suitable AS in_numerator
FROM cohort.care_leaver_accommodation(as_of)
WHERE suitability_of_accommodation IS NOT NULL
ORDER BY child_unique_id;
