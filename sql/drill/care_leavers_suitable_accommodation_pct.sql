-- Drill-through for care_leavers_suitable_accommodation_pct: every care leaver with a Suitability
-- of Accommodation in the newest care_leavers extract dated on or before as_of (after the
-- council's code mappings); in_numerator when it is Suitable.
-- Child ids: for the person who queries the warehouse only; never logged or published.
CREATE OR REPLACE MACRO drill.care_leavers_suitable_accommodation_pct(as_of) AS TABLE
SELECT * FROM (
  SELECT child_unique_id,
         allocated_team,
         allocated_worker,
         type_of_accommodation,
         nullif(ref.map_code('suitability_of_accommodation', suitability_of_accommodation), '') AS suitability_of_accommodation,
         lower(ref.map_code('suitability_of_accommodation', suitability_of_accommodation)) = 'suitable' AS in_numerator
  FROM core.care_leavers_at(as_of::DATE))
WHERE suitability_of_accommodation IS NOT NULL
ORDER BY child_unique_id;
