-- The care leavers of the newest care leavers extract dated on or before on_date, for
-- care_leavers_suitable_accommodation_pct and its drill-through: Suitability of Accommodation after
-- the council's code mappings (null when blank), and suitable when it is Suitable.
CREATE OR REPLACE MACRO cohort.care_leaver_accommodation(on_date) AS TABLE
SELECT child_unique_id, allocated_team, allocated_worker, type_of_accommodation,
       nullif(ref.map_code('suitability_of_accommodation', suitability_of_accommodation), '') AS suitability_of_accommodation,
       lower(ref.map_code('suitability_of_accommodation', suitability_of_accommodation)) = 'suitable' AS suitable
FROM core.care_leavers_at(on_date::DATE);
